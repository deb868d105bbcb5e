"""Numbers, durations, dates, money, power and area in French and English, normalised and compared.

Rules, not a model: what fact-checkers check most are exactly the numbers that learned
NLI gets wrong, and rules can say why they decided.

Comparison of a claimed quantity with one found in evidence (`compare`):

| claimed vs found | outcome |
|---|---|
| different kinds, units or currencies | unrelated |
| counts or money stated as points, more than 10 times apart | unrelated: a different figure, not a contradiction |
| a ceiling ("up to", "at most", "less than") against a point more than 10 times under it | unrelated ("up to 2,400 workers at once" says nothing of 200) |
| exact vs exact, relative error ≤ 5% (≤ 10% for durations: a "month" is loose) | supports |
| exact vs exact, relative error ≤ 35% | partly ("three months" vs 122 days: off by 25%) |
| exact vs exact, further apart | refutes ("two years" vs 122 days) |
| hedged ("more than", "at least", "less than", "up to", "about" ±10%, ranges) | each side is an interval; the found one inside the claimed one supports ("less than five months" vs 122 days); two "about" figures agree when their centres are within 10%; overlapping only in part is partly; disjoint is scored like exact values by the distance to the nearest edge |
| dates | compared at the coarser granularity of the two: same year / month / day supports, unless the source gives only the year or month of a dated claim; one day apart is partly; otherwise refutes ("since 2023" vs 2019; "since 1900" vs "since 1923") |
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

from text_to_num import text2num

from factcheck import lang as langdata
from factcheck.types import Quantity

MONTH_DAYS = 30.44
YEAR_DAYS = 365.25

_DURATION = langdata.union("durations")


def _world_currencies() -> tuple[dict[str, str], dict[str, str]]:
    """(signs, names) of the world's currencies in each language factcheck reads, from Babel's CLDR
    tables: "A$" and "$AU" are Australian dollars, and so are "dollars australiens"."""
    from babel import Locale
    from babel.numbers import get_currency_name

    signs: dict[str, str] = {}
    names: dict[str, str] = {}
    for code in langdata.available():
        locale = Locale.parse(code)
        for iso, symbol in locale.currency_symbols.items():
            if not symbol.isalpha():
                signs.setdefault(symbol.lower(), iso)
        for iso in locale.currencies:
            for count in (1, 2):
                name = get_currency_name(iso, count=count, locale=locale).lower()
                if all(c.isalpha() or c in " -'’" for c in name):
                    names.setdefault(name, iso)
    return signs, names


_WORLD_SIGNS, _WORLD_NAMES = _world_currencies()
_CURRENCY_WORD = {**_WORLD_NAMES, **langdata.union("currency_words")}
_CURRENCY_SIGN = {**_WORLD_SIGNS, "$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_SIGNS = langdata.alternation(_CURRENCY_SIGN)
_SIGN_BEFORE = re.compile(rf"(?:(?<![^\W\d_])({_SIGNS})|(\$|€|£|¥))\s*$", re.I)
"""A sign before a number; one glued to letters it does not know ("C$") is read by its last symbol."""
_SCALED_CURRENCY_WORD = langdata.union("scaled_currency_words")

_OF = langdata.pattern("fraction_links")
"""The word joining a number to what it is of ("of", "de", "d'")."""
_JOINERS = langdata.pattern("number_joiners")


def _currency_after(words: Iterable[str]) -> re.Pattern[str]:
    """A currency written after a number, spaced or in a compound ("3 milliards d'euros", "a
    1.4 billion-euro programme"), from the currency words of every language."""
    alternation = langdata.alternation(words)
    return re.compile(rf"^(?:\s*|-)(?:M\$|{_SIGNS}|(?:(?:{_OF})\s*)?(?:{alternation})\b|USD\b|EUR\b|GBP\b)", re.I)


_CURRENCY_AFTER = _currency_after(_CURRENCY_WORD)
_SCALED_CURRENCY_AFTER = _currency_after({**_CURRENCY_WORD, **_SCALED_CURRENCY_WORD})
_SCALE = langdata.union("scale_words")
_SCALE_WORDS = langdata.alternation(w for w in _SCALE if len(w) > 1)
"""Scale words spelled out ("million", "mds"); single letters ("k", "M") are read apart, case-sensitively."""
_APPROXIMATE = langdata.union("approximate_numbers")
_SPECIAL_NUMBERS = {**langdata.union("special_numbers"), **_APPROXIMATE}
_ONES = frozenset(w for w, v in _SPECIAL_NUMBERS.items() if v == 1)
_ARTICLES = _ONES - langdata.union("number_words")
"""Articles that are no number word ("a", "an"): one only before a unit (`article_units`)."""
_HALVES = frozenset(w for w, v in _SPECIAL_NUMBERS.items() if v == 0.5)
_DOZENS = langdata.alternation(w for w, v in _SPECIAL_NUMBERS.items() if v == 12)
_ARTICLE_UNITS = langdata.pattern("article_units")
_DECADES = langdata.alternation(w for w, v in langdata.union("durations").items() if round(v) == round(10 * YEAR_DAYS))
_AND_A_HALF = re.compile(rf"^\s*(?:{langdata.pattern('and_a_half')})\b", re.I)
_HALF_OF = re.compile(rf"^\s*(?:{langdata.alternation(_ONES)})\s+({_SCALE_WORDS}|{_DOZENS})\b", re.I)
"""What follows "half" in "half a million", "half a dozen"."""
_OF_DOZEN = re.compile(rf"^\s+(?:{_OF})\s*(?:{_DOZENS})")
_DOZEN_NEXT = re.compile(rf"^\s*(?:(?:{_OF})\s*)?(?:{_DOZENS})", re.I)
_DOZEN_WORD = re.compile(_DOZENS, re.I)
_UNIT_OF_ONE = re.compile(rf"^\s*(?:{_ARTICLE_UNITS})\b", re.I)
_ONE_OF = re.compile(rf"^\s*(?:{_OF})\s", re.I)
_DOZEN_OR_DECADE = re.compile(rf"^\s*(?:{_DOZENS}|{_DECADES})", re.I)
_TRAILING_JOINER = re.compile(rf"[\s-]+(?:{_JOINERS})$", re.I)
_MULTIPLIER_WORDS = langdata.union("multiplier_words")
_PLURALS: dict[str, str] = langdata.union("plural_exceptions")
_NOUN_SKIP = langdata.union("count_skips")
_NOT_NOUN = langdata.union("not_counted")
_PARTITIVE_AFTER = re.compile(rf"^\s*(?:{langdata.pattern('partitive_after')})\b", re.I)
_PARTITIVE_BEFORE = re.compile(rf"\b(?:{langdata.pattern('partitive_before')})\s*$", re.I)
PARTITIVE = "<partitive>"
"""Placeholder noun of "19 of them" (followed by the noun read after the number, if any): the set
named before, which parse_quantities fills in."""

MONTHS = langdata.union("months")
WEEKDAYS = langdata.union("weekdays")

_HEDGES: dict[str, list[str]] = {}
for _lang in langdata.all_languages():
    for _pat, _label in _lang.hedges:
        _HEDGES.setdefault(_label, []).append(_pat)
# The order matters: "at most" before "more than", "less than" before "up to", "about" last.
_HEDGES_ORDER = ("at most", "more than", "at least", "less than", "up to", "about")
_HEDGE_RE = [(re.compile(rf"(?:^|[\s('’])(?:{'|'.join(_HEDGES[label])})\s*$", re.I), label) for label in _HEDGES_ORDER]
_POST_HEDGE = re.compile(rf"^\s*(?:{langdata.pattern('post_hedges')})\b", re.I)

_MONTH_NAMES = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_WEEKDAY_NAMES = "|".join(WEEKDAYS)
_DATE_PATTERNS = [
    # 2024-12-04
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    # 02/09/2024
    ("slash", re.compile(r"\b(?P<a>[0-3]?\d)/(?P<b>[01]?\d)/(?P<y>(?:19|20)\d\d)\b")),
    # (jeudi) 7 novembre 2024 / 22 April 2019 / le 1er mai 2025
    (
        "dmy",
        re.compile(
            rf"\b(?:(?:{_WEEKDAY_NAMES}),?\s+)?(?P<d>[0-3]?\d)(?:{langdata.pattern('day_ordinals')})?\s+(?P<mon>{_MONTH_NAMES})\.?"
            rf"(?:,?\s+(?P<y>(?:19|20)\d\d))?(?![\w])",
            re.I,
        ),
    ),
    # (Thursday,) November 7, 2024 / Aug. 19, 2021 / Dec. 4
    (
        "mdy",
        re.compile(
            rf"\b(?:(?:{_WEEKDAY_NAMES}),?\s+)?(?P<mon>{_MONTH_NAMES})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
            rf"(?:,\s*(?P<y>(?:19|20)\d\d))?(?![\w/])",
            re.I,
        ),
    ),
    # octobre 2024 / December 2023
    ("my", re.compile(rf"\b(?P<mon>{_MONTH_NAMES})\.?\s+(?P<y>(?:19|20)\d\d)\b", re.I)),
    # Q3 2026 / T3 2026 / troisième trimestre 2026 / fall 2025 / fin 2024
    ("yq", re.compile(rf"\b(?:{langdata.pattern('periods')})\s*(?P<y>(?:19|20)\d\d)\b", re.I)),
    # relative expressions: "last year", "hier"
    ("rel", re.compile(rf"\b(?P<rel>{langdata.alternation(langdata.union('relative_dates'))})\b", re.I)),
    # mercredi / on Wednesday
    ("wd", re.compile(rf"\b(?P<wd>{_WEEKDAY_NAMES})\b", re.I)),
    # in October / en octobre / since May
    (
        "mon",
        re.compile(rf"\b(?:{langdata.pattern('month_leads')})\s+(?P<mon>{_MONTH_NAMES})\b(?!\s+\d)", re.I),
    ),
    # a year: 2023
    ("y", re.compile(r"(?<![\w.,/$€£-])(?P<y>(?:19|20)\d\d)(?![\w%,.]\d|[\w-])")),
    # an earlier year, only after a word that makes it one: "in 1851", "en 1163"
    ("old", re.compile(r"(?<![\w.,/$€£-])(?P<y>1[0-8]\d\d)(?![\w%,.]\d|[\w-])")),
]
_YEAR_LEAD = re.compile(rf"\b(?:{langdata.pattern('year_leads')})\s+$", re.I)
_DATE_HEDGES = {
    label: "|".join(f"(?:{lang.date_hedges[label]})" for lang in langdata.all_languages())
    for label in ("since", "before", "after")
}
_DATE_HEDGE = re.compile(
    rf"(?:(?P<since>{_DATE_HEDGES['since']})|(?P<before>{_DATE_HEDGES['before']})|(?P<after>{_DATE_HEDGES['after']}))"
    rf"\s+(?:(?:{langdata.pattern('date_determiners')})\s*)?$",
    re.I,
)
_SINCE = re.compile(rf"(?:{_DATE_HEDGES['since']})\b", re.I)
_RELATIVE_DATES = {phrase.lower(): rule for phrase, rule in langdata.union("relative_dates").items()}

_NUM = (
    r"(?<![\w.,/:-])(?:\d{1,3}(?:(?:[ \u00a0\u202f]\d{3})+|(?:,\d{3})+|(?:\.\d{3}){1,})(?![\d])(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?)(?![\w/:]*\d)"
)
_NUM_RE = re.compile(_NUM)
_NEGATIVE = re.compile(
    rf"(?:(?<=[\s(])|^)(?:[-−–]\s?|(?:{langdata.pattern('minus')})\s+)(\d+(?:[.,]\d+)?)(?=\s*(?:°|º|degr|[CFK]\b))",
    re.I,
)
_WORD_NUMBER = re.compile(
    r"(?<![\w-])(?:(?:"
    + langdata.alternation(langdata.union("number_words"))
    + "|"
    + langdata.alternation(w for w, v in _SPECIAL_NUMBERS.items() if v != 1)
    + rf"|(?:{langdata.alternation(_ARTICLES)})(?=\s+(?:{_ARTICLE_UNITS})))(?:[\s-](?:(?:{_JOINERS})[\s-])?)?)+(?![\w'’])",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Comparison:
    """How a claimed quantity fares against one found in evidence, with a sentence saying why."""

    outcome: str
    error: float | None
    explanation: str


def _to_float(token: str, lang: str) -> float:
    t = token.replace("\u00a0", " ").replace("\u202f", " ")
    if re.fullmatch(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?", t):
        t = t.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", t):
        return float(t.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", t) and (lang == "fr" or t.count(".") > 1):
        return float(t.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", t) and lang == "fr":
        return float(t.replace(".", ""))
    return float(t.replace(",", "."))


def _words_to_number(words: str, lang: str) -> float | None:
    w = words.strip().lower().replace("-", " ")
    w = re.sub(r"\s+", " ", w)
    if w in _SPECIAL_NUMBERS:
        return float(_SPECIAL_NUMBERS[w])
    first, _, rest = w.partition(" ")
    if first in _HALVES and rest in _ONES:
        return 0.5  # "half a"
    if first in _ONES and rest:
        return _words_to_number(rest, lang)
    for try_lang in (lang, "en" if lang == "fr" else "fr"):
        try:
            return float(text2num(w, try_lang))
        except ValueError:
            continue
    return None


def _singular(word: str, lang: str) -> str:
    w = word.lower().strip(".,;:()\"'’")
    if w in _PLURALS:
        return _PLURALS[w]
    if lang == "en" and re.search(r"(?:ss|x|ch|sh|us)es$", w):
        return w[:-2]
    if lang == "en" and w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and len(w) > 3 and not w.endswith("ss"):
        return w[:-1]
    return w


def _count_unit(after: str, lang: str) -> str | None:
    """The noun a number counts, singular, skipping brand names and model codes before it.

    "100 000 GPU Nvidia" and "100,000 Nvidia GPUs" both count "gpu"; a noun phrase the
    language data classes ("processeurs graphiques") gives its class instead.
    """
    # The noun is in the number's own clause: "3,8 milliards, financés par ..." counts nothing.
    after = re.split(r"[,;:!?]|\.(?:\s|$)", after, maxsplit=1)[0]
    tokens = re.findall(r"[\w'’-]+|\(", after)[:7]
    words = [re.sub(r"^[dl]['’]", "", t).strip("()") for t in tokens]
    for i in range(min(len(words) - 1, 5)):
        for n in (4, 3, 2):
            phrase = " ".join(_singular(w, lang) for w in words[i : i + n])
            if len(words) >= i + n and phrase in _NOUN_CLASS:
                return _NOUN_CLASS[phrase]
    code = None
    modifier = _modifiers(lang)
    for n, tok in enumerate(tokens[:5]):
        low = tok.lower().strip("()")
        if modifier.fullmatch(low) and _noun_follows(tokens[n + 1 : 5], modifier):
            continue  # "three supervised bathing spots" count spots
        if low in ("d'", "d’") or low.startswith(("d'", "d’")):
            low = low[2:]
            if not low:
                continue
        if low in _NOUN_SKIP or low in ("(",):
            continue
        if low in _NOT_NOUN or low.rstrip(".") in MONTHS or not re.match(r"^[a-zàâçéèêëîïôûùüÿœ][\w-]*$", low):
            return code
        if re.search(r"\d", low):  # a model code ("H100s"): the noun after it, if any, is what is counted
            code = code or _singular(low, lang)
            continue
        if tok[:1].isupper() and not tok.removesuffix("s").isupper():  # a brand or a name before the noun
            continue
        return _singular(low, lang)
    return code


@cache
def _modifiers(lang: str) -> re.Pattern[str]:
    return re.compile(langdata.get(lang).noun_modifiers if lang in langdata.available() else r"(?!)")


def _noun_follows(tokens: list[str], modifier: re.Pattern[str]) -> bool:
    """Whether, past more modifiers, a word that can be a counted noun comes next."""
    for tok in tokens:
        low = tok.lower()
        if modifier.fullmatch(low):
            continue
        return bool(re.fullmatch(r"[a-zàâçéèêëîïôûùüÿœ][\w-]*", low)) and low not in _NOT_NOUN and low not in _NOUN_SKIP
    return False


def _hedge_before(text: str, start: int) -> tuple[str | None, int]:
    window = text[max(0, start - 40) : start]
    for regex, label in _HEDGE_RE:
        m = regex.search(window)
        if m:
            return label, start - (len(window) - m.start()) + (1 if m.group()[:1] in " ('’" else 0)
    return None, start


FUTURE_DAYS = 31
"""A day and month without a year may lie this far after the article (a launch set for next week)."""


def _nearest_year(month: int, day: int, ref: date) -> int:
    """The year that puts a day and month closest to the article's date, the past preferred."""
    for year in (ref.year, ref.year + 1):
        try:
            ahead = (date(year, month, day) - ref).days
        except ValueError:
            continue
        if 0 <= ahead <= FUTURE_DAYS:
            return year
    return ref.year if (month, day) <= (ref.month, ref.day) else ref.year - 1


def _resolve_month(month: int, ref: date) -> str:
    year = ref.year if month <= ref.month else ref.year - 1
    return f"{year}-{month:02d}"


def _dates(text: str, lang: str, ref: date | None) -> list[Quantity]:
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for kind, regex in _DATE_PATTERNS:
        for m in regex.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            value = _date_value(kind, m, lang, ref, text)
            if value is None or (kind in ("y", "old") and _counted_not_dated(text, m, lang, kind == "old")):
                continue
            start = m.start()
            approx = None
            h = _DATE_HEDGE.search(text[max(0, start - 20) : start])
            if h:
                approx = "since" if h.group("since") else "before" if h.group("before") else "after"
                start -= len(text[max(0, start - 20) : start]) - h.start()
            if kind == "mon" and _SINCE.match(m.group()):
                approx = "since"
            if kind == "rel" and _RELATIVE_DATES[m.group().lower()] == "early this year":
                approx = "about"
            taken.append((m.start(), m.end()))
            found.append(
                Quantity(
                    value=value,
                    unit="date",
                    kind="date",
                    approx=approx,
                    text=text[start : m.end()],
                    span=(start, m.end()),
                )
            )
    return found


def _counted_not_dated(text: str, m: re.Match, lang: str, old: bool) -> bool:
    """Whether a bare year-shaped number counts something: "plus de 2000 personnes", "1500 people"
    (a year before 1900 needs no hedge to be read as a count). After "a" or "un" it is a year:
    "an 1851 federal statute" counts no statutes."""
    word = re.search(r"([^\W\d_]+)\s+$", text[: m.start()])
    if word and word.group(1).lower() in _ONES:
        return False
    hedged = _hedge_before(text, m.start())[0] is not None
    return (hedged or old) and _count_unit(text[m.end() :], lang) is not None


def _date_value(kind: str, m: re.Match, lang: str, ref: date | None, text: str) -> str | None:
    g = m.groupdict()
    if kind == "old":
        return g["y"] if _YEAR_LEAD.search(text[: m.start()]) else None
    if kind == "iso":
        return f"{g['y']}-{g['m']}-{g['d']}"
    if kind == "slash":
        a, b = int(g["a"]), int(g["b"])
        day, month = (a, b) if lang == "fr" or a > 12 else (b, a)
        return f"{g['y']}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None
    if kind in ("dmy", "mdy"):
        month = MONTHS.get(g["mon"].lower().rstrip("."))
        day = int(g["d"])
        if month is None or not 1 <= day <= 31:
            return None
        if g.get("y"):
            return f"{g['y']}-{month:02d}-{day:02d}"
        if ref is None:
            return None
        year = _nearest_year(month, day, ref)
        return f"{year}-{month:02d}-{day:02d}"
    if kind == "my":
        month = MONTHS.get(g["mon"].lower().rstrip("."))
        return f"{g['y']}-{month:02d}" if month else None
    if kind == "yq":
        return g["y"]
    if kind == "rel":
        if ref is None:
            return None
        rule = _RELATIVE_DATES[g["rel"].lower()]
        if rule == "yesterday":
            return (ref - timedelta(days=1)).isoformat()
        if rule == "today":
            return ref.isoformat()
        if rule == "last month":
            first = ref.replace(day=1) - timedelta(days=1)
            return f"{first.year}-{first.month:02d}"
        if rule == "last year":
            return str(ref.year - 1)
        if rule == "next year":
            return str(ref.year + 1)
        return str(ref.year)
    if kind == "wd":
        if ref is None:
            return None
        back = (ref.weekday() - WEEKDAYS[g["wd"].lower()]) % 7
        return (ref - timedelta(days=back)).isoformat()
    if kind == "mon":
        if ref is None:
            return None
        month = MONTHS[g["mon"].lower()]
        if g["mon"][0].islower() and g["mon"].lower() in langdata.get(lang).lowercase_not_months:
            return None
        return _resolve_month(month, ref)
    if kind == "y":
        return g["y"]
    return None


_KINDS = (
    ("length", "meter", "m"),
    ("mass", "kilogram", "kg"),
    ("temperature", "kelvin", "K"),
    ("speed", "kilometer / hour", "km/h"),
    ("area", "foot ** 2", "sq ft"),
    ("volume", "liter", "L"),
    ("energy", "megawatt_hour", "MWh"),
    ("power", "megawatt", "MW"),
    ("data_rate", "gigabit / second", "Gb/s"),
)
"""(kind, base unit in pint, label): every measurement is compared in its kind's base unit."""

BASE_UNITS = {kind: label for kind, _, label in _KINDS}

PHYSICAL_KINDS = ("duration", "money", *(kind for kind, _, _ in _KINDS))
"""Kinds with a unit: two such figures that agree are strong evidence of being the same figure."""
MEASURE_KINDS = (*PHYSICAL_KINDS, "percent", "count", "multiplier", "date")
"""Every kind of figure, in the order a claim's kind is chosen from its figures."""


@cache
def _unit_table() -> list[tuple[str, str, str, float, float]]:
    """(written form, kind, base label, factor, offset) for every unit the languages know, longest first.

    pint does the conversions (value * factor + offset is in the base unit), so "4.1 tonnes"
    meets "4,100 kg" and "-20 °C" meets "253 K"; durations stay in days, as before.
    """
    import pint

    ureg = pint.UnitRegistry()
    table = [(name, "duration", "day", days, 0.0) for name, days in _DURATION.items()]
    for written, unit in langdata.union("units").items():
        quantity = ureg.Quantity(1.0, unit)
        kind, base, label = next((k for k in _KINDS if quantity.is_compatible_with(k[1])), (None, None, None))
        if kind is None:
            raise ValueError(f"unit {written!r} ({unit}) is of no kind factcheck compares")
        zero = ureg.Quantity(0.0, unit).to(base).magnitude
        table.append((written, kind, label, quantity.to(base).magnitude - zero, zero))
    return sorted(table, key=lambda row: -len(row[0]))


def _unit_after(after: str, lang: str) -> tuple[str, str, float, int, float] | None:
    """(kind, base unit, factor, length, offset) of the unit that follows a number, or None."""
    m = re.match(r"^[\s\u00a0\u202f-]*", after)
    lead = m.end() if m else 0
    rest = after[lead:]
    low = rest.lower()
    if low.startswith("%"):
        return "percent", "%", 1.0, lead + 1, 0.0
    m = _PERCENT_WORDS.match(low)
    if m:
        return "percent", "%", 1.0, lead + m.end(), 0.0
    for name, kind, label, factor, offset in _unit_table():
        if low.startswith(name) and (len(low) == len(name) or not low[len(name)].isalnum()):
            if kind == "duration" and name == "h" and re.match(r"^h\s*\d", low):
                return None
            if len(name) == 1 and kind == "temperature" and not rest[:1].isupper():
                continue  # a temperature's letter is a capital ("253 K", "388 F"); "5 k" is not one
            return kind, label, factor, lead + len(name), offset
    return None


def _numbers(text: str, lang: str, taken: list[tuple[int, int]]) -> list[Quantity]:
    spans: list[tuple[int, int, float, bool]] = []
    for m in _NUM_RE.finditer(text):
        spans.append((m.start(), m.end(), _to_float(m.group(), lang), True))
    for m in _NEGATIVE.finditer(text):  # only a temperature may be negative (checked when its unit is read)
        spans.append((m.start(), m.end(), -_to_float(m.group(1), lang), True))
    for m in _WORD_NUMBER.finditer(text):
        words = m.group().strip(" -")
        words = _TRAILING_JOINER.sub("", words)
        value = _words_to_number(words, lang)
        if value is None:
            continue
        end = m.start() + len(m.group().rstrip(" -"))
        spans.append((m.start(), end, value, False))
    spans.sort()
    out: list[Quantity] = []
    consumed_until = -1
    for start, end, value, is_digit in spans:
        if start < consumed_until or any(start < e and s < end for s, e in taken):
            continue
        q = _read_quantity(text, lang, start, end, value, is_digit)
        if q is None:
            continue
        if q.approx is None and not is_digit and _APPROXIMATE.keys() & set(text[start:end].lower().split()):
            q = replace(q, approx="about")  # "une vingtaine d'années"
        out.append(q)
        consumed_until = q.span[1]
    return out


_ADDRESS = re.compile(rf"^\s*(?:,\s*)?(?:{langdata.pattern('addresses')})")
_NOT_FIGURE_AFTER = re.compile(rf"^\s*(?::\d|/\d|{langdata.pattern('not_figure_after')})")
_HEDGE_WORDS = langdata.union("hedge_words")
_NOT_A_NAME = re.compile(
    rf"(?:{langdata.pattern('determiners')}|{langdata.pattern('quantifiers')}|{_OF})", re.I
)
"""Capitalised words before a number that name nothing: "The 3", "Tous 12"."""
_PERCENT_WORDS = re.compile(rf"^(?:{langdata.pattern('percent_words')})\b", re.I)
_TIMES = re.compile(rf"^\s*(?:{langdata.pattern('times_words')})\b", re.I)
_MULTIPLIED_BY = re.compile(rf"(?:{langdata.pattern('multiplied_by')})\s*$", re.I)
_OF_AFTER = re.compile(rf"^\s*(?:{_OF})\s*", re.I)
_MORE = langdata.regex("more_words")
_RANGE_END = re.compile(
    rf"^\s*(?:-|–|{langdata.pattern('range_links')})\s*(\d+(?:[.,]\d+)?)(?![\d])(?:\s*({_SCALE_WORDS}))?", re.I
)
_RANGE_LEAD = re.compile(rf"(?:{langdata.pattern('range_leads')})\s*$", re.I)


def _designation(text: str, start: int, token: str, before: str) -> bool:
    """A number that names a model or a version, not a count: "a Boeing 737", "an Atlas 5 rocket".

    It follows a capitalised word directly (not at the head of a sentence, not a hedge) and is
    written without thousands separators: "Nvidia 100,000" is a count, "Atlas 5" a name.
    """
    prev = re.search(r"([A-Z][\w-]*)[ \u00a0]$", before)
    if not prev or not re.fullmatch(r"\d{1,4}", token) or prev.group(1).lower() in _HEDGE_WORDS:
        return False
    head = before[: prev.start()].rstrip()
    if not head or head[-1] in '.!?:;"«“(':
        return False  # the capital only opens the sentence or a quote
    return prev.group(1).lower() not in langdata.union("not_names") and prev.group(1).lower() not in MONTHS


def _read_quantity(text: str, lang: str, start: int, end: int, value: float, is_digit: bool) -> Quantity | None:
    token = text[start:end]
    after = text[end:]
    before = text[:start]
    low_token = token.lower().strip()
    article_only = low_token in _ONES or low_token in _HALVES
    if half := _AND_A_HALF.match(after):  # "two and a half years", "one and a half million"
        value += 0.5
        end += half.end()
        after = text[end:]
    # scale: million, milliard, k, M, bn
    scale = 1.0
    # A lowercase "m" or "b" glued to an amount after a currency sign is a scale ("$20m", "£3b"),
    # where after a bare number it is a unit ("a 20m wall").
    glued = "[kKMBmb]" if is_digit and _SIGN_BEFORE.search(before) else "[kKMB]"
    if is_digit and re.match(langdata.get(lang).glued_million, after):  # "2.5m people"
        glued = "[kKMBm]"
    # "une dizaine de millions": an approximate number scales through "de".
    link = rf"(?:\s+(?:{_OF})\s*)?" if _APPROXIMATE.keys() & set(low_token.split()) else ""
    m = re.match(
        rf"^(?:{link}[\s\u00a0\u202f-]*({_SCALE_WORDS})|({glued}))"
        r"(?![\w])",
        after,
    )
    if m and (is_digit or m.group(1).lower() not in ("k", "m", "b")):
        s = m.group(1) or m.group(2)
        if s in ("M", "B", "k", "K") and not is_digit:
            s = ""
        if s:
            scale = _SCALE[s.lower()]
            end += m.end()
            after = text[end:]
            if half := _AND_A_HALF.match(after):  # "un million et demi"
                value += 0.5
                end += half.end()
                after = text[end:]
    if low_token in _HALVES and (half_of := _HALF_OF.match(after)):  # "half a million"
        scale = _SCALE.get(half_of.group(1).lower(), 12)
        end += half_of.end()
        after = text[end:]
    if _OF_DOZEN.match(after):
        return None
    # time of day, ordinals, product names, addresses, "24 heures sur 24", "24/7"
    if _NOT_FIGURE_AFTER.match(after):
        return None
    if is_digit and _ADDRESS.match(after):
        return None
    prev_word = re.search(r"(?:[ld]['’])?([\w-]+)\s*$", before)
    if re.search(r"\d\s*h\s*$", before):
        return None
    if (
        is_digit
        and scale == 1.0
        and prev_word
        and re.fullmatch(langdata.pattern("designation_nouns"), prev_word.group(1), re.I)
    ):
        return None
    if is_digit and scale == 1.0 and _designation(text, start, token, before):
        return None
    value *= scale
    fraction = _FRACTION_OF.search(before) if scale > 1.0 and not is_digit else None
    if fraction:
        value *= _fraction_value(fraction) / 100
        start, before = fraction.start("word"), text[: fraction.start("word")]
    if article_only and scale == 1.0:
        # "un", "a", "one" count only before a unit: "un an", "a dozen", "one million", "a 19-day"
        unit = _unit_after(after, lang)
        if low_token in _ARTICLES and not _UNIT_OF_ONE.match(after):
            return None
        if _ONE_OF.match(after):
            return None  # "one of the most watched places", "l'un des"
        if unit is None and not _DOZEN_OR_DECADE.match(after) and low_token != "one":
            return None
    # hedge before
    approx, hstart = _hedge_before(text, start)
    qstart = hstart if approx else start
    # money: sign before
    sign = _SIGN_BEFORE.search(before)
    currency = None
    if sign:
        currency = _CURRENCY_SIGN[(sign.group(1) or sign.group(2)).lower()]
        qstart = min(qstart, sign.start()) if not approx else qstart
        if not approx:
            approx, hstart = _hedge_before(text, sign.start())
            qstart = hstart if approx else sign.start()
    if currency is None:
        m = (_CURRENCY_AFTER if scale == 1.0 else _SCALED_CURRENCY_AFTER).match(after)
        if m:
            word = m.group().strip(" -").lower()
            word = re.sub(rf"^(?:{_OF})\s*", "", word)
            if word == "m$":
                value *= 1e6 if scale == 1.0 else 1.0
                currency = "USD"
            else:
                currency = _CURRENCY_SIGN.get(word) or _CURRENCY_WORD.get(word) or _SCALED_CURRENCY_WORD.get(word)
            end += m.end()
            after = text[end:]
    if currency:
        return _finish(text, qstart, end, value, currency, "money", approx)
    # multipliers: dix fois, 10x, multiplied by ten
    if m := _TIMES.match(after):
        return _finish(text, qstart, end + m.end(), value, "x", "multiplier", approx)
    if re.match(r"^x\b", after) and is_digit:
        return _finish(text, qstart, end + 1, value, "x", "multiplier", approx)
    if _MULTIPLIED_BY.search(before):
        return _finish(text, qstart, end, value, "x", "multiplier", approx)
    unit = _unit_after(after, lang)
    if unit is None and (of := _OF_AFTER.match(after)):
        unit2 = _unit_after(" " + after[of.end() :], lang)
        if unit2 and unit2[0] not in ("percent", "temperature"):
            skip = of.end()
            unit = (unit2[0], unit2[1], unit2[2], skip + unit2[3] - 1, unit2[4])
    if unit and value < 0 and unit[0] != "temperature":
        return None
    if unit:
        kind, unit_name, factor, length, offset = unit
        new_end = end + length
        if half := _AND_A_HALF.match(text[new_end:]):  # "un an et demi", "a year and a half"
            value += 0.5 * scale
            new_end += half.end()
        approx2 = approx
        post = _POST_HEDGE.match(text[new_end:])
        if post and approx2 is None:
            approx2 = "at least" if _MORE.search(post.group()) else "about"
            new_end += post.end()
        # range: "8 to 50 MW" handled when the first number had no unit; here check "8-50 MW" form below
        return _finish(text, qstart, new_end, value * factor + offset, unit_name, kind, approx2)
    # range: X (to|à|-|and|et) Y unit
    rm = _RANGE_END.match(after)
    if rm and is_digit:
        second_end = end + rm.end()
        second = _to_float(rm.group(1), lang)
        if rm.group(2):
            second_scale = _SCALE[rm.group(2).lower()]
            value, second = value * second_scale, second * second_scale
        tail = text[second_end:]
        unit = _unit_after(tail, lang)
        lead = _RANGE_LEAD.search(before)
        if unit:
            kind, unit_name, factor, length, offset = unit
            rstart = lead.start() if lead else qstart
            return Quantity(
                value=value * factor + offset,
                unit=unit_name,
                kind=kind,
                approx="range",
                text=text[rstart : second_end + length],
                span=(rstart, second_end + length),
                upper=second * factor + offset,
            )
    # count
    if (
        is_digit
        and scale == 1.0
        and 1900 <= value <= 2099
        and float(value).is_integer()
        and re.fullmatch(r"\d{4}", token)
        and not (approx and _count_unit(re.sub(r"^-", " ", after), lang))
    ):
        return None  # a year; "2,000 jobs" or "2 000 emplois" is grouped, so a count ("plus de 2000 personnes" too)
    if (
        is_digit
        and scale == 1.0
        and prev_word
        and prev_word.group(1)[:1].isupper()
        and prev_word.group(1).lower() not in _HEDGE_WORDS
        and not _NOT_A_NAME.fullmatch(prev_word.group(1))
        and text[start - 1 : start] == " "
    ):
        nxt = re.match(r"^\s*([\w-]+)", after)
        if not nxt or nxt.group(1)[:1].isupper() or nxt.group(1).lower() in _NOT_NOUN:
            return None
    if is_digit and _PARTITIVE_AFTER.match(after):
        # "847,158 of them", "75 medals, 19 of them gold": part of a set named earlier.
        return _finish(text, qstart, end, value, PARTITIVE, "count", approx)
    noun_text = re.sub(r"^-", " ", after)
    count_unit = _count_unit(noun_text, lang)
    if is_digit and _PARTITIVE_BEFORE.search(before):
        # "75 médailles, dont 19 en or": the set counted before, else the noun after ("including 3 rules").
        return _finish(text, qstart, end, value, PARTITIVE + (count_unit or ""), "count", approx)
    if count_unit is None and scale == 1.0 and not is_digit and not _DOZEN_WORD.fullmatch(low_token):
        return None
    if count_unit is None and scale == 1.0 and is_digit:
        return None  # a bare number with nothing counted is a label, not a claim
    if _DOZEN_NEXT.match(after):
        return None
    return _finish(text, qstart, end, value, count_unit, "count", approx)


def _finish(text: str, start: int, end: int, value: float, unit: str | None, kind: str, approx: str | None) -> Quantity:
    if approx is None:
        post = _POST_HEDGE.match(text[end:])
        if post:
            approx = "at least" if _MORE.search(post.group()) else "about"
            end += post.end()
    value = float(value)
    return Quantity(
        value=int(value) if value.is_integer() and kind != "duration" and abs(value) < 1e15 else value,
        unit=unit,
        kind=kind,
        approx=approx,
        text=text[start:end].strip(),
        span=(start, end),
    )


@cache
def _age_pattern(lang: str) -> re.Pattern[str]:
    return re.compile(langdata.get(lang).age)


def _ages(text: str, lang: str) -> list[Quantity]:
    """Bare numbers that are someone's age ("he was 74.", "Ávalos, 31, was"), as durations in years:
    "74 ans" and "a 74-year-old" already read so, and an age compares with either."""
    out = []
    for m in _age_pattern(lang).finditer(text):
        years = int(m.group("n"))
        if 0 < years < 130:
            out.append(
                Quantity(value=years * YEAR_DAYS, unit="day", kind="duration", text=m.group("n"), span=m.span("n"))
            )
    return out


def _clock_durations(text: str, lang: str) -> list[Quantity]:
    """Hours and minutes written like a clock time after a duration word ("au terme de 3 h 54 de vol"),
    as a duration in days; elsewhere "14 h 23" is a time of day and no figure."""
    out = []
    for m in re.finditer(langdata.get(lang).clock_duration, text):
        hours, minutes = int(m.group("h")), int(m.group("m"))
        if minutes < 60:
            span = (m.start("h"), m.end("m"))
            days = (hours + minutes / 60) / 24
            out.append(Quantity(value=days, unit="day", kind="duration", text=text[span[0] : span[1]], span=span))
    return out


def _multiplier_words(text: str) -> list[Quantity]:
    out = []
    for m in re.finditer(rf"\b({langdata.alternation(_MULTIPLIER_WORDS)}|(?:\w+-fold))\b", text, re.I):
        word = m.group(1).lower()
        if word in _MULTIPLIER_WORDS:
            value = _MULTIPLIER_WORDS[word]
        else:
            v = _words_to_number(word[: -len("-fold")], "en")
            if v is None:
                continue
            value = v
        approx, start = _hedge_before(text, m.start())
        out.append(
            Quantity(
                value=value,
                unit="x",
                kind="multiplier",
                approx=approx,
                text=text[start if approx else m.start() : m.end()],
                span=(start if approx else m.start(), m.end()),
            )
        )
    return out


_FRACTION_VALUE = {phrase.lower(): value for phrase, value in langdata.union("fractions").items()}
_FRACTION_WORDS = langdata.alternation(_FRACTION_VALUE).replace("\\ ", r"[\s-]+")
_FRACTION_PHRASE = rf"\b(?P<word>{_FRACTION_WORDS})\s+(?:{langdata.pattern('fraction_links')}|{langdata.pattern('more_words')}\b)"
"""A share of something ("two-thirds of voters") or a relative change ("a third more than the 747")."""
_FRACTION = re.compile(_FRACTION_PHRASE, re.I)
_FRACTION_OF = re.compile(rf"{_FRACTION_PHRASE}\s*$", re.I)
"""A fraction right before a number: "a quarter of a million" scales the number."""
_SCALE_NEXT = re.compile(rf"^\s*(?:[^\W\d]+\s+)?(?:{_SCALE_WORDS})\b", re.I)


def _fraction_value(m: re.Match) -> float:
    """The share, in percent, of a _FRACTION or _FRACTION_OF match ("two  thirds" is "two thirds")."""
    return _FRACTION_VALUE[re.sub(r"[\s-]+", " ", m.group("word").lower())]


def _fractions(text: str) -> list[Quantity]:
    """ "Half of its staff", "plus de la moitié des Français": shares, read as percent."""
    out = []
    for m in _FRACTION.finditer(text):
        if _SCALE_NEXT.match(text[m.end() :]):
            continue  # "a quarter of a million doors" is a count (_read_quantity), not a share
        value = _fraction_value(m)
        approx, start = _hedge_before(text, m.start())
        start = start if approx else m.start("word")
        out.append(Quantity(value, "%", "percent", approx, text[start : m.end("word")], (start, m.end("word"))))
    return out


def parse_quantities(text: str, lang: str, ref_date: date | None = None) -> list[Quantity]:
    """Every quantity in text, in reading order, normalised to base units.

    Args:
        text: a sentence or passage.
        lang: "fr" or "en"; decides number words and decimal commas.
        ref_date: the article's date, against which "mercredi" or "in October" resolve;
            without it such expressions are skipped rather than guessed.
    """
    dates = _dates(text, lang, ref_date)
    multipliers = _multiplier_words(text) + _fractions(text) + _ages(text, lang) + _clock_durations(text, lang)
    taken = [d.span for d in dates] + [q.span for q in multipliers]
    numbers = _numbers(text, lang, taken)
    found = dates + multipliers + [n for n in numbers if not any(n.span[0] < e and s < n.span[1] for s, e in taken)]
    # "8 MW" inside a range or a date would double count: keep the longest of overlapping spans.
    found.sort(key=lambda q: (q.span[0], -(q.span[1] - q.span[0])))
    result: list[Quantity] = []
    for q in found:
        if result and q.span[0] < result[-1].span[1]:
            continue
        if q.kind == "duration" and result and _rate(text, result[-1], q):
            continue  # "€75 million a year": the year is what the money is per, not a duration
        if _duration_part(text, result[-1] if result else None, q):
            # "three hours and 54 minutes" is one duration, not two figures of which one is "three hours".
            first = result.pop()
            q = replace(
                first, value=float(first.value) + float(q.value), text=text[first.span[0] : q.span[1]],
                span=(first.span[0], q.span[1]),
            )
        if q.unit and q.unit.startswith(PARTITIVE):
            # The set is the last thing counted before it, or unnamed here ("cars ..., 847,158 of them").
            counted = [p for p in result if p.kind == "count" and p.unit]
            q = replace(q, unit=counted[-1].unit if counted else q.unit.removeprefix(PARTITIVE) or None)
        result.append(q)
    return _per_period(text, lang, result)


def _per_period(text: str, lang: str, found: list[Quantity]) -> list[Quantity]:
    """Figures counted over a period ("53,000 barrels a day", "12 millions de visiteurs par an")
    carry it in `per`, and the period is no duration of its own."""
    data, rate = langdata.get(lang), _rate_pattern(lang)
    out: list[Quantity] = []
    skip_to = -1
    for q in found:
        if q.span[0] < skip_to:
            continue
        m = rate.match(text[q.span[1] :]) if q.kind not in ("date", "duration", "percent", "multiplier") else None
        if m:
            q = replace(q, per=data.durations[m.group("period").lower()])
            skip_to = q.span[1] + m.end()
            # "$6 billion to $10 billion a week": both ends of a range are per week.
            if out and out[-1].kind == q.kind and _RANGE_GAP.fullmatch(text[out[-1].span[1] : q.span[0]]):
                out[-1] = replace(out[-1], per=q.per)
        out.append(q)
    return out


@cache
def _rate_pattern(lang: str) -> re.Pattern[str]:
    data = langdata.get(lang)
    periods = "|".join(sorted(map(re.escape, data.durations), key=len, reverse=True))
    return re.compile(
        rf"^(?:\s+[^\W\d][\w'’-]*){{0,4}}?\s+(?:{data.rate_words})\s+(?P<period>{periods})\b"
        rf"(?!\s+(?:{data.offset_words})\b)",
        re.I,
    )


_RANGE_GAP = re.compile(rf"\s*(?:-|–|{langdata.pattern('range_links')}|{langdata.pattern('list_links')})\s*", re.I)


_PART_LINK = re.compile(rf"\s*(?:,|(?:,\s*)?(?:{langdata.pattern('list_links')}))?\s*", re.I)


def _duration_part(text: str, previous: Quantity | None, q: Quantity) -> bool:
    """Whether q is the smaller part of a compound duration that starts with previous ("3 hours, 20 minutes")."""
    return (
        previous is not None
        and previous.kind == q.kind == "duration"
        and q.approx is None
        and previous.approx in (None, "about")
        and previous.upper is None
        and 0 < float(q.value) < float(previous.value)
        and bool(_PART_LINK.fullmatch(text[previous.span[1] : q.span[0]]))
    )


def _rate(text: str, previous: Quantity, q: Quantity) -> bool:
    """Whether q is "a year" written right after another figure: the per-unit of a rate."""
    first = (q.text.split() or [""])[0].lower()
    return (
        previous.kind != "date" and not text[previous.span[1] : q.span[0]].strip() and _SPECIAL_NUMBERS.get(first) == 1
    )


_OFFSET = re.compile(rf"^\s*(?:{langdata.pattern('offset_words')})\b", re.I)


def is_offset(sentence: str, q: Quantity) -> bool:
    """Whether a duration dates something from another event ("two days after the collapse")."""
    return q.kind == "duration" and bool(_OFFSET.match(sentence[q.span[1] :]))


# --- comparison ---------------------------------------------------------------------------

SAME_THING_RATIO = 10.0
"""Counts, amounts and measurements more than this many times apart are taken to measure different things (a
company's yearly shipments against one cluster), not to contradict each other."""

FAR_APART_RATIO = 30.0
"""Any two figures of a kind this many times apart, durations and bounds included, measure different
things: "under five minutes" of thrust is not a contradiction of a 16-day test."""

SUPPORT_TOL = {"duration": 0.10}
DEFAULT_SUPPORT_TOL = 0.05
PARTLY_TOL = 0.35
ABOUT = 0.10
"""Relative slack of "about": a journalist rounding 847,158 writes "about 850,000", not "about 750,000"."""
TEMPERATURE_SUPPORT = 1.5
"""Degrees within which two temperatures agree: a rounded conversion from °F or K stays inside it."""
TEMPERATURE_PARTLY = 5.0
TEMPERATURE_ABOUT = 3.0
"""Degrees of slack that "about" gives a temperature."""


_NOUN_CLASS: dict[str, str] = langdata.union("noun_classes")
"""Counted nouns that name the same kind of thing, across French and English."""


def unit_class(unit: str | None) -> str | None:
    """The class a counted noun belongs to: "foyer" and "home" count the same thing, and
    "athlète" and "athlete" are one word spelt with and without its accent."""
    if not unit:
        return unit
    if unit in _NOUN_CLASS:
        return _NOUN_CLASS[unit]
    bare = langdata.strip_accents(unit)
    return _NOUN_CLASS.get(bare, bare)


def is_model_name(unit: str | None) -> bool:
    """Whether a counted noun is a model name ("A350", "737"): a digit in it makes it one thing."""
    return any(ch.isdigit() for ch in unit or "")


def _variant(a: str, b: str) -> bool:
    """Whether one model name is a variant of the other ("A350-900" of "A350"; not "A330" of "A380")."""
    short, long = sorted((a.lower(), b.lower()), key=len)
    return is_model_name(short) and long.startswith(short) and long[len(short) : len(short) + 1] in "- "


def comparable(a: Quantity, b: Quantity) -> bool:
    """Same kind, and for counts and money the same thing counted or the same currency."""
    if a.kind != b.kind:
        return False
    if a.kind == "count" and a.unit and b.unit:
        return unit_class(a.unit) == unit_class(b.unit) or _variant(a.unit, b.unit)
    if a.kind == "money" and a.unit and b.unit:
        return a.unit == b.unit
    return True


def _interval(q: Quantity) -> tuple[float, float, bool, bool]:
    """(low, high, low_open, high_open) for a number with its hedge.

    Values are rounded to 12 significant digits so that the same figure reached by two
    conversions ("half an hour", "30 minutes") has equal ends.
    """
    v = _snap(float(q.value))
    a = q.approx
    if a == "more than":
        return v, math.inf, True, True
    if a == "at least":
        return v, math.inf, False, True
    if a == "less than":
        return 0.0, v, False, True
    if a in ("at most", "up to"):
        return 0.0, v, False, False
    if a == "about":
        return v * (1 - ABOUT), v * (1 + ABOUT), False, False
    if a == "range" and q.upper is not None:
        return v, _snap(float(q.upper)), False, False
    return v, v, False, False


def _snap(x: float) -> float:
    return float(f"{x:.12g}") if math.isfinite(x) else x


def _rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b) if b else (0.0 if a == b else math.inf)


def _date_parts(value: str) -> tuple[int, ...]:
    return tuple(int(p) for p in str(value).split("-"))


def coarser_date(found: Quantity, claimed: Quantity) -> bool:
    """Whether found gives only the year or the month where claimed gives a month or a day."""
    return len(_date_parts(str(found.value))) < len(_date_parts(str(claimed.value)))


def _scale_slip(a: float, b: float) -> bool:
    """Whether a and b differ by exactly a hundred or a thousand: one unit prefix or scale word apart
    (centimetres for metres, kilograms for tonnes, thousand for million). Further apart is another
    measure, not a slip ("1.5 m" wide against "1.5 million km" away; 2,500 hours against 90 seconds)."""
    power = math.log10(max(a, b) / min(a, b))
    return 2 <= round(power) <= 3 and abs(power - round(power)) < 1e-9


def compare(claimed: Quantity, found: Quantity) -> Comparison:
    """Whether found supports, partly supports or refutes claimed, by the bands in the module docstring."""
    if not comparable(claimed, found):
        return Comparison(
            "unrelated", None, f"{format_quantity(claimed)} and {format_quantity(found)} measure different things"
        )
    if claimed.kind == "date":
        return _compare_dates(claimed, found)
    if claimed.per and found.per and claimed.per != found.per:
        # "$6bn a week" read against a claim per day: the same rate over the claim's period.
        scale = claimed.per / found.per
        found = replace(found, value=float(found.value) * scale, upper=found.upper and found.upper * scale, per=claimed.per)
    cv, fv = abs(float(claimed.value)), abs(float(found.value))
    point_values = claimed.approx in (None, "about") and found.approx in (None, "about")
    # "Up to 2,400 workers at once" is no statement about 200 of them: a ceiling read against a
    # point far under it parts ways as two points do.
    ceiling = claimed.approx in ("up to", "at most", "less than") and found.approx in (None, "about")
    # Point counts, amounts and measurements part ways sooner than durations and bounds.
    apart = SAME_THING_RATIO if (point_values or ceiling) and claimed.kind != "duration" else FAR_APART_RATIO
    if (
        claimed.kind not in ("date", "temperature", "percent", "multiplier")
        and cv
        and fv
        and max(cv, fv) / min(cv, fv) > apart
    ):
        if point_values and claimed.kind in PHYSICAL_KINDS and claimed.kind != "money" and _scale_slip(cv, fv):
            # "8 metres" against "8 centimetres": the same number in another unit is the classic
            # slip, not another measure. Not money: a story gives "$350,000 to each family" and
            # "$350 million to the state" side by side (a development claim, kb-fr-18).
            return Comparison(
                "refutes", None, f"{format_quantity(claimed)} vs {format_quantity(found)}: the same number, another scale"
            )
        return Comparison(
            "unrelated",
            None,
            f"{format_quantity(claimed)} and {format_quantity(found)} are too far apart to be the same figure",
        )
    if claimed.kind == "temperature" and claimed.approx in (None, "about") and found.approx in (None, "about"):
        # Kelvin makes relative error meaningless (-20 °C and -25 °C are 2% apart): degrees apart decide.
        hedged = TEMPERATURE_ABOUT if "about" in (claimed.approx, found.approx) else 0.0
        diff = max(0.0, abs(float(claimed.value) - float(found.value)) - hedged)
        both = f"{format_quantity(claimed)} vs {format_quantity(found)}"
        if diff <= TEMPERATURE_SUPPORT:
            return Comparison("supports", diff, f"{both}: match")
        outcome = "partly" if diff <= TEMPERATURE_PARTLY else "refutes"
        return Comparison(outcome, diff, f"{both}: {_num(round(diff, 1))} degrees apart")
    c_lo, c_hi, c_lo_open, c_hi_open = _interval(claimed)
    f_lo, f_hi, f_lo_open, f_hi_open = _interval(found)
    both = f"{format_quantity(claimed)} vs {format_quantity(found)}"
    support_tol = SUPPORT_TOL.get(claimed.kind, DEFAULT_SUPPORT_TOL)
    if claimed.approx is None and found.approx in (None, "about"):
        f = float(found.value)
        err = _rel(float(claimed.value), f)
        if found.approx == "about":
            err = max(0.0, err - ABOUT)
        return _band(err, support_tol, both)
    if claimed.approx == found.approx == "about":
        # Two round figures agree when their centres do: "about $10 billion", "about $9.7 billion".
        return _band(max(0.0, _rel(float(claimed.value), float(found.value)) - ABOUT), support_tol, both)
    # The found interval lies inside the claimed one; equal open ends count ("more than X" vs
    # "more than X"), and "at least X" is read as within "more than X": news uses them alike.
    low_ok = c_lo < f_lo or (c_lo == f_lo and (not c_lo_open or f_lo_open or found.approx == "at least"))
    high_ok = f_hi < c_hi or (f_hi == c_hi and (not c_hi_open or f_hi_open))
    inside = low_ok and high_ok
    if inside:
        return Comparison("supports", 0.0, f"{both}: within the claim")
    if claimed.approx is None and f_lo <= cv <= f_hi:
        # A precise claim inside a hedged figure ("100,000 visitors" vs "more than 100,000"):
        # it agrees when it sits at the figure's stated edge, otherwise it is only consistent.
        edge = f_lo if found.approx in ("more than", "at least") else f_hi
        if math.isfinite(edge) and _rel(cv, edge) <= support_tol:
            return Comparison("supports", 0.0, f"{both}: consistent, at the stated bound")
        return Comparison("partly", None, f"{both}: consistent, but the source is less precise")
    if f_hi < c_lo or f_lo > c_hi or (f_hi == c_lo and c_lo_open) or (f_lo == c_hi and c_hi_open):
        edge = c_lo if f_hi <= c_lo else c_hi
        point = f_hi if f_hi <= c_lo else f_lo
        err = _rel(edge, point) if math.isfinite(edge) else math.inf
        outcome = _band(err, support_tol, both)
        return outcome if outcome.outcome != "supports" else Comparison("partly", err, outcome.explanation)
    return Comparison("partly", None, f"{both}: overlaps the claim only in part")


def _band(err: float, support_tol: float, both: str) -> Comparison:
    pct = f"{err:.0%}" if math.isfinite(err) else "far"
    if err <= support_tol:
        return Comparison("supports", err, f"{both}: match" + (f" within {pct}" if err > 0 else ""))
    if err <= PARTLY_TOL:
        return Comparison("partly", err, f"{both}: off by {pct}")
    return Comparison("refutes", err, f"{both}: off by {pct}")


def _compare_dates(claimed: Quantity, found: Quantity) -> Comparison:
    c, f = _date_parts(str(claimed.value)), _date_parts(str(found.value))
    n = min(len(c), len(f))
    both = f"{format_quantity(claimed)} vs {format_quantity(found)}"
    if c[:n] == f[:n]:
        if len(f) < len(c) and claimed.approx is None:
            # "in 2024" holds 24 October 2024 and every other day of that year: no confirmation.
            return Comparison("unrelated", None, f"{both}: the source gives only the {('year', 'month')[len(f) - 1]}")
        return Comparison("supports", 0.0, f"{both}: same date")
    if claimed.approx == "since" and found.approx != "since" and c[:n] < f[:n]:
        # A later date says nothing about when something started; a later start date does.
        return Comparison("unrelated", None, f"{both}: after the start date, says nothing of it")
    if n == 3:
        gap = abs((date(*c) - date(*f)).days)
        if gap == 1:
            return Comparison("partly", None, f"{both}: one day apart")
    if claimed.approx == "before" and c[:n] > f[:n]:
        return Comparison("supports", None, f"{both}: before, as claimed")
    if claimed.approx == "after" and c[:n] < f[:n]:
        return Comparison("supports", None, f"{both}: after, as claimed")
    return Comparison("refutes", None, f"{both}: different dates")


_MONTH_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _num(v: float) -> str:
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def format_quantity(q: Quantity) -> str:
    """A quantity as an analyst would write it: "3 months (about 91 days)", "more than 1,000,000 GPUs"."""
    if q.per:
        period = {1 / 24: "hour", 1.0: "day", 7.0: "week", MONTH_DAYS: "month", YEAR_DAYS: "year"}.get(q.per)
        return f"{format_quantity(replace(q, per=None))} {f'a {period}' if period else f'per {_num(q.per)} days'}"
    hedge = f"{q.approx} " if q.approx and q.approx not in ("range",) else ""
    if q.kind == "date":
        parts = _date_parts(str(q.value))
        if len(parts) == 1:
            text = str(parts[0])
        elif len(parts) == 2:
            text = f"{_MONTH_EN[parts[1] - 1]} {parts[0]}"
        else:
            text = f"{parts[2]} {_MONTH_EN[parts[1] - 1]} {parts[0]}"
        return hedge + text
    v = float(q.value)
    upper = f"–{_num(q.upper)}" if q.approx == "range" and q.upper is not None else ""
    if q.kind == "duration":
        days = v
        if days.is_integer() and days >= 1:
            return f"{hedge}{_num(days)}{upper} day{'s' if days != 1 else ''}"
        for name, size in (("year", YEAR_DAYS), ("month", MONTH_DAYS), ("week", 7.0)):
            n = days / size
            if n >= 1 and abs(n - round(n)) < 0.02 and size > 1:
                r = round(n)
                return f"{hedge}{r} {name}{'s' if r != 1 else ''} (about {round(days):,} days)"
        if days * 1440 < 2:
            return f"{hedge}{_num(round(days * 86400))} seconds"
        if days < 1:
            return f"{hedge}{_num(round(days * 1440))} minutes"
        return f"{hedge}{_num(round(days, 1))}{upper} day{'s' if days != 1 else ''}"
    if q.kind == "money":
        sym = {"USD": "$", "EUR": "€", "GBP": "£"}.get(q.unit or "", (q.unit or "") + " ")
        for name, size in (("billion", 1e9), ("million", 1e6)):
            if v >= size:
                return f"{hedge}{sym}{_num(v / size)} {name}"
        return f"{hedge}{sym}{_num(v)}"
    if q.kind == "percent":
        return f"{hedge}{_num(v)}{upper}%"
    if q.kind == "multiplier":
        return f"{hedge}×{_num(v)}"
    if q.kind == "temperature":
        return f"{hedge}{_num(round(v - 273.15, 1))}{upper and f'–{_num(round(q.upper - 273.15, 1))}'} °C"
    unit = f" {BASE_UNITS[q.kind]}" if q.kind in BASE_UNITS else ""
    if q.kind == "count" and q.unit:
        unit = f" {q.unit}{'s' if v != 1 and not q.unit.endswith('s') else ''}"
    return f"{hedge}{_num(v)}{upper}{unit}"


__all__ = ["Comparison", "comparable", "compare", "format_quantity", "parse_quantities"]
