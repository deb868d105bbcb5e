"""Read the stance of one evidence passage on one claim by comparing what both commit to.

No NLI model installs offline here (MODELS.md), and neither embedding similarity nor the
small cross-encoder the project trains can tell "built in 122 days" from "built in two
years". So the stance comes from the claim's own quantities, dates, quotes and organisations,
compared with those in the passage sentence that is most about the same thing. When nothing
comparable is found the passage is neutral: related text is never passed off as support.
Where words fail to tie a figure to the claim, a learned reader (`entails`) may be asked
whether the sentence, rewritten with the claim's figure, states the claim; it judges the
frame, never the figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from itertools import pairwise

from factcheck import lang as langdata
from factcheck import places
from factcheck.claims import (
    LOCATED,
    STOPWORDS,
    THE,
    VERB_HINT,
    find_entities,
    focus_clauses,
    known_names,
    split_sentences,
)
from factcheck.embeddings import Similarity
from factcheck.places import is_place
from factcheck.quantities import (
    MEASURE_KINDS,
    PHYSICAL_KINDS,
    WEEKDAYS,
    Comparison,
    coarser_date,
    comparable,
    compare,
    format_quantity,
    is_model_name,
    parse_quantities,
)
from factcheck.stance_model import NEGATION
from factcheck.types import Claim, Evidence, Passage, Quantity, Stance

QUANTITY_KINDS = MEASURE_KINDS

Entails = Callable[[Sequence[tuple[str, str, str]]], list[float]]
"""P(the evidence states the claim) for (claim, evidence, evidence language) triples, from a learned reader."""

_COMPANY_SUFFIX = re.compile(rf"\b(?:{langdata.pattern('company_suffixes')})\b\.?", re.I)
_PLAN = langdata.regex("plan")
_FUTURE = re.compile(rf"\b\w{{2,}}(?:{langdata.pattern('future_endings')})\b", re.I)
_PAST_ENDINGS = langdata.pattern("past_endings")
"""Words that put a number in the future: a plan is not a contradiction of a present count."""

_CLAUSE_LINKS = langdata.pattern("clause_links")
_LIST_LINKS = langdata.pattern("list_links")
_CLAUSE = re.compile(rf"[;:—–]|,\s|\s(?:{_CLAUSE_LINKS})\s", re.I)
_CLAUSE_CUT = re.compile(rf";|\s(?:{_CLAUSE_LINKS})\s", re.I)
_LIST_GAP = re.compile(rf"\s*(?:,|,?\s*(?:{_LIST_LINKS}))\s*", re.I)
"""What may stand between two names of one list: a comma, "and", "ainsi que"."""


def _unpossessed(name: str) -> str:
    """The name without a possessive ending: "France's" is France."""
    return re.sub(r"['’]s$", "", name)


def normalise_name(name: str) -> str:
    """Fold case, accents, spacing and company suffixes so "Super Micro" meets "Supermicro Computer"."""
    return "".join(_name_words(name))


@lru_cache(maxsize=4096)
def _name_words(text: str) -> tuple[str, ...]:
    """The words of text folded as `normalise_name` folds a name, before they are run together."""
    return tuple(w for w in re.split(r"[\W_]+", _COMPANY_SUFFIX.sub("", langdata.strip_accents(text).lower())) if w)


def mentions(text: str, name: str) -> bool:
    """Whether text names `name` (as `normalise_name` folds it) in whole words.

    Folding spaces away lets "Super Micro" meet "Supermicro", but a plain substring test on the
    folded text would also find "paris" in "comparisons" and "nasa" in "Pasadena's": the name must
    be one word of the text or several words run together.
    """
    words = _name_words(text)
    for i, word in enumerate(words):
        run = word
        for following in words[i + 1 :]:
            if not name.startswith(run) or len(run) >= len(name):
                break
            run += following
        if run == name:
            return True
    return False


_DATELINE = re.compile(
    r"^\s*(?:[A-ZÀ-Ý][A-ZÀ-Ý'’. -]{2,}(?:,[^—–\n()]{1,50}?)?|[A-Z][a-z]{2,8}\.?\s+\d{1,2})"
    r"\s*\([^)\n]{1,30}\)\s*[—–-]+\s+",
    re.M,
)
"""A wire dateline opening a story ("COPIAPO, Chile, Aug 22 (Reuters) - ", "Oct. 3 (Bloomberg) -- "):
where and when it was filed, not what it says."""


def sentences_of(text: str) -> list[str]:
    """The sentences of a passage as the readers see them, without a wire dateline: its city and
    agency are not the subject of the figure that follows ("COPIAPO, Chile (AP) — ... 33 men")."""
    text = _DATELINE.sub("", text)
    return [text[s:e] for s, e in split_sentences(text)] or [text]


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
    restated: bool = False
    """The learned reader, not words, tied the figure to the claim (see `_restated`)."""


def focus(claim: Claim) -> str:
    """The part of the claim that its key figure belongs to; the whole claim when it has none."""
    key = claim.key
    if key is None:
        return claim.text
    clause = focus_clauses(claim, key)
    # "en trois mois à peine" alone is about nothing: keep what the claim is about in front of it.
    subject = next((e for e in claim.entities if e in claim.text and e not in clause and not is_place(e)), "")
    return f"{subject} {clause}" if subject and claim.text.find(subject) < claim.text.find(clause) else clause


def lead_in(sentence: str, span: tuple[int, int], reach: int = 120) -> str:
    """The words leading up to a number, back to the previous coordinated clause: where its tense lives."""
    window = sentence[max(0, span[0] - reach) : span[1]]
    cut = max(
        (m.end() for m in _CLAUSE_CUT.finditer(window[: span[0]])), default=0
    )
    return window[cut:]


def is_plan(text: str) -> bool:
    """Whether text speaks of a plan or forecast rather than of what is or was: a plan word, or a
    verb in the future or the conditional ("atteindra", "passerait"; not "attirait", the imperfect)."""
    return bool(_PLAN.search(text)) or any(not _is_past(m.group(0)) for m in _FUTURE.finditer(text))


def _is_past(word: str) -> bool:
    word = word.lower()
    stem = langdata.lemma(word)[:-2]
    return bool(stem) and bool(re.fullmatch(rf"{re.escape(stem)}(?:{_PAST_ENDINGS})", word))


QUANTITY_TOPICAL = 0.85
"""Share of the topical threshold a sentence needs when it holds a number of the claim's kind."""

DATE_MARGIN = 0.1
"""How much more than topical a clause must score before its date may refute a date claim."""

CHARITY = 0.05
"""Numbers whose context is this close in similarity to the best are read as equally relevant."""


RESTATED = 4
"""The most figure sentences per passage the learned reader is asked about (they cost a forward pass each)."""

RESTATED_ENTAILS = 0.5
"""The least P(supports) of a restated sentence for its figure to count as the claim's."""

NOUN_FLOOR = 0.4
"""The least similarity of two counted nouns for a count of one to be read again as a count of the other."""


STATEMENT_WORDS = 2
"""The fewest words besides names a statement needs before a sentence can be said to state it all."""

COVERAGE = 0.7
"""The share of a statement's names and words a sentence must hold to state it."""


