"""Turn the stances of several passages into one verdict with a confidence and a rationale.

Each source counts once (its strongest reading), and passages published after the
article are shown as later context but never count for or against it.

Each passage's stance score is calibrated (engine.py): the chance that reading is right.
The verdict's confidence combines them as independent witnesses (noisy-OR: the chance that
at least one of the sources behind the label reads right), scaled by the share of the
stance weight behind the label. It is a reasoned score, not itself a calibrated one:
sources copying each other are not independent, which is why copies are collapsed first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

from factcheck import lang as langdata
from factcheck.quantities import format_quantity
from factcheck.stance import is_plan
from factcheck.types import Claim, Evidence, Label, Stance, Verdict

DOMINANCE = 3.0
"""One side must outweigh the other this many times over before a disagreement is settled."""

LEARNED_READERS = ("crossencoder", "model")
"""The packaged learned readers (Evidence.judge). A configured NLI model or chat model is the
user's choice and is not held to LEARNED_QUORUM."""

LEARNED_QUORUM = 2
"""The fewest sources a learned reader must find agreeing before its agreement alone settles a claim.
On the eleven development claim sets, such agreement in one source bore out 2 of 8 SUPPORTED
verdicts; in two or more it bore out the one it gave."""

ANOTHER_MEASURE_RATIO = 3.0
"""A refuting figure this many times off the claim's is read as another measure when other sources
give nearly the claim's figure (set on the development sets; the sources' own disagreements there, such
as 1,400 against 2,000 journalists or $10 million against $20 million, stay within it)."""


CREDIBLE = 0.5
"""A learned judge's reading counts only when it is more likely right than wrong (its score is calibrated)."""


CREDIBLE_SUPPORT = 0.65
"""A learned reading of support counts only this sure. Chosen on development data (our out-of-topic
claims, the Colossus claims, Climate-FEVER's dev claims) among 0.5, 0.65 and 0.8: 0.65 lifts accuracy
on our claims (0.478 -> 0.507 out of topic) and SUPPORTED precision (0.69 -> 0.83 on Colossus) for
3.7 points of Climate-FEVER dev accuracy; 0.8 is worse than 0.65 on all three (BENCHMARKS.md, issue 9)."""


def credible(e: Evidence) -> bool:
    """Comparator readings are exact comparisons and always count; model and judge readings need CREDIBLE,
    and CREDIBLE_SUPPORT to support."""
    if e.judge == "comparator":
        return True
    return e.stance_score >= (CREDIBLE_SUPPORT if e.stance is Stance.SUPPORTS else CREDIBLE)


def _per_source(evidence: Sequence[Evidence]) -> list[Evidence]:
    # Keyed by URL: a digest or a translation of a report is the same source, not a second one.
    best: dict[str, Evidence] = {}
    for e in evidence:
        if e.later or e.stance is Stance.NEUTRAL or not credible(e):
            continue
        key = e.url or e.source_id
        kept = best.get(key)
        if kept is None or e.stance_score > kept.stance_score:
            best[key] = e
    return list(best.values())


PLAN_WINDOW_DAYS = 14


def _latest_plan(claim: Claim, counted: list[Evidence]) -> tuple[list[Evidence], list[Evidence]]:
    """For a plan or forecast, sources that disagree are read in time order: a newer plan replaces an older one."""
    stances = {e.stance for e in counted}
    dated = [e for e in counted if e.published]
    if not is_plan(claim.text) or len(stances) < 2 or not dated:
        return counted, []
    newest = max(e.published for e in dated)
    keep = [e for e in counted if e.published and (newest - e.published).days <= PLAN_WINDOW_DAYS]
    return keep, [e for e in counted if e not in keep]


