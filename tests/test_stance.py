"""The comparator's semantics on single sentences, with a fake similarity that finds everything on topic."""

import pytest

from factcheck.claims import make_claim
from factcheck.quantities import parse_quantities
from factcheck.stance import ComparatorStance, derived_quantities, is_plan, listed_names, mentions, normalise_name
from factcheck.types import Passage

pytestmark = pytest.mark.unit


def on_topic(query, texts):
    return [0.9] * len(texts)


def read(claim: str, evidence: str, lang: str = "en"):
    judge = ComparatorStance(on_topic, topical=0.3)
    passage = Passage("s", "c", "", "", "", None, "en", evidence, 1.0)
    e = judge.judge(make_claim(claim, lang), passage)
    return ("partly" if e.partial else e.stance.value), e.reason


@pytest.mark.parametrize(
    ("claim", "evidence", "lang", "expected"),
    [
        ("Colossus was built in three months.", "xAI built it in 122 days.", "en", "partly"),
        ("Colossus was built in two years.", "xAI built it in 122 days.", "en", "refutes"),
        ("Colossus was built in less than five months.", "xAI built it in 122 days.", "en", "supports"),
        pytest.param(
            "The bridge took five years to build.", "Construction lasted from 2015 to 2020.", "en", "supports",
            marks=pytest.mark.xfail(
                strict=True,
                reason="a paraphrase within one language ('build', 'construction') shares no stem, and the figure "
                "must be stated of the claim's attribute (stance._meets)",
            ),
        ),
        ("Revenue doubled in 2023.", "Revenue rose 100% to $60 billion in 2023.", "en", "supports"),
        ("Les 150 MW pourraient alimenter 10 000 foyers.", "The 150 MW could power more than 100,000 homes.", "fr", "refutes"),  # noqa: E501
        ("Le salon a attiré 100 000 visiteurs.", "The fair drew more than 100,000 visitors.", "fr", "supports"),
        ("Plus de la moitié des Français utilisent l'IA.", "A survey found 55% of French adults use AI.", "fr", "supports"),  # noqa: E501
        ("Nvidia, Dell and AMD will open offices in Memphis.", "Nvidia, Dell and Supermicro will open offices there.", "en", "partly"),  # noqa: E501
        ("Intel and AMD signed the pledge.", "Only Google, Microsoft and Amazon signed the pledge.", "en", "refutes"),
        ("Apple, Google and Microsoft signed the pledge.", "Google and Microsoft signed; Apple declined.", "en", "partly"),  # noqa: E501
        ("Nvidia, Dell and Supermicro signed the pledge.", "Nvidia signed the pledge.", "en", "neutral"),
        ("The cluster has 100,000 GPUs.", "The cluster will grow to 200,000 GPUs next year.", "en", "neutral"),
        # A statement without figures: a sentence that leaves out one of the claim's names and puts
        # another in its place is about another thing; one that only leaves a name out may state it.
        ("Jensen Huang praised the speed of the Colossus build.", "Jensen Huang praised the speed of the Cortex build.", "en", "neutral"),  # noqa: E501
        ("Jensen Huang praised the speed of the Colossus build.", "Jensen Huang praised the speed of the build.", "en", "supports"),  # noqa: E501
        # A country is a subject in its own right: another country's figure is not the claim's.
        ("France won 64 medals at the Games.", "At the Games France was strong, and Japan won 45 medals.", "en", "neutral"),  # noqa: E501
        ("France won 64 medals at the Games.", "Unlike France, Japan won 45 medals at the Games.", "en", "neutral"),
        ("France won 64 medals at the Games.", "France finished the Games with 45 medals.", "en", "refutes"),
        # The old one's figure is a sibling's, unless the claim is about the old one.
        ("The new bridge is 300 m long.", "The old bridge is 300 m long.", "en", "neutral"),
        ("About 200 workers died building the base tunnel.", "Some 199 workers died building the older tunnel.", "en", "neutral"),  # noqa: E501
        ("Le nouveau pont mesure 300 m.", "L'ancien pont mesurait 300 m.", "fr", "neutral"),
        ("The old bridge is 300 m long.", "The old bridge is 300 m long.", "en", "supports"),
    ],
)  # fmt: skip
def test_comparator_semantics(claim, evidence, lang, expected):
    assert read(claim, evidence, lang)[0] == expected


