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
    approximate_numbers: Mapping[str, float]
    """Words that stand for a number only roughly ("une vingtaine" is about twenty): read as "about" it."""
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
    and_a_half: str
    """Pattern adding half a unit to the number or unit before it ("two and a half years", "un an et demi")."""
    age: str
    """Case-sensitive pattern of a bare number that is someone's age, in group "n": "aged 74", "he was 74.",
    "Florencio Ávalos, 31, was ..."; "74 ans" and "74-year-old" are durations already."""
    clock_duration: str
    """Pattern of hours and minutes written like a clock time that are a duration, in groups "h" and
    "m": "au terme de 3 h 54 de vol" (where "à 14 h 23" is the time of day)."""
    glued_million: str
    """Pattern of what follows a number and glued lowercase letters that make them a scale, not a unit,
    without a currency sign: "2.5m people" is 2.5 million where "a 20m wall" is metres ("(?!)" where
    the language writes no such scale)."""
    partitive_after: str
    """What follows a number that counts part of a set named before it: "19 of them", "19 d'entre eux"."""
    partitive_before: str
    """What precedes such a number: "including 19", "dont 19"."""
    comparison_openers: str
    """Pattern of what opens a sentence told only for comparison ("By comparison, ...", "À titre de
    comparaison, ..."): its figures are another thing's."""
    sibling_words: str
    """Pattern of the words that make a noun another of its kind than the claim's ("the old bridge",
    "the former head", "l'ancien tunnel"): its figures are a sibling's."""
    rate_words: str
    """Pattern of the words that make a period the one a figure is counted over: "a", "per",
    "every" ("53,000 barrels a day"), "par", "chaque" ("60 000 barils par jour")."""
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
    number_joiners: str
    """Pattern of the word inside a number written in words ("one hundred and five", "vingt-et-un")."""
    percent_words: str
    """Pattern of the words for percent ("per cent", "pour cent")."""
    times_words: str
    """Pattern of the word after a number that makes it a multiplier ("ten times", "dix fois")."""
    multiplied_by: str
    """Pattern of the words before a number that make it a multiplier ("multiplied by", "multiplié par")."""
    more_words: str
    """Pattern of the word for "more": a hedge after a number that holds it ("or more") makes the
    number a lower bound."""
    range_leads: str
    """Pattern of the words opening a range before its first number ("between", "entre")."""
    day_ordinals: str
    """Pattern of the ordinal ending a day of the month may carry ("1st", "1er")."""
    article_units: str
    """Pattern of the words after which an article that is no number word stands for one ("a dozen",
    "a year", "a million"); empty for a language whose articles are number words ("un an")."""
    not_figure_after: str
    """Pattern of what, right after a number, makes it an ordinal or a time of day rather than a
    figure ("3rd", "2e", "14h30", "24 heures sur 24")."""
    addresses: str
    """Pattern of what follows a house number ("rue", "Main Street"): the number is an address."""
    hedge_words: frozenset[str]
    """Single words that hedge a number ("about", "environ"): capitalised before one, they name nothing."""
    lowercase_not_months: frozenset[str]
    """Month names that are also common words ("may", "mar"): a month only when capitalised; empty
    for a language that writes its months in lower case."""
    # The shape of a sentence, for cutting it into clauses and claims (claims.py) and for
    # finding which clause of a source states a figure (stance.py).
    abbreviations: str
    """Pattern of abbreviations whose full stop ends no sentence ("Mr", "Mme", "janv")."""
    name_links: str
    """Pattern of lower-case words inside a name ("Bank of England", "Banque de France")."""
    list_links: str
    """Pattern of words joining the members of a list ("and", "ainsi que")."""
    clause_links: str
    """Pattern of words opening a coordinated clause ("but", "tandis que"): each clause has its own
    tense and subject."""
    partner_words: str
    """Pattern of words that make names side by side a list of partners ("with", "partenaires")."""
    agent_words: str
    """Pattern of the word before the doer of a passive ("by", "par")."""
    place_leads: str
    """Pattern of words that put something at a place ("in", "based", "implanté"): the place is the claim's point."""
    place_fillers: str
    """Pattern of words between such a word and the place ("the", "city of", "ville de")."""
    say_verbs: str
    """Pattern of the verbs of saying that open reported speech ("said", "a déclaré"): "X said (that) Y"
    claims Y, attributed to X. Narrower than `reporting`: "called on" or "wrote to" open no speech."""
    complementizers: str
    """Pattern of the word after a reporting verb that opens what was said ("that", "que")."""
    inverted_reporting: str
    """Pattern of a reporting verb written after its subject's pronoun ("a-t-il ajouté"); empty
    for a language that does not invert."""
    speech_participles: str
    """Pattern of participles that hand the rest of a sentence to a speaker ("saying", "estimant")."""
    speaker_asides: str
    """Pattern of a whole clause that makes the rest the speaker's view ("to her knowledge", "à ses yeux")."""
    stressed_pronouns: str
    """Pattern of pronouns after an attribution word ("according to him", "selon elle")."""
    speaker_pronouns: str
    """Pattern of the subject pronouns of the speaker's side ("we", "on"): a clause opening with one
    has a subject of its own, but none to put a name in place of."""
    topic_leads: str
    """Pattern of words that announce a sentence's topic before its clause ("as for", "quant à")."""
    naming_date: str
    """Pattern of a claim's opening up to a date that names its event rather than dating its fact
    ("The 1960 earthquake measured ...", "The derailment of August 2023 damaged ...", "Le séisme de
    1960 a ..."): what the claim asserts is elsewhere."""
    irregular_demonyms: str
    """Nationality words not made from the country's name, nor a language's ("British", "Swiss",
    "américain"): the rest are derived from the gazetteer (`places.is_demonym`)."""
    definite_articles: str
    """Pattern of the definite articles ("the", "la"): "the company" points back, "a company" does not."""
    company_suffixes: str
    """Pattern of the words a company's legal name adds ("Inc", "Computer", "SA"): "Super Micro
    Computer" and "Supermicro" are one name."""
    generic_org_nouns: str
    """Pattern of the nouns any organisation may be called ("the company", "le groupe"): they point
    back to the last organisation; a narrower one ("the chamber") only to one the article called so."""
    quantifiers: str
    """Pattern of quantifying words that open a noun phrase ("any", "plusieurs"): "any new load needs" has a subject."""
    thing_nouns: str
    """Pattern of general nouns that, after a determiner, stand for the thing named before ("the
    project", "le site")."""
    subject_relatives: str
    """Pattern of relative pronouns that are the subject of their clause ("which", "qui")."""
    person_relatives: str
    """Pattern of the relative pronouns that stand for the last name said ("who", "qui"); "which" may
    stand for a thing named earlier, so its clause stays with the main one."""
    purpose: str
    """Pattern of words opening a purpose ("in order to", "afin de")."""
    participles: str
    """Pattern of past participles that open a description ("built", "implanté")."""
    finite_verbs: str
    """Pattern of verbs (mostly auxiliaries, and endings) that make a piece of text a clause."""
    auxiliaries: str
    """Pattern of the auxiliaries a subjectless segment opens with ("has", "ont")."""
    fillers: str
    """Pattern of sentence openers and verdicts that carry no checkable fact ("it remains to be
    seen", "il est clair")."""
    asides: str
    """Pattern of words opening a comparison hung on a name ("such as", "tout comme")."""
    expletives: str
    """Pattern of an impersonal opening ("it is hard", "il faut"): no name stands behind "it"."""
    lead_words: str
    """Pattern of words that open an adverbial before the main clause ("after", "depuis", "however")."""
    prepositions: str
    """Pattern of prepositions: a name after one is no subject, a segment opening with one no apposition."""
    clause_prepositions: str
    """Pattern of prepositions that open an adverbial of its own ("for", "depuis"): a segment opening
    with one is no apposition, while "au Pérou" or "du Guatemala" still describe the words before."""
    elisions: str
    """Pattern of an elided article written onto the next word ("l'", "d'"); empty for a language without."""
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


OPTIONAL_FIELDS = frozenset(
    {
        "future_endings", "past_endings", "article_units", "lowercase_not_months", "inverted_reporting", "elisions",
        "approximate_numbers",
    }
)  # fmt: skip
"""Fields a language may leave empty: English has no future inflection, no subject inversion after
speech, no elision and no word for a rough number ("a dozen eggs" are twelve); French articles are
number words and French months are written in lower case."""


def missing_fields(data: LangData) -> list[str]:
    """Fields left empty: every language must fill every table but OPTIONAL_FIELDS (tests/test_lang.py)."""
    return [f.name for f in fields(data) if not getattr(data, f.name) and f.name not in OPTIONAL_FIELDS]
