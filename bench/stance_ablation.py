"""Ablation of the stance engine: comparator alone, trained model alone, both, on every held-out set.

Runs `factcheck.lab.evaluate.run` (what `python -m factcheck.lab eval` runs) for each dataset and
system in one process, so the sentence encoder loads once, and prints one JSON object:
accuracy and macro-F1 per (dataset, system) beside the majority class. Predictions are
written to --out (one file per run) for bench/reliability.py.

Splits (never trained or tuned on; see factcheck/train_stance.py): VitaminC test,
DACCORD and Climate-FEVER test fifths, RTE3-FR test, XNLI-fr dev, the Colossus claim set.

Usage: python bench/stance_ablation.py [--datasets vitaminc daccord ...] [--systems comparator model both]
       [--cache data/cache/use-multilingual] [--out /tmp/ablation] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from factcheck.lab.evaluate import run  # noqa: E402
from factcheck.lab.train_cache import CachedEmbeddings, EmbeddingCache  # noqa: E402

DATASETS = ["vitaminc", "daccord", "rte3-fr", "xnli-fr", "climate-fever-pairs", "climate-fever", "colossus"]
SYSTEMS = ["comparator", "model", "both"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", nargs="+", default=DATASETS)
    parser.add_argument("--systems", nargs="+", default=SYSTEMS)
    parser.add_argument("--cache", type=Path, default=ROOT / "data" / "cache" / "use-multilingual")
    parser.add_argument("--out", type=Path, default=Path("/tmp/ablation"))
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    embeddings = CachedEmbeddings(EmbeddingCache(args.cache))
    table: dict[str, dict] = {}
    for name in args.datasets:
        for system in args.systems:
            started = time.time()
            metrics, predictions = run(name, system=system, limit=args.limit, embeddings=embeddings)
            with (args.out / f"{name}.{system}.jsonl").open("w", encoding="utf-8") as out:
                for p in predictions:
                    out.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
            row = table.setdefault(
                name, {"n": metrics["n"], "split": metrics["split"], "majority": metrics["majority_baseline"]}
            )
            row[system] = {
                "accuracy": metrics["accuracy"],
                "macro_f1": metrics["macro_f1"],
                "seconds": round(time.time() - started, 1),
            }
            print(json.dumps({name: row}), file=sys.stderr, flush=True)
    print(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