def test_a_bare_amount_is_in_the_currency_the_report_named_before_it():
    report = "The whole bid was priced at 6.8 billion euros. The committee itself would have 3.8 billion."
    assert read("The committee's budget was 3.8 billion euros.", report)[0] == "supports"
    assert read("The committee's budget was 5.5 billion euros.", report)[0] == "refutes"
    # With no currency named before it, a bare amount stays a count of nothing and says nothing of money.
    alone = "The committee would have 3.8 billion."
    assert read("The committee's budget was 3.8 billion euros.", alone)[0] == "neutral"


def test_a_wrong_secondary_figure_is_named_in_the_reason():
    stance, reason = read("The 150 MW could power 10,000 homes.", "The 150 MW could power 100,000 homes.")
    assert stance == "refutes" and "150 MW" in reason and "100,000" in reason


def test_listed_names_skip_what_the_list_works_on():
    text = "Dell and Supermicro assembled the racks for Colossus."
    assert listed_names(text, ("Dell", "Supermicro", "Colossus")) == ["Dell", "Supermicro"]


def test_derived_duration_from_a_date_range():
    sentence = "Work lasted from March 2021 to April 2023."
    (duration,) = derived_quantities(sentence, parse_quantities(sentence, "en"))
    assert duration.kind == "duration" and 750 <= duration.value <= 765


def _read_with(entails, claim: str, evidence: str, lang: str = "en"):
    judge = ComparatorStance(on_topic, topical=0.3, entails=entails)
    e = judge.judge(make_claim(claim, lang), Passage("s", "c", "", "", "", None, "en", evidence, 1.0))
    return ("partly" if e.partial else e.stance.value), e.reason


@pytest.mark.parametrize(
    ("evidence", "p", "expected"),
    [
        ("Building it required an outlay of 2 billion euros, officials said.", 0.9, "supports"),
        ("Building it required an outlay of 2.6 billion euros, officials said.", 0.9, "partly"),
        ("Building it required an outlay of 2 billion euros, officials said.", 0.1, "neutral"),
        ("Building it required an outlay of 2.6 billion euros, officials said.", 0.1, "neutral"),
    ],
)
def test_a_learned_reader_ties_a_paraphrased_figure_to_the_claim(evidence, p, expected):
    # No word of "the new terminal" is near the figure, so words alone leave the sentence neutral.
    assert read("The new terminal cost 2 billion euros.", evidence)[0] == "neutral"
    assert _read_with(lambda items: [p] * len(items), "The new terminal cost 2 billion euros.", evidence)[0] == expected


def test_the_learned_reader_sees_the_sentence_with_the_claims_figure_not_its_own():
    asked = []
    _read_with(
        lambda items: asked.extend(items) or [0.9] * len(items),
        "The new terminal cost 2 billion euros.",
        "Building it required an outlay of 3 billion euros, officials said.",
    )
    assert asked and all("2 billion euros" in e and "3 billion" not in e for _, e, _ in asked)


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ("About 6,800 athletes sailed down the river.", "supports"),
        ("About 20,000 athletes sailed down the river.", "refutes"),
    ],
)
def test_counts_of_nouns_no_table_pairs_are_read_again(evidence, expected):
    claim = "Environ 6 800 sportifs ont descendu le fleuve."
    assert read(claim, evidence, "fr")[0] == "neutral"
    stance, reason = _read_with(lambda items: [0.9] * len(items), claim, evidence, "fr")
    assert stance == expected and "athletes" in reason


def test_a_count_of_an_unrelated_noun_is_not_read_again():
    # A reader shown "19" in "athletes from 19 delegations" reads the shared number as agreement;
    # the nouns themselves must be near for the count to be read as the claim's.
    claim = "La France a remporté 19 titres aux Jeux."
    evidence = "Les para-athlètes, venus de 168 délégations, sont arrivés aux Jeux."
    sure = lambda items: [0.9] * len(items)  # noqa: E731
    nouns_apart = lambda query, texts: [0.3 if " " not in query else 0.9] * len(texts)  # noqa: E731
    judge = ComparatorStance(nouns_apart, topical=0.3, entails=sure)
    e = judge.judge(make_claim(claim, "fr"), Passage("s", "c", "", "", "", None, "fr", evidence, 1.0))
    assert e.stance.value == "neutral"
    assert _read_with(sure, claim, evidence, "fr")[0] == "refutes"  # nouns near: read again