class ComparatorStance:
    """Stance from quantities, dates and organisation lists, with embedding-picked context.

    Args:
        similarity: cosine similarity of the claim to several texts, from the retrieval embedder.
        topical: the least similarity for a sentence to count as being about the claim;
            it depends on the embedder, whose scores live on different scales.
    """

    def __init__(
        self, similarity: Similarity, topical: float = 0.3, *, frames: bool = True, entails: Entails | None = None
    ) -> None:
        if not 0.0 <= topical < 1.0:
            raise ValueError("topical must be in [0, 1)")
        self.similarity = similarity
        self.topical = topical
        self.frames = frames
        """Whether a figure must be stated of the claim's subject and event (off only for the ablation)."""
        self.entails = entails
        """A learned reader's P(sentence states the claim), asked where words fail to tie a figure to the claim."""

    def warm(self, claim: Claim, passages: Sequence[Passage]) -> None:
        """Embed the sentences and number clauses of all passages in one batch, when the similarity can."""
        warm = getattr(self.similarity, "warm", None)
        if warm is None:
            return
        texts: list[str] = []
        for passage in passages:
            for sentence in sentences_of(passage.text):
                texts.append(sentence)
                lang = passage.language or claim.lang
                texts += [clause_around(sentence, q.span) for q in figures_in(sentence, lang, passage.published)]
        warm(texts)

    def _about(self, sims: list[float]) -> list[int]:
        """The sentences about the claim (at least topical), most similar first."""
        return sorted((i for i, sim in enumerate(sims) if sim >= self.topical), key=lambda i: -sims[i])

    def judge(self, claim: Claim, passage: Passage, article_date: date | None = None) -> Evidence:
        """The stance passage takes on claim, with a reason naming what was compared."""
        sentences = sentences_of(passage.text)
        sims = self.similarity(focus(claim), sentences)
        best = max(range(len(sentences)), key=lambda i: sims[i])
        reading = (
            self._by_quote(claim, passage, sentences)
            or self._by_quantity(claim, passage, sentences, sims)
            or self._by_earlier_report(claim, passage, sentences, sims)
            or self._by_organisations(claim, sentences, sims, passage.language)
            or self._by_place(claim, sentences, sims, passage.language)
            or self._by_agent(claim, passage, sentences, sims)
            or self._by_swap(claim, passage, sentences, sims)
            or self._by_statement(claim, passage, sentences, sims)
            or _Reading(Stance.NEUTRAL, 0.0, _neutral_reason(claim, sims[best], self.topical), sentences[best])
        )
        if (
            reading.stance is Stance.SUPPORTS
            and claim.kind in ("date", "place")
            and (other := self._another_doer(claim, passage, reading.sentence))
        ):
            # "Gayssot laid the foundation stone on Friday 14 December" has the claim's date, not its doer.
            reading = _Reading(
                Stance.REFUTES,
                reading.score,
                f"names {other[1]}, not {other[0]}, as the one who did it",
                reading.sentence,
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
        figures = carry_currency([figures_in(sentence, lang, passage.published) for sentence in sentences])
        same = lang == claim.lang
        reading = self._compare(claim, key, figures, sentences, sims, same)
        if (
            self.frames
            and reading
            and reading.stance is Stance.SUPPORTS
            and not reading.restated
            and _figure_is_context(claim, key[0])
        ):
            # "The 18 segments were polished in Ohio" asserts where, not how many: the same
            # count says nothing of it unless the sentence also states the claim's event.
            event = predicate_terms(claim)
            if (not same or (event and not event & terms(reading.sentence))) and not (
                reading.found and self._states(claim, key[0], reading.sentence, reading.found)
            ):
                return self._refuted_by_another_figure(claim, figures, sentences, sims, same, None)
        if reading is None or reading.stance is Stance.REFUTES:
            return reading
        return self._refuted_by_another_figure(claim, figures, sentences, sims, same, reading)

    def _refuted_by_another_figure(
        self,
        claim: Claim,
        figures: list[list[Quantity]],
        sentences: list[str],
        sims: list[float],
        same: bool,
        reading: _Reading | None,
    ) -> _Reading | None:
        """The key figure's reading, unless another figure of the claim is contradicted."""
        others = [q for q in claim.quantities if q.kind != claim.kind and not is_deictic(q)]
        second = self._compare(claim, others, figures, sentences, sims, same) if others else None
        # A secondary date ("a report in September 2025 said ...") is when something was said,
        # not what: another date nearby is another event, not a contradiction.
        if second is not None and second.stance is Stance.REFUTES and not (second.found and _generic(second.found)):
            return _Reading(
                Stance.REFUTES,
                second.score,
                f"{reading.reason}; but {second.reason}" if reading else second.reason,
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
        same_language: bool = True,
    ) -> _Reading | None:
        """The best reading of claimed against the figures of each sentence (parallel lists)."""
        candidates: list[tuple[Quantity, int, Quantity, str, Comparison]] = []
        fits: list[float] = []
        restated: list[tuple[Quantity, int, Quantity, str, Comparison]] = []
        by_reader: set[int] = set()
        passage_text = " ".join(sentences)
        known = known_names(" ".join(sentences))
        wanted = _names(claim.text)
        named = [any(mentions(sentence, w) for w in wanted) for sentence in sentences]
        for i, sentence in enumerate(sentences):
            for found in figures[i]:
                for q in claimed:
                    # "6 800 sportifs" and "6,800 athletes": nouns no table pairs may still count the
                    # same thing; the learned reader decides, as for a paraphrase (below).
                    same_thing = comparable(q, found)
                    respelled = not same_thing and self._same_count(q, found)
                    if not same_thing and not respelled:
                        continue
                    # A comparable number is itself a sign of topicality, the more so when it
                    # counts the same named thing or has a physical unit: ask for less.
                    strong = _strong(q, found)
                    gate = STRONG_TOPICAL if strong else QUANTITY_TOPICAL
                    # An embedding can score a claim low against its own source, above all across
                    # languages; a sentence that names the claim's subject and gives a figure with a
                    # unit of the same kind is about it all the same.
                    if sims[i] < self.topical * gate and not (strong and named[i]):
                        continue
                    if is_plan(lead_in(sentence, found.span)) != is_plan(lead_in(claim.text, q.span)):
                        continue
                    clause = clause_around(sentence, found.span)
                    start = sentence.find(clause)
                    before = sentence[max(start, 0) : found.span[0]] if start <= found.span[0] else clause
                    # "Her designs are due to be installed in 2026": the name is in the sentence before.
                    antecedent = sentences[i - 1] if i and _ANAPHORA.match(sentence) else ""
                    if not self.frames:
                        aligned = 0.5
                    elif found.kind == "date":
                        # A date often opens its sentence ("In May 2022, a micrometeoroid hit ..."):
                        # its clause is the adverbial alone, so the whole sentence says what it dates.
                        aligned = alignment(claim, sentence, "", same_language, antecedent)
                    else:
                        aligned = alignment(claim, clause, before, same_language, antecedent)
                    if self.frames and not same_language and found.kind == "date" and wanted and not named[i]:
                        continue  # a date across languages counts only in a sentence naming the claim's subject
                    if (
                        self.frames
                        and found.kind == "date"
                        and _statement_date(sentence, found.span)
                        and not _statement_date(claim.text, q.span)
                    ):
                        continue  # "the chamber said on Wednesday": when it was said, not when it happened
                    if self.frames and _figure_of_another(claim, sentence[: found.span[0]], passage_text, known):
                        aligned = None
                    if self.frames and _SIBLING.search(clause) and not _SIBLING.search(claim.text):
                        aligned = None  # "199 workers died building the older tunnel": a sibling's figure
                    if self.frames and _FOR_COMPARISON.match(sentence) and not named[i]:
                        aligned = None  # "By comparison, the Quecreek miners spent 77 hours below ground"
                    comparison = _compare_respelled(q, found) if respelled else compare(q, found)
                    if respelled:
                        if aligned is not None and comparison.outcome != "unrelated":
                            restated.append((q, i, found, clause, comparison))
                        continue
                    if (
                        self.frames
                        and aligned is not None
                        and not (found.kind == "count" and q.unit and found.unit)
                        and not (not same_language and not _generic(found) and comparison.outcome == "supports")
                        and not self._measures_the_same(
                            claim,
                            f"{antecedent} {sentence}"
                            if found.kind == "date"
                            else _window(sentence, clause, found.span),
                            same_language,
                        )
                    ):
                        # Another attribute's figure ("the mirror is 6.5 m" for the sunshield) counts
                        # for nothing. Across languages, where words match least, the same value in a
                        # unit of the claim's kind stands in for them ("the data centre" for "le site").
                        # Paraphrase ("pledged" for "promised") defeats words; a learned reader may
                        # still find the sentence states the claim once it carries the claim's figure.
                        if self.entails is not None and comparison.outcome != "unrelated":
                            restated.append((q, i, found, clause, comparison))
                        aligned = None
                    if aligned is None or (same_language and aligned < ALIGNED and _generic(found)):
                        # Another subject's figure, or a date or share in words about another event:
                        # neither for nor against. (Units make a figure specific; paraphrase
                        # "construction lasted" for "took to build" shares no word, so those pass.)
                        continue
                    candidates.append((q, i, found, clause, comparison))
                    fits.append(aligned)
        if restated and not any(c[4].outcome != "unrelated" for c in candidates):
            for candidate in self._restated(claim, restated, sentences, sims):
                by_reader.add(len(candidates))
                candidates.append(candidate)
                fits.append(ALIGNED)
        if not candidates:
            return None
        clause_sims = self.similarity(focus(claim), [c[3] for c in candidates])
        relevance = [clause_sims[j] + sims[candidates[j][1]] + ALIGN_WEIGHT * fits[j] for j in range(len(candidates))]
        # A figure too far from the claim's to be the same measure is left out before the most
        # relevant are chosen, so that it cannot shadow the figure the sentence gives for it.
        compared = [(j, c[4]) for j, c in enumerate(candidates) if c[4].outcome != "unrelated"]
        if not compared:
            return None
        best = max(relevance[j] for j, _ in compared)
        # Among numbers in equally relevant contexts, read the passage charitably: the claim is
        # judged against the one it matches best, so a second figure nearby is not a contradiction.
        results = [(j, r) for j, r in compared if relevance[j] >= best - CHARITY]
        order = {"supports": 0, "partly": 1, "refutes": 2}
        j, result = min(results, key=lambda jr: (order[jr[1].outcome], -relevance[jr[0]]))
        _, i, found, _, _ = candidates[j]
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
        if self.frames and result.outcome == "refutes" and found.kind == "date":
            # The same subject has many dated events; another date refutes only for the same event.
            if not same_language and coarser_date(found, candidates[j][0]):
                # "In 2022 Tesla installed its first cabinet" against "le 22 avril 2019, Musk l'a
                # mentionné pour la première fois": a bare year or month is most often another event's,
                # and across languages single words ("first", "première") cannot tell which event.
                return None
            event = event_words(claim)
            if (
                event
                and not self._meets(event, candidates[j][3], same_language)
                and not self._states(claim, candidates[j][0], sentences[i], found)
            ):
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
            restated=j in by_reader,
        )

    def _same_count(self, claimed: Quantity, found: Quantity) -> bool:
        """Whether two counts of different nouns may be read again by the learned reader."""
        return (
            self.entails is not None
            and self.frames
            and claimed.kind == found.kind == "count"
            and bool(claimed.unit)
            and bool(found.unit)
            # "30 A350s" and "234 A380s": a model name is one thing, never a respelling of another.
            and not is_model_name(claimed.unit)
            and not is_model_name(found.unit)
            # The reader, shown the claim's number in the sentence, reads the shared number as
            # agreement ("19 titles" from "athletes of 19 delegations"): the nouns themselves
            # must be near ("sportifs", "athletes" 0.84; "titres", "délégations" 0.31).
            and self.similarity(claimed.unit, [found.unit])[0] >= NOUN_FLOOR
        )

    def _restated(
        self,
        claim: Claim,
        gated: list[tuple[Quantity, int, Quantity, str, Comparison]],
        sentences: list[str],
        sims: list[float],
    ) -> list[tuple[Quantity, int, Quantity, str, Comparison]]:
        """The figures the words could not tie to the claim but the learned reader can.

        Each sentence is read with its figure replaced by the claim's: if the sentence then
        states the claim, its own figure is the claim's figure, whatever the words around it.
        The reader never sees which figure differs, so it judges the frame, the comparator
        the figures. Only the most similar sentences are read, in one batch.
        """
        assert self.entails is not None
        gated = sorted(gated, key=lambda c: -sims[c[1]])[:RESTATED]
        texts = [_restate(sentences[i], found, q) for q, i, found, _, _ in gated]
        scores = self.entails([(claim.text, text, claim.lang) for text in texts])
        return [c for c, p in zip(gated, scores, strict=True) if p >= RESTATED_ENTAILS]

    def _states(self, claim: Claim, claimed: Quantity, sentence: str, found: Quantity) -> bool:
        """Whether the learned reader finds sentence, with the claim's figure in place of found, states
        the claim: the last word where the claim's event words are missing ("repêchées" for "cleared")."""
        if self.entails is None:
            return False
        return self.entails([(claim.text, _restate(sentence, found, claimed), claim.lang)])[0] >= RESTATED_ENTAILS

    def _measures_the_same(self, claim: Claim, window: str, same_language: bool) -> bool:
        """Whether a figure's surroundings say what the claim's figure measures.

        A unit says what kind of figure it is, not of what: "the mirror is 6.5 m across" and
        "the sunshield is 21 m long" are both lengths. The claim's own attribute words (not its
        names, figures or vague words like "long" or "has") must meet a word near the figure.
        A claim with no such words is not gated. A count of a named thing ("18 segments")
        carries its attribute in its noun and never comes here.
        """
        wanted = attribute_words(claim)
        if not wanted:
            return True
        if self._meets(wanted, window, same_language):
            return True
        # The claim's subject named at the figure ties it to the claim, unless the name owns
        # another thing there ("Webb's primary mirror measures 6.5 m" is not Webb's sunshield).
        names = _names(claim.text)
        if not names or not any(mentions(window, n) for n in names):
            return False
        owned = _owned_words(window, names)
        return not owned or self._meets(wanted, " ".join(owned), same_language)

    def states_event(self, claim: Claim, sentence: str, same_language: bool) -> bool:
        """Whether sentence holds one of the claim's event words (true of a claim with none).

        Another event of the same subject neither contradicts nor bears out the claim; a
        paraphrase of the same event ("put together" for "built") may hold none of its words,
        so only a learned reader's contradiction is held to this.
        """
        event = event_words(claim)
        return not event or self._meets(event, sentence, same_language)

    def _meets(self, wanted: frozenset[str], text: str, same_language: bool) -> bool:
        """Whether text holds one of the wanted words.

        In one language, the same stem. Across languages also a word the embedder puts within
        BRIDGE of it ("pare-soleil", "sunshield"). Not within one language: there single words of
        one family ("first", "second"; "hinted", "told": 0.64) come as close as true paraphrases
        ("build", "construction": 0.68), and bridging them there lost two development claims
        (jw-en-18, cc-en-24) for none won.
        """
        near = content_words(text)
        if {w[:5] for w in wanted} & {w[:5] for w in near}:
            return True
        if same_language or not near:
            return False
        near_list = sorted(near)
        return any(max(self.similarity(w, near_list)) >= BRIDGE for w in sorted(wanted))

    def _by_earlier_report(
        self, claim: Claim, passage: Passage, sentences: list[str], sims: list[float]
    ) -> _Reading | None:
        """A start date refuted by a source that reports the thing going on before it.

        "Musk has worked on Dojo since 2023" is contradicted by a 2021 report on Dojo being
        developed, though that report gives no date in words: its publication date is one.
        Only a sentence naming the claim's subject and stating its event (the claim's verb
        words in one language, a close match across languages) counts.
        """
        since = [q for q in claim.quantities if q.kind == claim.kind == "date" and q.approx == "since"]
        if not self.frames or not since or passage.published is None:
            return None
        start = _date_start(str(since[0].value))
        if start is None or passage.published >= start:
            return None
        wanted = _names(claim.text)
        same = (passage.language or claim.lang) == claim.lang
        event = predicate_terms(claim)
        for i in self._about(sims):
            if not any(mentions(sentences[i], w) for w in wanted):
                continue
            if (same and event and event & terms(sentences[i])) or (not same and sims[i] >= self.topical + DATE_MARGIN):
                return _Reading(
                    Stance.REFUTES,
                    min(1.0, 0.5 + sims[i] / 2),
                    f"reported as under way on {passage.published.isoformat()}, before the claimed start "
                    f"({format_quantity(since[0])})",
                    sentences[i],
                )
        return None

    def _by_agent(self, claim: Claim, passage: Passage, sentences: list[str], sims: list[float]) -> _Reading | None:
        """Who did it, for a statement without figures: "NIRSpec was built by Lockheed Martin".

        The claim's doer is the name after "by"/"par", or else the name that opens it before its
        event words. A sentence in the same language that states the same event (most of the
        claim's verb words) of the same thing, with a doer in the same place, supports when it
        is the claimed one and refutes when it is another. Names merely mentioned together are
        not agreement, and across languages the event's words cannot be matched, so such pairs
        are left to the learned reader.
        """
        if not self.frames or claim.kind != "statement" or (passage.language or claim.lang) != claim.lang:
            return None
        names, event, doer = _claimed_doer(claim)
        if len(names) < 2 or not event or doer is None:
            return None
        name, role = doer
        themes = [e for e in names if e != name]
        known = known_names(passage.text)
        # What it was done to may be named elsewhere in the passage ("manages the project").
        if not any(_same_name(t, e) for t in themes for e in find_entities(passage.text)):
            return None
        best: _Reading | None = None
        for i in self._about(sims):
            sentence = sentences[i]
            told = _told_doer(claim, sentence, known, event, role)
            found = told[0] if told else None
            if found is None or any(_same_name(t, found[0]) for t in themes):
                continue
            score = min(1.0, 0.5 + sims[i] / 2)
            if _same_name(name, found[0]):
                reading = _Reading(Stance.SUPPORTS, score, f"names {found[0]} as the one who did it", sentence)
            else:
                reading = _Reading(
                    Stance.REFUTES, score, f"names {found[0]}, not {name}, as the one who did it", sentence
                )
            if best is None or _rank(reading) > _rank(best):
                best = reading
        return best

    def _another_doer(self, claim: Claim, passage: Passage, sentence: str) -> tuple[str, str] | None:
        """The claim's doer and the other one sentence gives for the same event, if it gives another.

        A date or place that matches bears out nothing when the sentence says someone else did
        the thing. Read as `_by_agent` reads a statement: in one language only.
        """
        if not self.frames or not sentence or (passage.language or claim.lang) != claim.lang:
            return None
        names, event, doer = _claimed_doer(claim)
        if not event or doer is None:
            return None
        name, role = doer
        if role == "subject" and _BY.search(claim.text):
            return None  # "Hubble was put in orbit by the shuttle Discovery": the subject did nothing
        found, named = _told_doer(claim, sentence, known_names(passage.text), event, role) or (None, ())
        if found is None or any(_same_name(n, found[0]) for n in names):
            return None
        # "Le président de la République, Jacques Chirac, a inauguré": the claim's doer in apposition.
        mine = [n for n in named if _same_name(name, n)]
        if role == "subject" and mine and _doer(sentence, mine, event, role) is not None:
            return None
        return name, found[0]

    def _by_quote(self, claim: Claim, passage: Passage, sentences: list[str]) -> _Reading | None:
        """Whose words a quote is: the source that gives the claim's quote gives it to someone.

        A quote is found by the embedder, which matches a quote with its translation ("shut
        his mouth", « se taire »), against every quoted span of the passage. The speaker is
        read from the names outside the quote in its sentence (or the one before, where "he
        said" points back): the claim's speaker there supports; only other people named beside
        a reporting verb refute, since a quote's sentence often names who it is about too.
        """
        if not self.frames:
            return None
        quotes = quoted(claim.text)
        speakers = _speakers(claim)
        if not quotes or not speakers:
            return None
        spans = [(i, q) for i, sentence in enumerate(sentences) for q in quoted(sentence)]
        if not spans:
            return None
        best: tuple[float, int] | None = None
        for quote in quotes:
            # A claim often quotes a few words of a longer quote: each is also read in pieces of its length.
            pieces = [(i, piece) for i, q in spans for piece in _pieces(q, len(quote.split()))]
            sims = self.similarity(quote, [piece for _, piece in pieces])
            for (i, _), sim in zip(pieces, sims, strict=True):
                if sim >= QUOTE_MATCH and (best is None or sim > best[0]):
                    best = (sim, i)
        if best is None:
            return None
        sim, i = best
        known = known_names(passage.text)
        # "he said" points back to the sentence before only when the quote's own names nobody.
        names = _people(sentences[i], known) or (_people(sentences[i - 1], known) if i else [])
        if not names:
            return None
        score = min(1.0, 0.5 + sim / 2)
        said = next((n for n in names if any(_same_name(s, n) for s in speakers)), None)
        if said is not None:
            return _Reading(Stance.SUPPORTS, score, f"gives these words to {said}", sentences[i])
        if _REPORTING.search(_QUOTED.sub(" it ", sentences[i])):  # a reporting verb outside the quote
            return _Reading(Stance.REFUTES, score, f"gives these words to {names[0]}, not {speakers[0]}", sentences[i])
        return None

    def _by_statement(self, claim: Claim, passage: Passage, sentences: list[str], sims: list[float]) -> _Reading | None:
        """Support a statement without figures from a sentence that says nearly all of it.

        Who leads, supplies or approved what has no figure to compare, and the learned reader
        is weak on it. A sentence that holds most of the claim's names and other words (by lemma
        in one language, by single-word vectors across languages: "fourni" for "provided"), and
        the places it names, says the same thing; one negated where the claim is not, or told as
        a plan where the claim states a fact, does not. Names merely mentioned together miss the
        claim's words and stay neutral; such a sentence never refutes.
        """
        if not self.frames or claim.kind != "statement" or claim.quantities:
            return None
        names = _names(claim.text)
        words = _other_words(claim)
        if not names or len(words) < STATEMENT_WORDS:
            return None
        same_language = (passage.language or claim.lang) == claim.lang
        negated, planned = bool(NEGATION.search(claim.text)), is_plan(claim.text)
        claimed = [e for e in claim.entities if is_place(e)]
        known = known_names(passage.text)
        for i in self._about(sims):
            sentence = sentences[i]
            named = sum(mentions(sentence, n) for n in names)
            if not about_subject(claim, sentence, known) or bool(NEGATION.search(sentence)) != negated:
                continue
            if is_plan(sentence) != planned:
                continue
            if claimed:
                fits = [places.compatible(p, t) for p in claimed for t in _places_in(sentence)]
                if False in fits or True not in fits:
                    continue  # "a former factory in Nashville" is not stated by one in Memphis
            said = sum(self._meets(frozenset({w}), sentence, same_language) for w in sorted(words))
            if said >= STATEMENT_WORDS and named + said >= COVERAGE * (len(names) + len(words)):
                return _Reading(
                    Stance.SUPPORTS,
                    min(1.0, 0.5 + sims[i] / 2),
                    f"states the same: {named} of its {len(names)} names and {said} of its {len(words)} other words",
                    sentence,
                )
        return None

    def _by_swap(self, claim: Claim, passage: Passage, sentences: list[str], sims: list[float]) -> _Reading | None:
        """A statement refuted by a sentence that puts another name in the same place.

        "Webb was put in orbit by a Soyuz rocket" against "carried by an Ariane 5 rocket", and
        "owned by an Australian firm" against "a Canadian firm": the sentence names the claim's
        subject, leaves out one of its names, and gives another name of the same kind next to
        the same word. In one language only, since the neighbouring word is matched by its stem.
        """
        if not self.frames or claim.kind != "statement" or (passage.language or claim.lang) != claim.lang:
            return None
        named = _slot_names(claim.text)
        if len(named) < 2:
            return None
        negated = bool(NEGATION.search(claim.text))
        skip = _name_terms(claim)
        known = known_names(passage.text)
        for i in sorted(range(len(sentences)), key=lambda i: -sims[i]):
            sentence = sentences[i]
            missing = [n for n in named if not mentions(sentence, normalise_name(n))]
            if len(missing) != 1 or bool(NEGATION.search(sentence)) != negated:
                continue
            gone = missing[0]
            slots = _slots(claim.text, gone, claim.lang, skip)
            for other in _slot_names(sentence, known):
                if any(_same_name(other, n) for n in named) or not _rivals(gone, claim.text, other, sentence):
                    continue
                if any(a and a == b for a, b in zip(slots, _slots(sentence, other, claim.lang, skip), strict=True)):
                    return _Reading(
                        Stance.REFUTES,
                        min(1.0, 0.5 + sims[i] / 2),
                        f"gives {other} where the claim has {gone}",
                        sentence,
                    )
        return None

    def _by_organisations(
        self, claim: Claim, sentences: list[str], sims: list[float], language: str = ""
    ) -> _Reading | None:
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
        same_language = (language or claim.lang) == claim.lang
        event = predicate_terms(claim)
        best: _Reading | None = None
        for i, sentence in enumerate(sentences):
            if sims[i] < self.topical:
                continue
            listed = {normalise_name(e): e for e in find_entities(sentence) if not is_place(e)}
            present = {
                k for k in wanted if k and (k in listed or mentions(sentence, k)) and not _declined(sentence, wanted[k])
            }
            missing = [wanted[k] for k in wanted if k not in present]
            others = [v for k, v in listed.items() if k not in wanted and not any(k in w or w in k for w in wanted)]
            score = min(1.0, 0.5 + sims[i] / 2)
            if self.frames and same_language and event and not _states_event(event, sentence):
                continue  # the same names doing something else ("attended the meeting", not "signed")
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

    def _by_place(self, claim: Claim, sentences: list[str], sims: list[float], language: str = "") -> _Reading | None:
        """Support a claim of where something happened when a sentence tells of it in the same place.

        Naming the place is not enough: "the ship had just left Baltimore" does not bear out
        "the FBI opened an inquiry into its departure from Baltimore"; the sentence must hold
        one of the claim's words besides its names ("summit" for "the summit was held in Geneva"),
        and name one of the claim's names where it has some: "the text had been initialled in
        Brussels" is another step than "the ITER agreement was signed in Brussels"."""
        if claim.kind != "place":
            return None
        claimed = [e for e in claim.entities if is_place(e)]
        if not claimed:
            return None
        same_language = (language or claim.lang) == claim.lang
        words = _other_words(claim)
        for i in self._about(sims):
            named = _places_in(sentences[i])
            score = min(1.0, 0.5 + sims[i] / 2)
            if all(any(places.compatible(c, n) for n in named) for c in claimed) and (
                not self.frames
                or (
                    (not words or self._meets(words, sentences[i], same_language))
                    and names_subject(claim, sentences[i])
                )
            ):
                return _Reading(Stance.SUPPORTS, score, f"places it in {', '.join(named)}", sentences[i])
            # Another place refutes only in a sentence about the same subject that puts it there,
            # and that does not also name the claim's ("meeting in Murray, Kentucky, ... to the
            # data centre in South Memphis").
            if (
                named
                and _shares_subject(claim, sentences[i])
                and all(places.compatible(c, n) is False for c in claimed for n in named)
                and not any(mentions(sentences[i], normalise_name(c)) for c in claimed)
            ):
                return _Reading(
                    Stance.REFUTES, score, f"places it in {', '.join(named)}, not {', '.join(claimed)}", sentences[i]
                )
        return None


