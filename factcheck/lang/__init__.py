"""What factcheck knows about each language it reads, as data, one module per language.

The algorithms (claims, quantities, stance, verdict) never spell out a word of any
language: they ask this registry, either for one language (`get("fr")`) or for every
language at once (`union(...)`, `pattern(...)`), because an English source may be read
against a French claim. Adding a language is one module that fills a `LangData` (see
`en.py`), one line in `_MODULES`, and its tests; `tests/test_lang.py` checks that every
field is filled for every registered language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from functools import cache, lru_cache
from importlib import import_module

import simplemma

from factcheck.errors import InputError

_MODULES = {"en": "factcheck.lang.en", "fr": "factcheck.lang.fr"}
"""Language code -> the module whose DATA is that language's tables."""


@dataclass(frozen=True, slots=True)
class LangData:
    """One language's tables. Patterns are regular-expression alternations (no groups)."""

    code: str
    name: str
    stopwords: frozenset[str]
    """Function words: left out of lexical matching, subjects and predicates."""
    number_words: tuple[str, ...]
    """Cardinal words that text2num turns into digits ("three", "trois")."""
    special_numbers: Mapping[str, float]
    """Words that stand for a number before a unit ("a dozen", "un an", "half").."""
    scale_words: Mapping[str, float]
    """Multipliers written after a number ("million", "milliard", "bn")."""
    months: Mapping[str, int]
    weekdays: Mapping[str, int]
    durations: Mapping[str, float]
    """Duration words -> days."""
    units: Mapping[str, str]
    """Measurement words and symbols as written -> a unit pint understands ("mètres" -> "meter")."""
    currency_words: Mapping[str, str]
    """Currency names -> ISO code."""
    scaled_currency_words: Mapping[str, str]
    """Currency names that are also units of measure: money only after a scale word ("3 billion
    pounds", not "3 pounds of flour")."""
    not_counted: frozenset[str]
    """Words right after a number that are never what it counts ("100 000 cette année", "3 times")."""
    noun_classes: Mapping[str, str]
    """Counted nouns (singular, or two-word phrases) -> a class shared across languages ("foyer", "home")."""
    multiplier_words: Mapping[str, float]
    """"doubled" -> 2: a multiplier stated by a verb or adjective."""
    fractions: Mapping[str, float]
    """"half", "la moitié" -> 50: a share stated in words, as percent."""
    hedges: tuple[tuple[str, str], ...]
    """(pattern, label) pairs for the hedge written before a number: "more than" -> "more than"."""
    post_hedges: str
    """Pattern of a hedge written after a number ("or more", "environ")."""
    date_hedges: Mapping[str, str]
    """Label ("since", "before", "after") -> the pattern of words before a date."""
    year_leads: str
    """Pattern of the words that make a number before 1900 a year ("in 1851", "une loi de 1851"):
    without one, "1500" is more often a count than a year."""
    relative_dates: Mapping[str, str]
    """Relative date phrases ("last year") -> the rule resolving them against the article's date:
    one of "this year", "early this year", "last year", "next year", "yesterday", "today", "last month"."""
    date_determiners: str
    """Pattern of the words between a date hedge and its date ("since the", "depuis fin")."""
    month_leads: str
    """Pattern of the words that make a bare month name a date ("in October", "depuis mai")."""
    periods: str
    """Pattern of the parts of a year written before it ("Q3", "fall of", "fin", "troisième trimestre"):
    the year alone is what such a date gives."""
    fraction_links: str
    """Pattern of the word joining a fraction to what it divides ("half of", "la moitié des")."""
    plan: str
    """Pattern of words that put a figure in the future (plans, forecasts, targets)."""
    future_endings: str
    """Pattern of the verb endings of the future and the conditional ("passera", "passerait"), for
    a language that inflects them; empty for one that says it with a word ("will", in `plan`)."""
    past_endings: str
    """Pattern of past endings that a future ending can hide: "attirait" (attirer's imperfect) ends
    like a conditional. A word that is its lemma's stem plus one of these is past, not a plan."""
    reporting: str
    """Pattern of reporting verbs ("said", "a déclaré"): what follows is attributed, not claimed."""
    attribution_leads: str
    """Pattern of phrases opening an attribution ("according to", "selon")."""
    negation: str
    """Pattern of negation words."""
    opinion: str
    """Pattern of opinion markers: such sentences are not check-worthy."""
    not_names: frozenset[str]
    """Capitalised words that open sentences but never name anything ("The", "Selon")."""
    org_nouns: str
    """Pattern of common nouns that stand for an organisation ("the company", "la société")."""
    contrast: str
    """Pattern of words that set two subjects side by side ("unlike", "tandis que"): each figure is its own."""
    noun_modifiers: str
    """Pattern of words that stand between a number and the noun it counts without being it
    ("three supervised bathing spots", "trois grands sites")."""
    count_skips: frozenset[str]
    """Words a counted noun may be preceded or qualified by, never the noun itself ("of",
    "additional", "supplémentaires", "à gaz")."""
    plural_exceptions: Mapping[str, str]
    """Plurals that are not the singular plus "s", and words that end in "s" in the singular
    ("people" -> "person", "pays" -> "pays")."""
    minus: str
    """Pattern of the word for a negative sign ("minus 233 C")."""
    object_pronouns: str
    """Pattern of pronouns standing for something already named ("built it", "l'a construit")."""
    pronouns: str
    """Pattern of subject pronouns that a claim's head may need replaced by a name."""
    only: str
    """Pattern of words that make a list complete ("only", "seuls")."""
    declined: str
    """Pattern of words that take a name out of a list ("declined", "a refusé")."""
    deictic_dates: str
    """Pattern of words meaning the article's own date ("today")."""
    rise: str
    """Pattern of verbs of increase ("rose", "a augmenté")."""
    range_links: str
    """Pattern of words joining the two ends of a range ("to", "à")."""
    partitive_after: str
    """What follows a number that counts part of a set named before it: "19 of them", "19 d'entre eux"."""
    partitive_before: str
    """What precedes such a number: "including 19", "dont 19"."""
    offset_words: str
    """Pattern of words after a duration that make it a time offset ("two days after the crash"):
    when, not how long."""
    anaphora: str
    """Pattern of words opening a sentence that point back to a name in the sentence before ("It",
    "Her designs", "Sa construction"): that sentence says whose figure it is."""
    relative_pronouns: str
    """Pattern of words opening a relative clause (", which controls Kering,"): an aside whose names
    are not the subject of the main clause."""
    designation_nouns: str
    """Pattern of nouns after which a number is a name or a model, not a count ("version", "épisode")."""
    coarse_durations: str
    """Pattern of coarse duration words (months, years): a rounder statement of a precise figure."""
    fine_durations: str
    """Pattern of fine duration words (days, weeks)."""
    determiners: str
    """Pattern of words that open a noun phrase ("the", "its", "chaque"): the words after one name a thing."""
    vague_words: frozenset[str]
    """Words that say nothing of whose figure it is: what kind of figure ("weighs", "température")
    or which way a size is measured ("long", "hauteur"), which its unit already says, and verbs
    that only give a figure or an event ("has", "affiche", "took place")."""


