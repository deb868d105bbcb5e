"""Atomic claims: one checkable fact each, with its subject, attribution, speaker and span."""

from datetime import date

import pytest

from factcheck.claims import extract_claims, focus_clauses, make_claim, read_article

pytestmark = pytest.mark.unit


def claims_of(text: str, lang: str, published: date | None = date(2024, 12, 5)):
    return extract_claims(read_article(text, language=lang, published=published))


def by_kind(claims, kind):
    return [c for c in claims if c.kind == kind]


def test_compound_sentence_gives_place_date_and_duration_separately():
    text = "Implanté à Memphis (Tennessee), Colossus a vu le jour plus tôt cette année, en trois mois à peine."
    claims = claims_of(text, "fr")
    assert [c.kind for c in claims] == ["date", "place", "duration"]
    place, when, build = by_kind(claims, "place")[0], by_kind(claims, "date")[0], by_kind(claims, "duration")[0]
    assert place.text == "Colossus implanté à Memphis (Tennessee)"
    assert [q.text for q in when.quantities] == ["plus tôt cette année"]
    assert [q.kind for q in build.quantities] == ["duration"], "the date is context here, not checked twice"
    assert text[slice(*place.span)] == "Implanté à Memphis (Tennessee)"


def test_count_and_purpose_are_separate_claims_and_pronoun_is_resolved():
    text = (
        "xAI a construit Colossus à Memphis. "
        "Il compte aujourd'hui 100 000 GPU Nvidia, mis au service de l'entraînement de Grok."
    )
    claims = claims_of(text, "fr")
    count = by_kind(claims, "count")[0]
    assert count.text == "xAI compte aujourd'hui 100 000 GPU Nvidia"
    purpose = next(c for c in claims if "Grok" in c.text)
    assert purpose.kind == "statement" and not purpose.quantities
    assert text[slice(*count.span)].startswith("Il compte")


def test_english_coordinated_clause_borrows_the_subject():
    text = "Colossus went up earlier this year in Memphis, Tennessee, and took just three months to build."
    claims = claims_of(text, "en")
    assert by_kind(claims, "duration")[0].text == "Colossus took just three months to build."
    assert by_kind(claims, "date")[0].text == "Colossus went up earlier this year in Memphis, Tennessee"


def test_company_anaphor_resolves_to_the_company_not_the_last_subject():
    text = (
        "La start-up xAI a installé son superordinateur Colossus à Memphis. "
        "Colossus compte 100 000 GPU. "
        "La start-up prévoit de dépasser le million de GPU."
    )
    claims = claims_of(text, "fr")
    assert any(c.text.startswith("xAI prévoit") for c in claims)


def test_attribution_is_the_source_not_the_claim():
    text = "Selon la chambre de commerce de Memphis, Nvidia, Dell et Supermicro vont s'installer dans la ville."
    (claim,) = claims_of(text, "fr")
    assert claim.source == "la chambre de commerce de Memphis"
    assert claim.text.startswith("Nvidia, Dell et Supermicro")
    assert claim.kind == "organisations"
    en = claims_of("The city's chamber of commerce said Nvidia, Dell and Supermicro will open offices there.", "en")
    assert en[0].source == "The city's chamber of commerce" and en[0].text.startswith("Nvidia")
    tail = claims_of("xAI wants more than a million GPUs in Memphis, the Chamber said on Wednesday.", "en")
    assert tail[0].source.startswith("the Chamber said") and "Chamber" not in tail[0].text


def test_reported_speech_keeps_its_speaker():
    text = (
        "En octobre, Jensen Huang, qui dirige Nvidia, a salué une prouesse technique : "
        "d'après lui, une seule personne au monde pouvait la réaliser."
    )
    claims = claims_of(text, "fr")
    quote = by_kind(claims, "quote")[0]
    assert quote.speaker == "Jensen Huang"
    assert quote.text.startswith("une seule personne")
    assert any(c.text == "Jensen Huang dirige Nvidia" for c in claims), "the relative clause is its own fact"
    assert any(c.text.startswith("En octobre, Jensen Huang a salué") for c in claims)


def test_direct_quote_with_speaker_is_one_quote_claim():
    text = '"We built it in 122 days," Elon Musk said on Monday.'
    claims = claims_of(text, "en")
    assert len(claims) == 1 and claims[0].kind == "quote"


def test_topic_phrase_resolves_the_pronoun():
    text = "Quant à Musk, il planche depuis 2023 sur Dojo, un superordinateur conçu par Tesla."
    (claim,) = claims_of(text, "fr")
    assert claim.text.startswith("Musk planche depuis 2023 sur Dojo")
    assert claim.kind == "date" and claim.quantities[0].approx == "since"


def test_opinion_and_filler_are_dropped():
    text = (
        "Reste à savoir si cette course profitera aux utilisateurs. "
        "It is hard not to be struck by the ambition of Colossus in Memphis. "
        "L'objectif est clair pour xAI et OpenAI."
    )
    assert claims_of(text, "fr") == []


def test_every_claim_span_lies_in_its_sentence_and_holds_its_figures():
    text = (
        "Elon Musk voit grand. Sa société, xAI, entend porter Colossus au-delà d'un million de GPU, "
        "a-t-on appris mercredi. En novembre, la TVA a accordé 150 mégawatts au site, une décision contestée."
    )
    for claim in claims_of(text, "fr"):
        start, end = claim.span
        assert text[start:end] in claim.context and claim.context in text
        assert all(q.text in text[start:end] for q in claim.quantities)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Colossus is located in Memphis.", "place"),
        ("Colossus est implanté à Memphis (Tennessee).", "place"),
        ("Dell assembled all of the server racks for xAI's Memphis supercomputer.", "statement"),
        ("Troy Parkes worked at FedEx before joining the Greater Memphis Chamber.", "statement"),
        ("Nvidia, Dell and Supermicro are partners of xAI.", "organisations"),
    ],
)
def test_a_place_or_a_partner_list_must_be_the_point_of_the_claim(text: str, kind: str) -> None:
    lang = "fr" if " est " in text else "en"
    assert make_claim(text, lang).kind == kind