_QUOTED = re.compile(r"«\s*([^»]+?)\s*»|“([^”]+)”|\"([^\"]+)\"|(?<![\w’'])'([^']+?)'(?![\w’'])")
"""A quoted span: «…», “…”, "…" or '…' (an apostrophe inside a word is no quote mark)."""

_REPORTING = re.compile(rf"\b(?:{langdata.pattern('reporting')})\b", re.I)

QUOTE_MATCH = 0.55
"""The least embedding similarity between two quotes for them to be the same words (or their translation).
With the packaged encoder: "win-win-win" / « gagnant-gagnant-gagnant » 0.57, "plus belle encore" /
"even more beautiful" 0.81, "shut his mouth" / « se taire » 0.55, against 0.12-0.16 for unrelated quotes."""


def quoted(text: str) -> list[str]:
    """The quoted spans of text of two words or more, or one long one ("win-win-win")."""
    spans = (next(g for g in m.groups() if g) for m in _QUOTED.finditer(text))
    return [q.strip() for q in spans if len(q.split()) >= 2 or len(q) >= 10]


def _pieces(quote: str, length: int) -> list[str]:
    """The quote, and when it is longer than `length` words + 2, its runs of `length` + 2 words."""
    words = quote.split()
    n = length + 2
    if len(words) <= n:
        return [quote]
    return [quote, *(" ".join(words[k : k + n]) for k in range(len(words) - n + 1))]


