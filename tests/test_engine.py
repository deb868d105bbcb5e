"""The stance engine's combination rules, with a hand-set model so each rule can be seen to fire."""

from __future__ import annotations

import numpy as np
import pytest

from factcheck.claims import make_claim
from factcheck.embeddings import HashEmbeddings
from factcheck.engine import StanceReader
from factcheck.judges import Judgement
from factcheck.stance_model import LABELS, SURFACE, StanceModel
from factcheck.types import Passage, Stance

pytestmark = pytest.mark.unit

DIM = 512 * 2 + len(SURFACE)


def constant_model(probabilities: list[float], threshold: float = 0.5, card: dict | None = None) -> StanceModel:
    """A model whose output ignores its input: the rules around it are what is tested."""
    logits = np.log(np.asarray(probabilities, np.float32))
    return StanceModel(
        mean=np.zeros(DIM, np.float32),
        scale=np.ones(DIM, np.float32),
        w1=np.zeros((DIM, 1), np.float32),
        b1=np.ones(1, np.float32),
        w2=logits.reshape(1, 3),
        b2=np.zeros(3, np.float32),
        temperature=1.0,
        bias=np.zeros(3, np.float32),
        threshold=threshold,
        card=card or {},
    )


def reader(model: StanceModel, mode: str = "both", judges=()) -> StanceReader:
    return StanceReader(HashEmbeddings(), mode, model=model, judges=judges, model_embeddings=HashEmbeddings(dim=512))


def passage(text: str) -> Passage:
    return Passage("s", "s#0", "T", "P", "https://example.org/s", None, "en", text, 0.9)


PARTNERS = "Dell and Supermicro supplied the servers for Colossus in Memphis."
ON_TOPIC = "The servers for Colossus in Memphis were supplied by Dell and Supermicro, the companies said."


PARAPHRASE = "Jensen Huang had warm words for how fast the Colossus cluster was put together, he said."
"""About the claim in other words than its own: the comparator has nothing to compare; a learned reader decides."""


def test_model_reads_what_the_comparator_leaves_neutral() -> None:
    claim = make_claim("Jensen Huang praised the speed of the Colossus build.", "en")
    e = reader(constant_model([0.8, 0.1, 0.1])).judge(
        claim, passage(PARAPHRASE)
    )
    assert e.stance is Stance.SUPPORTS and e.judge == "model"
    assert e.stance_score == pytest.approx(0.8, abs=1e-3)


def test_model_below_threshold_stays_neutral() -> None:
    claim = make_claim("Jensen Huang praised the speed of the Colossus build.", "en")
    e = reader(constant_model([0.45, 0.3, 0.25], threshold=0.5)).judge(
        claim, passage(PARAPHRASE)
    )
    assert e.stance is Stance.NEUTRAL


def test_off_topic_passage_is_never_read_by_the_model() -> None:
    claim = make_claim("Jensen Huang praised the speed of the Colossus build.", "en")
    e = reader(constant_model([0.9, 0.05, 0.05])).judge(claim, passage("Tomatoes grow well in warm greenhouses."))
    assert e.stance is Stance.NEUTRAL and e.reason == "not about the claim"


def test_a_figure_claim_is_left_to_the_comparator() -> None:
    claim = make_claim("Colossus was built in 122 days.", "en")
    text = "Colossus was built by xAI in Memphis with Nvidia chips."
    both = reader(constant_model([0.9, 0.05, 0.05])).judge(claim, passage(text))
    alone = reader(constant_model([0.9, 0.05, 0.05]), mode="model").judge(claim, passage(text))
    assert both.stance is Stance.NEUTRAL
    assert alone.stance is Stance.SUPPORTS and alone.judge == "model"


def test_comparator_decides_first_with_its_calibrated_precision() -> None:
    claim = make_claim("Colossus was built in 122 days.", "en")
    card = {"comparator_precision": {"supports": 0.93, "refutes": 0.81, "partly": 0.7}}
    e = reader(constant_model([0.05, 0.9, 0.05], card=card)).judge(
        claim, passage("xAI built Colossus in 122 days, Nvidia said.")
    )
    assert e.stance is Stance.SUPPORTS and e.judge == "comparator" and e.stance_score == 0.93


