"""Review page: one session's claims with their verdicts and evidence; accept, override, annotate, export."""

from __future__ import annotations

import json

import streamlit as st

from factcheck import FactCheckError
from factcheck.exports import export, review_status
from factcheck.report import (
    BADGE,
    LABEL_ORDER,
    REVIEW_STATES,
    attribution,
    claim_parts,
    escape_markdown,
    filter_claims,
    highlight,
    md_link,
    source_names,
    verdict_chart,
)
from factcheck.sessions import ReviewedClaim, Session
from pages.common import (
    JUDGE_NAMES,
    STANCE_MARK,
    act,
    analyst,
    evidence_header,
    flash,
    show_flash,
    sidebar,
    store,
    verify_one,
)

sidebar()
st.title("📝 Review")
show_flash()

names = [s.name for s in store().list()]
if not names:
    st.info("No sessions yet: start one on the **Sessions** page.")
    st.page_link("pages/sessions.py", label="Go to Sessions", icon="🗂️")
    st.stop()

# Bound to the URL (?session=NAME): a reload or a shared link opens the same session.
chosen = st.selectbox(
    "Session", names, index=None, key="session", bind="query-params", placeholder="Choose a session to review"
)
if chosen is None:
    st.info("Choose a session above, or start one on the **Sessions** page.")
    st.stop()
NAME = chosen
session: Session = store().get(NAME)
can_edit = bool(analyst())
if not can_edit:
    st.warning("Enter your name in the sidebar to review: every change is signed.")


def _checked(key: str, empty: str):
    """The verdict on the claim typed in widget `key`, or None after telling the analyst why not."""
    text = str(st.session_state.get(key) or "").strip()
    if not text:
        flash(empty, "error")
        return None
    try:
        return verify_one(text, session.language, session.published)
    except FactCheckError as exc:
        flash(str(exc), "error")
        return None


def recheck(number: int) -> None:
    verdict = _checked(f"edit-{number}", "A claim cannot be empty.")
    if verdict is not None:
        act(store().edit_claim, NAME, number, verdict, ok=f"Claim {number} re-checked: {BADGE[str(verdict.label)]}.")


def add_claim() -> None:
    verdict = _checked("new_claim", "Write the claim to add.")
    if verdict is None:
        return
    if act(store().add_claim, NAME, verdict, ok=f"Claim added and checked: {BADGE[str(verdict.label)]}."):
        st.session_state.new_claim = ""


def override(number: int) -> None:
    label = st.session_state.get(f"label-{number}")
    reason = str(st.session_state.get(f"reason-{number}") or "")
    if act(store().override, NAME, number, label, reason, ok=f"Claim {number}: verdict overridden."):
        st.session_state[f"reason-{number}"] = ""


def save_note(number: int) -> None:
    act(store().note, NAME, number, str(st.session_state.get(f"note-{number}") or ""), ok="Note saved.")


def audit_table(entries: list) -> None:
    if not entries:
        st.caption("No changes yet.")
        return
    st.dataframe(
        [
            {
                "when (UTC)": a.at.replace("T", " ")[:19],
                "analyst": a.analyst,
                "action": a.action,
                "claim": a.claim_number,
                "before": json.dumps(a.before, ensure_ascii=False) if a.before is not None else "",
                "after": json.dumps(a.after, ensure_ascii=False) if a.after is not None else "",
            }
            for a in entries
        ],
        hide_index=True,
        width="stretch",
    )


def show_evidence(c: ReviewedClaim) -> None:
    n = c.number
    shown = c.shown_evidence()
    names = list(c.verdict.claim.entities) if c.verdict.claim.kind in ("organisations", "place") else []
    if not shown:
        st.caption("No evidence passage is shown (all dismissed, or none was found).")
    for i, e in shown:
        st.markdown(evidence_header(e, pinned=i in c.pinned))
        st.markdown(
            # The figure the passage was compared on, or for name claims the names themselves.
            f"{escape_markdown(e.reason)}. “{highlight(e.sentence or e.text, [e.found.text] if e.found else names)}”"
        )
        score = f"retrieval score {e.score:.2f}"
        if str(e.stance) != "neutral":
            score += f" · read by the {JUDGE_NAMES.get(e.judge, e.judge)}, stance score {e.stance_score:.2f}"
        st.caption(score)
        if e.copies:
            st.caption("Same story also published by: " + escape_markdown("; ".join(e.copies)))
        a, b, _ = st.columns([1, 1, 4])
        if i in c.pinned:
            a.button(
                "Unpin", key=f"unpin-{n}-{i}", on_click=act, args=(store().restore, NAME, n, i), disabled=not can_edit
            )
        else:
            a.button("📌 Pin", key=f"pin-{n}-{i}", on_click=act, args=(store().pin, NAME, n, i), disabled=not can_edit)
        b.button(
            "Dismiss", key=f"dismiss-{n}-{i}", on_click=act, args=(store().dismiss, NAME, n, i), disabled=not can_edit
        )
    if c.dismissed:
        st.caption(f"{len(c.dismissed)} dismissed passage(s):")
        for i in c.dismissed:
            e = c.verdict.evidence[i]
            a, b = st.columns([5, 1])
            a.markdown(f"~~{md_strike(e.title)}~~ · {STANCE_MARK[str(e.stance)]}")
            b.button(
                "Restore",
                key=f"restore-{n}-{i}",
                on_click=act,
                args=(store().restore, NAME, n, i),
                disabled=not can_edit,
            )


def md_strike(text: str) -> str:
    return escape_markdown(text or "untitled")


