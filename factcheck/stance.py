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
from itertools import pairwise

from factcheck.claims import PLACES, find_entities, focus_clauses, split_sentences
from factcheck.embeddings import Similarity
from factcheck.quantities import comparable, compare, parse_quantities
from factcheck.types import Claim, Evidence, Passage, Quantity, Stance

QUANTITY_KINDS = ("duration", "money", "power", "area", "data_rate", "percent", "count", "multiplier", "date")
_COMPANY_SUFFIX = re.compile(r"\b(?:computer|computers|inc|corp|corporation|ltd|llc|sa|group)\b\.?", re.I)
_PLAN = re.compile(
    r"\b(?:will|would|plans?|planned|planning|aims?|intends?|expects?|expected|going to|to (?:expand|grow|double|"
    r"reach|add)|target|goal|could|set to|is to|are to|doit|doivent|devait|prévoit|prévu|prévue|projette|va|vont|"
    r"devrait|devraient|devra|entend|envisage|compte\s+(?:faire|porter|\w+er)|faire grimper|"
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
                lang = passage.language or claim.lang
                texts += [clause_around(sentence, q.span) for q in figures_in(sentence, lang, passage.published)]
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
            or self._by_place(claim, sentences, sims)
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
            copies=passage.copies,
        )

    def _by_quantity(self, claim: Claim, passage: Passage, sentences: list[str], sims: list[float]) -> _Reading | None:
        """Compare the claim's key figure, then its other figures, with the passage's.

        Only the key figure (the one of the claim's kind) can make a passage support the
        claim; another figure of the claim that the passage contradicts turns support into
        refutation ("150 MW could power 10,000 homes" against "more than 100,000 homes").
        """
        key = [q for q in claim.quantities if q.kind == claim.kind and not is_deictic(q)]
        if not key:
            return None
        lang = passage.language or claim.lang
        figures = [figures_in(sentence, lang, passage.published) for sentence in sentences]
        reading = self._compare(claim, key, figures, sentences, sims)
        if reading is None or reading.stance is Stance.REFUTES:
            return reading
        others = [q for q in claim.quantities if q.kind != claim.kind and not is_deictic(q)]
        second = self._compare(claim, others, figures, sentences, sims) if others else None
        # A secondary date ("a report in September 2025 said ...") is when something was said,
        # not what: another date nearby is another event, not a contradiction.
        if second is not None and second.stance is Stance.REFUTES and not (second.found and _generic(second.found)):
            return _Reading(
                Stance.REFUTES,
                second.score,
                f"{reading.reason}; but {second.reason}",
                second.sentence,
                found=second.found,
            )
        return reading

    def _compare(
        self,
        claim: Claim,
        claimed: list[Quantity],
        figures: list[list[Quantity]],
        sentences: list[str],
        sims: list[float],
    ) -> _Reading | None:
        """The best reading of claimed against the figures of each sentence (parallel lists)."""
        candidates: list[tuple[Quantity, int, Quantity, str]] = []
        for i, sentence in enumerate(sentences):
            for found in figures[i]:
                for q in claimed:
                    if not comparable(q, found):
                        continue
                    # A comparable number is itself a sign of topicality, the more so when it
                    # counts the same named thing or has a physical unit: ask for less.
                    gate = STRONG_TOPICAL if _strong(q, found) else QUANTITY_TOPICAL
                    if sims[i] < self.topical * gate:
                        continue
                    if is_plan(lead_in(sentence, found.span)) != is_plan(lead_in(claim.text, q.span)):
                        continue
                    candidates.append((q, i, found, clause_around(sentence, found.span)))
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
        if (
            result.outcome == "refutes"
            and _generic(found)
            and max(clause_sims[j], sims[i]) < self.topical + DATE_MARGIN
        ):
            # News text is full of dates, percentages and bare numbers about other events; only
            # one in a closely matching sentence or clause refutes. (Asking the clause alone to
            # match dropped true refutations whose clause leans on its sentence, "le projet devient
            # officiel le 19 août 2021", and lost a dev pair.)
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
        """Compare the organisations a claim lists with those one evidence sentence lists, as sets.

        All named: supports. Some named in a list of two or more: partly, naming the missing
        ones. None of them in a sentence that gives its own list as the complete one ("only",
        "seuls") or in a closely matching one: refutes. One name alone, or a list on another
        subject, is neutral: leaving a company out of a sentence is not evidence about it.
        """
        if claim.kind != "organisations":
            return None
        wanted = {normalise_name(e): e for e in listed_names(claim.text, claim.entities)}
        if len(wanted) < 2:
            return None
        best: _Reading | None = None
        for i, sentence in enumerate(sentences):
            if sims[i] < self.topical:
                continue
            listed = {normalise_name(e): e for e in find_entities(sentence) if e.lower() not in PLACES}
            text = normalise_name(sentence)
            present = {k for k in wanted if k and (k in listed or k in text) and not _declined(sentence, wanted[k])}
            missing = [wanted[k] for k in wanted if k not in present]
            others = [v for k, v in listed.items() if k not in wanted and not any(k in w or w in k for w in wanted)]
            score = min(1.0, 0.5 + sims[i] / 2)
            if not missing:
                reading = _Reading(Stance.SUPPORTS, score, f"names all of {', '.join(wanted.values())}", sentence)
            elif present and len(listed) >= 2:
                named = ", ".join(wanted[k] for k in wanted if k in present)
                reading = _Reading(
                    Stance.SUPPORTS,
                    score * 0.6,
                    f"names {named} but not {', '.join(missing)}",
                    sentence,
                    partial=True,
                )
            elif not present and len(others) >= 2 and (_ONLY.search(sentence) or sims[i] >= self.topical + DATE_MARGIN):
                reading = _Reading(
                    Stance.REFUTES, score, f"names {', '.join(others)}, not {', '.join(wanted.values())}", sentence
                )
            else:
                continue
            if best is None or _rank(reading) > _rank(best):
                best = reading
        return best

    def _by_place(self, claim: Claim, sentences: list[str], sims: list[float]) -> _Reading | None:
        """Support a claim of where something is when a sentence about it names the same place."""
        if claim.kind != "place":
            return None
        places = [e for e in claim.entities if e.lower() in PLACES]
        for i in sorted(range(len(sentences)), key=lambda i: -sims[i]):
            if sims[i] < self.topical:
                break
            if places and all(p.lower() in sentences[i].lower() for p in places):
                return _Reading(
                    Stance.SUPPORTS, min(1.0, 0.5 + sims[i] / 2), f"places it in {', '.join(places)}", sentences[i]
                )
        return None


