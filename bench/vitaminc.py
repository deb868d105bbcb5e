"""Stance on the VitaminC sample (../shared/benchmarks/vitaminc-sample). Prints JSON.

Each pair is a claim and one gold evidence sentence, labelled supports, refutes or
"not enough info". factcheck's comparator reads the pair as a one-sentence passage;
a refutation or a partial match (a different figure) maps to refutes, a neutral reading
to "not enough info".

Two systems are scored on test.jsonl, beside the majority class:
- `comparator`: the comparator alone, as the product runs it.
- `comparator+similarity`: where the comparator is neutral, a pair whose claim and
  evidence are at least `threshold` similar is called supports. The threshold is chosen
  on the train_*.jsonl files only (best accuracy there), never on test.

Usage: python bench/vitaminc.py [--path ../shared/benchmarks/vitaminc-sample] [--embedder use-multilingual]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from factcheck.claims import make_claim  # noqa: E402
from factcheck.embeddings import embedding_similarity, get_embedder  # noqa: E402
from factcheck.lab.evaluate import scores  # noqa: E402
from factcheck.stance import ComparatorStance  # noqa: E402
from factcheck.types import Passage  # noqa: E402

LABELS = ["supports", "refutes", "not enough info"]


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def comparator_labels(rows: list[dict], judge: ComparatorStance, similarity) -> list[tuple[str, float]]:
    out = []
    for row in rows:
        claim = make_claim(row["claim"], "en")
        passage = Passage("pair", "pair", "", "", "", None, "en", row["evidence"], 1.0)
        e = judge.judge(claim, passage)
        if e.stance.value == "refutes" or (e.stance.value == "supports" and e.partial):
            label = "refutes"
        elif e.stance.value == "supports":
            label = "supports"
        else:
            label = "not enough info"
        out.append((label, similarity(row["claim"], [row["evidence"]])[0]))
    return out


def with_fallback(readings: list[tuple[str, float]], threshold: float) -> list[str]:
    return [
        label if label != "not enough info" else ("supports" if sim >= threshold else label) for label, sim in readings
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--path", type=Path, default=ROOT.parent / "shared" / "benchmarks" / "vitaminc-sample")
    parser.add_argument("--embedder", default="use-multilingual")
    args = parser.parse_args()
    embeddings = get_embedder(args.embedder)
    similarity = embedding_similarity(embeddings)
    judge = ComparatorStance(similarity, topical=getattr(embeddings, "topical", 0.3))
    train = [row for p in sorted(args.path.glob("train_*.jsonl")) for row in read(p)]
    train = list({row["id"]: row for row in train}.values())
    test = read(args.path / "test.jsonl")
    train_readings = comparator_labels(train, judge, similarity)
    train_gold = [r["label"] for r in train]
    grid = [round(0.05 * i, 2) for i in range(21)]
    threshold = max(grid, key=lambda t: (scores(train_gold, with_fallback(train_readings, t), LABELS)["accuracy"], -t))
    readings = comparator_labels(test, judge, similarity)
    gold = [r["label"] for r in test]
    majority = Counter(gold).most_common(1)[0]
    result = {
        "n": len(test),
        "majority_class": {"label": majority[0], "accuracy": round(majority[1] / len(test), 3)},
        "comparator": scores(gold, [label for label, _ in readings], LABELS),
        "comparator+similarity": {
            "threshold_from_train": threshold,
            "train_accuracy": scores(train_gold, with_fallback(train_readings, threshold), LABELS)["accuracy"],
            **scores(gold, with_fallback(readings, threshold), LABELS),
        },
        "comparator_decided": sum(label != "not enough info" for label, _ in readings),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
