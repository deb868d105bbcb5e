"""Find the check-worthy claims in an article: language, sentences, worthiness, kind, entities.

Rules rather than a tagger: spaCy's small French model splits organisation lists and
mislabels people as places on real news text (see MODELS.md), and there is no vetted
English pipeline on the registry. Capitalised spans plus a stop list do better here.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from itertools import pairwise

from factcheck import lang as langdata
from factcheck.corpus import decode_text, html_to_text, split_front_matter
from factcheck.errors import InputError
from factcheck.places import is_place
from factcheck.quantities import MEASURE_KINDS, MONTHS, WEEKDAYS, is_offset, parse_quantities
from factcheck.types import Claim, Quantity

MAX_ARTICLE_CHARS = 200_000
MAX_CLAIM_CHARS = 2_000
"""A claim longer than this is a passage, not one checkable fact."""
MAX_SENTENCE_CHARS = 3_000
"""A "sentence" longer than this has no sentence ends (a table, a list pasted as one line): not read as claims."""

STOPWORDS = langdata.union("stopwords")

# Words that open sentences or headings with a capital but are not names.
_NOT_NAMES = set(MONTHS) | set(WEEKDAYS) | langdata.union("not_names")

_ABBREVIATIONS = re.compile(rf"(?:\b(?:{langdata.pattern('abbreviations')})|\b[A-Z])\.$")
_SENTENCE_END = re.compile(r"[.!?…]+[\"»”’)]*(?=\s+|$)")
_QUOTE = re.compile(r"[\"“«]\s*([^\"”»]{12,}?)\s*[\"”»]")
_SPEECH = re.compile(rf"\b(?:{langdata.pattern('reporting')}|{langdata.pattern('attribution_leads')})\b", re.I)
_OPINION = langdata.regex("opinion")
_NAME = re.compile(
    # A name may follow an elided article ("l'A380", "d'Airbus"); the elision itself is no part of it.
    rf"(?:(?<![\w'’])|(?<=\b(?:{langdata.pattern('elisions')})))(?:[A-Z][\w'’&.-]*|[a-z]{{1,3}}[A-Z][\w-]*)"
    rf"(?:[ \t]+(?:(?:{langdata.pattern('name_links')})[ \t]+)?(?:[A-Z][\w'’&.-]*|[a-z]{{1,3}}[A-Z][\w-]*))*"
)
SHORT_CLAIM_WORDS = 6
"""Below this many words a text is too short for a language guess to beat the article's language."""
OTHER_LANGUAGES = ("GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH")
"""Languages recognised only to be refused by name, so their text is never misread as ours."""



@dataclass(frozen=True, slots=True)
class Article:
    """The text to check, with what its metadata says about it."""

    text: str
    language: str
    title: str = ""
    published: date | None = None


@cache
def _detector():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    ours = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in langdata.available()]
    return LanguageDetectorBuilder.from_languages(*ours, *(getattr(Language, n) for n in OTHER_LANGUAGES)).build()


