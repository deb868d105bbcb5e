"""Exports of a review session: Markdown for an editor, CSV, JSON, and schema.org ClaimReview JSON-LD.

In every export the analyst's override wins over the machine verdict, and every claim says
whether a person reviewed it (who and when) or whether its verdict is the machine's alone.

ClaimReview follows Google's fact-check structured data: each claim gives one ClaimReview
with `claimReviewed`, `reviewRating` (a Rating with `ratingValue`, `bestRating`,
`worstRating`, `alternateName`, `ratingExplanation`), `url` (the page that will publish the
fact check, with an anchor per claim), `author`, `datePublished`, and `itemReviewed` (a
Claim with `appearance`, the article, and `datePublished`). The numeric scale is ours and
documented in RATINGS: 1 false, 3 mixed or undetermined, 5 true; `alternateName` carries
the verdict in words, which is what search engines show.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime
from typing import Any

from factcheck.errors import InputError
from factcheck.report import BADGE, attribution, md_link
from factcheck.sessions import ReviewedClaim, Session

FORMATS = ("markdown", "csv", "json", "claimreview")

BEST_RATING, WORST_RATING = 5, 1
RATINGS: dict[str, tuple[int, str]] = {
    "SUPPORTED": (5, "True"),
    "PARTLY_SUPPORTED": (3, "Partly true"),
    "CONFLICTING": (3, "Conflicting sources"),
    "NOT_ENOUGH_INFO": (3, "Unproven"),
    "REFUTED": (1, "False"),
}
"""Verdict -> (ratingValue on the 1-5 scale, alternateName). 3 is "neither shown true nor false"."""

CSV_FIELDS = (
    "number",
    "claim",
    "kind",
    "final_verdict",
    "machine_verdict",
    "confidence",
    "decision",
    "reviewed",
    "reviewed_by",
    "reviewed_at",
    "override_reason",
    "note",
    "attribution",
    "origin",
    "evidence",
)


def review_status(c: ReviewedClaim) -> str:
    """One line on who stands behind the verdict: a named analyst, or the machine alone."""
    if c.decision == "overridden":
        head = f"overridden by {c.reviewed_by or 'an analyst'} (machine said {c.machine_label})"
    elif c.decision == "accepted":
        head = f"machine verdict accepted by {c.reviewed_by or 'an analyst'}"
    elif c.reviewed:
        head = f"reviewed by {c.reviewed_by}"
    else:
        return "machine verdict, not reviewed by a person"
    when = f" on {c.reviewed_at[:10]}" if c.reviewed_at else ""
    return head + when


def _evidence_line(c: ReviewedClaim, limit: int = 3) -> list[str]:
    shown = c.shown_evidence()
    speaking = [(i, e) for i, e in shown if i in c.pinned or str(e.stance) != "neutral"]
    return [
        " ".join(
            p
            for p in (
                f"- *{e.stance}*{' (pinned)' if i in c.pinned else ''}:",
                md_link(e.title, e.url) + ",",
                (e.publisher + ",") if e.publisher else "",
                (e.published.isoformat() if e.published else "n.d.") + ":",
                e.reason,
            )
            if p
        )
        for i, e in speaking[:limit]
    ]


def to_markdown(session: Session) -> str:
    """A report for an editor: the verdict that counts for each claim, who reviewed it, why, and the evidence."""
    s = session
    lines = [f"# {s.title or s.name}", ""]
    meta = [
        f"Session *{s.name}*",
        f"article published {s.published.isoformat()}" if s.published else "",
        f"language {s.language}",
        f"{s.reviewed} of {len(s.claims)} claims reviewed by a person",
    ]
    lines += [" · ".join(p for p in meta if p), ""]
    if s.url:
        lines += [f"Article: {md_link(s.url, s.url)}", ""]
    counts = ", ".join(f"{BADGE[k]}: {n}" for k, n in s.counts().items() if n)
    if counts:
        lines += [f"Verdicts: {counts}", ""]
    if not s.claims:
        lines.append("This session has no claims.")
    for n, c in enumerate(s.claims, 1):
        v = c.verdict
        lines += [
            f"## {n}. {c.text}",
            "",
            " · ".join(
                p
                for p in (
                    f"**{BADGE[str(c.label)]}**",
                    f"claim #{c.number}",
                    review_status(c),
                    f"machine confidence {v.confidence:.0%}",
                    attribution(v.claim),
                )
                if p
            ),
            "",
        ]
        if c.decision == "overridden":
            lines += [f"**Why the analyst changed the verdict:** {c.reason}", ""]
        lines += [f"Machine rationale: {v.rationale}", ""]
        if c.note:
            lines += [f"**Note:** {c.note}", ""]
        evidence = _evidence_line(c)
        if evidence:
            lines += [*evidence, ""]
    return "\n".join(lines).rstrip() + "\n"


def to_rows(session: Session) -> list[dict[str, Any]]:
    """One flat row per claim (the CSV's), final verdict first."""
    rows = []
    for c in session.claims:
        rows.append(
            {
                "number": c.number,
                "claim": c.text,
                "kind": c.verdict.claim.kind,
                "final_verdict": str(c.label),
                "machine_verdict": str(c.machine_label),
                "confidence": round(c.verdict.confidence, 3),
                "decision": c.decision,
                "reviewed": "yes" if c.reviewed else "no",
                "reviewed_by": c.reviewed_by,
                "reviewed_at": c.reviewed_at or "",
                "override_reason": c.reason,
                "note": c.note,
                "attribution": attribution(c.verdict.claim),
                "origin": c.origin,
                "evidence": " | ".join(
                    f"{e.stance}: {e.url or e.source_id}"
                    for i, e in c.shown_evidence()
                    if i in c.pinned or str(e.stance) != "neutral"
                ),
            }
        )
    return rows


def to_csv(session: Session) -> str:
    """CSV with a header and one row per claim; spreadsheet formula characters are neutralised."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in to_rows(session):
        writer.writerow({k: _no_formula(v) for k, v in row.items()})
    return out.getvalue()


def _no_formula(value: Any) -> Any:
    """A cell a spreadsheet will not run: text starting with = + - @ gets a leading quote (OWASP CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_json(session: Session) -> dict[str, Any]:
    """The whole session: article, claims (machine verdict, decision, final verdict) and the audit trail."""
    data = session.to_dict()
    data["format"] = "factcheck-session/1"
    data["reviewed"] = session.reviewed
    for c, claim in zip(session.claims, data["claims"], strict=True):
        claim["review_status"] = review_status(c)
    return data


def to_claimreview(
    session: Session,
    page_url: str,
    *,
    publisher: str = "factcheck",
    published: date | None = None,
) -> list[dict[str, Any]]:
    """One schema.org ClaimReview per claim, as Google's fact-check documentation describes.

    Args:
        session: the reviewed session.
        page_url: the http(s) address of the page that will publish this fact check; each
            claim's review gets this address with an anchor (#claim-N).
        publisher: the organisation publishing the fact check (the author when no person
            reviewed the claim).
        published: the fact check's publication date (default: today, UTC).

    Raises:
        InputError: if page_url is not an http(s) address.
    """
    if not re.match(r"^https?://[^\s#]+$", page_url or ""):
        raise InputError(
            "ClaimReview needs the http(s) address of the page that will publish the fact check "
            f"(got {page_url!r}); give it with --url or in the export form."
        )
    when = (published or datetime.now(UTC).date()).isoformat()
    org = {"@type": "Organization", "name": publisher}
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if session.url:
        appearance["url"] = session.url
    if session.title:
        appearance["headline"] = session.title
    if session.published:
        appearance["datePublished"] = session.published.isoformat()
    out = []
    for c in session.claims:
        value, name = RATINGS[str(c.label)]
        claim = c.verdict.claim
        item: dict[str, Any] = {"@type": "Claim", "appearance": appearance}
        if session.published:
            item["datePublished"] = session.published.isoformat()
        who = claim.speaker or claim.source
        if who:
            item["author"] = {"@type": "Person" if claim.speaker else "Organization", "name": who}
        explanation = c.reason if c.decision == "overridden" else c.verdict.rationale
        status = review_status(c)
        out.append(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "url": f"{page_url}#claim-{c.number}",
                "claimReviewed": claim.text,
                "author": {"@type": "Person", "name": c.reviewed_by} if c.reviewed and c.reviewed_by else org,
                "publisher": org,
                "datePublished": when,
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": value,
                    "bestRating": BEST_RATING,
                    "worstRating": WORST_RATING,
                    "alternateName": name,
                    "ratingExplanation": f"{explanation} ({status}.)",
                },
                "itemReviewed": item,
            }
        )
    return out


def export(session: Session, fmt: str, *, page_url: str = "", publisher: str = "factcheck") -> str:
    """The session in one of FORMATS, as text ready to write to a file.

    Raises:
        InputError: for an unknown format, or claimreview without a page address.
    """
    if fmt == "markdown":
        return to_markdown(session)
    if fmt == "csv":
        return to_csv(session)
    if fmt == "json":
        return json.dumps(to_json(session), ensure_ascii=False, indent=2) + "\n"
    if fmt == "claimreview":
        return json.dumps(to_claimreview(session, page_url, publisher=publisher), ensure_ascii=False, indent=2) + "\n"
    raise InputError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")
