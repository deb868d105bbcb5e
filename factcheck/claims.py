"""Find the check-worthy claims in an article: language, sentences, worthiness, kind, entities.

Rules rather than a tagger: spaCy's small French model splits organisation lists and
mislabels people as places on real news text (see MODELS.md), and there is no vetted
English pipeline on the registry. Capitalised spans plus a stop list do better here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

import frontmatter
import yaml

from factcheck.corpus import decode_text
from factcheck.errors import InputError
from factcheck.quantities import MONTHS, WEEKDAYS, parse_quantities
from factcheck.types import Claim, Quantity

MAX_ARTICLE_CHARS = 200_000

_STOP = {
    "en": set(
        [
            "the",
            "a",
            "an",
            "of",
            "to",
            "in",
            "and",
            "is",
            "was",
            "were",
            "are",
            "be",
            "been",
            "has",
            "have",
            "had",
            "it",
            "its",
            "on",
            "for",
            "that",
            "this",
            "with",
            "as",
            "at",
            "by",
            "from",
            "he",
            "she",
            "they",
            "their",
            "his",
            "her",
            "which",
            "who",
            "will",
            "would",
            "not",
            "but",
            "or",
            "also",
            "than",
            "more",
            "said",
            "says",
        ]
    ),
    "fr": set(
        [
            "le",
            "la",
            "les",
            "un",
            "une",
            "des",
            "du",
            "de",
            "d",
            "l",
            "et",
            "est",
            "sont",
            "a",
            "ont",
            "été",
            "être",
            "il",
            "elle",
            "ils",
            "elles",
            "son",
            "sa",
            "ses",
            "leur",
            "leurs",
            "qui",
            "que",
            "qu",
            "dans",
            "pour",
            "sur",
            "par",
            "avec",
            "au",
            "aux",
            "ce",
            "cette",
            "ces",
            "se",
            "ne",
            "pas",
            "plus",
            "mais",
            "ou",
            "où",
            "aussi",
            "selon",
        ]
    ),
}

STOPWORDS = _STOP["en"] | _STOP["fr"]

# Function words of languages factcheck does not read, so their text is refused, not misread.
_FOREIGN = {
    "de": set(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "wurde",
            "hat",
            "nicht",
            "ein",
            "eine",
            "mit",
            "auf",
            "für",
            "von",
            "zu",
            "den",
            "dem",
            "des",
            "im",
            "sich",
            "auch",
            "wird",
        ]
    ),
    "es": set(
        [
            "el",
            "los",
            "las",
            "y",
            "es",
            "fue",
            "con",
            "por",
            "para",
            "una",
            "del",
            "que",
            "se",
            "lo",
            "su",
            "al",
            "como",
            "más",
            "pero",
            "sus",
        ]
    ),
    "it": set(
        [
            "il",
            "lo",
            "gli",
            "della",
            "che",
            "è",
            "con",
            "per",
            "una",
            "del",
            "nel",
            "sono",
            "anche",
            "come",
            "più",
            "ma",
        ]
    ),
    "pt": set(
        [
            "o",
            "os",
            "as",
            "e",
            "é",
            "foi",
            "com",
            "por",
            "para",
            "uma",
            "do",
            "da",
            "que",
            "em",
            "não",
            "mais",
            "como",
            "seu",
            "sua",
        ]
    ),
    "nl": set(
        ["het", "een", "van", "en", "is", "dat", "op", "te", "zijn", "met", "voor", "niet", "aan", "er", "ook", "als"]
    ),
}

# Words that open sentences or headings with a capital but are not names.
_NOT_NAMES = (
    set(MONTHS)
    | set(WEEKDAYS)
    | {
        w.lower()
        for w in [
            "The",
            "A",
            "An",
            "In",
            "On",
            "At",
            "By",
            "For",
            "From",
            "And",
            "But",
            "Or",
            "It",
            "Its",
            "This",
            "That",
            "These",
            "Those",
            "He",
            "She",
            "They",
            "We",
            "I",
            "You",
            "His",
            "Her",
            "Their",
            "According",
            "After",
            "Before",
            "Since",
            "When",
            "While",
            "As",
            "If",
            "With",
            "Without",
            "Also",
            "However",
            "Meanwhile",
            "Earlier",
            "Later",
            "Today",
            "Le",
            "La",
            "Les",
            "L",
            "Un",
            "Une",
            "Des",
            "Du",
            "De",
            "D",
            "En",
            "Au",
            "Aux",
            "Dans",
            "Pour",
            "Sur",
            "Par",
            "Avec",
            "Selon",
            "Après",
            "Avant",
            "Depuis",
            "Lorsque",
            "Quand",
            "Il",
            "Elle",
            "Ils",
            "Elles",
            "On",
            "Nous",
            "Vous",
            "Je",
            "Ce",
            "Cette",
            "Ces",
            "Cet",
            "Son",
            "Sa",
            "Ses",
            "Leur",
            "Leurs",
            "Mais",
            "Ou",
            "Et",
            "Donc",
            "Or",
            "Ni",
            "Car",
            "Cependant",
            "Toutefois",
            "Pourtant",
            "Ainsi",
            "Aucun",
            "Aucune",
            "Une",
            "Related",
            "Publicité",
            "PUBLICITÉ",
            "M",
            "Mr",
            "Mrs",
            "Ms",
            "Dr",
            "Mme",
            "PDG",
            "CEO",
            "IA",
            "AI",
            "GPU",
            "GPUs",
        ]
    }
)

_ABBREVIATIONS = re.compile(
    r"(?:\b(?:M|Mr|Mrs|Ms|Dr|Mme|Mlle|St|Jr|Sr|Inc|Corp|Ltd|Co|vs|etc|cf|No|Rd|Ave|U\.S|p|a\.m|p\.m)|\b[A-Z])\.$"
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"»”’)]*(?=\s+|$)")
_QUOTE = re.compile(r"[\"“«]\s*([^\"”»]{12,}?)\s*[\"”»]")
_SPEECH = re.compile(
    r"\b(?:said|says|told|declared|stated|wrote|posted|added|called|according to|a déclaré|a dit|a affirmé|"
    r"affirme|déclare|a ajouté|a écrit|a expliqué|selon)\b",
    re.I,
)
_OPINION = re.compile(
    r"\b(?:I think|we think|in my opinion|arguably|à mon avis|je pense|nous pensons|il faut|should|devrait)\b", re.I
)
_NAME = re.compile(
    r"(?<![\w'’])(?:[A-Z][\w'’&.-]*|[a-z]{1,3}[A-Z][\w-]*)"
    r"(?:[ \t]+(?:(?:of|de|du|des|la|le|&)[ \t]+)?(?:[A-Z][\w'’&.-]*|[a-z]{1,3}[A-Z][\w-]*))*"
)
PLACES = {"memphis", "tennessee", "shelby county", "murray", "texas", "california", "paris", "france"}


@dataclass(frozen=True, slots=True)
class Article:
    """The text to check, with what its metadata says about it."""

    text: str
    language: str
    title: str = ""
    published: date | None = None


def detect_language(text: str) -> str:
    """Tell French from English by function words, which even short news text is full of.

    Raises:
        InputError: if the text reads as neither French nor English.
    """
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", text.lower())
    if len(words) < 3:
        raise InputError("The text is too short to tell its language; paste at least one full sentence.")
    scores = {lang: sum(w in stop for w in words) / len(words) for lang, stop in (_STOP | _FOREIGN).items()}
    best = max(scores, key=scores.get)
    if best not in _STOP or scores[best] < 0.08:
        raise InputError("The text does not read as French or English; factcheck supports only these two.")
    return best


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences; a line break after a heading-like line ends a sentence too."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        offset = para.start()
        line = para.group()
        pos = 0
        for end in _SENTENCE_END.finditer(line):
            before = line[: end.start() + 1]
            if _ABBREVIATIONS.search(before.rstrip('"»”’)')):
                continue
            if (
                re.search(r"\d[.,]$", line[: end.end()])
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
        while words and (words[0].lower().strip(".") in _NOT_NAMES or re.match(r"^[LlDd]['’]\S", words[0])):
            head = re.sub(r"^[LlDd]['’]", "", words[0])
            if head != words[0] and head[:1].isupper() and head.lower() not in _NOT_NAMES:
                words[0] = head
                break
            words = words[1:]
        while words and words[-1].lower() in ("of", "de", "du", "des", "la", "le", "and", "&"):
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


def _known_names(text: str) -> set[str]:
    """Words the text capitalises somewhere other than at a sentence start."""
    names = set()
    for m in re.finditer(r"(?<=[\w,;:)»”] )(?:[A-Z][\w-]+|[a-z]{1,3}[A-Z][\w-]*)", text):
        names.add(m.group())
    return names


def claim_kind(sentence: str, quantities: tuple[Quantity, ...], entities: tuple[str, ...]) -> str:
    """The kind of fact a claim turns on, which decides how evidence is compared with it."""
    if _QUOTE.search(sentence) and _SPEECH.search(sentence):
        return "quote"
    for kind in ("duration", "money", "power", "area", "percent", "count", "multiplier", "date"):
        if any(q.kind == kind for q in quantities):
            return kind
    orgs = [e for e in entities if e.lower() not in PLACES]
    if len(orgs) >= 3 or (re.search(r"\b(?:partner|partenaire|with|avec)\b", sentence, re.I) and len(orgs) >= 2):
        return "organisations"
    if any(e.lower() in PLACES for e in entities):
        return "place"
    return "statement"


def is_check_worthy(sentence: str, quantities: tuple[Quantity, ...], entities: tuple[str, ...]) -> bool:
    """A sentence is worth checking when it commits to a number, a date, a quote or a named fact."""
    words = re.findall(r"\w+", sentence)
    if len(words) < 5 or sentence.rstrip().endswith("?"):
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
    meta: dict = {}
    if raw.lstrip().startswith("---"):
        try:
            post = frontmatter.loads(raw.lstrip())
        except (yaml.YAMLError, ValueError) as exc:
            raise InputError(f"{name}: the front matter is not valid YAML ({str(exc).splitlines()[0]}).") from None
        meta, raw = dict(post.metadata), post.content
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
    if lang not in _STOP:
        raise InputError(f"Language {lang!r} is not supported; factcheck reads French (fr) and English (en).")
    return Article(text=text, language=lang, title=str(meta.get("title", "")), published=published)


def _sentences(article: Article) -> Iterator[tuple[int, int, str]]:
    for start, end in split_sentences(article.text):
        yield start, end, article.text[start:end]


def extract_claims(article: Article) -> list[Claim]:
    """Every check-worthy sentence of the article as a Claim, in reading order.

    Repeated sentences (a headline repeated as the first line) are kept once.
    """
    claims: list[Claim] = []
    seen: set[str] = set()
    known = _known_names(article.text)
    for start, end, sentence in _sentences(article):
        key = re.sub(r"\W+", " ", sentence.lower()).strip()
        if key in seen:
            continue
        quantities = tuple(parse_quantities(sentence, article.language, article.published))
        entities = find_entities(sentence, known)
        if not is_check_worthy(sentence, quantities, entities):
            continue
        seen.add(key)
        claims.append(
            Claim(
                id="c" + hashlib.sha256(key.encode()).hexdigest()[:8],
                text=sentence,
                lang=article.language,
                kind=claim_kind(sentence, quantities, entities),
                quantities=quantities,
                entities=entities,
                span=(start, end),
            )
        )
    return claims


def make_claim(text: str, lang: str | None = None, ref_date: date | None = None) -> Claim:
    """A standalone claim typed by the user, checked whether or not it looks check-worthy.

    Raises:
        InputError: if the text is empty or in an unsupported language.
    """
    text = text.strip()
    if not text:
        raise InputError("The claim is empty.")
    lang = lang or detect_language(text)
    quantities = tuple(parse_quantities(text, lang, ref_date))
    entities = find_entities(text)
    key = re.sub(r"\W+", " ", text.lower()).strip()
    return Claim(
        id="c" + hashlib.sha256(key.encode()).hexdigest()[:8],
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
    names = [e for e in claim.entities if e.lower() not in PLACES]
    kept = []
    for start, end in pairwise(cuts):
        clause = text[start:end]
        if start <= key.span[0] < end or any(n in clause for n in names):
            kept.append(clause.strip().rstrip(",;:"))
    return ", ".join(kept) if kept else text