def detect_language(text: str, fallback: str | None = None) -> str:
    """The language of text, by lingua, among those factcheck reads.

    A short text ("Prices rose 4%.") gives a language model little to go on: it is read in
    `fallback` (the article's language, or the user's --lang) when one is given, and
    otherwise in whichever supported language lingua finds likeliest.

    Raises:
        InputError: if the text is empty, or clearly in a language factcheck does not read.
    """
    words = re.findall(r"[^\W\d_]+", text)
    if not words:
        raise InputError("The text has no words to tell its language from; paste at least one full sentence.")
    letters = [c for c in text[:5000] if c.isalpha()]
    latin = sum("LATIN" in unicodedata.name(c, "") for c in letters)
    if latin < len(letters) / 2:
        script = Counter(unicodedata.name(c, "?").split()[0] for c in letters).most_common(1)[0][0]
        script = script if len(script) <= 3 else script.title()  # "CJK", "Cyrillic"
        names = ", ".join(langdata.get(c).name for c in langdata.available())
        raise InputError(f"The text reads as {script} script; factcheck reads only {names}.")
    if fallback and len(words) < SHORT_CLAIM_WORDS:
        return langdata.get(fallback).code
    values = _detector().compute_language_confidence_values(text[:2000])
    supported = set(langdata.available())
    top = values[0]
    top_code = top.language.iso_code_639_1.name.lower()
    if top_code in supported:
        return top_code
    if len(words) >= SHORT_CLAIM_WORDS and top.value >= 0.5:
        names = ", ".join(langdata.get(c).name for c in langdata.available())
        raise InputError(
            f"The text reads as {top.language.name.title()}; factcheck reads only {names}. "
            "Give --lang if it is one of these."
        )
    if fallback:
        return langdata.get(fallback).code
    ours = [v for v in values if v.language.iso_code_639_1.name.lower() in supported]
    return ours[0].language.iso_code_639_1.name.lower() if ours else langdata.available()[0]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences; a line break after a heading-like line ends a sentence too."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        offset = para.start()
        line = para.group()
        pos = 0
        for end in _SENTENCE_END.finditer(line):
            before = line[max(0, end.start() - 24) : end.start() + 1]  # a window: linear in the line
            if _ABBREVIATIONS.search(before.rstrip('"»”’)')):
                continue
            if (
                re.search(r"\d[.,]$", line[max(0, end.end() - 4) : end.end()])
                and end.end() < len(line)
                and line[end.end() :][:2].strip()[:1].isdigit()
            ):
                continue
            spans.append((offset + pos, offset + end.end()))
            pos = end.end()
        if line[pos:].strip():
            spans.append((offset + pos, offset + len(line)))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find_entities(sentence: str, known: set[str] | None = None) -> tuple[str, ...]:
    """Capitalised spans that name organisations, people, places and products, in order.

    A capital on a sentence's first word proves nothing, so a one-word name there is kept
    only when it is in `known` (names the article capitalises mid-sentence), or, for a
    standalone claim (known is None), when it is not a common sentence opener.
    """
    found: list[str] = []
    for m in _NAME.finditer(sentence):
        words = m.group().strip(".,;:'’-").split()
        while words and (words[0].lower().strip(".") in _NOT_NAMES or _ELISION.match(words[0])):
            head = _ELISION.sub("", words[0])
            if head != words[0] and head[:1].isupper() and head.lower() not in _NOT_NAMES:
                words[0] = head
                break
            words = words[1:]
        while words and _NAME_TAIL.fullmatch(words[-1]):
            words = words[:-1]
        name = " ".join(words).rstrip(".")
        if len(name) < 2 or name.lower() in _NOT_NAMES or name.isdigit():
            continue
        at_start = not sentence[: m.start()].strip(" \"«“'(")
        if at_start and " " not in name and known is not None and name not in known and name[:1].isupper():
            continue
        if name not in found:
            found.append(name)
    return tuple(found)


def known_names(text: str) -> set[str]:
    """Words the text capitalises somewhere other than at a sentence start."""
    names = set()
    for m in re.finditer(r"(?<=[\w,;:)»”] )(?:[A-Z][\w-]+|[a-z]{1,3}[A-Z][\w-]*)", text):
        names.add(m.group())
    return names


def asserted(text: str, quantities: tuple[Quantity, ...], lang: str) -> tuple[Quantity, ...]:
    """The figures a claim asserts: none where its only ones are dates naming its event.

    "The October 2010 breakthrough joined the sections bored from Amsteg and Sedrun" takes the
    date as given and asserts which sections met: a source that dates the breakthrough to
    October 2010 bears out nothing of it. With another figure ("the 1960 quake killed 12,000")
    the date stays, to tell that event from others.
    """
    naming = re.compile(langdata.get(lang).naming_date, re.I)
    if quantities and all(
        q.kind == "date" and naming.search(text[: q.span[0]]) and re.match(r"\s+[\w'’]", text[q.span[1] :])
        for q in quantities
    ):
        return ()
    return quantities


def claim_kind(sentence: str, quantities: tuple[Quantity, ...], entities: tuple[str, ...]) -> str:
    """The kind of fact a claim turns on, which decides how evidence is compared with it."""
    if _QUOTE.search(sentence) and _SPEECH.search(sentence):
        return "quote"
    # "Two days after the collapse, $60 million was released" turns on the money: an offset
    # dates the event and is the key figure only when there is no other.
    figures = [q for q in quantities if not is_offset(sentence, q)] or quantities
    for kind in MEASURE_KINDS:
        if any(q.kind == kind for q in figures):
            return kind
    orgs = [e for e in entities if not is_place(e)]
    joined = any(
        re.search(rf"{re.escape(a)}\s*,?\s*(?:{_LIST_LINKS})\s*{re.escape(b)}", sentence) for a, b in pairwise(orgs)
    )
    # Names merely mentioned together ("X worked at Y before joining Z") are not a list of partners.
    if len(orgs) >= 2 and (joined or _PARTNERS.search(sentence)):
        return "organisations"
    # A place is the point of a claim only when the claim puts something there ("based in
    # Memphis"); "xAI's Memphis supercomputer" names the place in passing.
    if any(is_place(e) and LOCATED.search(_before(sentence, e)) for e in entities):
        return "place"
    return "statement"