def claim_card(c: ReviewedClaim) -> None:
    n = c.number
    v = c.verdict
    with st.container(border=True, key=f"claim-{n}"):
        head = f"**{BADGE[str(c.label)]}** · claim {n} · {escape_markdown(review_status(c))}"
        if c.origin == "added":
            head += " · added by an analyst"
        st.markdown(head)
        st.markdown(f"> {highlight(c.text, claim_parts(v))}")
        if said := attribution(v.claim):
            st.caption(escape_markdown(said))
        st.caption(f"Machine: {BADGE[str(v.label)]}, confidence {v.confidence:.0%} · {escape_markdown(v.rationale)}")
        if c.decision == "overridden":
            st.markdown(f"**Override reason:** {escape_markdown(c.reason)}")
        if c.note:
            st.markdown(f"**Note:** {escape_markdown(c.note)}")
        a, b, d = st.columns([1, 1, 2])
        a.button("✔ Accept", key=f"accept-{n}", on_click=act, args=(store().accept, NAME, n), disabled=not can_edit)
        b.toggle(
            "Reviewed",
            value=c.reviewed,
            key=f"reviewed-{n}-{c.reviewed}",
            on_change=lambda n=n, now=c.reviewed: act(store().set_reviewed, NAME, n, not now),
            disabled=not can_edit,
        )
        with d.expander("Override the verdict"):
            st.radio(
                "Your verdict",
                LABEL_ORDER,
                format_func=lambda k: BADGE[k],
                key=f"label-{n}",
                index=LABEL_ORDER.index(str(c.label)),
                horizontal=True,
            )
            st.text_area("Reason (required)", key=f"reason-{n}", height=80)
            st.button("Save override", key=f"override-{n}", on_click=override, args=(n,), disabled=not can_edit)
        with st.expander(f"Evidence ({len(c.shown_evidence())} shown of {len(v.evidence)})"):
            show_evidence(c)
        with st.expander("Note, edit, delete"):
            st.text_area("Note", value=c.note, key=f"note-{n}", height=70)
            st.button("Save note", key=f"save-note-{n}", on_click=save_note, args=(n,), disabled=not can_edit)
            st.text_input("Correct the claim's text, then re-check it", value=c.text, key=f"edit-{n}")
            st.button("Re-check", key=f"recheck-{n}", on_click=recheck, args=(n,), disabled=not can_edit)
            st.button(
                "Delete this claim",
                key=f"delete-claim-{n}",
                on_click=act,
                args=(store().delete_claim, NAME, n),
                kwargs={"ok": f"Claim {n} deleted."},
                disabled=not can_edit,
            )
        with st.expander("Audit trail"):
            audit_table(session.audit_of(n))


# --- header: the article and where the review stands ---------------------------------------------
st.subheader(escape_markdown(session.title or session.name))
meta = [session.language, f"published {session.published}" if session.published else "date unknown"]
st.caption(" · ".join(meta) + (f" · {md_link('article', session.url)}" if session.url else ""))
total = len(session.claims)
left, right = st.columns([2, 3])
left.metric("Claims reviewed", f"{session.reviewed} / {total}")
left.progress(session.reviewed / total if total else 1.0)
rows, spec = verdict_chart(session.counts())
right.vega_lite_chart(rows, spec, height=170, width="stretch", theme=None)  # its theme hides zero rows

with st.expander("The article"):
    st.text(session.article)

# --- filters ------------------------------------------------------------------------------------
f1, f2, f3, f4 = st.columns(4)
verdicts = f1.multiselect("Verdict", LABEL_ORDER, format_func=lambda k: BADGE[k], key="f_verdict")
stances = f2.multiselect("Evidence stance", list(STANCE_MARK), format_func=STANCE_MARK.get, key="f_stance")
review = f3.radio("Review state", REVIEW_STATES, horizontal=True, key="f_review")
sources = f4.multiselect("Source", source_names(session.claims), key="f_source")
shown = filter_claims(session.claims, verdicts=verdicts, stances=stances, review=review, sources=sources)

if not session.claims:
    st.warning("This session has no claims: add one below.")
elif not shown:
    st.info("No claim matches these filters.")
for c in shown:
    claim_card(c)

with st.expander("➕ Add a claim the extractor missed"):
    st.text_input("Claim", key="new_claim", placeholder="Write the claim as a full sentence.")
    st.button("Check and add", key="add-claim", on_click=add_claim, disabled=not can_edit)

with st.expander("Session audit trail"):
    audit_table(list(session.audit))

# --- exports ------------------------------------------------------------------------------------
st.subheader("Export")
st.caption(
    "Overrides win in every export, and each claim says whether a person reviewed it. "
    "ClaimReview needs the address of the page that will publish the fact check."
)
u, p = st.columns([3, 1])
page_url = u.text_input("Fact-check page URL", key="page_url", placeholder="https://…/your-fact-check")
publisher = p.text_input("Publisher", value="factcheck", key="publisher")
cols = st.columns(4)
for col, (fmt, label, ext, mime) in zip(
    cols,
    [
        ("markdown", "Markdown report", "md", "text/markdown"),
        ("csv", "CSV", "csv", "text/csv"),
        ("json", "JSON", "json", "application/json"),
        ("claimreview", "ClaimReview JSON-LD", "jsonld", "application/ld+json"),
    ],
    strict=True,
):
    try:
        data = export(session, fmt, page_url=page_url.strip(), publisher=publisher.strip() or "factcheck")
    except FactCheckError as exc:
        col.button(f"⬇ {label}", disabled=True, key=f"export-{fmt}-off", help=str(exc))
        continue
    col.download_button(f"⬇ {label}", data, file_name=f"{session.name}.{ext}", mime=mime, key=f"export-{fmt}")
