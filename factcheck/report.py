"""Render checked claims for people (Markdown) and programs (JSON)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from factcheck.types import Claim, Verdict

BADGE = {
    "SUPPORTED": "✅ supported",
    "PARTLY_SUPPORTED": "🟡 partly supported",
    "REFUTED": "❌ refuted",
    "CONFLICTING": "⚖️ conflicting",
    "NOT_ENOUGH_INFO": "❔ not enough info",
}


def highlight(text: str, parts: Sequence[str]) -> str:
    """Markdown text with each of parts made bold where it first occurs: the figures being compared.

    Markdown's own markers in text are escaped first, so an article's asterisks cannot
    break the emphasis.
    """
    out = re.sub(r"([*_`\\])", r"\\\1", text)
    for part in sorted({p for p in parts if p}, key=len, reverse=True):
        escaped = re.sub(r"([*_`\\])", r"\\\1", part)
        at = out.find(escaped)
        if at >= 0 and not out[max(0, at - 2) : at].endswith("**"):
            out = f"{out[:at]}**{escaped}**{out[at + len(escaped) :]}"
    return out


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
