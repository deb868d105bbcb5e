"""The values that flow between stages: frozen so no stage can change another's output."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Label(StrEnum):
    """Claim-level verdicts, in the spirit of AVeriTeC plus a numeric nuance."""

    SUPPORTED = "SUPPORTED"
    PARTLY_SUPPORTED = "PARTLY_SUPPORTED"
    REFUTED = "REFUTED"
    CONFLICTING = "CONFLICTING"
    NOT_ENOUGH_INFO = "NOT_ENOUGH_INFO"


class Stance(StrEnum):
    """What one evidence passage says about one claim."""

    SUPPORTS = "supports"
    REFUTES = "refutes"
    NEUTRAL = "neutral"


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number the text commits to, normalised to a base unit.

    Base units: durations in days, money in units of its currency (`unit` holds the
    ISO code), power in MW, area in square feet, percent as 0-100, counts unitless or
    with the counted noun in `unit` ("GPU"). Dates keep `value` as a string at the
    granularity the text gives: "2023", "2024-12" or "2024-12-04", with unit "date".

    `approx` is the hedge the text puts on the number: None (stated as exact),
    "about", "more than", "at least", "less than", "at most", "up to", "since",
    "before", "after" or "range" (then `upper` holds the top of the range).
    `per` is the period, in days, that a rate is counted over ("12 million visitors a year":
    365.25); None for an amount.
    """

    value: float | str
    unit: str | None
    kind: str
    approx: str | None = None
    text: str = ""
    span: tuple[int, int] = (0, 0)
    upper: float | None = None
    per: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "unit": self.unit,
            "kind": self.kind,
            "approx": self.approx,
            "text": self.text,
            **({"upper": self.upper} if self.upper is not None else {}),
            **({"per": self.per} if self.per is not None else {}),
        }


@dataclass(frozen=True, slots=True)
class Claim:
    """One checkable fact lifted from an article, with where it sits in it.

    `text` is the fact as it reads on its own (a pronoun at its head replaced by what it
    stands for); `span` is where its words are in the article and `context` the whole
    sentence. `source` is who the article attributes it to ("according to the Chamber"),
    which is not part of what is checked; `speaker` is set on quotes and reported speech.
    Only `quantities` of this fact are compared: others in `text` are context.
    """

    id: str
    text: str
    lang: str
    kind: str
    quantities: tuple[Quantity, ...] = ()
    entities: tuple[str, ...] = ()
    span: tuple[int, int] = (0, 0)
    source: str = ""
    speaker: str = ""
    context: str = ""

    @property
    def key(self) -> Quantity | None:
        """The first figure of the claim's own kind: the one it turns on (None for a claim without one)."""
        return next((q for q in self.quantities if q.kind == self.kind), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "lang": self.lang,
            "kind": self.kind,
            "span": list(self.span),
            "source": self.source,
            "speaker": self.speaker,
            "context": self.context,
            "quantities": [q.to_dict() for q in self.quantities],
            "entities": list(self.entities),
        }


@dataclass(frozen=True, slots=True)
class Passage:
    """A chunk of a reference source as retrieval returns it, before any stance is read."""

    source_id: str
    chunk_id: str
    title: str
    publisher: str
    url: str
    published: date | None
    language: str
    text: str
    score: float
    copies: tuple[str, ...] = ()
    """Other publications of the same text (syndicated or translated copies), as "publisher, url"."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """A passage with the stance it takes on one claim and why."""

    source_id: str
    title: str
    publisher: str
    url: str
    published: date | None
    text: str
    score: float
    stance: Stance
    stance_score: float
    reason: str
    partial: bool = False
    later: bool = False
    sentence: str = ""
    found: Quantity | None = None
    judge: str = "comparator"
    """What read the stance: "comparator", "model", "nli" or "llm"."""
    copies: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        data["stance"] = str(self.stance)
        data["found"] = self.found.to_dict() if self.found else None
        return data


@dataclass(frozen=True, slots=True)
class Verdict:
    """The judgement on one claim, with the evidence that led to it."""

    claim: Claim
    label: Label
    confidence: float
    rationale: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    raw_confidence: float | None = None
    """The confidence reasoned from the passages' scores, before claim-level calibration."""

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.claim.to_dict(),
            "verdict": str(self.label),
            "confidence": round(self.confidence, 3),
            "raw_confidence": None if self.raw_confidence is None else round(self.raw_confidence, 3),
            "rationale": self.rationale,
            "evidence": [e.to_dict() for e in self.evidence],
        }
