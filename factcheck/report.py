"""Render checked claims for people (Markdown) and programs (JSON)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from factcheck.types import Claim, Label, Verdict

BADGE = {
    "SUPPORTED": "✅ supported",
    "PARTLY_SUPPORTED": "🟡 partly supported",
    "REFUTED": "❌ refuted",
    "CONFLICTING": "⚖️ conflicting",
    "NOT_ENOUGH_INFO": "❔ not enough info",
}


LABEL_ORDER = [str(label) for label in Label]
"""Verdicts in one fixed order everywhere (chart, counts, filters): the order of Label."""

LABEL_COLOURS = {
    "SUPPORTED": "#2e7d32",
    "REFUTED": "#c62828",
    "PARTLY_SUPPORTED": "#f9a825",
    "CONFLICTING": "#6a1b9a",
    "NOT_ENOUGH_INFO": "#9e9e9e",
}
"""Fixed, meaningful colours: green supported, red refuted, amber partly, purple conflicting, grey unknown."""

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$:&])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])")


def escape_markdown(text: str) -> str:
    """Text that Markdown (and Streamlit's extensions: LaTeX `$`, `:emoji:`, `:red[...]`) shows as typed.

    Why: evidence comes from sources and articles nobody vetted; a passage must not be able to
    draw links, images, HTML, headings or colours in the analyst's page. Line breaks become
    spaces, so a passage cannot start a list or a heading mid-way.
    """
    flat = re.sub(r"\s+", " ", text)
    out = _MD_SPECIAL.sub(r"\\\1", flat)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), out)


def highlight(text: str, parts: Sequence[str]) -> str:
    """Markdown text with each of parts made bold where it first occurs: the figures being compared.

    The text is escaped first (escape_markdown), so an article's asterisks, links or HTML
    cannot break the emphasis or inject anything.
    """
    out = escape_markdown(text)
    for part in sorted({p for p in parts if p}, key=len, reverse=True):
        escaped = escape_markdown(part)
        at = out.find(escaped)
        if at >= 0 and not out[max(0, at - 2) : at].endswith("**"):
            out = f"{out[:at]}**{escaped}**{out[at + len(escaped) :]}"
    return out


def md_link(title: str, url: str) -> str:
    """A Markdown link with an escaped title; only http(s) addresses become links (no javascript:)."""
    label = escape_markdown(title or url or "untitled")
    if not re.match(r"^https?://[^\s]+$", url or ""):
        return label
    safe = url.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return f"[{label}]({safe})"


def verdict_chart(counts: dict[str, int]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows and a Vega-Lite spec for the verdict bar chart, in fixed order and colours.

    Every label has a bar (zero included), so the same colour always sits in the same place.
    """
    rows = [{"verdict": BADGE[k], "label": k, "claims": int(counts.get(k, 0))} for k in LABEL_ORDER]
    spec = {
        "mark": {"type": "bar"},
        "encoding": {
            "y": {
                "field": "verdict",
                "type": "nominal",
                "sort": [BADGE[k] for k in LABEL_ORDER],
                "scale": {"domain": [BADGE[k] for k in LABEL_ORDER]},
                "title": None,
            },
            "x": {"field": "claims", "type": "quantitative", "title": "claims", "axis": {"tickMinStep": 1}},
            "color": {
                "field": "label",
                "type": "nominal",
                "scale": {"domain": LABEL_ORDER, "range": [LABEL_COLOURS[k] for k in LABEL_ORDER]},
                "legend": None,
            },
        },
    }
    return rows, spec


def attribution(claim: Claim) -> str:
    """Who the article puts a claim in the mouth of, for a caption: "" when nobody."""
    parts = [
        f"attributed to {claim.source}" if claim.source else "",
        f"speaker: {claim.speaker}" if claim.speaker else "",
    ]
    return " · ".join(p for p in parts if p)


def claim_parts(verdict: Verdict) -> list[str]:
    """The words of a claim that its evidence was compared on: its figures, or its names for lists."""
    return [q.text for q in verdict.claim.quantities] or (
        list(verdict.claim.entities) if verdict.claim.kind in ("organisations", "place") else []
    )


def to_json(language: str, verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """The `check` contract: {"language": ..., "claims": [CHECKED, ...]}."""
    return {"language": language, "claims": [v.to_dict() for v in verdicts]}


def to_markdown(verdicts: Sequence[Verdict], title: str = "Fact-check report", evidence_per_claim: int = 3) -> str:
    """A report an analyst can paste into a note: one section per claim with its best evidence."""
    lines = [f"# {title}", ""]
    if not verdicts:
        lines.append("No check-worthy claims were found.")
    for n, v in enumerate(verdicts, 1):
        lines += [
            f"## {n}. {v.claim.text}",
            "",
            " · ".join(
                p
                for p in (
                    f"**{BADGE[str(v.label)]}**",
                    f"confidence {v.confidence:.0%}",
                    f"kind {v.claim.kind}",
                    attribution(v.claim),
                )
                if p
            ),
            "",
            v.rationale,
            "",
        ]
        shown = [e for e in v.evidence if str(e.stance) != "neutral"][:evidence_per_claim]
        for e in shown:
            when = e.published.isoformat() if e.published else "n.d."
            later = " (published after the article)" if e.later else ""
            lines.append(f"- *{e.stance}*{later}: [{e.title}]({e.url}), {e.publisher}, {when}: {e.reason}")
        if shown:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


REVIEW_STATES = ("all", "to review", "reviewed")


def source_names(claims: Sequence[Any]) -> list[str]:
    """The publishers (or titles) of the evidence of reviewed claims, sorted, for the source filter."""
    return sorted({e.publisher or e.title for c in claims for _, e in c.shown_evidence()})


def filter_claims(
    claims: Sequence[Any],
    *,
    verdicts: Sequence[str] = (),
    stances: Sequence[str] = (),
    review: str = "all",
    sources: Sequence[str] = (),
) -> list[Any]:
    """The session claims (sessions.ReviewedClaim) that pass every filter; an empty filter lets all through.

    Args:
        verdicts: final labels (override wins) to keep.
        stances: keep claims with at least one shown passage of one of these stances.
        review: "all", "to review" or "reviewed".
        sources: keep claims with at least one shown passage from one of these publishers or titles.
    """
    kept = []
    for c in claims:
        shown = [e for _, e in c.shown_evidence()]
        if verdicts and str(c.label) not in verdicts:
            continue
        if stances and not any(str(e.stance) in stances for e in shown):
            continue
        if (review == "reviewed" and not c.reviewed) or (review == "to review" and c.reviewed):
            continue
        if sources and not any((e.publisher or e.title) in sources for e in shown):
            continue
        kept.append(c)
    return kept
