"""The frozen-feature stance model on the held-out contrastive pairs the cross-encoder is scored on.

The same 300 pairs as `factcheck.lab.train_crossencoder` (generated from the test fifths'
supporting pairs, seed 14), featurised as `train_stance` does, scored as the cross-encoder's
`meta.json` is: accuracy and macro-F1 over the gold labels present (refutes, neutral).

Usage: python bench/contrastive_features.py [--cache data/cache/use-multilingual]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from factcheck.lab import train_stance
from factcheck.lab.datasets import BENCHMARKS_DIR
from factcheck.lab.pairs import macro_f1
from factcheck.lab.train_cache import EmbeddingCache
from factcheck.lab.train_crossencoder import gather
from factcheck.stance_model import LABELS, StanceModel

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=ROOT / "data" / "cache" / "use-multilingual")
    args = parser.parse_args()
    _, _, test = gather(BENCHMARKS_DIR, seed=14, cf_nei=0.25, sick=0, dev_cf=200)
    pairs = test["contrastive"]
    x = train_stance.featurise(pairs, EmbeddingCache(args.cache))
    model = StanceModel.load()
    pred = [LABELS.index(s) for s, _ in model.decide(model.probabilities(x))]
    gold = pairs.targets
    labels = tuple(sorted(set(gold)))
    print(
        json.dumps(
            {
                "n": len(gold),
                "gold": dict(Counter(str(LABELS[g]) for g in gold)),
                "predicted": dict(Counter(str(LABELS[p]) for p in pred)),
                "accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold), 3),
                "macro_f1": round(macro_f1(gold, pred, labels), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