def test_a_model_name_is_never_read_as_a_respelling_of_another():
    # Even a reader sure of itself may not turn "234 A380s" into a count of A350s.
    claim = "Emirates will buy 30 A350s."
    assert _read_with(lambda items: [0.9] * len(items), claim, "So far Airbus has delivered 234 A380s.")[0] == "neutral"
    assert read(claim, "Emirates will buy 30 A350-900s.")[0] == "supports"  # a variant of the model


@pytest.mark.parametrize(
    ("text", "plan"),
    [
        ("The company will reach 200,000 GPUs.", True),
        ("The fleet could double by 2030.", True),
        ("Had it run the study, it would have learned the risk was 30 times the limit.", False),
        ("The crash could have been avoided.", False),
        ("xAI plans to expand Colossus.", True),
        ("Rebuilt to the 19th-century plans of Viollet-le-Duc, the spire is 96 metres tall.", False),  # a drawing
        ("xAI's planned recycling plant is an $80 million investment.", False),  # names the plant
        ("xAI planned to spend $80 million on the plant.", True),
        ("The Plan B drill reached the miners on 9 October.", False),  # names an option
        ("La foreuse du plan B a atteint les mineurs le 9 octobre.", False),
        ("Boeing plans a new jet for 2030.", True),
    ],
)
def test_would_have_looks_back_and_is_no_plan(text, plan):
    assert is_plan(text) is plan


@pytest.mark.parametrize(
    ("text", "plan"),
    [
        ("Le réseau passerait à un million de GPU.", True),  # conditional
        ("La construction durera six mois.", True),  # future of durer
        ("Le groupe pourrait en compter 200 000.", True),  # irregular conditional
        ("Avant l'incendie, la cathédrale attirait 12 millions de visiteurs.", False),  # imperfect of attirer
        ("Le chantier durait depuis trois ans.", False),  # imperfect of durer
        ("Le match attira 80 000 spectateurs.", False),  # simple past of attirer
    ],
)
def test_french_future_endings_are_plans_but_imperfects_ending_alike_are_not(text, plan):
    assert is_plan(text) is plan


def test_a_name_and_its_acronym_are_one_subject():
    claim = "The NTSB asked the owners of 80 bridges to check their exposure."
    spelt = "The National Transportation Safety Board asked the owners of 80 bridges to act."
    assert read(claim, spelt)[0] == "supports"
    other = "The NTSB met on Monday. The Federal Railroad Administration asked the owners of 80 bridges to act."
    assert read(claim, other)[0] == "neutral"


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ('"It is a great leap forward for the city," Jean Dupont told reporters.', "supports"),
        ('"It is a great leap forward for the city," Marie Curie told reporters.', "refutes"),
        ('Jean Dupont spoke first. "It is a great leap forward," he said.', "supports"),  # "he" points back
        ('Marie Curie spoke first. "It is a great leap forward," he said.', "refutes"),
    ],
)
def test_a_quote_is_judged_by_who_the_source_gives_it_to(evidence, expected):
    claim = 'Jean Dupont called the tramway "a great leap forward".'
    assert read(claim, evidence)[0] == expected


