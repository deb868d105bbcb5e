"""Score factcheck on the benchmarks: run the product's own stages on each item, then the metrics.

Three runners, by what a dataset gives:
- pairs (VitaminC, DACCORD, XNLI-fr, RTE3-fr, SICK, Climate-FEVER pairs): one evidence
  text per claim; the stance reader the product uses reads it.
- claims with evidence (Climate-FEVER, AVeriTeC): several gold evidence texts per claim;
  each is read, then `verdict.decide` gives the claim-level label.
- claims alone (Colossus, FEVER): the product path, retrieval from the configured corpus.

The product's labels become the dataset's through one table per dataset (STANCE_MAP,
VERDICT_MAP), so what a benchmark calls "neutral" or "DISPUTED" is decided in one place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factcheck.config import Settings
from factcheck.errors import ConfigError, InputError
from factcheck.lab.datasets import OWN_CORPUS_SETS, Item, default_path, get_dataset, load, resolve_split
from factcheck.types import Label, Passage

SYSTEMS = ("comparator", "model", "both")

Progress = Callable[[int, int], None]
"""progress(done, total), called after each item."""

# A stance reading, as a key of STANCE_MAP: the Stance value, with a partial support apart.
SUPPORTS, PARTLY, REFUTES, NEUTRAL = "supports", "partly", "refutes", "neutral"

STANCE_MAP: dict[str, dict[str, str]] = {
    # VitaminC's "refutes" includes a different figure, which the comparator reads as partial support.
    "vitaminc": {SUPPORTS: "supports", PARTLY: "refutes", REFUTES: "refutes", NEUTRAL: "not enough info"},
    # DACCORD is binary: "compatibles" only means no contradiction, so neutral and support both land there.
    "daccord": {SUPPORTS: "compatibles", PARTLY: "compatibles", REFUTES: "contradiction", NEUTRAL: "compatibles"},
    "xnli-fr": {SUPPORTS: "entailment", PARTLY: "entailment", REFUTES: "contradiction", NEUTRAL: "neutral"},
    "rte3-fr": {SUPPORTS: "entailment", PARTLY: "entailment", REFUTES: "contradiction", NEUTRAL: "neutral"},
    "sick": {SUPPORTS: "ENTAILMENT", PARTLY: "ENTAILMENT", REFUTES: "CONTRADICTION", NEUTRAL: "NEUTRAL"},
    "climate-fever-pairs": {
        SUPPORTS: "SUPPORTS",
        PARTLY: "SUPPORTS",
        REFUTES: "REFUTES",
        NEUTRAL: "NOT_ENOUGH_INFO",
    },
}
"""Pair datasets: the stance reading -> the dataset's label."""

VERDICT_MAP: dict[str, dict[Label, str]] = {
    "climate-fever": {
        Label.SUPPORTED: "SUPPORTS",
        Label.PARTLY_SUPPORTED: "SUPPORTS",
        Label.REFUTED: "REFUTES",
        Label.CONFLICTING: "DISPUTED",
        Label.NOT_ENOUGH_INFO: "NOT_ENOUGH_INFO",
    },
    "averitec": {
        Label.SUPPORTED: "Supported",
        Label.PARTLY_SUPPORTED: "Supported",
        Label.REFUTED: "Refuted",
        Label.CONFLICTING: "Conflicting Evidence/Cherrypicking",
        Label.NOT_ENOUGH_INFO: "Not Enough Evidence",
    },
    # FEVER has no "conflicting": sources that disagree settle nothing, which FEVER calls not enough info.
    "fever": {
        Label.SUPPORTED: "supported",
        Label.PARTLY_SUPPORTED: "supported",
        Label.REFUTED: "refuted",
        Label.CONFLICTING: "not enough info",
        Label.NOT_ENOUGH_INFO: "not enough info",
    },
    "colossus": {label: str(label) for label in Label},
    **{name: {label: str(label) for label in Label} for name in OWN_CORPUS_SETS},
}
"""Claim-level datasets: the verdict label -> the dataset's label."""


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the system said about one item, in the dataset's labels and in its own."""

    id: str
    gold: str
    predicted: str
    raw: str
    """The product's own reading: a stance ("supports", "partly", ...) or a verdict label."""
    confidence: float | None = None
    error: str = ""
    """Why the claim could not be read (make_claim refused it); the neutral label was predicted."""
    raw_confidence: float | None = None
    """For verdicts: the confidence before claim-level calibration (what calibrate_verdicts fits)."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "gold": self.gold, "predicted": self.predicted, "raw": self.raw}
        if self.confidence is not None:
            data["confidence"] = round(self.confidence, 3)
        if self.raw_confidence is not None:
            data["raw_confidence"] = round(self.raw_confidence, 3)
        if self.error:
            data["error"] = self.error
        return data


# --- metrics --------------------------------------------------------------------------------


def scores(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, per-label precision/recall/F1 and their macro-F1.

    A label that is neither in gold nor predicted (a small --limit) has no F1 and is left
    out of the average; its entry is None. A label predicted but never gold scores 0.
    A label with gold items but never predicted right scores 0.

    Raises:
        ValueError: if gold and predicted differ in length or are empty.
    """
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    if not gold:
        raise ValueError("no items to score")
    pairs = list(zip(gold, predicted, strict=True))
    per_label: dict[str, dict[str, Any] | None] = {}
    for lab in labels:
        tp = sum(g == p == lab for g, p in pairs)
        fp = sum(p == lab != g for g, p in pairs)
        fn = sum(g == lab != p for g, p in pairs)
        if tp + fp + fn == 0:
            per_label[lab] = None
            continue
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn)
        per_label[lab] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "support": tp + fn,
        }
    f1s = [v["f1"] for v in per_label.values() if v is not None]
    return {
        "accuracy": round(sum(g == p for g, p in pairs) / len(pairs), 3),
        "macro_f1": round(sum(f1s) / len(f1s), 3),
        "per_label": per_label,
    }