LOCATED = re.compile(
    rf"\b(?:{langdata.pattern('place_leads')})(?:\s+(?:{langdata.pattern('place_fillers')}))*\s*$", re.I
)


def _before(sentence: str, name: str) -> str:
    at = sentence.find(name)
    return sentence[:at] if at >= 0 else ""


def is_check_worthy(sentence: str, quantities: tuple[Quantity, ...], entities: tuple[str, ...]) -> bool:
    """A sentence is worth checking when it commits to a number, a date, a quote or a named fact."""
    words = re.findall(r"\w+", sentence)
    if len(words) < (4 if len(entities) >= 2 else 5) or sentence.rstrip().endswith("?"):
        return False
    if _OPINION.search(sentence) and not quantities:
        return False
    if quantities or _QUOTE.search(sentence):
        return True
    return len(entities) >= 2 or (len(entities) == 1 and len(words) >= 8)


def read_article(
    data: bytes | str, name: str = "the text", language: str | None = None, published: date | None = None
) -> Article:
    """Decode an uploaded or pasted article, reading optional front matter for its title and date.

    Raises:
        InputError: if the text is empty, binary, not UTF-8, too long, has broken front
            matter, or is in a language other than French or English.
    """
    raw = decode_text(data, name) if isinstance(data, bytes) else data
    if not raw.strip():
        raise InputError(f"{name} is empty.")
    meta, raw = split_front_matter(raw.lstrip(), name)
    if name.lower().endswith((".html", ".htm")) or re.match(r"\s*<(?:!doctype\s+html|html)\b", raw[:200], re.I):
        # Only the visible text of a page is an article: never its scripts, styles or markup.
        title, raw = html_to_text(raw)
        meta.setdefault("title", title)
    text = raw.strip()
    if not text:
        raise InputError(f"{name} has front matter but no text.")
    if len(text) > MAX_ARTICLE_CHARS:
        raise InputError(
            f"{name} has {len(text):,} characters; the limit is {MAX_ARTICLE_CHARS:,}. Split it into parts."
        )
    published = published or meta.get("published")
    if published is not None and not isinstance(published, date):
        try:
            published = date.fromisoformat(str(published))
        except ValueError:
            raise InputError(f"{name}: 'published' must be an ISO date like 2024-12-05, got {published!r}.") from None
    lang = language or str(meta.get("language") or "") or detect_language(text)
    lang = langdata.get(lang).code  # InputError naming the languages factcheck reads
    return Article(text=text, language=lang, title=str(meta.get("title", "")), published=published)


def _sentences(article: Article) -> Iterator[tuple[int, int, str]]:
    for start, end in split_sentences(article.text):
        if end - start <= MAX_SENTENCE_CHARS:
            yield start, end, article.text[start:end]


def extract_claims(article: Article) -> list[Claim]:
    """Every check-worthy fact of the article as a Claim, in reading order.

    Sentences are cut into atomic facts (see `atomic_facts`); a fact repeated word for
    word (a headline repeated as the first line) is kept once.
    """
    claims: list[Claim] = []
    seen: set[str] = set()
    known = known_names(article.text)
    memory = _Memory(article.text, known)
    for start, _, sentence in _sentences(article):
        if _FILLER.search(sentence) and not _QUOTE.search(sentence):
            continue
        facts, source = atomic_facts(sentence, article.language, memory, known)
        for fact in facts:
            claim = _fact_claim(fact, sentence, start, source, article, known)
            if claim.id in seen or not claim.kind:
                continue
            seen.add(claim.id)
            claims.append(claim)
    return claims


def _fact_claim(fact: _Fact, sentence: str, offset: int, source: str, article: Article, known: set[str]) -> Claim:
    """A Claim for one fact; its kind is empty when the fact is not worth checking.

    Quantities come from the fact's own new words (its anchor), so a date kept as context
    in "built this year, in three months" is not checked again with the build time.
    """
    quantities = _anchored(fact, article)
    entities = find_entities(fact.text, known)
    worthy = is_check_worthy(fact.text, quantities, entities) and not (_FILLER.search(fact.anchor) and not quantities)
    quantities = asserted(fact.text, quantities, article.language)
    # A list of organisations must be in the fact's own words, not in the clause it leans on.
    kind = "quote" if fact.speaker else claim_kind(fact.anchor, quantities, find_entities(fact.anchor, known))
    if kind == "statement" and fact.anchor != fact.text:
        kind = claim_kind(fact.text, quantities, tuple(e for e in entities if is_place(e)))
    return Claim(
        id=_claim_id(fact.text),
        text=fact.text,
        lang=article.language,
        kind=kind if (worthy or fact.speaker) else "",
        quantities=quantities,
        entities=entities,
        span=(offset + fact.span[0], offset + fact.span[1]),
        source=source,
        speaker=fact.speaker,
        context=sentence,
    )


