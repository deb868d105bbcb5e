"""Read the stance of one evidence passage on one claim by comparing what both commit to.

No NLI model installs offline here (MODELS.md), and embedding similarity cannot tell
"built in 122 days" from "built in two years". So the stance comes from the claim's own
quantities, dates and organisations, compared with those in the passage sentence that is
most about the same thing. When nothing comparable is found the passage is neutral:
related text is never passed off as support.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from factcheck.embeddings import Similarity
from factcheck.claims import find_entities, split_sentences
from factcheck.quantities import compare, comparable, parse_quantities
from factcheck.types import Claim, Evidence, Passage, Quantity, Stance


QUANTITY_KINDS = ("duration", "money", "power", "area", "percent", "count", "multiplier", "date")
_COMPANY_SUFFIX = re.compile(r"\b(?:computer|computers|inc|corp|corporation|ltd|llc|sa|group)\b\.?", re.I)
_CLAUSE = re.compile(r"[;:—–]|,\s|\s(?:and|et|while|alors que|but|mais|whereas)\s")


def normalise_name(name: str) -> str:
    """Fold case, accents, spacing and company suffixes so "Super Micro" meets "Supermicro Computer"."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", _COMPANY_SUFFIX.sub("", name.lower()))


def clause_around(sentence: str, span: tuple[int, int]) -> str:
    """The clause of sentence holding span, so each number is judged by its own context."""
    cuts = [0, *[m.end() for m in _CLAUSE.finditer(sentence)], len(sentence)]
    start = max(c for c in cuts if c <= span[0])
    end = min((c for c in cuts if c >= span[1]), default=len(sentence))
    return sentence[start:end].strip()


@dataclass(frozen=True, slots=True)
class _Reading:
    stance: Stance
    score: float
    reason: str
    sentence: str
    partial: bool = False
    found: Quantity | None = None


class ComparatorStance:
    """Stance from quantities, dates and organisation lists, with embedding-picked context.

    Args:
        similarity: cosine similarity of the claim to several texts, from the retrieval embedder.
        topical: the least similarity for a sentence to count as being about the claim;
            it depends on the embedder, whose scores live on different scales.
    """

    def __init__(self, similarity: Similarity, topical: float = 0.3) -> None:
        if not 0.0 <= topical < 1.0:
            raise ValueError("topical must be in [0, 1)")
        self.similarity = similarity
        self.topical = topical

    def judge(self, claim: Claim, passage: Passage, article_date: date | None = None) -> Evidence:
        """The stance passage takes on claim, with a reason naming what was compared."""
        spans = split_sentences(passage.text) or [(0, len(passage.text))]
        sentences = [passage.text[s:e] for s, e in spans]
        sims = self.similarity(claim.text, sentences)
        best = max(range(len(sentences)), key=lambda i: sims[i])
        reading = (
            self._by_quantity(claim, passage, sentences, sims)
            or self._by_organisations(claim, sentences, sims)
            or _Reading(Stance.NEUTRAL, 0.0, _neutral_reason(claim, sims[best], self.topical), sentences[best])
        )
        later = bool(article_date and passage.published and passage.published > article_date)
        return Evidence(
            source_id=passage.source_id,
            title=passage.title,
            publisher=passage.publisher,
            url=passage.url,
            published=passage.published,
            text=passage.text,
            score=round(passage.score, 4),
            stance=reading.stance,
            stance_score=round(reading.score, 3),
            reason=reading.reason,
            partial=reading.partial,
            later=later,
            sentence=reading.sentence,
            found=reading.found,
        )

    def _by_quantity(
        self, claim: Claim, passage: Passage, sentences: list[str], sims: list[float]
    ) -> _Reading | None:
        claimed = [q for q in claim.quantities if q.kind == claim.kind]
        if not claimed:
            return None
        candidates: list[tuple[Quantity, int, Quantity, str]] = []
        for i, sentence in enumerate(sentences):
            if sims[i] < self.topical:
                continue
            for found in parse_quantities(sentence, passage.language or claim.lang, passage.published):
                for q in claimed:
                    if comparable(q, found):
                        candidates.append((q, i, found, clause_around(sentence, found.span)))
        if not candidates:
            return None
        clause_sims = self.similarity(claim.text, [c[3] for c in candidates])
        # The clause decides between numbers in one sentence; the sentence between sentences.
        pick = max(range(len(candidates)), key=lambda j: clause_sims[j] + sims[candidates[j][1]])
        q, i, found, _ = candidates[pick]
        result = compare(q, found)
        if result.outcome == "unrelated":
            return None
        stance = Stance.REFUTES if result.outcome == "refutes" else Stance.SUPPORTS
        score = min(1.0, 0.5 + sims[i] / 2)
        return _Reading(
            stance=stance,
            score=score * (0.6 if result.outcome == "partly" else 1.0),
            reason=result.explanation,
            sentence=sentences[i],
            partial=result.outcome == "partly",
            found=found,
        )

    def _by_organisations(self, claim: Claim, sentences: list[str], sims: list[float]) -> _Reading | None:
        if claim.kind != "organisations":
            return None
        wanted = {normalise_name(e): e for e in claim.entities}
        best: _Reading | None = None
        for i, sentence in enumerate(sentences):
            if sims[i] < self.topical:
                continue
            text = normalise_name(sentence)
            named = {normalise_name(e) for e in find_entities(sentence)}
            hit = [name for key, name in wanted.items() if key and (key in named or key in text)]
            if len(hit) < 2:
                continue
            missing = [name for key, name in wanted.items() if name not in hit]
            partial = bool(missing)
            reason = (
                f"names all of {', '.join(hit)}"
                if not partial
                else f"names {', '.join(hit)} but not {', '.join(missing)}"
            )
            reading = _Reading(Stance.SUPPORTS, min(1.0, 0.5 + sims[i] / 2) * (0.6 if partial else 1.0), reason, sentence, partial)
            if best is None or reading.score > best.score:
                best = reading
        return best


def _neutral_reason(claim: Claim, best_sim: float, topical: float) -> str:
    if best_sim < topical:
        return "not about the claim"
    if claim.kind in QUANTITY_KINDS:
        return "about the claim, but gives no comparable figure"
    return "about the claim, but nothing in it can be compared with the claim"
