"""Quantity parsing and comparison: examples in both languages plus property-based invariants."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.quantities import comparable, compare, format_quantity, parse_quantities
from factcheck.types import Quantity

pytestmark = pytest.mark.unit
REF = date(2024, 12, 5)


def one(text: str, lang: str, ref: date | None = None) -> Quantity:
    found = parse_quantities(text, lang, ref)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "lang", "value", "unit", "kind", "approx"),
    [
        ("xAI vise plus d'un million de GPU.", "fr", 1_000_000, "gpu", "count", "more than"),
        ("Il dispose de 100 000 GPU Nvidia.", "fr", 100_000, "gpu", "count", None),
        ("Il dispose de 100\u202f000 GPU Nvidia.", "fr", 100_000, "gpu", "count", None),
        ("Colossus has 100,000 Nvidia GPUs.", "en", 100_000, "gpu", "count", None),
        ("Le constructeur a vendu 100.000 véhicules.", "fr", 100_000, "véhicule", "count", None),
        ("Some 300 people attended.", "en", 300, "person", "count", "about"),
        ("Construit en trois mois.", "fr", 91.32, "day", "duration", None),
        ("Built in 122 days.", "en", 122, "day", "duration", None),
        ("The build took less than five months.", "en", 152.2, "day", "duration", "less than"),
        ("TVA approved 150 MW.", "en", 150, "MW", "power", None),
        ("La puissance atteindra 1,2 GW.", "fr", 1200, "MW", "power", None),
        ("La TVA a accordé 150 mégawatts.", "fr", 150, "MW", "power", None),
        ("The plant covers 785,000 sq ft.", "en", 785_000, "sq ft", "area", None),
        ("Le bâtiment couvre environ 73 000 m².", "fr", 785_764.7, "sq ft", "area", "about"),
        ("Phoenix paid $35 million.", "en", 35_000_000, "USD", "money", None),
        ("Tesla dépensera plus d'un milliard de dollars.", "fr", 1e9, "USD", "money", "more than"),
        ("The startup raised €6bn.", "en", 6e9, "EUR", "money", None),
        ("Officials put the cost at around $20m.", "en", 20e6, "USD", "money", "about"),
        ("The wall is 20m high.", "en", 20, "m", "length", None),
        ("About 2.5m people live in the region.", "en", 2.5e6, "person", "count", "about"),
        ("Some 2m jobs were lost.", "en", 2e6, "job", "count", "about"),
        ("10m waves hit the coast.", "en", 10, "m", "length", None),
        ("She won the 400m hurdles.", "en", 400, "m", "length", None),
        ("L'opération a coûté une dizaine de millions de dollars.", "fr", 10e6, "USD", "money", "about"),
        ("Le puits a laissé fuir 4,9 millions de barils.", "fr", 4.9e6 * 158.987, "L", "volume", None),
        ("Une centaine de milliers de personnes ont défilé.", "fr", 100_000, "personne", "count", "about"),
        ("It is part of a 1.4 billion-euro clean-up.", "en", 1.4e9, "EUR", "money", None),
        ("London's Games cost about 8.8 billion pounds.", "en", 8.8e9, "GBP", "money", "about"),
        ("The parcel weighs 3 pounds.", "en", 1.3608, "kg", "mass", None),
        ("The D1 is made on a 7-nanometre process.", "en", 7e-9, "m", "length", None),
        ("Le club a déboursé 2 milliards de livres.", "fr", 2e9, "GBP", "money", None),
        ("Le débit atteint 95 %.", "fr", 95, "%", "percent", None),
        ("Costs fell by 12.5 per cent.", "en", 12.5, "%", "percent", None),
        ("Colossus sera dix fois plus grand.", "fr", 10, "x", "multiplier", None),
        ("The expansion would be roughly tenfold.", "en", 10, "x", "multiplier", "about"),
        ("Nvidia shipped 3.76M GPUs.", "en", 3_760_000, "gpu", "count", None),
        ("Le superordinateur compte 100k GPU.", "fr", 100_000, "gpu", "count", None),
        ("The hearing lasted an hour.", "en", 1 / 24, "day", "duration", None),
        ("Il s'est posé à 14 h 23, au terme de 3 h 54 de vol.", "fr", 3.9 / 24, "day", "duration", None),
        ("She won the marathon in 2h 05.", "en", (2 + 5 / 60) / 24, "day", "duration", None),
        ("It took half an hour.", "en", 1 / 48, "day", "duration", None),
        ("Half a thousand volunteers came.", "en", 500, "volunteer", "count", None),
        ("Le chantier a duré une décennie.", "fr", 3652.5, "day", "duration", None),
    ],
)
def test_parses_each_kind_in_both_languages(text, lang, value, unit, kind, approx):
    q = one(text, lang)
    assert (q.unit, q.kind, q.approx) == (unit, kind, approx)
    assert q.value == pytest.approx(value, rel=1e-3)
    assert text[q.span[0] : q.span[1]] == q.text


def test_a_clock_time_is_no_figure_but_hours_and_minutes_after_a_duration_word_are():
    assert parse_quantities("Le train part à 14 h 23 de Zurich.", "fr") == []
    assert parse_quantities("Ouvert de 9 h 30 à 11 h 45.", "fr") == []


def test_the_same_bound_reached_by_two_conversions_is_the_same_bound():
    half_an_hour = one("It must cut its load within half an hour.", "en")
    thirty_minutes = one("It must cut its load within 30 minutes.", "en")
    assert compare(half_an_hour, thirty_minutes).outcome == "supports"


def test_a_ceiling_says_nothing_of_a_point_far_under_it():
    ceiling = one("Up to 2,400 workers were on the site at once.", "en")
    assert compare(ceiling, one("About 200 workers died.", "en")).outcome == "unrelated"
    assert compare(ceiling, one("2,100 workers were on the site.", "en")).outcome == "supports"


def test_ranges_keep_both_ends():
    for text, lang in (("between 8 and 50 MW", "en"), ("de 8 à 50 MW", "fr"), ("The turbines draw 8-50 MW.", "en")):
        q = one(text, lang)
        assert (q.value, q.upper, q.approx, q.kind) == (8, 50, "range", "power")
    two = parse_quantities("Power went from 8 MW to 50 MW.", "en")
    assert [q.value for q in two] == [8, 50] and all(q.approx is None for q in two)


@pytest.mark.parametrize(
    "text",
    [
        "H100 and H200 GPUs power the cluster.",
        "The BG2 podcast, Ep17, featured Huang.",
        "The site is at 3231 Paul R. Lowry Road.",
        "Training started at about 4:20 a.m.",
        "The Chamber promised 24/7 concierge service.",
        "La puce X1 sera fabriquée par TSMC.",
        "Un service de conciergerie 24 heures sur 24.",
        "Grok 3 was trained on Colossus.",
        "Des centaines de camions.",
    ],
)
def test_model_names_addresses_and_times_are_not_quantities(text):
    assert parse_quantities(text, "en" if text[0] in "HTG" else "fr") == []


def test_relative_dates_resolve_against_the_article_date_and_only_then():
    assert one("L'annonce a été faite mercredi.", "fr", REF).value == "2024-12-04"
    assert one("In October, Huang praised it.", "en", REF).value == "2024-10"
    assert one("Construit au début de l'année.", "fr", REF).value == "2024"
    assert one("The facility opened last year.", "en", REF).value == "2023"
    assert parse_quantities("L'annonce a été faite mercredi.", "fr") == []
    assert parse_quantities("In October, Huang praised it.", "en") == []


def test_dates_at_every_granularity_and_with_since():
    assert one("Le 4 décembre 2024 à Memphis.", "fr").value == "2024-12-04"
    assert one("on Aug. 19, 2021", "en").value == "2021-08-19"
    assert one("in October 2024", "en").value == "2024-10"
    since = one("Musk travaille depuis 2023 sur Dojo.", "fr")
    assert (since.value, since.approx) == ("2023", "since")


def test_a_fraction_of_a_scale_word_is_a_count_not_a_share():
    q = one("The array holds about a quarter of a million shutters.", "en")
    assert (q.kind, q.value, q.approx) == ("count", 250_000, "about")
    assert one("Three quarters of a million people voted.", "en").value == 750_000
    # A fraction of a set is still a share, and a digit figure after it keeps its own value.
    assert one("A quarter of the staff left.", "en").kind == "percent"
    shares = parse_quantities("La moitié des 2 millions de foyers.", "fr")
    assert [(q.kind, q.value) for q in shares] == [("percent", 50.0), ("count", 2_000_000)]


@pytest.mark.parametrize(
    ("text", "lang", "kind", "value"),
    [
        # A year before 1900 is one after a word that makes it a date.
        ("The shipowners invoked a law from 1851.", "en", "date", "1851"),
        ("Les travaux de la cathédrale ont commencé en 1163.", "fr", "date", "1163"),
        ("The hall seats 1500 people.", "en", "count", 1500),
        ("Une salle de 1500 places.", "fr", "count", 1500),
        # A hedged year-shaped number before a counted noun is a count, not the year 2000.
        ("Plus de 2000 personnes ont manifesté.", "fr", "count", 2000),
        ("About 1950 delegates attended.", "en", "count", 1950),
        ("In 2000 the plant closed.", "en", "date", "2000"),
        # After "a" or "un" a year-shaped number is a year: "an 1851 statute" counts no statutes.
        ("The request rests on an 1851 federal statute.", "en", "date", "1851"),
        ("A 1977 law set the limit.", "en", "date", "1977"),
    ],
)
def test_years_and_year_shaped_counts(text, lang, kind, value):
    q = one(text, lang)
    assert (q.kind, q.value) == (kind, value)


def Q(value, kind="count", unit="gpu", approx=None, upper=None):
    return Quantity(value=value, unit=unit, kind=kind, approx=approx, upper=upper)


@pytest.mark.parametrize(
    ("claimed", "found", "outcome"),
    [
        (Q(91.32, "duration", "day"), Q(122, "duration", "day"), "partly"),
        (Q(730.5, "duration", "day"), Q(122, "duration", "day"), "refutes"),
        (Q(19, "duration", "day"), Q(122, "duration", "day"), "refutes"),
        (Q(152.2, "duration", "day", "less than"), Q(122, "duration", "day"), "supports"),
        (Q(1e6, approx="more than"), Q(1e6, approx="at least"), "supports"),
        (Q(1e6, approx="more than"), Q(200_000), "refutes"),
        (Q(1e9, "money", "USD", "more than"), Q(1e9, "money", "USD", "more than"), "supports"),
        (Q(1e6, approx="at least"), Q(1e6, approx="more than"), "supports"),
        (Q(1e6, approx="more than"), Q(1e6), "partly"),  # on the open edge: close, not inside
        (Q(100_000, approx="about"), Q(100_000), "supports"),
        (Q(750_000, approx="about"), Q(847_158), "partly"),  # 13% off is more than rounding
        (Q(10e9, "money", "USD", "about"), Q(9.7e9, "money", "USD", "about"), "supports"),  # centres agree
        (Q(10e9, "money", "USD", "about"), Q(6e9, "money", "USD", "about"), "refutes"),
        (Q(100_000), Q(100_000), "supports"),
        (Q(100_000), Q(200_000), "refutes"),
        (Q(10, "multiplier", "x"), Q(10, "multiplier", "x", "about"), "supports"),
        (Q(10, "multiplier", "x"), Q(2, "multiplier", "x"), "refutes"),
        (Q("2023", "date", "date", "since"), Q("2019", "date", "date"), "refutes"),
        (Q("2019", "date", "date", "since"), Q("2023", "date", "date"), "unrelated"),  # still so in 2023
        (Q("1900", "date", "date", "since"), Q("1923", "date", "date", "since"), "refutes"),  # another start
        (Q("2024", "date", "date"), Q("2024-07-22", "date", "date"), "supports"),
        (Q("2024-10-24", "date", "date"), Q("2024", "date", "date"), "unrelated"),  # only the year
        (Q("2024-12-04", "date", "date"), Q("2024-12-05", "date", "date"), "partly"),
        (Q(100_000), Q(100_000, unit="home"), "unrelated"),
        (Q(150, "power", "MW"), Q(150, "duration", "day"), "unrelated"),
    ],
)
def test_comparison_bands(claimed, found, outcome):
    assert compare(claimed, found).outcome == outcome


def test_explanation_names_both_sides():
    result = compare(Q(91.32, "duration", "day"), Q(122, "duration", "day"))
    assert "3 months (about 91 days)" in result.explanation and "122 days" in result.explanation
    assert "25%" in result.explanation


def test_format_quantity():
    assert format_quantity(Q(1_000_000, approx="more than")) == "more than 1,000,000 gpus"
    assert format_quantity(Q(35e6, "money", "USD")) == "$35 million"
    assert format_quantity(Q("2024-12", "date", "date")) == "December 2024"
    assert format_quantity(parse_quantities("in 78 seconds", "en")[0]) == "78 seconds"
    assert format_quantity(parse_quantities("3 hours and 54 minutes", "en")[0]) == "234 minutes"


# --- properties ------------------------------------------------------------------------

GROUPINGS = {
    "plain": lambda n: str(n),
    "comma": lambda n: f"{n:,}",
    "space": lambda n: f"{n:,}".replace(",", " "),
    "narrow": lambda n: f"{n:,}".replace(",", "\u202f"),
    "nbsp": lambda n: f"{n:,}".replace(",", "\u00a0"),
}


@settings(max_examples=150, deadline=None)
@given(n=st.integers(min_value=2, max_value=999_999_999), style=st.sampled_from(sorted(GROUPINGS)))
def test_any_grouping_parses_back_to_the_same_count(n, style):
    if 1900 <= n <= 2099:
        n += 1000  # a bare number in that span reads as a year, by design
    lang = "fr" if style in ("space", "narrow", "nbsp") else "en"
    q = one(f"The cluster has {GROUPINGS[style](n)} GPUs.", lang)
    assert q.value == n and q.kind == "count"


@settings(max_examples=100, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=999), scale=st.sampled_from([("k", 1e3), (" million", 1e6), (" billion", 1e9)])
)
def test_scaled_numbers_parse_back(n, scale):
    word, factor = scale
    q = one(f"The plan calls for {n}{word} GPUs.", "en")
    assert q.value == pytest.approx(n * factor)


UNITS = {"days": 1.0, "weeks": 7.0}


@settings(max_examples=100, deadline=None)
@given(claimed_weeks=st.integers(min_value=1, max_value=200), found_weeks=st.integers(min_value=1, max_value=200))
def test_comparison_does_not_change_under_unit_conversion(claimed_weeks, found_weeks):
    in_weeks = compare(one(f"built in {claimed_weeks} weeks", "en"), one(f"built in {found_weeks} weeks", "en"))
    in_days = compare(one(f"built in {claimed_weeks * 7} days", "en"), one(f"built in {found_weeks * 7} days", "en"))
    assert in_weeks.outcome == in_days.outcome


@settings(max_examples=150, deadline=None)
@given(
    bound=st.integers(min_value=10, max_value=10**7),
    frac=st.floats(min_value=0.15, max_value=0.95),  # rounded, still above a tenth of the smallest bound
    hedge=st.sampled_from(["less than", "at most", "up to"]),
)
def test_values_inside_an_upper_bound_support_and_far_outside_refute(bound, frac, hedge):
    claimed = Q(bound, approx=hedge)
    assert compare(claimed, Q(round(bound * frac) or 1)).outcome == "supports"
    # Under a tenth of the ceiling, a point is another figure (see the 2,400 workers above).
    assert compare(claimed, Q(bound / 20)).outcome == "unrelated"
    assert compare(claimed, Q(bound * 3)).outcome == "refutes"
    lower = Q(bound, approx="more than")
    assert compare(lower, Q(bound * 2)).outcome == "supports"
    assert compare(lower, Q(max(1, round(bound * 0.5)))).outcome == "refutes"


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("Un tiers des habitants prennent le bus.", "fr", 100 / 3),
        ("Deux tiers des votants ont dit oui.", "fr", 200 / 3),
        ("Trois quarts des salariés télétravaillent.", "fr", 75.0),
        ("Two thirds of voters said yes.", "en", 200 / 3),
        ("The firm cut half of its staff.", "en", 50.0),
    ],
)
def test_fractions_of_a_whole_read_as_percent(text, lang, value):
    (q,) = parse_quantities(text, lang)
    assert q.kind == "percent" and q.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "lang", "unit"),
    [
        ("three supervised bathing spots opened", "en", "spot"),
        ("the equivalent of 20 Olympic swimming pools", "en", "pool"),
        ("3 trained pilots", "en", "pilot"),
        ("one building collapsed in May", "en", "building"),  # a modifier only before another noun
        ("5 missing", "en", "missing"),
        ("trois grands sites surveillés", "fr", "site"),
    ],
)
def test_a_count_is_of_its_noun_not_of_the_words_that_modify_it(text, lang, unit):
    assert parse_quantities(text, lang)[0].unit == unit


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Le comité disposerait de 3,8 milliards, financés par le CIO.", "fr"),
        ("The budget reached 4.4 billion, officials said.", "en"),
    ],
)
def test_the_counted_noun_is_in_the_numbers_own_clause(text, lang):
    assert parse_quantities(text, lang)[0].unit is None


def test_a_noun_spelt_with_and_without_its_accent_counts_the_same_thing():
    assert comparable(parse_quantities("10 500 athlètes", "fr")[0], parse_quantities("10,500 athletes", "en")[0])
    assert not comparable(parse_quantities("10 500 athlètes", "fr")[0], parse_quantities("10,500 boats", "en")[0])


@pytest.mark.parametrize(
    ("text", "lang", "unit"),
    [
        ("France won 75 medals, 19 of them gold.", "en", "medal"),
        ("France won 64 medals, including 16 gold.", "en", "medal"),
        ("La France a gagné 75 médailles, dont 19 en or.", "fr", "médaille"),
        ("Sur 100 salariés, 30 d'entre eux sont partis.", "fr", "salarié"),
        # No set counted before: the set is named in words only, or the noun after stands.
        ("The port ships cars and light trucks, 847,158 of them in 2023.", "en", None),
        ("The package, including 19 new rules, passed.", "en", "rule"),
    ],
)
def test_a_part_counts_the_set_named_before_it(text, lang, unit):
    part = [q for q in parse_quantities(text, lang) if q.kind == "count"][-1]
    assert part.unit == unit


def test_a_rate_is_not_a_duration():
    assert [q.kind for q in parse_quantities("It would bring in €75 million a year.", "en")] == ["money"]
    assert [q.kind for q in parse_quantities("The works lasted a year.", "en")] == ["duration"]
    assert [q.kind for q in parse_quantities("In 2023 a year of talks began.", "en")] == ["date", "duration"]


@pytest.mark.parametrize(
    ("text", "lang", "minutes"),
    [
        ("It landed three hours and 54 minutes later.", "en", 234),
        ("Le vol a duré 3 heures 54 minutes.", "fr", 234),
        ("The trip took 1 hour, 20 minutes.", "en", 80),
        ("Everyone was out in 78 seconds.", "en", 1.3),
        ("Tous étaient sortis en 78 secondes.", "fr", 1.3),
    ],
)
def test_a_compound_duration_is_one_figure_and_seconds_are_durations(text, lang, minutes):
    (q,) = parse_quantities(text, lang)
    assert q.kind == "duration" and q.value * 1440 == pytest.approx(minutes)


def test_the_ends_of_a_range_of_durations_are_not_summed():
    (q,) = parse_quantities("It takes between 2 and 3 hours.", "en")
    assert (q.approx, q.value * 24, q.upper * 24) == ("range", pytest.approx(2), pytest.approx(3))


def test_travellers_are_people():
    assert comparable(parse_quantities("416 passengers", "en")[0], parse_quantities("555 people", "en")[0])
    assert comparable(parse_quantities("555 voyageurs", "fr")[0], parse_quantities("555 passengers", "en")[0])


@pytest.mark.parametrize(
    ("text", "lang", "currency"),
    [
        ("Rolls-Royce agreed to pay A$95 million.", "en", "AUD"),
        ("It cost 139 millions de dollars australiens.", "fr", "AUD"),
        ("The deal was worth 95 million Australian dollars.", "en", "AUD"),
        ("A HK$3 billion plan.", "en", "HKD"),
        ("Une amende de 10 millions de francs suisses.", "fr", "CHF"),
        ("It raised US$95 million.", "en", "USD"),
        ("A $5 fee.", "en", "USD"),
    ],
)
def test_currencies_of_the_world_come_from_cldr(text, lang, currency):
    (q,) = parse_quantities(text, lang)
    assert (q.kind, q.unit) == ("money", currency)


def test_australian_and_us_dollars_do_not_compare():
    assert not comparable(parse_quantities("A$95 million", "en")[0], parse_quantities("$95 million", "en")[0])


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("Le premier avion a été livré avec un an et demi de retard.", "fr", 1.5 * 365.25),
        ("The first jet came a year and a half late.", "en", 1.5 * 365.25),
        ("The works took two and a half years.", "en", 2.5 * 365.25),
        ("Les travaux ont duré deux ans et demi.", "fr", 2.5 * 365.25),
        ("Un million et demi de visiteurs sont venus.", "fr", 1_500_000),
        ("One and a half million people came.", "en", 1_500_000),
    ],
)
def test_and_a_half_adds_half_a_unit(text, lang, value):
    (q,) = parse_quantities(text, lang)
    assert q.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("claimed", "found", "outcome"),
    [
        ("8 mètres", "huit centimètres", "refutes"),  # the same number, another unit
        ("3 tonnes", "3 kilogrammes", "refutes"),
        ("350 000 dollars", "350 millions de dollars", "unrelated"),  # money: a share and a total, often
        ("8 mètres", "12 centimètres", "unrelated"),  # far apart, and not a slip: another measure
        ("5 minutes", "5 jours", "unrelated"),  # no power of ten apart
        ("1,5 mètre", "1,5 million de kilomètres", "unrelated"),  # a billion apart: another measure
        ("2 500 heures", "90 secondes", "unrelated"),  # 100,000 apart, and not the same number
    ],
)
def test_the_same_number_at_another_scale_is_a_slip_not_another_measure(claimed, found, outcome):
    (a,), (b,) = parse_quantities(claimed, "fr"), parse_quantities(found, "fr")
    assert compare(a, b).outcome == outcome


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("Une dizaine d'écoles ont fermé.", 10, "école"),
        ("Une centaine de pompiers sont intervenus.", 100, "pompier"),
        ("Un millier de manifestants ont défilé.", 1000, "manifestant"),
        ("Il a travaillé une vingtaine d'années pour le groupe.", 20 * 365.25, "day"),
    ],
)
def test_french_rough_numbers_are_about_that_many(text, value, unit):
    (q,) = parse_quantities(text, "fr")
    assert (q.value, q.unit, q.approx) == (pytest.approx(value), unit, "about")
    # "about ten" bears out two schools no more than ten would, and is no exact twelve either
    assert compare(q, replace(q, value=value * 0.2, approx=None)).outcome == "refutes"


@pytest.mark.parametrize(
    ("text", "lang", "years"),
    [
        ("The founder died in a climbing accident. He was 81.", "en", 81),
        ("The pilot, Anna Kowalczyk, 42, landed the plane.", "en", 42),
        ("Aged 19, she was the youngest on the team.", "en", 19),
        ("Le maire, âgé de 58, a démissionné.", "fr", 58),
        ("Le maire, 58 ans, a démissionné.", "fr", 58),  # already a duration: the same reading
        ("The 58-year-old mayor resigned.", "en", 58),
    ],
)
def test_a_persons_age_is_a_duration_in_years(text, lang, years):
    (q,) = parse_quantities(text, lang)
    assert (q.kind, q.value) == ("duration", pytest.approx(years * 365.25))


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("He was 3 points ahead at the turn.", "en"),  # the number does not end its clause
        ("On May 5, 2024, the line opened.", "en"),  # a date
        ("Musk said it would grow to 200,000 GPUs, 50,000 of them H200s.", "en"),  # a grouped number
    ],
)
def test_numbers_that_are_not_ages(text, lang):
    assert all(q.kind != "duration" for q in parse_quantities(text, lang))


@pytest.mark.parametrize(
    ("text", "lang", "value", "approx"),
    [
        ("Almost two-thirds of voters approved it.", "en", 200 / 3, "about"),
        ("It seats roughly a third more than the 747.", "en", 100 / 3, "about"),
        ("Il emporte environ un tiers de plus que le 747.", "fr", 100 / 3, "about"),
        ("Les deux tiers des votants ont dit oui.", "fr", 200 / 3, None),
    ],
)
def test_a_fraction_is_a_share_or_a_relative_change(text, lang, value, approx):
    (q,) = parse_quantities(text, lang)
    assert (q.kind, q.value, q.approx) == ("percent", pytest.approx(value), approx)


@pytest.mark.parametrize(
    ("text", "lang", "per"),
    [
        ("The well leaked some 62,000 barrels a day.", "en", 1.0),
        ("About 34,000 vehicles crossed the bridge every day.", "en", 1.0),
        ("It draws 12 million visitors a year.", "en", 365.25),
        ("La fuite atteignait 60 000 barils de pétrole par jour.", "fr", 1.0),
        ("Le chantier mobilisait 300 ouvriers chaque jour.", "fr", 1.0),
        # A period followed by an offset word dates something: no rate.
        ("The 33 miners were freed a day later.", "en", None),
        ("The fund paid $20 billion.", "en", None),
    ],
)
def test_a_figure_counted_over_a_period_is_a_rate(text, lang, per):
    q = parse_quantities(text, lang)[0]
    assert q.per == per
    assert q.to_dict().get("per") == per  # the JSON contract gives `per` on a rate only


def test_rates_compare_over_the_same_period():
    per_day = one("It cost $6 billion a day.", "en")
    assert compare(per_day, one("It cost $42 billion a week.", "en")).outcome == "supports"
    assert compare(per_day, one("It cost $6 billion a week.", "en")).outcome == "refutes"
    # Both ends of a range share the period written after the second.
    low, high = parse_quantities("Allianz put it at $6 billion to $10 billion a week.", "en")
    assert low.per == high.per == 7.0