def available() -> tuple[str, ...]:
    """The codes of the languages factcheck reads."""
    return tuple(_MODULES)


@cache
def get(code: str) -> LangData:
    """The tables of one language.

    Raises:
        InputError: for a language factcheck does not read.
    """
    module = _MODULES.get((code or "").lower())
    if module is None:
        raise InputError(
            f"factcheck does not read language {code!r}; it reads {', '.join(available())}. "
            "Adding one is a module in factcheck/lang (README: Adding a language)."
        )
    data = import_module(module).DATA
    if data.code != code.lower():
        raise InputError(f"factcheck/lang module for {code!r} declares code {data.code!r}")
    return data


def all_languages() -> tuple[LangData, ...]:
    return tuple(get(code) for code in available())


@cache
def union(field: str) -> frozenset[str] | dict:
    """One field of every language merged: a set for word sets, a dict for tables."""
    values = [getattr(lang, field) for lang in all_languages()]
    if isinstance(values[0], Mapping):
        merged: dict = {}
        for v in values:
            merged.update(v)
        return merged
    merged_set: set[str] = set()
    for v in values:
        merged_set |= set(v)
    return frozenset(merged_set)


@cache
def pattern(field: str) -> str:
    """One pattern field of every language joined into one alternation (one that never matches when
    every language leaves the field empty)."""
    return "|".join(f"(?:{v})" for lang in all_languages() if (v := getattr(lang, field))) or "(?!)"


@cache
def regex(field: str, flags: int = re.I) -> re.Pattern[str]:
    """`pattern(field)` as a whole-word regular expression."""
    return re.compile(rf"\b(?:{pattern(field)})\b", flags)


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The dictionary form of a lower-case word in any language factcheck reads ("led" -> "lead",
    "maintenu" -> "maintenir"), from simplemma's tables; the word itself when it knows none.

    Without a parser or a tagger for English on the registries, this is what lets a verb's
    inflections meet: a five-letter stem joins "launched" and "launch" but not "led" and "lead".
    """
    return simplemma.lemmatize(word, lang=available())


def strip_accents(text: str) -> str:
    """text with its accents taken off ("Genève" -> "Geneve"): compatibility-decomposed, combining marks dropped."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def alternation(words: Iterable[str]) -> str:
    """Words as one alternation, longest first so "sept" never shadows "septembre"."""
    return "|".join(sorted((re.escape(w) for w in set(words)), key=len, reverse=True))


OPTIONAL_FIELDS = frozenset({"future_endings", "past_endings"})
"""Fields a language may leave empty: English has no future inflection."""


def missing_fields(data: LangData) -> list[str]:
    """Fields left empty: every language must fill every table but OPTIONAL_FIELDS (tests/test_lang.py)."""
    return [f.name for f in fields(data) if not getattr(data, f.name) and f.name not in OPTIONAL_FIELDS]