class _Judge:
    name = "llm"

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def judge_many(self, pairs):
        self.seen += list(pairs)
        return [Judgement(Stance.REFUTES, 0.7, "the source says otherwise", "llm") for _ in pairs]


def test_a_configured_judge_replaces_the_model() -> None:
    claim = make_claim("Jensen Huang praised the speed of the Colossus build.", "en")
    judge = _Judge()
    text = "Jensen Huang never praised the Colossus build, he said, whatever its speed."
    e = reader(constant_model([0.9, 0.05, 0.05]), judges=[judge]).judge(claim, passage(text))
    assert e.stance is Stance.REFUTES and e.judge == "llm" and e.reason == "the source says otherwise"
    assert judge.seen == [(claim.text, text)]


def test_a_learned_reader_only_reads_sentences_naming_the_claims_subject() -> None:
    claim = make_claim("Jensen Huang praised the speed of the Colossus build.", "en")
    judge = _Judge()
    text = "Elon Musk praised the speed of the Cortex build, he said."
    e = reader(constant_model([0.9, 0.05, 0.05]), judges=[judge]).judge(claim, passage(text))
    assert e.stance is Stance.NEUTRAL and "subject" in e.reason
    assert judge.seen == []  # not even sent: it costs a forward pass and could only mislead


def test_a_claims_capitalised_first_word_is_a_name_only_if_the_source_writes_it_as_one() -> None:
    # "Small" opens the sentence; no source calls anything "Small", so it is no subject to look for.
    claim = make_claim("Small increases in average temperature bring many more hot days.", "en")
    judge = _Judge()
    text = "A slight rise in the average temperature brings many more hot days, the study found."
    reader(constant_model([0.9, 0.05, 0.05]), judges=[judge]).judge(claim, passage(text))
    assert judge.seen
    # A name the source does write with a capital mid-sentence stays one.
    claim = make_claim("Cortex was built in record time.", "en")
    judge = _Judge()
    text = "The team behind Cortex said so. Another cluster was built in record time, they said."
    e = reader(constant_model([0.9, 0.05, 0.05]), judges=[judge]).judge(claim, passage(text))
    assert judge.seen == [] and "subject" in e.reason


def test_a_learned_contradiction_must_be_about_the_claims_event() -> None:
    claim = make_claim("Jensen Huang praised the speed of the Colossus build.", "en")
    other_event = "Jensen Huang toured the Colossus site in Memphis with Elon Musk last week."
    e = reader(constant_model([0.9, 0.05, 0.05]), judges=[_Judge()]).judge(claim, passage(other_event))
    assert e.stance is Stance.NEUTRAL and "another event" in e.reason
    # The same reader's agreement with a paraphrase stands: it shares no event word either.
    agree = reader(constant_model([0.9, 0.05, 0.05])).judge(claim, passage(PARAPHRASE))
    assert agree.stance is Stance.SUPPORTS


def test_a_learned_readers_contradiction_alone_refutes_nothing_in_the_product() -> None:
    # On news sentences the learned reader's contradictions were right 12 times in 46: in the
    # product its doubt is shown as neutral evidence; the model-only ablation still refutes.
    claim = make_claim("Jensen Huang praised the speed of the Colossus build.", "en")
    doubt = "Jensen Huang said the Colossus build was praised by others, not by him, for its speed."
    refuting = constant_model([0.05, 0.9, 0.05])
    e = reader(refuting).judge(claim, passage(doubt))
    assert e.stance is Stance.NEUTRAL and "alone does not refute" in e.reason and e.judge == "model"
    assert reader(refuting, mode="model").judge(claim, passage(doubt)).stance is Stance.REFUTES


def test_labels_order_is_what_the_model_card_promises() -> None:
    assert [str(label) for label in LABELS] == ["supports", "refutes", "neutral"]