STRONG_TOPICAL = 0.6
"""Share of the topical threshold for a number that is strong evidence of being the same figure."""

_ONLY = re.compile(r"\b(?:only|sole|solely|seuls?|seules?|uniquement|exclusivement)\b", re.I)
_DECLINED = re.compile(
    r"\b(?:declined|refused|did not|didn't|not|never|withdrew|n['’]a pas|a refusé|a décliné|ne\s+\w+\s+pas|"
    r"sauf|except)\b",
    re.I,
)
_DEICTIC = re.compile(r"^(?:aujourd['’]hui|today|now|currently|actuellement|désormais|à présent)$", re.I)
_RISE = re.compile(
    r"\b(?:rose|risen|rise|grew|grown|increased|up|jumped|climbed|hausse|augmenté|progressé|bondi)\b", re.I
)
_RANGE_LINK = re.compile(r"^\s*(?:to|until|through|and|à|au|et|jusqu['’]en|jusqu['’]à)\s*$", re.I)


def is_deictic(q: Quantity) -> bool:
    """ "Today", "aujourd'hui": the article's own date, which says when, not what, to check."""
    return q.kind == "date" and bool(_DEICTIC.match(q.text.strip()))


def _generic(found: Quantity) -> bool:
    return found.kind in ("date", "percent") or (found.kind == "count" and not found.unit)


def _strong(claimed: Quantity, found: Quantity) -> bool:
    if claimed.kind in ("duration", "money", "power", "area", "data_rate"):
        return True
    return claimed.kind == "count" and bool(claimed.unit and found.unit)


def listed_names(text: str, entities: Sequence[str]) -> list[str]:
    """The longest run of names joined by commas, "and" or "et": the list a claim makes.

    "Dell and Supermicro assembled the racks for Colossus" lists Dell and Supermicro;
    Colossus is what they worked on, not one of them.
    """
    names = [e for e in entities if e.lower() not in PLACES]
    best: list[str] = []
    for start in range(len(names)):
        run, pos = [names[start]], text.find(names[start]) + len(names[start])
        for name in names[start + 1 :]:
            at = text.find(name, pos)
            if at < 0 or not re.fullmatch(r"\s*(?:,|,?\s*(?:and|et|&|ainsi que|as well as))\s*", text[pos:at]):
                break
            run.append(name)
            pos = at + len(name)
        if len(run) > len(best):
            best = run
    return best if len(best) >= 2 else names


def _declined(sentence: str, name: str) -> bool:
    """Whether the clause naming name says it declined or did not take part."""
    at = sentence.find(name)
    if at < 0:
        return False
    return bool(_DECLINED.search(clause_around(sentence, (at, at + len(name)))))


def _rank(reading: _Reading) -> tuple[int, float]:
    order = 2 if reading.stance is Stance.SUPPORTS and not reading.partial else 1
    return (order if reading.stance is not Stance.REFUTES else 0, reading.score)


def figures_in(sentence: str, lang: str, published: date | None) -> list[Quantity]:
    """The figures a sentence states and those a reader works out from them."""
    found = parse_quantities(sentence, lang, published)
    return found + derived_quantities(sentence, found)


def derived_quantities(sentence: str, found: list[Quantity]) -> list[Quantity]:
    """Figures a reader works out: "from 2015 to 2020" is five years; "rose 100%" is a doubling."""
    out: list[Quantity] = []
    for a, b in pairwise(found):
        if a.kind == b.kind == "date" and _RANGE_LINK.match(sentence[a.span[1] : b.span[0]]):
            start, end = _date_start(str(a.value)), _date_start(str(b.value))
            if start and end and end > start:
                days = float((end - start).days)
                span = (a.span[0], b.span[1])
                out.append(Quantity(days, "day", "duration", None, sentence[span[0] : span[1]], span))
    for q in found:
        if q.kind == "percent" and q.approx is None and _RISE.search(sentence[max(0, q.span[0] - 40) : q.span[0]]):
            out.append(Quantity(1 + float(q.value) / 100, "x", "multiplier", None, q.text, q.span))
    return out


def _date_start(value: str) -> date | None:
    """The first day a date string at any granularity ("2021", "2021-03", "2021-03-04") covers."""
    parts = [int(p) for p in value.split("-")]
    try:
        return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def _neutral_reason(claim: Claim, best_sim: float, topical: float) -> str:
    if best_sim < topical:
        return "not about the claim"
    if claim.kind in QUANTITY_KINDS:
        return "about the claim, but gives no comparable figure"
    return "about the claim, but nothing in it can be compared with the claim"