def majority_baseline(gold: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """The score of always answering the most common gold label of these same items.

    Ties go to the label listed first in `labels`, so the baseline does not depend on item order.
    """
    counts = Counter(gold)
    label = max(labels, key=lambda lab: (counts[lab], -labels.index(lab)))
    s = scores(gold, [label] * len(gold), labels)
    return {"label": label, "accuracy": s["accuracy"], "macro_f1": s["macro_f1"]}


def reliability_bins(rows: Sequence[tuple[float, bool]], bins: int = 10) -> list[dict[str, Any]]:
    """Stated confidence against the share right, in equal-width bins (empty bins left out).

    rows: (confidence, whether the prediction was right). A confidence of 1.0 falls in the last bin.
    """
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(p, ok) for p, ok in rows if lo <= p < hi or (b == bins - 1 and p >= 1.0)]
        if inside:
            out.append(
                {
                    "bin": f"{lo:.1f}-{hi:.1f}",
                    "n": len(inside),
                    "confidence": round(sum(p for p, _ in inside) / len(inside), 3),
                    "accuracy": round(sum(ok for _, ok in inside) / len(inside), 3),
                }
            )
    return out


def calibration_error(table: Sequence[dict[str, Any]]) -> float:
    """Expected calibration error: the gap between confidence and share right, weighted by bin size."""
    n = sum(r["n"] for r in table)
    return round(sum(r["n"] * abs(r["confidence"] - r["accuracy"]) for r in table) / max(1, n), 3)


def confusion(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, dict[str, int]]:
    """gold label -> predicted label -> count, every label present so rows line up."""
    table = {g: dict.fromkeys(labels, 0) for g in labels}
    for g, p in zip(gold, predicted, strict=True):
        table[g][p] += 1
    return table


def metrics(name: str, predictions: Sequence[Prediction]) -> dict[str, Any]:
    """Scores, majority baseline and confusion over the dataset's label set."""
    labels = list(get_dataset(name).labels)
    gold = [p.gold for p in predictions]
    predicted = [p.predicted for p in predictions]
    return {
        "n": len(predictions),
        **scores(gold, predicted, labels),
        "majority_baseline": majority_baseline(gold, labels),
        "labels": labels,
        "confusion": confusion(gold, predicted, labels),
        "unreadable": sum(bool(p.error) for p in predictions),
    }


# --- runners --------------------------------------------------------------------------------


def _stance_key(evidence) -> str:
    stance = str(evidence.stance)
    return PARTLY if stance == SUPPORTS and evidence.partial else stance


def _passage(item: Item, i: int, text: str) -> Passage:
    return Passage(
        source_id=f"{item.id}#{i}",
        chunk_id=f"{item.id}#{i}",
        title="",
        publisher="",
        url="",
        published=None,
        language=item.lang,
        text=text,
        score=1.0,
    )


def _stance_reader(settings: Settings, system: str, embeddings):
    """The reader the product would build: the same embedder, mode and configured judges."""
    from factcheck.embeddings import get_embedder
    from factcheck.engine import make_stance

    embeddings = embeddings or get_embedder(settings.embedder)
    if settings.nli_model or settings.llm:
        from factcheck.judges import load_judges

        judges = load_judges(settings.nli_model, settings.llm)
        return make_stance(
            embeddings, mode=system, judges=judges, learned=settings.stance_model, frames=settings.frames
        )
    return make_stance(embeddings, mode=system, learned=settings.stance_model, frames=settings.frames)


def _run_pairs(
    name: str, items: Sequence[Item], settings: Settings, system: str, embeddings, progress: Progress | None
) -> list[Prediction]:
    from factcheck.claims import make_claim

    table = STANCE_MAP[name]
    reader = _stance_reader(settings, system, embeddings)
    out = []
    for done, item in enumerate(items, 1):
        try:
            claim = make_claim(item.claim, item.lang)
        except InputError as exc:
            out.append(Prediction(item.id, item.label, table[NEUTRAL], NEUTRAL, error=str(exc)))
        else:
            passage = _passage(item, 0, item.evidence[0])
            reader.warm(claim, [passage])
            evidence = reader.judge(claim, passage, item.article_date)
            key = _stance_key(evidence)
            out.append(Prediction(item.id, item.label, table[key], key, evidence.stance_score))
        if progress:
            progress(done, len(items))
    return out