def _anchored(fact: _Fact, article: Article) -> tuple[Quantity, ...]:
    """The anchor's quantities, with spans in the claim's text, where stance looks for them.

    When the text rewrites the anchor ("Implanté à …" under its subject, "qui dirige …"
    as "X dirige …") the text holds nothing but subject and anchor, so it is parsed instead.
    """
    at = fact.text.rfind(fact.anchor)
    if at < 0:
        return tuple(parse_quantities(fact.text, article.language, article.published))
    found = parse_quantities(fact.anchor, article.language, article.published)
    return tuple(replace(q, span=(q.span[0] + at, q.span[1] + at)) for q in found)


def _claim_id(text: str) -> str:
    """A stable id from the words alone, so the same fact gets the same id however it is spaced."""
    key = re.sub(r"\W+", " ", text.lower()).strip()
    return "c" + hashlib.sha256(key.encode()).hexdigest()[:8]


def make_claim(
    text: str, lang: str | None = None, ref_date: date | None = None, *, fallback: str | None = None
) -> Claim:
    """A standalone claim typed by the user, checked whether or not it looks check-worthy.

    `lang` is taken as given; without it the language is detected, and a claim too short to
    tell is read in `fallback` (the article's language) when there is one.

    Raises:
        InputError: if the text is empty or in an unsupported language.
    """
    text = text.strip()
    if not text:
        raise InputError("The claim is empty.")
    if len(text) > MAX_CLAIM_CHARS:
        raise InputError(
            f"The claim has {len(text):,} characters; one claim is at most {MAX_CLAIM_CHARS:,}. "
            "Check a whole article with `check` instead."
        )
    lang = langdata.get(lang).code if lang else detect_language(text, fallback)
    quantities = asserted(text, tuple(parse_quantities(text, lang, ref_date)), lang)
    entities = find_entities(text)
    return Claim(
        id=_claim_id(text),
        text=text,
        lang=lang,
        kind=claim_kind(text, quantities, entities),
        quantities=quantities,
        entities=entities,
        span=(0, len(text)),
    )


def focus_clauses(claim: Claim, key: Quantity) -> str:
    """The claim cut down to the clauses holding its key figure or a non-place name.

    "In Memphis (Tennessee), Colossus was built in three months" retrieves sources about
    Memphis; "Colossus was built in three months" retrieves sources about the build.
    """
    text = claim.text
    cuts = [0, *[m.end() for m in re.finditer(r"[,;:]\s", text)], len(text)]
    names = [e for e in claim.entities if not is_place(e)]
    clauses = list(pairwise(cuts))
    home = next((i for i, (start, end) in enumerate(clauses) if start <= key.span[0] < end), None)
    wanted = {i for i, (start, end) in enumerate(clauses) if i == home or any(n in text[start:end] for n in names)}
    if home is not None and not _says_something(text[clauses[home][0] : clauses[home][1]].replace(key.text, " ")):
        # "Le 13 mai, des explosifs ont servi à ..." : a clause that is only its figure dates or
        # sizes the clause it hangs on, which says what the figure is about.
        wanted.add(home + 1 if home + 1 < len(clauses) else home - 1)
    kept = [text[start:end].strip().rstrip(",;:") for i, (start, end) in enumerate(clauses) if i in wanted]
    return ", ".join(kept) if kept else text