def _another_measure(claim: Claim, e: Evidence) -> bool:
    """Whether a refuting figure is so far from the claim's that it more likely measures another thing.

    Beside sources that give nearly the claim's figure, a passage's figure of the same kind many
    times larger or smaller is most often another event's ("77 hours" at another mine against
    "17 days" at this one; "35 killed" in an older disaster): a disagreement between sources
    is a near miss. Dates and temperatures have no ratio and never come here.
    """
    key, found = claim.key, e.found
    if key is None or found is None or found.kind != key.kind or key.kind in ("date", "temperature"):
        return False
    try:
        a, b = abs(float(key.value)), abs(float(found.value))
    except (TypeError, ValueError):
        return False
    return min(a, b) > 0 and max(a, b) / min(a, b) >= ANOTHER_MEASURE_RATIO


def _noisy_or(evidence: Sequence[Evidence]) -> float:
    miss = 1.0
    for e in evidence:
        miss *= 1.0 - min(max(e.stance_score, 0.0), 0.99)
    return 1.0 - miss


_COARSE = langdata.regex("coarse_durations")
_FINE = langdata.regex("fine_durations")


def _less_precise(claim: Claim, e: Evidence) -> bool:
    """Whether a partial source only states the figure more loosely than the claim does.

    "More than 100 MW" against a claimed 150 MW, or "three months" against a claimed 122
    days: consistent, rounder, and no reason to doubt the precise figure another source gives.
    """
    key = claim.key
    if key is None or e.found is None:
        return False
    hedged = e.found.approx not in (None, "since") and key.approx is None
    coarser = bool(_COARSE.search(e.found.text) and _FINE.search(key.text))
    return hedged or coarser


def _qualifying(claim: Claim, pro: list[Evidence]) -> bool:
    """Whether the supporting sources leave the claim only partly supported.

    A figure off by a quarter qualifies the claim even beside exact matches; a rounder
    statement of the same figure, or a source naming only some of the partners, does not
    when another source supports the claim in full.
    """
    partial = [e for e in pro if e.partial]
    if not partial:
        return False
    if len(partial) == len(pro):
        return True
    if claim.kind == "organisations":
        return False
    return not all(_less_precise(claim, e) for e in partial)


def _cite(e: Evidence) -> str:
    return f"{e.publisher or e.title}, {e.published.isoformat()}" if e.published else (e.publisher or e.title)


def _side(evidence: Sequence[Evidence]) -> str:
    """'122 days (NVIDIA, 2024-10-28; Teslarati, 2024-12-06)' grouping sources by the figure they give."""
    groups: dict[str, list[Evidence]] = {}
    for e in evidence:
        key = format_quantity(e.found) if e.found else e.reason
        groups.setdefault(key, []).append(e)
    return "; ".join(f"{key} ({'; '.join(_cite(e) for e in group)})" for key, group in groups.items())


def _article_side(claim: Claim) -> str:
    shown = [format_quantity(q) for q in claim.quantities if q.kind == claim.kind]
    return ", ".join(shown) if shown else "; ".join(claim.entities) or claim.text


CALIBRATION_FILE = Path(__file__).resolve().parent / "models" / "verdict" / "calibration.json"
"""Per label, how often verdicts of that raw confidence were right on development claims
(written by `python -m factcheck.lab.calibrate_verdicts`)."""


@cache
def _calibration_table() -> dict | None:
    try:
        return json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))["labels"]
    except (OSError, ValueError, KeyError):
        return None


def calibrate(label: str, raw: float, table: dict | None = None) -> float:
    """The measured chance that a verdict of this label and raw confidence is right.

    The raw confidence is reasoned from calibrated passage scores as if sources were
    independent; this maps it through what development claims showed. Without a table
    (none shipped), the raw confidence is returned unchanged.
    """
    table = table if table is not None else _calibration_table()
    entry = (table or {}).get(str(label))
    if not entry:
        return raw
    for b in entry["bins"]:
        if b["low"] <= raw < b["high"]:
            return float(b["p"])
    return float(entry.get("smoothed", entry["accuracy"]))


def decide(claim: Claim, evidence: Sequence[Evidence], *, learned_alone: bool = False) -> Verdict:
    """The verdict on claim from its evidence, its confidence mapped to what development claims measured.

    learned_alone: whether a learned reader's agreement may settle a claim with nothing else
    behind it (only when it is the sole reader, as in the "model" ablation).
    """
    verdict = _decide(claim, evidence, learned_alone)
    return replace(verdict, confidence=calibrate(verdict.label, verdict.confidence), raw_confidence=verdict.confidence)


