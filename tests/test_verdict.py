"""Aggregation rules, on hand-made evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from factcheck.types import Claim, Evidence, Label, Quantity, Stance
from factcheck.verdict import decide
from tests.conftest import EVIDENCE_FIELDS

pytestmark = pytest.mark.unit

CLAIM = Claim(
    id="c1",
    text="Colossus was built in three months.",
    lang="en",
    kind="duration",
    quantities=(Quantity(value=91.31, unit="day", kind="duration", text="three months"),),
)


def ev(
    source: str,
    stance: Stance,
    *,
    score: float = 0.8,
    partial: bool = False,
    later: bool = False,
    days: float | None = None,
) -> Evidence:
    found = Quantity(value=days, unit="day", kind="duration", text=f"{days} days") if days else None
    return Evidence(
        source_id=source,
        title=source.title(),
        publisher=source.upper(),
        url=f"https://example.org/{source}",
        published=date(2024, 10, 28),
        text="...",
        score=0.5,
        stance=stance,
        stance_score=score,
        reason="compared",
        partial=partial,
        later=later,
        found=found,
    )


def test_no_speaking_evidence_is_not_enough_info():
    verdict = decide(CLAIM, [ev("a", Stance.NEUTRAL), ev("b", Stance.NEUTRAL)])
    assert verdict.label is Label.NOT_ENOUGH_INFO
    assert "No source" in verdict.rationale


def test_support_only_is_supported_and_more_sources_raise_confidence():
    one = decide(CLAIM, [ev("a", Stance.SUPPORTS, days=91)])
    two = decide(CLAIM, [ev("a", Stance.SUPPORTS, days=91), ev("b", Stance.SUPPORTS, days=91)])
    assert one.label is two.label is Label.SUPPORTED
    # The reasoned confidence rises with a second source; the calibrated one never falls.
    assert two.raw_confidence > one.raw_confidence
    assert two.confidence >= one.confidence


def test_confidence_is_what_development_claims_measured_for_that_label():
    from factcheck.verdict import calibrate

    table = {"SUPPORTED": {"accuracy": 0.8, "smoothed": 0.78, "bins": [{"low": 0.0, "high": 0.7, "p": 0.7}]}}
    assert calibrate("SUPPORTED", 0.5, table) == 0.7
    assert calibrate("SUPPORTED", 0.9, table) == 0.78  # outside every bin: the label's own figure
    assert calibrate("REFUTED", 0.42, table) == 0.42  # no entry: the raw confidence
    verdict = decide(CLAIM, [ev("a", Stance.SUPPORTS, days=91)])
    assert verdict.confidence == calibrate("SUPPORTED", verdict.raw_confidence)


def test_partial_support_gives_partly_supported_and_names_both_sides():
    verdict = decide(CLAIM, [ev("nvidia", Stance.SUPPORTS, partial=True, score=0.5, days=122)])
    assert verdict.label is Label.PARTLY_SUPPORTED
    assert "122 days" in verdict.rationale and "3 months" in verdict.rationale
    assert "NVIDIA, 2024-10-28" in verdict.rationale


def test_refutation_only_is_refuted():
    assert decide(CLAIM, [ev("a", Stance.REFUTES, days=730)]).label is Label.REFUTED


def test_balanced_disagreement_is_conflicting_and_a_dominant_side_wins():
    balanced = decide(CLAIM, [ev("a", Stance.SUPPORTS, days=91), ev("b", Stance.REFUTES, days=730)])
    assert balanced.label is Label.CONFLICTING
    assert "disagree" in balanced.rationale
    lopsided = decide(
        CLAIM, [ev(s, Stance.REFUTES, days=730) for s in "abcd"] + [ev("e", Stance.SUPPORTS, score=0.3, days=91)]
    )
    assert lopsided.label is Label.REFUTED


def test_a_figure_several_times_off_beside_a_near_one_measures_something_else():
    near = ev("a", Stance.SUPPORTS, partial=True, score=0.5, days=122)
    far = decide(CLAIM, [near, ev("b", Stance.REFUTES, days=730)])
    assert far.label is Label.PARTLY_SUPPORTED
    assert "Set aside as measuring something else: 730 days (B" in far.rationale
    # A figure within three times the claim's is a disagreement; beside an exact match so is a far one.
    assert decide(CLAIM, [near, ev("b", Stance.REFUTES, days=200)]).label is Label.CONFLICTING
    exact = ev("a", Stance.SUPPORTS, days=91)
    assert decide(CLAIM, [exact, ev("b", Stance.REFUTES, days=730)]).label is Label.CONFLICTING


def test_a_source_counts_once_and_later_sources_do_not_count():
    same_source = decide(CLAIM, [ev("a", Stance.REFUTES, days=730), ev("a", Stance.REFUTES, days=730)])
    assert same_source.confidence == decide(CLAIM, [ev("a", Stance.REFUTES, days=730)]).confidence
    later_only = decide(CLAIM, [ev("a", Stance.REFUTES, later=True, days=730)])
    assert later_only.label is Label.NOT_ENOUGH_INFO
    assert "postdate" in later_only.rationale


def test_verdict_serialises_to_the_checked_contract():
    data = decide(CLAIM, [ev("a", Stance.SUPPORTS, days=91)]).to_dict()
    assert {
        "id",
        "text",
        "lang",
        "kind",
        "span",
        "quantities",
        "entities",
        "verdict",
        "confidence",
        "rationale",
        "evidence",
    } <= set(data)
    assert set(data["evidence"][0]) >= EVIDENCE_FIELDS
    assert data["evidence"][0]["stance"] == "supports" and data["evidence"][0]["published"] == "2024-10-28"


def test_highlight_bolds_the_compared_figures_and_escapes_markdown():
    from factcheck.report import highlight

    assert highlight("built in 122 days, 19 days to train", ["122 days"]) == "built in **122 days**, 19 days to train"
    assert highlight("a *starred* 3 months", ["3 months"]) == "a \\*starred\\* **3 months**"
    assert highlight("no figure here", ["42"]) == "no figure here"


def test_markdown_report_names_the_attribution_and_speaker():
    from factcheck.report import to_markdown
    from factcheck.types import Claim, Label, Verdict

    claim = Claim("c1", "une seule personne pouvait le faire", "fr", "quote", source="BG2", speaker="Jensen Huang")
    report = to_markdown([Verdict(claim, Label.NOT_ENOUGH_INFO, 0.5, "No source.")])
    assert "kind quote · attributed to BG2 · speaker: Jensen Huang" in report


PRECISE = Claim(
    id="c2",
    text="Colossus was built in 122 days.",
    lang="en",
    kind="duration",
    quantities=(Quantity(value=122.0, unit="day", kind="duration", text="122 days"),),
)


def test_a_rounder_figure_does_not_qualify_a_precisely_supported_claim():
    months = Quantity(value=91.31, unit="day", kind="duration", text="three months")
    rounder = replace(ev("ft", Stance.SUPPORTS, partial=True), found=months)
    exact = ev("nvidia", Stance.SUPPORTS, days=122)
    assert decide(PRECISE, [exact, rounder]).label is Label.SUPPORTED
    # The other way round, the precise source shows the claimed round figure is off.
    assert (
        decide(
            CLAIM, [ev("sherwood", Stance.SUPPORTS, days=91), ev("nvidia", Stance.SUPPORTS, partial=True, days=122)]
        ).label
        is Label.PARTLY_SUPPORTED
    )


def test_a_learned_reading_counts_only_when_more_likely_right_than_wrong():
    weak = replace(ev("a", Stance.SUPPORTS, score=0.45), judge="model")
    strong = replace(ev("b", Stance.SUPPORTS, score=0.85), judge="model")
    # (As the only reader: beside the comparator, learned agreement alone never decides; see below.)
    assert decide(CLAIM, [weak], learned_alone=True).label is Label.NOT_ENOUGH_INFO
    assert decide(CLAIM, [weak, strong], learned_alone=True).label is Label.SUPPORTED
    # Learned support needs more than learned refutation: at 0.6 it is not enough, a refutation is.
    assert decide(CLAIM, [replace(strong, stance_score=0.6)], learned_alone=True).label is Label.NOT_ENOUGH_INFO
    assert decide(CLAIM, [replace(strong, stance=Stance.REFUTES, stance_score=0.6)]).label is Label.REFUTED
    # The comparator's readings are exact comparisons: they count whatever their calibrated score.
    assert decide(CLAIM, [ev("c", Stance.SUPPORTS, score=0.3, days=91)]).label is Label.SUPPORTED


def test_a_learned_readers_agreement_in_one_source_is_a_lead_not_a_verdict():
    one = [replace(ev("a", Stance.SUPPORTS), judge="crossencoder")]
    verdict = decide(CLAIM, one)
    assert verdict.label is Label.NOT_ENOUGH_INFO
    assert "A learned reader finds agreement in A, 2024-10-28" in verdict.rationale
    # Two sources read alike, a comparator's reading beside it, or the learned reader as the only
    # reader (the ablation): then it counts.
    two = [*one, replace(ev("b", Stance.SUPPORTS), judge="crossencoder")]
    assert decide(CLAIM, two).label is Label.SUPPORTED
    assert decide(CLAIM, [*one, ev("c", Stance.SUPPORTS, days=91)]).label is Label.SUPPORTED
    assert decide(CLAIM, one, learned_alone=True).label is Label.SUPPORTED


def test_a_learned_readers_agreement_does_not_outweigh_a_comparators_refutation():
    read = replace(ev("a", Stance.SUPPORTS), judge="crossencoder")
    assert decide(CLAIM, [read, ev("b", Stance.REFUTES, days=400)]).label is Label.REFUTED
