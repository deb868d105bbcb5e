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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from factcheck.claims import PLACES, find_entities, focus_clauses, split_sentences
from factcheck.embeddings import Similarity
from factcheck.quantities import comparable, compare, parse_quantities
from factcheck.types import Claim, Evidence, Passage, Quantity, Stance

QUANTITY_KINDS = ("duration", "money", "power", "area", "percent", "count", "multiplier", "date")
_COMPANY_SUFFIX = re.compile(r"\b(?:computer|computers|inc|corp|corporation|ltd|llc|sa|group)\b\.?", re.I)
_PLAN = re.compile(
    r"\b(?:will|would|plans?|planned|planning|aims?|intends?|expects?|expected|going to|to (?:expand|grow|double|"
    r"reach|add)|target|goal|could|prévoit|prévu|prévue|projette|va|vont|devrait|devraient|devra|entend|envisage|"
    r"vise|ambitionne|objectif|porter|doublera|atteindra|sera|seront|d'ici|futur|future|expansion|agrandir|"
    r"agrandissement|doubling|double to|extension)\b"
    # French future and conditional verbs: "passera", "passerait", "atteindront"
    r"|\b\w{2,}(?:erait|eraient|eront|era|irait|iraient|iront|ira|rait|raient|ront)\b",
    re.I,
)
"""Words that put a number in the future: a plan is not a contradiction of a present count."""

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


def focus(claim: Claim) -> str:
    """The part of the claim that its key figure belongs to; the whole claim when it has none."""
    key = next((q for q in claim.quantities if q.kind == claim.kind), None)
    return focus_clauses(claim, key) if key else claim.text


def lead_in(sentence: str, span: tuple[int, int], reach: int = 120) -> str:
    """The words leading up to a number, back to the previous coordinated clause: where its tense lives."""
    window = sentence[max(0, span[0] - reach) : span[1]]
    cut = max(
        (m.end() for m in re.finditer(r";|\s(?:and|but|et|mais|while|alors que)\s", window[: span[0]])), default=0
    )
    return window[cut:]


def is_plan(text: str) -> bool:
    """Whether text speaks of a plan or forecast rather than of what is or was."""
    return bool(_PLAN.search(text))


QUANTITY_TOPICAL = 0.85
"""Share of the topical threshold a sentence needs when it holds a number of the claim's kind."""

DATE_MARGIN = 0.1
"""How much more than topical a clause must score before its date may refute a date claim."""

CHARITY = 0.05
"""Numbers whose context is this close in similarity to the best are read as equally relevant."""


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

    def warm(self, claim: Claim, passages: Sequence[Passage]) -> None:
        """Embed the sentences and number clauses of all passages in one batch, when the similarity can."""
        warm = getattr(self.similarity, "warm", None)
        if warm is None:
            return
        texts: list[str] = []
        for passage in passages:
            for s, e in split_sentences(passage.text):
                sentence = passage.text[s:e]
                texts.append(sentence)
                texts += [
                    clause_around(sentence, q.span)
                    for q in parse_quantities(sentence, passage.language or claim.lang, passage.published)
                ]
        warm(texts)

    def judge(self, claim: Claim, passage: Passage, article_date: date | None = None) -> Evidence:
        """The stance passage takes on claim, with a reason naming what was compared."""
        spans = split_sentences(passage.text) or [(0, len(passage.text))]
        sentences = [passage.text[s:e] for s, e in spans]
        sims = self.similarity(focus(claim), sentences)
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

    def _by_quantity(self, claim: Claim, passage: Passage, sentences: list[str], sims: list[float]) -> _Reading | None:
        claimed = [q for q in claim.quantities if q.kind == claim.kind]
        if not claimed:
            return None
        claim_plan = is_plan(claim.text)
        candidates: list[tuple[Quantity, int, Quantity, str]] = []
        for i, sentence in enumerate(sentences):
            # A comparable number in the sentence is itself evidence of topicality: ask for less.
            if sims[i] < self.topical * QUANTITY_TOPICAL:
                continue
            for found in parse_quantities(sentence, passage.language or claim.lang, passage.published):
                clause = clause_around(sentence, found.span)
                if is_plan(lead_in(sentence, found.span)) != claim_plan:
                    continue
                for q in claimed:
                    if comparable(q, found):
                        candidates.append((q, i, found, clause))
        if not candidates:
            return None
        clause_sims = self.similarity(focus(claim), [c[3] for c in candidates])
        relevance = [clause_sims[j] + sims[candidates[j][1]] for j in range(len(candidates))]
        best = max(relevance)
        # Among numbers in equally relevant contexts, read the passage charitably: the claim is
        # judged against the one it matches best, so a second figure nearby is not a contradiction.
        results = [
            (j, compare(candidates[j][0], candidates[j][2]))
            for j in range(len(candidates))
            if relevance[j] >= best - CHARITY
        ]
        results = [(j, r) for j, r in results if r.outcome != "unrelated"]
        if not results:
            return None
        order = {"supports": 0, "partly": 1, "refutes": 2}
        j, result = min(results, key=lambda jr: (order[jr[1].outcome], -relevance[jr[0]]))
        _, i, found, _ = candidates[j]
        if result.outcome == "refutes" and found.kind == "date" and clause_sims[j] < self.topical + DATE_MARGIN:
            # News text is full of dates of other events; only a date in a closely matching clause refutes.
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
        """Support when one sentence names every organisation the claim lists.

        A passage naming only some of them is neutral, not partial support: leaving a
        company out of a sentence is not evidence about it.
        """
        if claim.kind != "organisations":
            return None
        wanted = {normalise_name(e): e for e in claim.entities if e.lower() not in PLACES}
        best: _Reading | None = None
        for i, sentence in enumerate(sentences):
            if sims[i] < self.topical or len(wanted) < 2:
                continue
            text = normalise_name(sentence)
            named = {normalise_name(e) for e in find_entities(sentence)}
            if all(key and (key in named or key in text) for key in wanted):
                reading = _Reading(
                    Stance.SUPPORTS,
                    min(1.0, 0.5 + sims[i] / 2),
                    f"names all of {', '.join(wanted.values())}",
                    sentence,
                )
                if best is None or reading.score > best.score:
                    best = reading
        return best


def _neutral_reason(claim: Claim, best_sim: float, topical: float) -> str:
    if best_sim < topical:
        return "not about the claim"
    if claim.kind in QUANTITY_KINDS:
        return "about the claim, but gives no comparable figure"
    return "about the claim, but nothing in it can be compared with the claim"