@pytest.mark.parametrize(
    ("text", "lang", "focused"),
    [
        # A clause that is only its figure keeps the clause it dates: that says what happened then.
        ("Le 13 mai, des explosifs ont découpé la travée.", "fr", "Le 13 mai, des explosifs ont découpé la travée."),
        ("On 3 May, a storm hit Lyon.", "en", "On 3 May, a storm hit Lyon."),
        # A place or aside in its own clause is still cut away.
        ("In Memphis (Tennessee), Colossus was built in three months.", "en", "Colossus was built in three months."),
        ("In 2023, Tesla sold 1.8 million cars.", "en", "Tesla sold 1.8 million cars."),
    ],
)
def test_focus_keeps_what_a_figure_is_about(text, lang, focused):
    claim = make_claim(text, lang, date(2024, 6, 1))
    key = next(q for q in claim.quantities if q.kind == claim.kind)
    assert focus_clauses(claim, key) == focused


@pytest.mark.parametrize(
    ("text", "lang", "kind"),
    [
        ("Two days after the collapse, the agency released $60 million.", "en", "money"),
        ("Deux jours après l'effondrement, l'État a débloqué 60 millions de dollars.", "fr", "money"),
        ("The brigade was called eight minutes after the second alarm.", "en", "duration"),  # no other figure
        ("The bridge took five years to build.", "en", "duration"),
    ],
)
def test_a_time_offset_is_the_key_figure_only_when_alone(text, lang, kind):
    assert make_claim(text, lang).kind == kind


def test_a_definite_noun_points_back_to_the_name_the_article_called_so():
    text = (
        "D1, a chip designed by Tesla, was shown in August. "
        "The chip is the building block of Dojo, with 25 chips a tile. "
        "Nvidia, a company based in California, opened 3 offices in Memphis. "
        "The Greater Memphis Chamber welcomed the news. "
        "The chamber plans a concierge service for 24 companies."
    )
    claims = claims_of(text, "en")
    assert any(c.text.startswith("D1 is the building block of Dojo") for c in claims), [c.text for c in claims]
    chamber = next(c for c in claims if "concierge" in c.text)
    assert chamber.text.startswith("Greater Memphis Chamber plans"), "the one name that holds the noun"


def test_a_name_after_a_preposition_is_not_called_by_the_noun_before_it():
    text = "Selon Microsoft, la mise à jour défectueuse a touché 8,5 millions d'appareils."
    (claim,) = claims_of(text, "fr")
    assert claim.text.startswith("la mise à jour"), claim.text


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("The spokesman said Microsoft would work with the industry on safer designs.", "Microsoft would work"),
        ("Biden told the audience that light had travelled for 13 billion years.", "light had travelled"),
        ("The port authority said Thursday it expects to reopen the channel by May 31.", "it expects"),
    ],
)
def test_reported_speech_starts_after_the_verb_of_saying_and_its_addressee(text, said):
    claims = claims_of(text, "en")
    assert any(c.text.startswith(said) for c in claims), [c.text for c in claims]


def test_a_name_after_an_elided_article_is_a_name():
    # "l'A380", "d'Airbus": the article is elided onto the name, which is still a name (and not the article).
    claim = make_claim("Dans sa version à trois classes, l'A380 d'Airbus doit accueillir 555 voyageurs.", "fr")
    assert {"A380", "Airbus"} <= set(claim.entities)
    assert not any(e.startswith(("l'", "d'")) for e in claim.entities)
    # An English apostrophe inside a name keeps the whole name.
    assert make_claim("Kate O'Brien led the inquiry in 2019.", "en").entities == ("Kate O'Brien",)


@pytest.mark.parametrize(
    ("text", "lang", "kind", "dates"),
    [
        ("The October 2010 breakthrough joined the sections bored from Amsteg and Sedrun.", "en", "organisations", []),
        ("The freight train derailment of August 2023 damaged the eastern tube.", "en", "statement", []),
        ("Le déraillement du 10 août 2023 dans le tunnel a fait plusieurs blessés.", "fr", "statement", []),
        ("The bank moved their October 2023 annual meetings away from the city.", "en", "statement", []),
        # A date that dates the fact, or one that tells the named event from others, stays.
        ("The tunnel opened in 2016.", "en", "date", ["2016"]),
        ("Le 10 août 2023, un train a déraillé dans le tunnel.", "fr", "date", ["10 août 2023"]),
        ("The 2016 film grossed $93 million.", "en", "money", ["2016"]),
    ],
)
def test_a_date_naming_the_event_is_not_what_the_claim_asserts(text, lang, kind, dates):
    claim = make_claim(text, lang)
    assert claim.kind == kind
    assert [q.text for q in claim.quantities if q.kind == "date"] == dates


def test_a_quarter_is_no_name():
    claim = make_claim("In its Q2 2023 update, Tesla said it had started producing Dojo.", "en")
    assert claim.entities == ("Tesla", "Dojo")
    assert make_claim("Au T2 2023, Renault a vendu davantage de voitures.", "fr").entities == ("Renault",)
