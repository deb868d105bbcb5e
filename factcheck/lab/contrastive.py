"""Contrastive stance pairs made from real sentences: the edits a fact-check turns on.

The public sets rarely show the same sentence twice with one fact changed, so a model
trained on them learns topic overlap, not who did what. From each supporting pair
(evidence, claim) of the training data this module writes variants of the claim:

- refutes: the claim's figure, year, month, place, person or organisation swapped for
  another (only when the evidence states the original, so the change is a contradiction
  and not merely something unsaid), or the claim negated (or its negation removed);
- neutral: a qualifier the evidence does not state added to the claim ("for the first
  time", "because of ..."), or the claim paired with another item's evidence that shares
  none of its names.

What to swap comes from the product's own readers: `factcheck.quantities.parse_quantities`
for figures and dates (with a plain digit fallback), `factcheck.claims.find_entities` for
names. Every variant comes from one source pair, so the training script can keep train,
dev and test apart by the source's split. Nothing is written to disk.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SUPPORTS, REFUTES, NEUTRAL = "supports", "refutes", "neutral"


@dataclass(frozen=True, slots=True)
class SourcePair:
    """A real (claim, evidence) pair known to support, from a public set or our own pairs."""

    id: str
    claim: str
    evidence: str
    lang: str


@dataclass(frozen=True, slots=True)
class ContrastivePair:
    """A generated pair: the edited claim, the source's evidence, the label and which edit made it."""

    source_id: str
    claim: str
    evidence: str
    lang: str
    label: str
    edit: str


_DIGITS = re.compile(r"(?<![\w.,])\d{1,3}(?:[,  ]\d{3})+(?:[.,]\d+)?(?![\w])|(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])")
_YEAR = re.compile(r"\b(1[89]\d\d|20[0-4]\d)\b")
_MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
}  # fmt: skip
_QUALIFIERS = {
    "en": ["for the first time", "despite strong opposition", "because of a new law", "after a public vote",
           "with government funding", "for the third year in a row", "in secret"],
    "fr": ["pour la première fois", "malgré une forte opposition", "à cause d'une nouvelle loi",
           "après un vote public", "grâce à des fonds publics", "pour la troisième année consécutive", "en secret"],
}  # fmt: skip
_EN_AUX = re.compile(r"\b(is|are|was|were|has|have|had|can|will|would|could|should|does|do|did)\b")
_EN_NEG = re.compile(r"\b(?:is|are|was|were|has|have|had|can|will|would|could|should|does|do|did)(?: not|n't)\b")
_FR_AUX = re.compile(r"\b(est|sont|était|étaient|a|ont|avait|avaient|sera|seront|peut|peuvent|va|vont)\b")
_FR_NEG = re.compile(r"\bn(?:e |['’])(\w+) (?:pas|jamais|plus)\b")
_EN_VERB_NEG = re.compile(r"\b(does|do|did) not (\w+)")


def _numbers_in(text: str, lang: str) -> list[tuple[int, int]]:
    """Spans of the digits of each figure, found by the product's quantity reader where it works."""
    spans: list[tuple[int, int]] = []
    try:
        from factcheck.quantities import parse_quantities

        for q in parse_quantities(text, lang, None):
            a, b = q.span
            m = _DIGITS.search(text, a, b) if b > a else None
            if m:
                spans.append((m.start(), m.end()))
    except Exception:  # the reader is a moving target; the digit fallback below still finds figures
        spans = []
    if not spans:
        spans = [(m.start(), m.end()) for m in _DIGITS.finditer(text)]
    return sorted(set(spans))


def _parse_number(token: str, lang: str) -> tuple[float, int, str] | None:
    """(value, decimals, thousands separator) of a digit token such as 4,100 or 2.5 or 4,5 (French)."""
    sep = ""
    t = token
    m = re.fullmatch(r"\d{1,3}([,  ])\d{3}(?:\1\d{3})*(?:[.,]\d+)?", t)
    if m:
        sep = m.group(1)
        t = t.replace(sep, "")
    dec = "," if lang == "fr" else "."
    if dec in t:
        whole, frac = t.split(dec, 1)
        try:
            return float(f"{whole}.{frac}"), len(frac), sep
        except ValueError:
            return None
    try:
        return float(t.replace(",", "").replace(".", "")), 0, sep
    except ValueError:
        return None


def _format_number(value: float, decimals: int, sep: str, lang: str) -> str:
    text = f"{value:,.{decimals}f}" if sep else f"{value:.{decimals}f}"
    if sep:
        text = text.replace(",", "\x00")
    if lang == "fr":
        text = text.replace(".", ",")
    return text.replace("\x00", sep)


def _other_number(token: str, lang: str, rng: random.Random) -> str | None:
    parsed = _parse_number(token, lang)
    if parsed is None:
        return None
    value, decimals, sep = parsed
    if _YEAR.fullmatch(token):
        return str(int(value) + rng.choice([-7, -4, -3, -2, -1, 1, 2, 3, 5, 10]))
    if value == 0:
        new = rng.choice([3.0, 10.0, 25.0])
    else:
        new = value * rng.choice([0.3, 0.5, 0.6, 1.5, 2.0, 3.0, 4.0])
        if decimals == 0:
            new = round(new)
    if abs(new - value) < max(1e-9, 0.1 * abs(value)) or new == value:
        new = value + max(2.0, round(abs(value) * 0.5))
    return _format_number(new, decimals, sep, lang)


def swap_figure(claim: str, evidence: str, lang: str, rng: random.Random) -> str | None:
    """The claim with one figure the evidence also states changed (by a factor or, for a year, a few years)."""
    spans = [(a, b) for a, b in _numbers_in(claim, lang) if claim[a:b] in evidence]
    if not spans:
        return None
    a, b = rng.choice(spans)
    new = _other_number(claim[a:b], lang, rng)
    if new is None or new == claim[a:b] or new in evidence:
        return None
    return claim[:a] + new + claim[b:]