def _run_claims(
    name: str, items: Sequence[Item], settings: Settings, system: str, embeddings, progress: Progress | None
) -> list[Prediction]:
    from factcheck.claims import make_claim
    from factcheck.verdict import decide

    table = VERDICT_MAP[name]
    reader = _stance_reader(settings, system, embeddings)
    out = []
    for done, item in enumerate(items, 1):
        try:
            claim = make_claim(item.claim, item.lang, item.article_date)
        except InputError as exc:
            nei = Label.NOT_ENOUGH_INFO
            out.append(Prediction(item.id, item.label, table[nei], str(nei), error=str(exc)))
        else:
            # Each gold text is its own source: decide() counts one reading per source.
            passages = [_passage(item, i, text) for i, text in enumerate(item.evidence)]
            reader.warm(claim, passages)
            evidence = [reader.judge(claim, p, item.article_date) for p in passages]
            verdict = decide(claim, evidence, learned_alone=system == "model")
            out.append(_verdict_prediction(item, table, verdict))
        if progress:
            progress(done, len(items))
    return out


def _verdict_prediction(item: Item, table: dict, verdict) -> Prediction:
    return Prediction(
        item.id,
        item.label,
        table[verdict.label],
        str(verdict.label),
        verdict.confidence,
        raw_confidence=verdict.raw_confidence,
    )


def _corpus_of(name: str, settings: Settings) -> Path:
    """The corpus a claim set is checked against: its own for our out-of-topic sets, else the configured one."""
    return default_path(name) / "corpus" if name in OWN_CORPUS_SETS else settings.corpus_dir


def _run_corpus(
    name: str, items: Sequence[Item], settings: Settings, system: str, embeddings, progress: Progress | None
) -> list[Prediction]:
    from factcheck.checker import FactChecker

    table = VERDICT_MAP[name]
    update: dict[str, Any] = {"stance": system}
    if name in OWN_CORPUS_SETS:  # checked against its own corpus, in a collection of its own
        update |= {"corpus_dir": _corpus_of(name, settings), "collection": f"eval-{name}"}
    checker = FactChecker(settings.model_copy(update=update), embeddings=embeddings)
    checker.ensure_index()
    out = []
    for done, item in enumerate(items, 1):
        try:
            verdict = checker.verify([item.claim], item.lang, item.article_date)[0]
        except InputError as exc:
            nei = Label.NOT_ENOUGH_INFO
            out.append(Prediction(item.id, item.label, table[nei], str(nei), error=str(exc)))
        else:
            out.append(_verdict_prediction(item, table, verdict))
        if progress:
            progress(done, len(items))
    return out


_RUNNERS = {"pairs": _run_pairs, "claims": _run_claims, "corpus": _run_corpus}


def run(
    name: str,
    path: Path | str | None = None,
    split: str | None = None,
    system: str | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
    *,
    settings: Settings | None = None,
    embeddings=None,
) -> tuple[dict[str, Any], list[Prediction]]:
    """Run factcheck over one split of a benchmark and score it.

    Args:
        name: a dataset of factcheck.lab.datasets.DATASETS.
        path: its folder or file; the default location when None.
        split: which split; the dataset's default (test where there is one) when None.
        system: the stance reader: "comparator", "model" or "both"; settings.stance when None.
        limit: score only the first `limit` items of the split.
        progress: called with (done, total) after each item.
        settings: embedder, corpus and store; Settings() when None.
        embeddings: an embedder to use instead of the one settings name (tests pass a fake).

    Returns:
        The metrics (with the run's description) and one Prediction per item.

    Raises:
        ConfigError: unknown dataset, split or system, or a limit below 1.
        InputError: the dataset's files are missing or malformed, or the split is empty.
        CorpusError, StoreError: for the corpus datasets, when the index cannot be built.
    """
    spec = get_dataset(name)
    settings = settings or Settings()
    system = system or settings.stance
    if system not in SYSTEMS:
        raise ConfigError(f"Unknown system {system!r}; choose one of: {', '.join(SYSTEMS)}.")
    if limit is not None and limit < 1:
        raise ConfigError(f"--limit must be at least 1, not {limit}.")
    split = resolve_split(name, split)
    path = Path(path) if path is not None else default_path(name)
    items = load(name, path, split)
    if limit is not None:
        items = items[:limit]
    if not items:
        raise InputError(f"{path}: the {split} split of {name} holds no items.")
    predictions = _RUNNERS[spec.kind](name, items, settings, system, embeddings, progress)
    described = {
        "dataset": name,
        "split": split,
        "system": system,
        "path": str(path),
        "limit": limit,
        "embedder": getattr(embeddings, "name", type(embeddings).__name__) if embeddings else settings.embedder,
        "judges": [j for j in (settings.nli_model, settings.llm) if j],
        "evidence": {
            "pairs": "gold: the dataset's evidence text of each pair",
            "claims": "gold: the dataset's evidence texts of each claim",
            "corpus": f"retrieved from the corpus {_corpus_of(name, settings)}; the dataset gives none",
        }[spec.kind],
    }
    return {**described, **metrics(name, predictions)}, predictions
