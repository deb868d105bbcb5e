"""Stance engine ablation: comparator alone, trained model alone, both, the cross-encoder, on the held-out sets.

Runs `factcheck.lab.evaluate.run` (what `python -m factcheck.lab eval` runs) for each dataset and
system in one process, so the sentence encoder loads once, and prints one JSON object:
accuracy and macro-F1 per (dataset, system) beside the majority class. Predictions are
written to --out (one file per run) for bench/reliability.py.

Systems: "comparator", "model" (the frozen-feature classifier alone), "both" (comparator, then
that classifier), "crossencoder" (the fine-tuned e5 cross-encoder alone) and "both-crossencoder"
(comparator, then the cross-encoder on what it leaves open on a topical sentence). The two
cross-encoder systems read each dataset's pairs through `StanceReader.judge_many`, in batches
(the product path with FACTCHECK_STANCE_MODEL=crossencoder), and share one judge, whose cache
spares the second system the pairs the first already read; they are scored by the same
`evaluate.metrics`. The corpus sets (Colossus) go through `evaluate.run` for every system.

Splits (never trained or tuned on; see factcheck/lab/train_stance.py and train_crossencoder.py):
VitaminC test, DACCORD and Climate-FEVER test fifths, RTE3-FR test, XNLI-fr dev, the Colossus claim set.

Usage: python bench/stance_ablation.py [--datasets vitaminc daccord ...]
       [--systems comparator model both crossencoder both-crossencoder]
       [--cache data/cache/use-multilingual] [--out /tmp/ablation] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from factcheck.config import Settings  # noqa: E402
from factcheck.lab.evaluate import (  # noqa: E402
    NEUTRAL,
    STANCE_MAP,
    VERDICT_MAP,
    Prediction,
    _passage,
    _stance_key,
    metrics,
    run,
)
from factcheck.lab.train_cache import CachedEmbeddings, EmbeddingCache  # noqa: E402

DATASETS = ["vitaminc", "daccord", "rte3-fr", "xnli-fr", "climate-fever-pairs", "climate-fever", "colossus"]
SYSTEMS = ["comparator", "model", "both"]
CROSS = {"crossencoder": "model", "both-crossencoder": "both"}
"""Cross-encoder systems -> the engine mode they run in."""


def run_batched(name: str, mode: str, reader, limit: int | None) -> tuple[dict, list[Prediction]]:
    """The evaluate runners' logic for pair and claim sets, with every pair of the set read in batches."""
    from factcheck.claims import make_claim
    from factcheck.errors import InputError
    from factcheck.lab.datasets import get_dataset, load, resolve_split
    from factcheck.types import Label
    from factcheck.verdict import decide

    spec = get_dataset(name)
    items = load(name, split=resolve_split(name, None))[:limit]
    claims, groups = [], []
    for item in items:
        try:
            claim = make_claim(item.claim, item.lang, item.article_date if spec.kind == "claims" else None)
        except InputError as exc:
            claims.append(exc)
            groups.append([])
            continue
        evidence = item.evidence[:1] if spec.kind == "pairs" else item.evidence
        passages = [_passage(item, i, text) for i, text in enumerate(evidence)]
        reader.warm(claim, passages)
        claims.append(claim)
        groups.append(passages)
    flat = [(c, p) for c, ps in zip(claims, groups, strict=True) if not isinstance(c, Exception) for p in ps]
    read = []
    for start in range(0, len(flat), 256):
        read.extend(reader.judge_many(flat[start : start + 256]))
        print(f"  {name}: {len(read)}/{len(flat)} pairs read", file=sys.stderr, flush=True)
    it = iter(read)
    out = []
    for item, claim, passages in zip(items, claims, groups, strict=True):
        if spec.kind == "pairs":
            table = STANCE_MAP[name]
            if isinstance(claim, Exception):
                out.append(Prediction(item.id, item.label, table[NEUTRAL], NEUTRAL, error=str(claim)))
                continue
            evidence = next(it)
            key = _stance_key(evidence)
            out.append(Prediction(item.id, item.label, table[key], key, evidence.stance_score))
        else:
            table = VERDICT_MAP[name]
            if isinstance(claim, Exception):
                nei = Label.NOT_ENOUGH_INFO
                out.append(Prediction(item.id, item.label, table[nei], str(nei), error=str(claim)))
                continue
            verdict = decide(claim, [next(it) for _ in passages])
            out.append(Prediction(item.id, item.label, table[verdict.label], str(verdict.label), verdict.confidence))
    split = resolve_split(name, None)
    return {"split": split, "system": mode, **metrics(name, out)}, out


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
    judge = None
    for name in args.datasets:
        for system in args.systems:
            started = time.time()
            if system in CROSS:
                from factcheck.crossencoder import CrossEncoderJudge
                from factcheck.engine import StanceReader
                from factcheck.lab.datasets import get_dataset

                judge = judge or CrossEncoderJudge(batch_size=64, cache_size=100_000)
                if get_dataset(name).kind == "corpus":
                    settings = Settings(stance_model="crossencoder")
                    metrics_, predictions = run(
                        name, system=CROSS[system], limit=args.limit, embeddings=embeddings, settings=settings
                    )
                else:
                    reader = StanceReader(embeddings, CROSS[system], learned="crossencoder", crossencoder=judge)
                    metrics_, predictions = run_batched(name, CROSS[system], reader, args.limit)
            else:
                metrics_, predictions = run(name, system=system, limit=args.limit, embeddings=embeddings)
            with (args.out / f"{name}.{system}.jsonl").open("w", encoding="utf-8") as out:
                for p in predictions:
                    out.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
            row = table.setdefault(
                name, {"n": metrics_["n"], "split": metrics_["split"], "majority": metrics_["majority_baseline"]}
            )
            row[system] = {
                "accuracy": metrics_["accuracy"],
                "macro_f1": metrics_["macro_f1"],
                "seconds": round(time.time() - started, 1),
            }
            print(json.dumps({name: row}), file=sys.stderr, flush=True)
    print(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