def swap_month(claim: str, evidence: str, lang: str, rng: random.Random) -> str | None:
    """The claim with a month the evidence also names replaced by another month."""
    months = _MONTHS.get(lang, _MONTHS["en"])
    found = [m for m in months if re.search(rf"\b{m}\b", claim, re.I) and re.search(rf"\b{m}\b", evidence, re.I)]
    if not found:
        return None
    old = rng.choice(found)
    new = rng.choice([m for m in months if m != old and not re.search(rf"\b{m}\b", evidence, re.I)])
    return re.sub(rf"\b{old}\b", new if old[0].islower() else new.capitalize(), claim, count=1, flags=re.I)


def _names(text: str) -> tuple[str, ...]:
    try:
        from factcheck.claims import find_entities

        return tuple(n for n in find_entities(text) if len(n) > 2)
    except Exception:
        return ()


def swap_name(claim: str, evidence: str, pool: Sequence[str], rng: random.Random) -> str | None:
    """The claim with one name the evidence also gives (subject, place, organisation) replaced by another
    name from the pool that the evidence never mentions: it now says someone else did it, or elsewhere."""
    shared = [n for n in _names(claim) if n in evidence]
    if not shared or not pool:
        return None
    old = rng.choice(shared)
    for _ in range(10):
        new = rng.choice(pool)
        if new != old and new not in evidence and new not in claim and old not in new and new not in old:
            return claim.replace(old, new, 1)
    return None


def negate(claim: str, lang: str) -> str | None:
    """The claim made negative, or its negation removed: either way the opposite of what it said."""
    if lang == "fr":
        if re.search(r"\bn['’]y a (?:pas|plus|jamais)\b", claim):
            return re.sub(r"\bn['’]y a (?:pas|plus|jamais)\b", "y a", claim, count=1)
        if re.search(r"\by a\b", claim):
            return re.sub(r"\by a\b", "n'y a pas", claim, count=1)
        m = _FR_NEG.search(claim)
        if m:
            return claim[: m.start()] + m.group(1) + claim[m.end() :]
        m = _FR_AUX.search(claim)
        if not m:
            return None
        verb = m.group(1)
        neg = f"n'{verb} pas" if verb[0] in "aeéiouy" else f"ne {verb} pas"
        return claim[: m.start()] + neg + claim[m.end() :]
    m = _EN_VERB_NEG.search(claim)
    if m:  # "did not build" -> "built" is irregular; drop "not" only where the verb needs no inflection
        return None
    m = _EN_NEG.search(claim)
    if m:
        positive = m.group().replace(" not", "").replace("n't", "")
        return claim[: m.start()] + positive + claim[m.end() :]
    m = _EN_AUX.search(claim)
    if not m:
        return None
    return claim[: m.end()] + " not" + claim[m.end() :]


def add_qualifier(claim: str, evidence: str, lang: str, rng: random.Random) -> str | None:
    """The claim with a circumstance the evidence does not state: not supported, not refuted."""
    options = [q for q in _QUALIFIERS.get(lang, _QUALIFIERS["en"]) if q.split()[-1].lower() not in evidence.lower()]
    if not options:
        return None
    body = claim.rstrip().rstrip(".!")
    return f"{body} {rng.choice(options)}."


def generate(
    sources: Iterable[SourcePair], *, seed: int = 0, per_source: int = 2, other_evidence: bool = True
) -> list[ContrastivePair]:
    """Up to per_source edited pairs per supporting source pair (one refuting edit first, then a neutral one).

    Args:
        sources: supporting pairs of ONE split (pairs of different splits must be generated apart).
        seed: makes the choice of edits repeatable.
        per_source: variants kept per source.
        other_evidence: also pair some claims with another source's evidence sharing no name (neutral).
    """
    rng = random.Random(seed)
    sources = list(sources)
    pools: dict[str, list[str]] = {}
    for s in sources:
        pools.setdefault(s.lang, []).extend(_names(s.evidence))
    pools = {lang: sorted(set(names)) for lang, names in pools.items()}
    out: list[ContrastivePair] = []
    for s in sources:
        refuting = [
            ("figure", swap_figure(s.claim, s.evidence, s.lang, rng)),
            ("month", swap_month(s.claim, s.evidence, s.lang, rng)),
            ("name", swap_name(s.claim, s.evidence, pools.get(s.lang, []), rng)),
            ("negation", negate(s.claim, s.lang)),
        ]
        refuting = [(kind, text) for kind, text in refuting if text and text != s.claim]
        made: list[ContrastivePair] = []
        if refuting:
            # Figures and names first: they are what the engine most needs read by subject.
            weights = [3 if k in ("figure", "name") else 2 if k == "month" else 1 for k, _ in refuting]
            kind, text = rng.choices(refuting, weights=weights)[0]
            made.append(ContrastivePair(s.id, text, s.evidence, s.lang, REFUTES, kind))
        neutral = []
        qualified = add_qualifier(s.claim, s.evidence, s.lang, rng)
        if qualified:
            neutral.append(("qualifier", qualified, s.evidence))
        if other_evidence and len(sources) > 1:
            names = set(_names(s.claim))
            for _ in range(5):
                other = rng.choice(sources)
                if other.id != s.id and other.lang == s.lang and not names & set(_names(other.evidence)):
                    neutral.append(("other-subject", s.claim, other.evidence))
                    break
        if neutral:
            kind, claim, evidence = rng.choice(neutral)
            made.append(ContrastivePair(s.id, claim, evidence, s.lang, NEUTRAL, kind))
        out.extend(made[:per_source])
    return out