@pytest.mark.integration
def test_a_translated_quote_is_found_and_its_speaker_read():
    from factcheck.embeddings import embedding_similarity, get_embedder

    embeddings = get_embedder("use-multilingual")
    judge = ComparatorStance(embedding_similarity(embeddings), topical=embeddings.topical)
    claim = make_claim("Emmanuel Macron a promis de rebâtir la cathédrale « plus belle encore ».", "fr")
    said = "We will rebuild the cathedral \"even more beautiful\", President Emmanuel Macron said on Tuesday."
    other = "We will rebuild the cathedral \"even more beautiful\", Prime Minister Edouard Philippe said on Tuesday."
    unrelated = "\"Nothing will be left of the roof\", a firefighter said on Tuesday."
    def stance(text):
        return judge.judge(claim, Passage("s", "c", "", "", "", None, "en", text, 1.0)).stance.value

    stances = [stance(said), stance(other)]
    assert stances == ["supports", "refutes"]
    assert stance(unrelated) != "refutes"


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        # The pronoun points back to the painter named in the sentence before.
        ("A jury chose the painter Claire Tabouret for the new windows. Her designs went in during 2026.", "supports"),
        # No pronoun: the next sentence is about something else, and its date says nothing of the windows.
        ("A jury chose the painter Claire Tabouret for the new windows. The square reopens in 2026.", "neutral"),
    ],
)
def test_a_sentence_opening_with_a_pronoun_takes_its_subject_from_the_sentence_before(evidence, expected):
    claim = "Claire Tabouret's windows were fitted in 2026."
    assert read(claim, evidence)[0] == expected


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        # Another day across languages: the same event, dated otherwise.
        ("Tesla first presented Dojo on 19 August 2021.", "refutes"),
        # Only a year across languages: most often another event's, and single words cannot tell.
        ("In 2022 Tesla installed its first Dojo cabinet.", "neutral"),
    ],
)
def test_across_languages_a_bare_year_does_not_refute_a_claimed_day(evidence, expected):
    claim = "Tesla a présenté Dojo pour la première fois le 22 avril 2019."
    assert read(claim, evidence, "fr")[0] == expected


@pytest.mark.parametrize(
    "dateline",
    [
        "COPIAPO, Chile (AP) — ",
        "TOULOUSE, France, April 27 (Reuters) - ",
        "PORTLAND, Ore. (AP) — ",
        "Aug. 7 (Bloomberg) -- ",
        "",
    ],
)
def test_a_wire_dateline_is_not_the_subject_of_the_figure_after_it(dateline):
    # The agency is the name nearest before the figure; it filed the story, it owns no figure.
    evidence = f"{dateline}Crews dug all night towards the 33 men trapped in a copper mine in the Atacama desert."
    claim = "A cave-in at a copper mine in Chile's Atacama desert left 33 men stuck underground."
    stance, reason = read(claim, evidence)
    assert stance == "supports", reason


def test_a_sentence_that_also_names_the_claimed_place_does_not_put_it_elsewhere():
    # The board met in Murray, Kentucky; the data centre is in South Memphis. And "xAI", which the
    # gazetteer files under an airport code, is a brand, never a place.
    evidence = (
        "The utility's board, meeting in Murray, Kentucky, agreed to supply power to xAI's data centre "
        "for Colossus in South Memphis."
    )
    stance, reason = read("Colossus is located in Memphis, Tennessee.", evidence)
    assert stance != "refutes", reason
    stance, reason = read("Colossus is located in Memphis.", "Colossus is located in Atlanta.")
    assert stance == "refutes", reason


def test_a_word_inside_a_name_is_not_the_event_that_names_its_doer():
    # "Environmental" and "criticised" are the claim's event words, but the first is inside the
    # Southern Environmental Law Center's name: that name did not do the claim's event.
    claim = (
        "In November, the Tennessee Valley Authority (TVA) signed off on power for the site, "
        "a decision that environmental groups criticised."
    )
    evidence = (
        "The Southern Environmental Law Center criticised the Tennessee Valley Authority after its board "
        "agreed to supply power to the site."
    )
    stance, reason = read(claim, evidence)
    assert stance != "refutes", reason


@pytest.mark.parametrize(
    "text, name, named",
    [
        ("Comparisons of cost were made.", "Paris", False),
        ("Engineers at Pasadena's lab", "NASA", False),
        ("Super Micro shipped the racks.", "Supermicro", True),
        ("Supermicro Computer Inc. said so.", "Super Micro", True),
        ("Nvidia's chips", "Nvidia", True),
        ("les moteurs Rolls-Royce", "Rolls Royce", True),
        ("la société d'Elon Musk", "Musk", True),
    ],
)
def test_a_name_is_read_in_whole_words(text, name, named):
    assert mentions(text, normalise_name(name)) is named


def test_a_short_place_inside_a_longer_word_does_not_spare_a_refutation():
    evidence = "Comparisons aside, the summit was held in Vienna last week."
    stance, reason = read("The summit was held in Paris.", evidence)
    assert stance == "refutes", reason