def _people(sentence: str, known: set[str] | None) -> list[str]:
    """The names a sentence gives outside its quotes, places and units aside."""
    return [e for e in find_entities(_QUOTED.sub(" it ", sentence), known) if not is_place(e) and not _is_unit(e)]


def _speakers(claim: Claim) -> list[str]:
    """Who the claim says spoke: its speaker, else the names it gives outside the quote."""
    if claim.speaker:
        return [claim.speaker]
    return _people(claim.text, None)


def _restate(sentence: str, found: Quantity, claimed: Quantity) -> str:
    """sentence with the claim's figure written where it gives found."""
    return sentence[: found.span[0]] + claimed.text + sentence[found.span[1] :]


def _compare_respelled(claimed: Quantity, found: Quantity) -> Comparison:
    """`compare` for a count of another noun, as if it counted the claim's, its reason in the source's words."""
    as_claimed = replace(found, unit=claimed.unit)
    outcome = compare(claimed, as_claimed)
    return replace(
        outcome, explanation=outcome.explanation.replace(format_quantity(as_claimed), format_quantity(found))
    )


def _statement_date(text: str, span: tuple[int, int]) -> bool:
    """Whether the date at span is when something was said: a reporting verb with only function words
    between ("said on Wednesday", "l'a indiqué le mercredi 4 décembre"), not a reported event's date
    ("said the plant opened on 3 May")."""
    verbs = list(_REPORTING.finditer(text[: span[0]]))
    if not verbs:
        return False
    between = re.findall(r"[^\W\d_]+", text[verbs[-1].end() : span[0]].lower())
    return len(between) <= 3 and all(w in STOPWORDS or w in WEEKDAYS for w in between)