def _says_something(text: str) -> bool:
    """Whether text holds a content word: not only function words, numbers and dates."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    return any(w not in STOPWORDS and w not in MONTHS and w not in WEEKDAYS for w in words)


# --- Atomic claims -------------------------------------------------------------------
#
# A news sentence often packs several facts: "Implanted in Memphis, Colossus came online
# this year, in just three months" holds a place, a date and a build time. Checked as one,
# the embedder blurs them and one verdict hides the others. The rules below cut a sentence
# into its main clause and the fragments hung on it, and give each fragment with a fact of
# its own a claim that reads on its own: the main clause it qualifies, or the subject it
# describes, put in front of it.

_LEADS = langdata.pattern("attribution_leads")
_REPORTING = langdata.pattern("reporting")
_ATTRIBUTION_LEAD = re.compile(rf"^(?P<src>(?:{_LEADS})\s+[^,]{{2,80}}?),\s+", re.I)
_WEEKDAY = langdata.alternation(WEEKDAYS)
_ATTRIBUTION_TAIL = re.compile(
    rf",\s+(?P<src>(?:{langdata.pattern('inverted_reporting')})\s+[^\W\d]+(?:\s+[^\W\d]+)?"
    rf"|(?:{_LEADS})\s+[^,]{{2,80}}"
    rf"|(?:[\w.'’&-]+\s+){{0,4}}?(?:{_REPORTING})(?:\s+(?:\w{{1,3}}\s+)?(?:{_WEEKDAY}))?"
    rf"|(?:{_REPORTING})\s+[^,]{{2,60}})\s*(?=[.!?…]*\s*$)",
    re.I,
)
_TOPIC = re.compile(rf"^(?:{langdata.pattern('topic_leads')})\s+(?P<topic>[^,]{{2,60}}),\s+", re.I)
_DETERMINERS = langdata.pattern("determiners")
_QUANTIFIERS = langdata.pattern("quantifiers")
THE = rf"(?:{langdata.pattern('definite_articles')})(?:\s+|(?<=['’]))"
"""A definite article and what separates it from its noun ("the ", "l'")."""
_ANAPHOR = re.compile(rf"^(?:(?P<pronoun>{langdata.pattern('pronouns')})|{THE}(?P<noun>[^\W\d][\w-]*))\b", re.I)
"""A clause's head that may stand for a name said before: "it", "the company", "the cluster"."""
_THING_NOUNS = re.compile(rf"(?:{langdata.pattern('thing_nouns')})", re.I)
_GENERIC_ORG_NOUNS = re.compile(rf"(?:{langdata.pattern('generic_org_nouns')})", re.I)
_NOT_ANTECEDENT = re.compile(rf"(?:{langdata.pattern('prepositions')}|{langdata.pattern('lead_words')})", re.I)
"""A capitalised preposition that opened a sentence ("Under the rules") is no name to point back to."""
_SPEAKER_PRONOUN = re.compile(rf"^(?:{_LEADS})\s+(?:{langdata.pattern('stressed_pronouns')})$", re.I)
_RELATIVE = re.compile(rf"^(?:{langdata.pattern('subject_relatives')})\s+", re.I)
_WHO = re.compile(rf"^(?:{langdata.pattern('person_relatives')})\s", re.I)
_COORDINATOR = re.compile(rf"^(?:{langdata.pattern('clause_links')})\s+", re.I)
_PURPOSE = re.compile(rf"^(?:{langdata.pattern('purpose')})(?:\s+|(?<=['’]))\w", re.I)
_PARTICIPLE = re.compile(rf"^(?:{langdata.pattern('participles')})\b", re.I)
VERB_HINT = langdata.regex("finite_verbs")
_FILLER = re.compile(langdata.pattern("fillers"), re.I)
_LIST_LINKS = langdata.pattern("list_links")
_PARTNERS = langdata.regex("partner_words")
_NAME_TAIL = re.compile(rf"(?:{langdata.pattern('name_links')}|{langdata.pattern('list_links')})", re.I)
"""Words that join a name to more and never end one ("Bank of", "Dell and")."""
_ELISION = re.compile(rf"^(?:{langdata.pattern('elisions')})(?=\S)", re.I)
_PREPOSITION = langdata.pattern("prepositions")
_AFTER_PREPOSITION = re.compile(rf"\b(?:{_PREPOSITION}|{_LEADS})\s+$", re.I)
_NEAR_PREPOSITION = re.compile(rf"\b(?:{_PREPOSITION})\s+(?:\w+\s+)?$", re.I)
"""A name one word or less after a preposition is its complement, not a clause's subject."""
_LINKS_AND_MARKS = re.compile(rf"\b(?:{_LIST_LINKS})\b|[\s.()&]", re.I)
_CLAUSE_PREPOSITION = re.compile(rf"^(?:{langdata.pattern('clause_prepositions')})\s", re.I)
_COMPANY_NOUNS = langdata.regex("org_nouns")


@dataclass(frozen=True, slots=True)
class _Segment:
    """A piece of a sentence between top-level commas, colons, semicolons or dashes."""

    start: int
    end: int
    text: str