def test_a_place_supports_only_a_sentence_that_names_the_claims_subject():
    claim = "The ITER agreement was signed in Brussels."
    assert read(claim, "The text of the accord had been signed off in Brussels by negotiators in May.")[0] == "neutral"
    assert read(claim, "The ITER agreement was signed in Brussels by seven partners.")[0] == "supports"


def test_a_matching_date_with_another_doer_refutes():
    claim = "Minister Gilles de Robien laid the first stone of the viaduct in December 2001."
    evidence = "Minister Jean-Claude Gayssot laid the first stone of the viaduct on 14 December 2001."
    stance, reason = read(claim, evidence)
    assert stance == "refutes" and "Gayssot" in reason
    # The claim's doer in apposition, and a passive claim's subject, are no other doer.
    appositive = "Le président de la République, Jacques Chirac, a inauguré le viaduc le 14 décembre 2004."
    assert read("Jacques Chirac a inauguré le viaduc en décembre 2004.", appositive, "fr")[0] == "supports"
    passive = "Hubble was put into orbit by the shuttle Discovery in 1990, NASA said."
    assert read("Hubble was put into orbit in 1990 by the shuttle Discovery.", passive)[0] == "supports"


def test_what_the_writer_believes_is_no_attribute_of_the_figure():
    # "believed" told of the men, not of the depth: a source on the depth bears the claim out.
    claim = "The 33 were believed to be some 700 metres below ground."
    stance, reason = read(claim, "The men are about 700 metres deep.")
    assert stance == "supports", reason


def test_a_sentence_told_for_comparison_gives_another_things_figures():
    claim = "The miners were stuck below ground for roughly ten weeks."
    evidence = "By comparison, the Quecreek miners spent 77 hours below ground in 2002."
    assert read(claim, evidence)[0] == "neutral"
    french = "Par comparaison, ceux de Quecreek sont restés 3 jours sous terre."
    assert read("Les mineurs sont restés 69 jours sous terre.", french, "fr")[0] == "neutral"


def _read_in(claim: str, evidence: str, lang: str):
    judge = ComparatorStance(on_topic, topical=0.3)
    passage = Passage("s", "c", "", "", "", None, lang, evidence, 1.0)
    e = judge.judge(make_claim(claim, lang), passage)
    return e.stance.value, e.reason


@pytest.mark.parametrize(
    ("claim", "evidence", "lang", "other"),
    [
        ("Webb was put in orbit by a Soyuz rocket.", "Webb was put in orbit by an Ariane 5 rocket.", "en", "Ariane"),
        ("Webb a été mis sur orbite par une fusée Soyouz.", "Webb a décollé, emporté par une fusée Ariane 5.", "fr", "Ariane"),  # noqa: E501
        ("The Plan C rig was owned by an Australian firm.", "The Plan C rig was owned by a Canadian firm.", "en", "Canadian"),  # noqa: E501
        ("Le viaduc de Millau a été construit par le groupe Vinci.", "Le viaduc de Millau a été bâti par le groupe Eiffage.", "fr", "Eiffage"),  # noqa: E501
    ],
)
def test_another_name_in_the_claims_place_refutes(claim, evidence, lang, other):
    stance, reason = _read_in(claim, evidence, lang)
    assert stance == "refutes" and other in reason, reason


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        # The same verb, but Nvidia supplies the GPUs: "by Vertiv" names who supplied, "the GPUs" what.
        ("The liquid cooling for Colossus was supplied by Vertiv.", "Nvidia supplies the GPUs for Colossus."),
        # Another of the claim's names next to the word is no stand-in ("Water, TVA's").
        ("The project needed the approval of EDGE and the TVA.", "The deal is with Memphis Light, Gas and Water, TVA's biggest customer."),  # noqa: E501
        # Not a doer, place or nationality: both may be true (he may have praised both builds).
        (
            "Jensen Huang praised the speed of the Colossus build.",
            "Jensen Huang praised the speed of the Cortex build.",
        ),
        # The claim's name is there: two names side by side, not one in the other's place.
        ("Webb was put in orbit by an Ariane 5 rocket.", "Webb and Hubble were put in orbit by rockets."),
    ],
)
def test_a_name_beside_another_word_is_no_stand_in(claim, evidence):
    stance, reason = _read_in(claim, evidence, "en")
    assert stance != "refutes", reason