def _states_event(event: frozenset[str], sentence: str) -> bool:
    """Whether sentence holds most of the claim's event words: "signed the pledge", not "attended the meeting"."""
    return len(event & terms(sentence)) >= max(1, (len(event) + 1) // 2)


def _places_in(sentence: str) -> list[str]:
    """The places a sentence names: well-known ones anywhere, small towns after "in", "à", "near"."""
    out = []
    for e in find_entities(sentence):
        at = sentence.find(e)
        if _ARTICLE_BEFORE.search(sentence[:at]) and all(p.kind == "city" for p in places.lookup(e)):
            continue  # "the Dali", "le Dali": a city's name with an article names a ship, a hotel, a painting
        if is_place(e) or (places.lookup(e) and LOCATED.search(sentence[:at]) and not places.written_as_brand(e)):
            out.append(e)
    return out


_ARTICLE_BEFORE = re.compile(rf"(?:^|\s)(?:{langdata.pattern('definite_articles')})\s$")
"""A definite article written in lower case just before a name (case-sensitive: "Le Havre" is the city)."""


STRONG_TOPICAL = 0.6
"""Share of the topical threshold for a number that is strong evidence of being the same figure."""

_ONLY = langdata.regex("only")
_DECLINED = langdata.regex("declined")
_DEICTIC = re.compile(rf"^(?:{langdata.pattern('deictic_dates')})$", re.I)
_RISE = langdata.regex("rise")
_RANGE_LINK = re.compile(rf"^\s*(?:{langdata.pattern('range_links')})\s*$", re.I)


def is_deictic(q: Quantity) -> bool:
    """ "Today", "aujourd'hui": the article's own date, which says when, not what, to check."""
    return q.kind == "date" and bool(_DEICTIC.match(q.text.strip()))


def _generic(found: Quantity) -> bool:
    return found.kind in ("date", "percent") or (found.kind == "count" and not found.unit)


def _strong(claimed: Quantity, found: Quantity) -> bool:
    if claimed.kind in PHYSICAL_KINDS:
        return True
    return claimed.kind == "count" and bool(claimed.unit and found.unit)


def listed_names(text: str, entities: Sequence[str]) -> list[str]:
    """The longest run of names joined by commas, "and" or "et": the list a claim makes.

    "Dell and Supermicro assembled the racks for Colossus" lists Dell and Supermicro;
    Colossus is what they worked on, not one of them.
    """
    names = [e for e in entities if not is_place(e)]
    best: list[str] = []
    for start in range(len(names)):
        run, pos = [names[start]], text.find(names[start]) + len(names[start])
        for name in names[start + 1 :]:
            at = text.find(name, pos)
            if at < 0 or not _LIST_GAP.fullmatch(text[pos:at]):
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


@lru_cache(maxsize=4096)
def _passage_figures(text: str, lang: str, published: date | None) -> tuple[Quantity, ...]:
    return tuple(parse_quantities(text, lang, published))


def states_a_comparable_figure(claim: Claim, passage: Passage) -> bool:
    """Whether a passage gives a figure of the kind the claim turns on ("122 days" for "three months").

    Retrieval ranks by wording, and the sources that disagree with a claim are worded unlike
    it; this lets the reader keep room for them.
    """
    key = [q for q in claim.quantities if q.kind == claim.kind and not is_deictic(q)]
    if not key:
        return False
    found = carry_currency([_passage_figures(passage.text, passage.language or claim.lang, passage.published)])[0]
    return any(comparable(q, f) for q in key for f in found)


def carry_currency(groups: Sequence[Sequence[Quantity]]) -> list[list[Quantity]]:
    """The figures of consecutive sentences, a bare amount in the currency last named before it.

    Reports name the currency once and then drop it ("6,8 milliards d'euros ... le comité
    disposerait de 3,8 milliards"); read alone, the second is a count of nothing.
    """
    currency: str | None = None
    out: list[list[Quantity]] = []
    for group in groups:
        kept = []
        for q in group:
            if q.kind == "money":
                currency = q.unit
            elif currency and _bare_amount(q):
                q = replace(q, kind="money", unit=currency)
            kept.append(q)
        out.append(kept)
    return out


def _bare_amount(q: Quantity) -> bool:
    """A count of no noun written with a scale word ("3,8 milliards", "1.5 billion")."""
    return (
        q.kind == "count"
        and q.unit is None
        and isinstance(q.value, int | float)
        and q.value >= 1e6
        and bool(re.search(r"[^\W\d_]", q.text))
    )


def figures_in(sentence: str, lang: str, published: date | None) -> list[Quantity]:
    """The figures a sentence states and those a reader works out from them."""
    return list(_figures_in(sentence, lang, published))


@lru_cache(maxsize=16384)
def _figures_in(sentence: str, lang: str, published: date | None) -> tuple[Quantity, ...]:
    # Every claim of an article reads the same passages: parse each sentence once per process.
    found = parse_quantities(sentence, lang, published)
    return tuple(found + derived_quantities(sentence, found))


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


_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_NOT_TERMS = (
    STOPWORDS | langdata.union("not_names") | set(langdata.union("months")) | set(langdata.union("number_words"))
)


def _fold(word: str) -> str:
    return langdata.strip_accents(word.lower())


@lru_cache(maxsize=16384)
def terms(text: str) -> frozenset[str]:
    """Content words as crude stems (five letters of the lemma, accents folded): "launched" meets
    "launch", "led" meets "lead".

    Cached: every candidate figure of every passage asks again for the claim's own terms.
    """
    return frozenset(folded[:5] for _, folded in _words(text))


@lru_cache(maxsize=16384)
def _words(text: str) -> tuple[tuple[str, str], ...]:
    """Each content word of text as written (lower case) and as its lemma, accent-folded: what terms and
    content_words read."""
    out = []
    for m in _WORD.finditer(text):
        word = re.sub(r"['’]s?$", "", re.sub(r"^[a-z]['’]", "", m.group().lower()))
        if len(word) >= 3 and word not in _NOT_TERMS:
            out.append((word, _fold(langdata.lemma(word))))
    return tuple(out)


@lru_cache(maxsize=16384)
def content_words(text: str) -> frozenset[str]:
    """Content words whole (lower case, accents folded, vague words out), for matching across stems and languages."""
    return frozenset(folded for word, folded in _words(text) if word not in _VAGUE)


_VAGUE = langdata.union("vague_words")


@lru_cache(maxsize=8)
def _determiner(code: str) -> re.Pattern[str]:
    """A determiner of one language (French "a" is a verb), or an English possessive "'s"."""
    return re.compile(rf"(?:(?:^|(?<=\s))(?:{langdata.get(code).determiners})|(?<=\w)['’]s)(?=\s|$)", re.I)


_PHRASE_WORDS = 3
"""How many words after a determiner are taken as the thing it names ("the shaded side", "le pare-soleil")."""


@lru_cache(maxsize=1024)
def attribute_words(claim: Claim) -> frozenset[str]:
    """The things the claim's figures belong to: words of its noun phrases, neither names, figures nor vague.

    Only words after a determiner ("the sunshield", "chaque segment", "Webb's first burn")
    count: without a parser that is how a thing is told from a verb, and a verb's paraphrase
    ("built", "completed in 122 days") must not make a figure someone else's.
    """
    named = _name_terms(claim) | _measure_words(claim)
    phrases = " ".join(
        " ".join(claim.text[m.end() :].split()[:_PHRASE_WORDS]) for m in _determiner(claim.lang).finditer(claim.text)
    )
    return frozenset(w for w in content_words(phrases) if w[:5] not in named)


def _measure_words(claim: Claim) -> frozenset[str]:
    """The words of the claim's figures, but for the nouns they count ("100 000 GPU" keeps "GPU")."""
    return frozenset().union(*(terms(q.text) for q in claim.quantities if not (q.kind == "count" and q.unit)))


def _window(sentence: str, clause: str, span: tuple[int, int], reach: int = 6) -> str:
    """A figure's clause with the few words before it, where its subject often stands ("Son miroir, large de 6,5 m")."""
    start = sentence.find(clause)
    if start < 0:
        return sentence
    before = sentence[:start].split()[-reach:]
    # "Le pare-soleil, composé de cinq couches de Kapton, mesure 21 m": past an aside set off by
    # commas, the subject stands before it.
    segments = re.split(r",\s", sentence[:start].rstrip().removesuffix(","))
    subject = segments[-2].split()[-reach:] if len(segments) >= 2 else []
    return " ".join([*subject, *before, clause])


BRIDGE = 0.6
"""The least embedding similarity for two different words to count as naming the same thing.
Set by eye on word pairs of the development sets with the packaged multilingual encoder:
"miroir"/"mirror" 0.87, "durée"/"duration" 0.91, "pare-soleil"/"sunshield" 0.60, against
"pare-soleil"/"mirror" 0.43 and "segment"/"mirror" 0.25."""


def _figure_words(claim: Claim) -> frozenset[str]:
    return frozenset().union(*(terms(q.text) for q in claim.quantities))


_NAME_PARTS = re.compile(rf"['’]s?(?:\s+|$)|\s+(?:{langdata.pattern('fraction_links')})\s+")


@lru_cache(maxsize=4096)
def _names(text: str) -> frozenset[str]:
    # "Tesla's Dojo" and "NIRSpec de Webb" name two things, each of which a source may name alone.
    # A nationality ("the Japanese diplomat") says where someone is from, not who: no name either.
    parts = [
        p for e in find_entities(text) if not is_place(e) for p in _NAME_PARTS.split(e)
    ]
    return frozenset(normalise_name(p) for p in parts if not is_place(p) and not places.is_demonym(p)) - {""}


def _shares_subject(claim: Claim, sentence: str) -> bool:
    """Whether sentence names what the claim is about: one of its names, or (same words) its subject terms."""
    wanted = _names(claim.text)
    if any(mentions(sentence, n) for n in wanted):
        return True
    return bool((terms(claim.text) - _figure_words(claim)) & terms(sentence))


def alignment(claim: Claim, clause: str, before: str, same_language: bool, antecedent: str = "") -> float | None:
    """How surely a figure in `clause` is stated of the claim's subject and event, from 0 to 1.

    `before` is the clause's text up to the figure: where its subject is. None when the figure
    belongs to another subject: a name the claim does not mention stands before it and none of
    the claim's does ("Hubble's mirror is 2.4 m" says nothing of Webb's). In one language the
    words decide too: the subject's own words before the figure ("the new one 450 m" against
    "the old bridge is 300 m") and the event's words in the clause ("founded in 1998" is not
    "launched in 1998"); across languages only names can be matched, so the score is neutral.
    A clause opening with a pronoun ("Her designs ...") also has the words of `antecedent`, the
    sentence its pronoun points back to.
    """
    claim_terms = terms(claim.text) - _figure_words(claim)
    if _owned_by_another(claim, before, claim_terms):
        return None
    if not same_language:
        return 0.5
    if not claim_terms:
        return 0.5
    head = terms(before)
    shared = len(claim_terms & (terms(clause) | terms(antecedent))) / len(claim_terms)
    subject = len(head & claim_terms) / len(head) if head else shared
    return SHARED_WEIGHT * shared + (1 - SHARED_WEIGHT) * subject


_SIBLING = re.compile(
    rf"\b(?:{langdata.pattern('definite_articles')}|{langdata.pattern('anaphora')})\s*"
    rf"(?:{langdata.pattern('sibling_words')})\b",
    re.I,
)
"""A noun made another of its kind by its article and adjective ("the older tunnel", "l'ancien pont")."""
_FOR_COMPARISON = re.compile(rf"^\W*(?:{langdata.pattern('comparison_openers')})\b", re.I)
_CONTRAST = re.compile(rf"(?:{langdata.pattern('contrast')})", re.I)
_ANAPHORA = re.compile(rf"^\W*(?:{langdata.pattern('anaphora')})\b", re.I)


_ASIDE = re.compile(rf",\s*(?:{langdata.pattern('relative_pronouns')})(?:\b|(?<=['’]))[^,;]*,", re.I)


_APPOSITION = re.compile(r"^\W*(?P<head>[^,;]{1,80}?)\s*,\s*(?=[a-zà-ÿ])[^,;]*,")
"""A sentence's head name and the lower-case apposition after it, up to its closing comma."""


def _figure_of_another(claim: Claim, before: str, passage: str, known: set[str] | None = None) -> bool:
    """Whether the name nearest before a figure is another subject the passage sets beside the claim's.

    "Unlike Hubble, which orbits about 540 km up, Webb ..." and "Hubble, lui, évolue à 540 km":
    when a passage speaks of the claim's subject and of another, a figure goes with the name
    it follows. A passage that never names the claim's subject ("xAI built it in 122 days")
    is left to the other checks, its name may be the doer of the claim's thing, unless the
    sentence contrasts two subjects ("unlike", "tandis que", "Hubble, lui, ...").
    """
    wanted = _names(claim.text) | _countries(claim.text)
    if not wanted:
        return False
    contrasted = bool(_CONTRAST.search(before))
    # Another country is another subject even where the passage never names the claim's
    # ("France ended fifth with 16 golds" is not the US's or China's count).
    if not any(mentions(passage, w) for w in wanted) and not contrasted and not _rival_country(claim, before):
        return False
    # A capital opening the sentence ("Sometime between May 23 ...") is a name only if the passage
    # also writes it with a capital mid-sentence; units ("Celsius") never are.
    # "The Pinault family, which controls Kering through Artémis, gave 100 million": a relative
    # clause's names are not whose figure it is. (A parenthesis often renames the subject:
    # "la chambre de commerce (Greater Memphis Chamber)".)
    before = _ASIDE.sub(" ", before)
    # "Edison Peña, l'amateur d'Elvis Presley qui courait ..., a bouclé": an apposition right after
    # the claim's own name at the head of the sentence renames it; its names own no figure.
    head = _APPOSITION.match(before)
    if head and not contrasted and any(mentions(head.group("head"), w) for w in wanted):
        before = before[: head.end("head")] + " " + before[head.end() :]
    every = find_entities(before)
    found = every if contrasted else find_entities(before, known)
    # A country opening the sentence is a name all the same ("Japan was third with 20 golds").
    found += tuple(e for e in every if e not in found and places.is_country(_unpossessed(e)))
    names = sorted(
        (e for e in found if (not is_place(e) or places.is_country(_unpossessed(e))) and not _is_unit(e)),
        key=before.rfind,
    )
    if not names:
        return False
    nearest = normalise_name(_unpossessed(names[-1]))
    if not nearest or any(w in nearest or nearest in w for w in wanted):
        return False
    # "the National Transportation Safety Board" is the claim's "NTSB", and the other way round.
    if initials(names[-1]) in wanted or nearest in _acronyms(claim.text):
        return False
    # "xAI and NVIDIA completed it in 122 days": a name joined to the claim's shares its figure
    # ("Unlike France, Japan won 45" sets them apart).
    if not contrasted and len(names) >= 2 and any(mentions(names[-2], w) for w in wanted):
        between = before[before.rfind(names[-2]) + len(names[-2]) : before.rfind(names[-1])]
        if _JOINED.fullmatch(between):
            return False
    return True


def names_subject(claim: Claim, sentence: str, known: set[str] | None = None) -> bool:
    """Whether sentence names one of the claim's names (true of a claim without names).

    A learned reader's verdict counts only on such a sentence: the cross-encoder reads a
    sentence on the same topic but about another thing as a contradiction ("the steel truss
    bridge opened in 1977" against "the Key Bridge carried Interstate 95"). Asking for every
    name, or for no stand-in (`about_subject`), lost more true contradictions on the
    development sets than it saved false ones. `known` is what the source capitalises
    mid-sentence: a claim's capitalised first word ("Small increases in ...") is a name only
    if the source writes it as one.
    """
    names = _names(claim.text)
    first = _opening_word(claim.text)
    if known is not None and first in names and first not in {normalise_name(k) for k in known}:
        names = names - {first}
    return not names or any(mentions(sentence, n) for n in names)


def _opening_word(text: str) -> str:
    """The text's first word, normalised as a name is: it is one of `_names` only when that name is
    this one word ("Tugboats", not "Jensen" of "Jensen Huang")."""
    m = re.match(r"\W*([^\W\d_][\w'’-]*)", text)
    return normalise_name(m.group(1)) if m else ""


def about_subject(claim: Claim, sentence: str, known: set[str] | None = None) -> bool:
    """Whether sentence is about what the claim is about: it names one of the claim's names,
    and where it leaves one out, names nobody in its place (true of a claim without names).

    "Jensen Huang praised the Cortex build" names Huang but puts Cortex where the claim has
    Colossus: it is about another thing. `known` is what the passage capitalises mid-sentence,
    so that a capitalised opening word is not taken for a name.
    """
    names = _names(claim.text)
    if not names:
        return True
    named = sum(mentions(sentence, n) for n in names)
    if not named:
        return False
    if named == len(names):
        return True
    return not any(
        not is_place(e)
        and not places.is_demonym(e)
        and not _is_unit(e)
        and not any(n in normalise_name(e) or normalise_name(e) in n for n in names)
        for e in find_entities(sentence, known)
    )


_OPENING = re.compile(rf"^\W*(?:(?:{langdata.pattern('definite_articles')})\s*)?", re.I)


def _rival_country(claim: Claim, before: str) -> bool:
    """Whether text before a figure makes another country its subject, where a country named before
    the claim's own figure is the claim's ("Chine" and "China" are one country; a country only the
    clause's opening name counts, not "SYDNEY, Australia (AP) - ...")."""
    key = claim.key
    own = _countries(claim.text[: key.span[0]]) if key else frozenset()
    if not own:
        return False
    names = _names(claim.text)
    opening = _OPENING.match(before).end()
    for e in find_entities(before):
        c = _unpossessed(e)
        if not places.is_country(c) or initials(c) in names:  # "the United States" is the claim's "US"
            continue
        if before.find(e) != opening:
            continue  # only the country the clause opens with is its subject, not "SYDNEY, Australia (AP)"
        if not any(places.compatible(c, o) or normalise_name(c) == o for o in own):
            return True
    return False


@lru_cache(maxsize=4096)
def _countries(text: str) -> frozenset[str]:
    """The countries text names ("France's 64 medals"): whose figure it is, in a story about countries."""
    return frozenset(
        normalise_name(c) for e in find_entities(text) if places.is_country(c := _unpossessed(e))
    )


def _figure_is_context(claim: Claim, key: Quantity) -> bool:
    """Whether the claim's figure sits in its subject (before its verb), with an event after it."""
    verb = VERB_HINT.search(claim.text)
    at = claim.text.find(key.text) if key.text else -1
    return bool(verb) and at >= 0 and at + len(key.text) <= verb.start() and bool(predicate_terms(claim))


_OF = langdata.pattern("fraction_links")
_BY = re.compile(rf"\b(?:{langdata.pattern('agent_words')})\s+(?:{THE})?", re.I)
_JOINED = re.compile(rf"\s*(?:,|{_LIST_LINKS}|{langdata.pattern('partner_words')})\s*", re.I)
"""What joins two names that share one figure: "xAI and NVIDIA", "xAI avec NVIDIA"."""


def _doer(text: str, names: Sequence[str], event: set[str], role: str | None = None) -> tuple[str, str] | None:
    """The name that did the event in text, and how it is placed: after "by" ("by"), or before the event ("subject")."""
    names = [n for n in names if not is_place(n) and not _is_unit(n)]
    if role in (None, "by"):
        for m in _BY.finditer(text):
            after = text[m.end() :]
            for n in names:
                if after.startswith(n):
                    return n, "by"
        if role == "by":
            return None
    # An event word inside a name is no event ("Environmental" in "Southern Environmental Law Center").
    words = list(_WORD.finditer(_blank(text, names)))
    at = next((w.start() for w in words if terms(w.group()) & event), None)
    if at is None:
        return None
    before = [n for n in names if 0 <= text.find(n) < at]
    return (before[0], "subject") if before else None


def _claimed_doer(claim: Claim) -> tuple[list[str], frozenset[str], tuple[str, str] | None]:
    """The claim's names (no places), its event words, and who it says did the event, and how."""
    names = [e for e in claim.entities if not is_place(e) and normalise_name(e)]
    event = predicate_terms(claim)
    return names, event, _doer(claim.text, names, event)


def _told_doer(
    claim: Claim, sentence: str, known: set[str], event: frozenset[str], role: str
) -> tuple[tuple[str, str] | None, tuple[str, ...]] | None:
    """Who sentence says did the claim's event in the claim's role (or None), with the names it gives;
    None where it does not tell that event, or denies it where the claim does not ("was not built by")."""
    named = find_entities(sentence, known)
    if not _states_event(event, _blank(sentence, named)) or bool(NEGATION.search(sentence)) != bool(
        NEGATION.search(claim.text)
    ):
        return None
    return _doer(sentence, named, event, role), named


def _blank(text: str, names: Sequence[str]) -> str:
    """text with each of names written over by spaces, so that positions stay where they were."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " " * len(name))
    return text


def initials(name: str) -> str:
    """The acronym a name of several capitalised words is often shortened to ("NTSB"), or ""."""
    capitals = [w for w in re.findall(r"[^\W\d_]+", name) if w[:1].isupper()]
    return "".join(w[0] for w in capitals).lower() if len(capitals) >= 2 else ""


@lru_cache(maxsize=4096)
def _acronyms(text: str) -> frozenset[str]:
    """The acronyms of the names text gives ("NTSB" for "the National Transportation Safety Board")."""
    return frozenset(initials(e) for e in find_entities(text)) - {""}


def _same_name(a: str, b: str) -> bool:
    """Whether two written names stand for the same thing: one inside the other, or most words shared."""
    na, nb = normalise_name(_unpossessed(a)), normalise_name(_unpossessed(b))
    if na and nb and (na in nb or nb in na or initials(a) == nb or initials(b) == na):
        return True
    ta, tb = ({_fold(w) for w in re.findall(r"\w+", x) if len(w) > 1} for x in (a, b))
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) >= 0.5


def _is_unit(name: str) -> bool:
    return all(w.lower() in _UNIT_WORDS for w in name.split())


_UNIT_WORDS = {w for written in langdata.union("units") for w in written.split()} | {"degrees", "degrés"}


def _event_text(claim: Claim) -> str:
    """The claim from its first verb on: where its event is told."""
    verb = VERB_HINT.search(claim.text)
    return claim.text[verb.start() :] if verb else claim.text


def _name_terms(claim: Claim) -> frozenset[str]:
    return frozenset().union(*(terms(e) for e in claim.entities))


@lru_cache(maxsize=1024)
def _other_words(claim: Claim) -> frozenset[str]:
    """The claim's content words besides its names ("summit", "held"): what a sentence must share
    with it to state it, beyond naming the same things."""
    return frozenset(w for w in content_words(claim.text) if w[:5] not in _name_terms(claim))


@lru_cache(maxsize=1024)
def predicate_terms(claim: Claim) -> frozenset[str]:
    """The words of the claim's event: after its first verb, without names and figures ("décollé")."""
    return terms(_event_text(claim)) - _name_terms(claim) - _figure_words(claim)


@lru_cache(maxsize=1024)
def event_words(claim: Claim) -> frozenset[str]:
    """The words of the claim's event, whole: after its first verb, else (a vague verb,
    "the launch took place on ...") all its attribute words."""
    named = _name_terms(claim) | _figure_words(claim)
    return frozenset(w for w in content_words(_event_text(claim)) if w[:5] not in named) or attribute_words(claim)


def _owned_words(text: str, names: frozenset[str]) -> list[str]:
    """The content words that one of names owns in text: "Webb's primary mirror", "le miroir de Webb"."""
    out: list[str] = []
    for entity in find_entities(text):
        entity = _unpossessed(entity)
        if normalise_name(entity) in names:
            out += [w for pair in _possessions(entity, text) for w in pair if w and content_words(w)]
    return out


def _possessions(entity: str, text: str) -> list[tuple[str, str]]:
    """The one or two words entity owns in text, after "X's" or before "of X" / "de X"."""
    e = re.escape(entity)
    return re.findall(rf"{e}['’]s?\s+([\w-]+)(?:\s+([\w-]+))?", text) + re.findall(
        rf"([\w-]+)\s+(?:{_OF})\s*(?:{THE})?{e}()", text
    )


def _owned_by_another(claim: Claim, before: str, claim_terms: set[str]) -> bool:
    """Whether the figure's subject is explicitly someone else's: "Hubble's mirror", "le miroir de Hubble".

    An agent before the figure ("xAI built it in 122 days") is not enough: it may have done
    the claim's thing. A name the claim lacks, owning a word of the claim, is.
    """
    wanted = _names(claim.text)
    for entity in find_entities(before):
        entity = _unpossessed(entity)
        name = normalise_name(entity)
        if not name or any(w in name or name in w for w in wanted):
            continue
        owned = [" ".join(m) for m in _possessions(entity, before)]
        if any(terms(word) & claim_terms for word in owned):
            return True
    return False


SHARED_WEIGHT = 0.3
"""In the alignment score, the weight of the claim's words found in the clause; the rest is the
share of the clause's own subject words that are the claim's ("the old bridge" is not "the new")."""
ALIGN_WEIGHT = 0.5
"""How much the alignment score adds to a figure's relevance (similarities of the clause and sentence)."""
ALIGNED = 0.2
"""The least alignment for a figure stated in the same language to support or refute."""


def _neutral_reason(claim: Claim, best_sim: float, topical: float) -> str:
    if best_sim < topical:
        return "not about the claim"
    if claim.kind in QUANTITY_KINDS:
        return "about the claim, but gives no comparable figure"
    return "about the claim, but nothing in it can be compared with the claim"


def _slot_names(text: str, known: set[str] | None = None) -> list[str]:
    """The names of text, with its nationalities, written in lower case in French ("chilienne")."""
    found = list(find_entities(text, known))
    found += [w for w in re.findall(r"\b[a-zà-ÿ][a-zà-ÿ-]{3,}\b", text) if places.is_demonym(w)]
    return [n for n in found if not _is_unit(n)]


def _slots(text: str, name: str, lang: str, skip: frozenset[str] = frozenset()) -> tuple[tuple[str, str] | None, ...]:
    """The place name fills in text: the nearest content word on each side (by stem, not one of
    skip) with the small words between them, determiners aside ("fusée", "" in "par une fusée
    Soyouz"; "supplied", "by" in "supplied by Vertiv")."""
    at = text.find(name)
    if at < 0:
        return None, None
    determiner = _determiner(lang)
    sides = (reversed(_TOKEN.findall(text[:at])), _TOKEN.findall(text[at + len(name) :]))
    out: list[tuple[str, str] | None] = []
    for tokens in sides:
        link: list[str] = []
        found = None
        for token in tokens:
            stem = terms(token)
            if stem and not stem <= skip:
                found = (next(iter(stem)), " ".join(link))
                break
            if len(link) >= _SLOT_REACH:
                break
            if not determiner.fullmatch(token) and not token.isdigit():  # "an Ariane 5 rocket"
                link.append(token.lower())
        out.append(found)
    return tuple(out)


_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|[^\w\s]")
_SLOT_REACH = 3


def _rivals(a: str, text_a: str, b: str, text_b: str) -> bool:
    """Whether name b in text_b can only be another answer than name a in text_a: two nationalities,
    two places apart, or two names each of a doer ("by a Soyuz rocket", "par une fusée Ariane").
    Other names may both be true ("praised the Colossus build", "the Cortex build")."""
    if places.is_demonym(a) or places.is_demonym(b):
        return places.is_demonym(a) and places.is_demonym(b) and _fold(a)[:5] != _fold(b)[:5]
    if is_place(a) or is_place(b):
        return is_place(a) and is_place(b) and places.compatible(a, b) is False
    return _done_by(text_a, a) and _done_by(text_b, b)


def _done_by(text: str, name: str) -> bool:
    """Whether name is the doer of a passive: "by"/"par" a few words before it."""
    at = text.find(name)
    return at >= 0 and bool(_BY.search(" ".join(_TOKEN.findall(text[:at])[-_SLOT_REACH - 1 :])))