def _decide(claim: Claim, evidence: Sequence[Evidence], learned_alone: bool = False) -> Verdict:
    """The verdict on claim from its evidence.

    Rules: nothing speaking to the claim gives NOT_ENOUGH_INFO; only support gives
    SUPPORTED, or PARTLY_SUPPORTED when a source agrees only in part; only refutation
    gives REFUTED; both give CONFLICTING unless one side outweighs the other DOMINANCE
    times, in which case that side wins with lower confidence. Agreement that only a
    packaged learned reader sees, in fewer than LEARNED_QUORUM sources, is shown as a lead
    and not counted.
    """
    counted = _per_source(evidence)
    counted, superseded = _latest_plan(claim, counted)
    later = [e for e in evidence if e.later and e.stance is not Stance.NEUTRAL]
    pro = [e for e in counted if e.stance is Stance.SUPPORTS]
    con = [e for e in counted if e.stance is Stance.REFUTES]
    leads: list[Evidence] = []
    if pro and not learned_alone and len(pro) < LEARNED_QUORUM and all(e.judge in LEARNED_READERS for e in pro):
        leads, pro = pro, []
        counted = [e for e in counted if e not in leads]
    # Where sources put the claim's figure near, one several times off measures something else.
    # Not beside an exact match: on the development sets such a match was as often another
    # event's figure (the 35 killed in an older disaster) as the claim's, so the conflict stays shown.
    near = bool(pro) and all(e.partial for e in pro)
    aside = [e for e in con if _another_measure(claim, e)] if near else []
    con = [e for e in con if e not in aside]
    w_pro = sum(e.stance_score for e in pro)
    w_con = sum(e.stance_score for e in con)
    article = f"Article: {_article_side(claim)}."
    if not counted:
        note = f" {len(later)} later source(s) speak to it but postdate the article." if later else ""
        if leads:
            note += (
                f" A learned reader finds agreement in {'; '.join(_cite(e) for e in leads)}, but no figure,"
                " date, name or quote bears it out: a lead to check, not a verdict."
            )
        return Verdict(
            claim,
            Label.NOT_ENOUGH_INFO,
            0.5,
            "No source in the corpus confirms or contradicts this claim." + note,
            tuple(evidence),
        )
    if pro and con and max(w_pro, w_con) < DOMINANCE * min(w_pro, w_con):
        label = Label.CONFLICTING
        rationale = f"{article} Sources disagree. For: {_side(pro)}. Against: {_side(con)}."
        # The chance that both sides really say what they were read as saying.
        confidence = _noisy_or(pro) * _noisy_or(con)
        return Verdict(claim, label, confidence, rationale, tuple(evidence))
    winners = pro if w_pro >= w_con else con
    agreement = max(w_pro, w_con) / (w_pro + w_con)
    if winners is con:
        label, ending = Label.REFUTED, "refuted"
    elif _qualifying(claim, pro):
        label, ending = Label.PARTLY_SUPPORTED, "partly supported"
    else:
        label, ending = Label.SUPPORTED, "supported"
    detail = (
        next((e.reason for e in winners if e.partial), winners[0].reason) if label is Label.PARTLY_SUPPORTED else ""
    )
    losers = con if winners is pro else pro
    against = f" A minority of sources differ: {_side(losers)}." if losers else ""
    older = f" Earlier plans differed: {_side(superseded)}." if superseded else ""
    other = f" Set aside as measuring something else: {_side(aside)}." if aside else ""
    lead = f"{detail}: " if detail else ""
    rationale = f"{article} Sources: {_side(winners)}.{against}{older}{other} {lead}{ending}."
    rationale = rationale.replace(". :", ":").replace("  ", " ")
    confidence = agreement * _noisy_or(winners)
    return Verdict(claim, label, confidence, rationale[0].upper() + rationale[1:], tuple(evidence))
