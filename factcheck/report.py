"""Render checked claims for people (Markdown) and programs (JSON)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from factcheck.types import Verdict

BADGE = {
    "SUPPORTED": "✅ supported",
    "PARTLY_SUPPORTED": "🟡 partly supported",
    "REFUTED": "❌ refuted",
    "CONFLICTING": "⚖️ conflicting",
    "NOT_ENOUGH_INFO": "❔ not enough info",
}


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
            f"**{BADGE[str(v.label)]}** · confidence {v.confidence:.0%} · kind {v.claim.kind}",
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
