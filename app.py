"""Streamlit page: paste or upload an article, see each claim with its verdict and evidence.

Widgets and layout only; every decision is made in the factcheck package.
"""

from __future__ import annotations

from collections import Counter

import streamlit as st

from factcheck import FactChecker, FactCheckError, Label, Settings, read_article
from factcheck.config import SAMPLES_DIR
from factcheck.report import BADGE, attribution, claim_parts, highlight, to_markdown

STANCE_MARK = {"supports": "🟢 supports", "refutes": "🔴 contradicts", "neutral": "⚪ neutral"}
LABEL_ORDER = [str(label) for label in Label]

st.set_page_config(page_title="factcheck", page_icon="🔎", layout="wide")


@st.cache_resource(show_spinner=False)
def get_checker() -> FactChecker:
    return FactChecker(Settings())


def ensure_index(checker: FactChecker) -> None:
    if st.session_state.get("index_ready"):
        return
    bar = st.progress(0.0, text="Checking the reference index…")
    report = checker.ensure_index(
        lambda done, total, what: bar.progress(done / total if total else 1.0, text=f"Indexing sources: {done}/{total}")
    )
    bar.empty()
    if report is not None:
        st.toast(f"Index updated: {report.added} added, {report.updated} updated, {report.removed} removed.")
    st.session_state.index_ready = True


def load_sample(name: str) -> None:
    st.session_state.article_text = (SAMPLES_DIR / name).read_text(encoding="utf-8")
    st.session_state.pop("results", None)


JUDGE_NAMES = {
    "comparator": "figure/date/list comparator",
    "model": "trained stance model",
    "nli": "NLI model",
    "llm": "language model",
}


def show_evidence(verdict) -> None:
    speaking = [e for e in verdict.evidence if str(e.stance) != "neutral"]
    shown = speaking or list(verdict.evidence[:2])
    for e in shown:
        when = e.published.isoformat() if e.published else "n.d."
        later = " · *published after the article: context only*" if e.later else ""
        st.markdown(
            f"{STANCE_MARK[str(e.stance)]}{' (in part)' if e.partial else ''} · "
            f"**[{e.title}]({e.url})** · {e.publisher} · {when}{later}"
        )
        st.markdown(f"{e.reason}. “{highlight(e.sentence or e.text, [e.found.text] if e.found else [])}”")
        if str(e.stance) != "neutral":
            reader = JUDGE_NAMES.get(e.judge, e.judge)
            st.caption(f"read by the {reader}, score {e.stance_score:.2f} (share of such readings that were right)")
        if e.copies:
            st.caption("Same story also published by: " + "; ".join(e.copies))


checker = get_checker()
st.title("🔎 factcheck")
st.caption("Check the claims of a French or English news article against the reference sources.")

with st.sidebar:
    st.header("Article")
    st.button("Sample: Colossus (français)", on_click=load_sample, args=("colossus-fr.md",), key="sample_fr")
    st.button("Sample: Colossus (English)", on_click=load_sample, args=("colossus-en.md",), key="sample_en")
    upload = st.file_uploader("Or upload a .txt or .md file", type=["txt", "md"])
    st.divider()
    st.caption(f"Embedder: `{checker.settings.embedder}` · corpus: `{checker.settings.corpus_dir.name}/`")

text = st.text_area("Article text", key="article_text", height=220, placeholder="Paste a news article here…")
go = st.button("Check claims", type="primary", key="check")

if go:
    try:
        article = read_article(upload.getvalue(), upload.name) if upload else read_article(text, "the pasted text")
        ensure_index(checker)
        claims = checker.extract(article)
        bar = st.progress(0.0, text=f"Checking {len(claims)} claims…")
        verdicts = []
        for i, claim in enumerate(claims):
            verdicts.append(checker.check_claim(claim, article.published))
            bar.progress((i + 1) / len(claims), text=f"Checked {i + 1} of {len(claims)} claims")
        bar.empty()
        st.session_state.results = (article, verdicts)
    except FactCheckError as exc:
        st.session_state.pop("results", None)
        st.error(str(exc))

if "results" not in st.session_state:
    if not go:
        st.info("Paste an article, upload a file or pick a sample in the sidebar, then press **Check claims**.")
else:
    article, verdicts = st.session_state.results
    if not verdicts:
        st.warning(
            "No check-worthy claims found: nothing in this text gives a number, a date, a quote or a named fact."
        )
    else:
        counts = Counter(str(v.label) for v in verdicts)
        left, right = st.columns([2, 3])
        left.metric("Claims checked", len(verdicts))
        left.caption(f"Language: {article.language} · article date: {article.published or 'unknown'}")
        right.bar_chart({BADGE[k]: [counts.get(k, 0)] for k in LABEL_ORDER}, horizontal=True, height=180)
        for v in verdicts:
            with st.container(border=True):
                st.markdown(f"**{BADGE[str(v.label)]}** · confidence {v.confidence:.0%} · `{v.claim.kind}`")
                st.markdown(f"> {highlight(v.claim.text, claim_parts(v))}")
                if said := attribution(v.claim):
                    st.caption(said)
                st.write(v.rationale)
                with st.expander(f"Evidence ({len(v.evidence)} passages)"):
                    show_evidence(v)
        st.download_button(
            "Download report (Markdown)",
            to_markdown(verdicts, title=article.title or "Fact-check report"),
            file_name="factcheck-report.md",
        )