def _segments(sentence: str) -> list[_Segment]:
    """Cut at top-level separators, never inside brackets or quotes or between list members."""
    cuts: list[tuple[int, int]] = []
    depth = 0
    quote = False
    i = 0
    while i < len(sentence):
        ch = sentence[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch in "«“" or (ch == '"' and not quote):
            quote = True
        elif ch in "»”" or (ch == '"' and quote):
            quote = False
        elif depth == 0 and not quote:
            m = re.match(r",\s+|;\s+|\s+:\s+|:\s+|\s+[—–]\s+", sentence[i:])
            if m and not (ch == "," and i > 0 and sentence[i - 1].isdigit() and sentence[i + 1 : i + 2].isdigit()):
                cuts.append((i, i + m.end()))
                i += m.end()
                continue
        i += 1
    pieces, pos = [], 0
    for start, end in cuts:
        pieces.append((pos, start))
        pos = end
    pieces.append((pos, len(sentence)))
    out = []
    for s, e in pieces:
        s, e = _trim(sentence, s, e)
        if e > s:
            out.append(_Segment(s, e, sentence[s:e]))
    return out


def _is_name_list(text: str, names: set[str]) -> bool:
    """A segment that is only a name, or names joined by "and"/"et": a list member or an apposition."""
    rest = text
    for name in sorted(names, key=len, reverse=True):
        rest = rest.replace(name, " ")
    return not _LINKS_AND_MARKS.sub("", rest)


@dataclass(frozen=True, slots=True)
class _Fact:
    """One claim's pieces before it becomes a Claim: words to show, where, and which part is new."""

    text: str
    span: tuple[int, int]
    anchor: str
    speaker: str = ""


class _Memory:
    """What earlier sentences named, for "it", "elle" or "the company" at the head of a clause."""

    def __init__(self, article_text: str, known: set[str] | None = None) -> None:
        self.text = article_text
        self.known = known or set()
        self._names: set[str] | None = None
        self.subject = ""
        self.organisation = ""
        self._organisations: dict[str, bool] = {}
        self._called: dict[tuple[str, str], bool] = {}

    def is_organisation(self, name: str) -> bool:
        """Whether the article calls name a company, start-up, group or chamber somewhere near it."""
        if name not in self._organisations:  # once per name, not once per sentence: linear in the article
            nouns, quoted = _COMPANY_NOUNS.pattern, re.escape(name)
            window = (
                rf"(?:{nouns})\s+(?:[\w'’-]+\s+){{0,4}}?{quoted}\b|\b{quoted},?\s+(?:[\w'’-]+\s+){{0,2}}(?:{nouns})"
            )
            self._organisations[name] = bool(re.search(window, self.text, re.I))
        return self._organisations[name]

    def called(self, name: str, noun: str) -> bool:
        """Whether the article names name as a noun: "the supercomputer Colossus", "Colossus, xAI's
        training cluster", "the Colossus cluster". "Selon Microsoft, la mise à jour" does not call
        Microsoft a "mise": after a preposition or an attribution the name is a complement."""
        key = (name, noun)
        if key not in self._called:  # once per pair, not once per sentence: linear in the article
            quoted, word = re.escape(name), rf"{re.escape(noun)}s?"
            apart = rf"(?!(?:{_PREPOSITION}|{_LIST_LINKS})\s)[\w'’-]+\s+"
            window = rf"\b{word}\s+{quoted}\b(?!['’])|\b{quoted},\s+(?:{apart}){{0,2}}?{word}\b|\b{quoted}\s+{word}\b"
            self._called[key] = any(
                not _AFTER_PREPOSITION.search(self.text[max(0, m.start() - 40) : m.start()])
                for m in re.finditer(window, self.text, re.I)
            )
        return self._called[key]

    def remember(self, subject: str) -> None:
        if subject:
            self.subject = subject
            if self.is_organisation(subject):
                self.organisation = subject

    def resolve(self, text: str) -> tuple[str, str]:
        """The text with an anaphor at its head replaced, and the name it was replaced by."""
        m = _ANAPHOR.match(text)
        if not m:
            return text, ""
        noun = m.group("noun")
        if noun and not noun[0].islower():
            return text, ""  # "The Ever Given": a name, not a noun pointing back
        name = self._antecedent(noun) if noun else self.subject
        if not name:
            return text, ""
        return name + text[m.end() :], name

    @property
    def names(self) -> set[str]:
        """The names of the whole article, found once."""
        if self._names is None:
            self._names = {n for a, b in split_sentences(self.text) for n in find_entities(self.text[a:b], self.known)}
        return self._names

    def _antecedent(self, noun: str) -> str:
        """The name "the <noun>" stands for, or "" when none fits.

        In order: the subject or organisation of the sentences before, if the article calls it a
        <noun> ("Colossus, xAI's training cluster"); the one name of the article that holds the
        noun ("the chamber": "Greater Memphis Chamber"); the last organisation for a noun any
        organisation is ("the company"); the subject for a general noun ("the project").
        """
        for name in (self.subject, self.organisation):
            if name and not _NOT_ANTECEDENT.fullmatch(name) and self.called(name, noun):
                return name
        holders = {n for n in self.names if " " in n and noun.lower() in n.lower().split()}
        if len(holders) == 1:
            return holders.pop()
        if _GENERIC_ORG_NOUNS.fullmatch(noun) and not holders:
            return self.organisation
        return self.subject if _THING_NOUNS.fullmatch(noun) else ""


def _subject(text: str, entities: tuple[str, ...]) -> str:
    """The name a clause opens with, roughly its grammatical subject; "" when it opens otherwise.

    A possessive ("Elon Musk's start-up xAI") gives way to the name it qualifies.
    """
    head = " ".join(text.split()[:8])
    for name in entities:
        at = text.find(name)
        if is_place(name) or name not in head or at < 0:
            continue
        if _NEAR_PREPOSITION.search(text[:at]):
            continue
        if text[at + len(name) : at + len(name) + 2] in ("'s", "’s") or name.endswith(("'s", "’s")):
            continue
        return name
    return ""


def atomic_facts(sentence: str, lang: str, memory: _Memory, known: set[str] | None = None) -> tuple[list[_Fact], str]:
    """The facts of one sentence, each as text that reads on its own, and who it is attributed to.

    Spans are relative to the sentence. An attribution ("selon la Chambre", ", X said",
    "X said that") is kept out of the facts; "d'après lui" or "remarking that" makes what
    follows reported speech of the subject.
    """
    body_start, body_end, source = 0, len(sentence), ""
    if m := _ATTRIBUTION_LEAD.match(sentence):
        source, body_start = re.sub(rf"^(?:{_LEADS})\s+", "", m.group("src"), flags=re.I), m.end()
    elif (m := _SAID_THAT.match(sentence)) and not _QUOTE.search(sentence):
        source, body_start = m.group("src"), m.end()
    if (m := _ATTRIBUTION_TAIL.search(sentence, body_start)) and m.start() > body_start + 10:
        source, body_end = source or m.group("src"), m.start()
    body = sentence[body_start:body_end]
    segments = [_Segment(s.start + body_start, s.end + body_start, s.text) for s in _segments(body)]
    if not segments:
        return [], source
    names = set(find_entities(sentence, known))
    topic, lead, i = "", [], 0
    while i < len(segments) and _is_lead(segments[i].text):
        if m := _TOPIC.match(segments[i].text + ", "):
            topic = m.group("topic").strip()
        else:
            lead.append(segments[i])
        i += 1
    if i == len(segments):
        whole = body.strip()
        return [_Fact(whole, (body_start, body_start + len(whole)), whole)], source
    main, asides = segments[i], []
    i += 1
    if _is_name_list(main.text, names):
        # "Jensen Huang, qui dirige Nvidia, a salué ...": the subject, asides, then the verb.
        j = i
        while j < len(segments) and (_RELATIVE.match(segments[j].text) or _ASIDE.match(segments[j].text)):
            j += 1
        if j < len(segments) and _starts_with_verb(segments[j].text):
            asides = [s for s in segments[i:j] if _RELATIVE.match(s.text)]
            main = _Segment(main.start, segments[j].end, f"{main.text} {segments[j].text}")
            i = j + 1
        elif i < len(segments):  # "Nvidia, Dell et Supermicro vont ...": a list cut at its first comma
            main = _Segment(main.start, segments[i].end, f"{main.text}, {segments[i].text}")
            i += 1
    if topic and (m := _ANAPHOR.match(main.text)):
        main_text, resolved = topic + main.text[m.end() :], topic
    elif _EXPLETIVE.match(main.text):
        main_text, resolved = main.text, ""
    else:
        main_text, resolved = memory.resolve(main.text)
    while i < len(segments) and _is_name_list(segments[i].text, names):
        main_text += ", " + segments[i].text  # appositions and list members belong to the main clause
        main = _Segment(main.start, segments[i].end, main_text)
        i += 1
    subject = resolved or _subject(main_text, find_entities(main_text)) or topic
    context = [s for s in lead if not _PARTICIPLE.match(s.text)]
    core = "".join(s.text + ", " for s in context) + main_text
    core_start = context[0].start if context else main.start
    facts = [_Fact(core, (core_start, main.end), core)]
    if subject:
        for seg in lead:
            if seg not in context:  # "Implanté à Memphis": a description of the subject
                facts.append(_Fact(f"{subject} {seg.text[:1].lower()}{seg.text[1:]}", (seg.start, seg.end), seg.text))
    for seg in asides:
        facts.append(_Fact(f"{subject} {_RELATIVE.sub('', seg.text)}", (seg.start, seg.end), seg.text))
    people = [e for e in find_entities(main_text, known) if " " in e and not is_place(e)]
    talker = people[0] if people else subject
    speaker = talker if _SPEECH_LEAD.search(main.text) else ""
    for seg in segments[i:]:
        text, span = seg.text, (seg.start, seg.end)
        if _SPEAKER_PRONOUN.match(text) or _SPEECH_LEAD.search(text):
            speaker = speaker or talker
        elif speaker:
            facts.append(_Fact(text, span, text, speaker=speaker))
        elif _WHO.match(text):
            antecedent = _last_name(sentence[: seg.start], names) or subject
            facts.append(_Fact(f"{antecedent} {_RELATIVE.sub('', text)}", span, text))
        elif m := _COORDINATOR.match(text):
            clause, who = memory.resolve(text[m.end() :])
            if not who and subject and not _SUBJECT_PRONOUN.match(clause) and not _has_subject(clause):
                clause = f"{subject} {clause}"
            facts.append(_Fact(clause, span, text))
        elif _is_name_list(text, names) or (_is_apposition(text) and not parse_quantities(text, lang)):
            # An apposition describes what comes just before it: it stays with that fact.
            last = facts[-1]
            facts[-1] = _Fact(f"{last.text}, {text}", (last.span[0], seg.end), last.anchor, last.speaker)
        else:
            # An adverbial, a participle or a purpose hung on the main clause: it reads with it.
            facts.append(_Fact(f"{core}, {text}", (core_start, seg.end), text))
    memory.remember(subject)
    return facts, source


_COMPLEMENTIZER = langdata.pattern("complementizers")
_FINITE = rf"(?:{langdata.pattern('finite_verbs')})"
"""After "said", a name followed by a verb is what was said ("said Microsoft would"); one followed
by anything else is whom it was said to, or when ("told Reuters the", "said Thursday it")."""
_SAID_THAT = re.compile(
    rf"^(?P<src>(?:[\w'’.-]+\s+){{0,6}}?[\w'’.-]+)\s+(?:{langdata.pattern('say_verbs')})"
    rf"(?:(?:\s+[\w.'’]+){{0,3}}?\s+(?:{_COMPLEMENTIZER})|(?:\s+(?-i:[A-Z])[\w.]*(?=\s+(?!{_FINITE}\b)))?)\s*(?<=[\s'’])(?=\w)",
    re.I,
)
_SPEECH_LEAD = re.compile(
    rf"\b(?:{langdata.pattern('speech_participles')})\s+(?:{_COMPLEMENTIZER})?\s*$"
    rf"|^(?:{langdata.pattern('speaker_asides')})$",
    re.I,
)
_ASIDE = re.compile(rf"^(?:{langdata.pattern('asides')})\s", re.I)
_EXPLETIVE = re.compile(rf"^(?:{langdata.pattern('expletives')})\b", re.I)
_LEAD_WORDS = re.compile(rf"^(?:{langdata.pattern('lead_words')})\b", re.I)


def _is_lead(text: str) -> bool:
    """An adverbial or a description before the main clause: "En octobre", "Implanté à Memphis"."""
    if _TOPIC.match(text + ", "):
        return True
    if _SUBJECT_PRONOUN.match(text) or (VERB_HINT.search(text) and not _PARTICIPLE.match(text)):
        return bool(_LEAD_WORDS.match(text)) and not VERB_HINT.search(text)
    if _PARTICIPLE.match(text):
        return True
    return bool(_LEAD_WORDS.match(text)) and len(text.split()) <= 8


def _has_subject(clause: str) -> bool:
    """Whether a coordinated clause names its own subject ("and Dell builds ...") or borrows one."""
    return bool(_OWN_SUBJECT.match(clause)) and not _starts_with_verb(clause)


def _is_apposition(text: str) -> bool:
    """A verbless description: "l'assistant maison", "Tesla's custom supercomputer for ..."."""
    return (
        not VERB_HINT.search(text)
        and not _PURPOSE.match(text)
        and not _PARTICIPLE.match(text)
        and not _CLAUSE_PREPOSITION.match(text)
    )


_OWN_SUBJECT = re.compile(rf"^(?:[A-Z]\w*|(?:{_DETERMINERS}|{_QUANTIFIERS})(?:\s+|(?<=['’]))\w+\s+\w+)")
"""A clause opening on a name or on a noun phrase ("and Dell builds", "any new load needs")."""
_SUBJECT_PRONOUN = re.compile(rf"^(?:{langdata.pattern('pronouns')}|{langdata.pattern('speaker_pronouns')})\s", re.I)


def _starts_with_verb(text: str) -> bool:
    """A segment with no subject of its own: it opens on an auxiliary or a finite verb."""
    return bool(_AUXILIARY.match(text))


_AUXILIARY = re.compile(rf"^(?:{langdata.pattern('auxiliaries')})\s", re.I)


def _last_name(text: str, names: set[str]) -> str:
    best, pos = "", -1
    for name in names:
        at = text.rfind(name)
        if at > pos:
            best, pos = name, at
    return best
