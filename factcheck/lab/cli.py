"""`python -m factcheck.lab`: the lab's commands (benchmarks, training), apart from the product CLI.

The product (`python -m factcheck`) never imports this package; it reads benchmark folders
outside the repository and trains models, which an installed factcheck has no use for.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from factcheck.cli import _Parser, run
from factcheck.errors import InputError
from factcheck.lab.datasets import DATASETS


def _item_progress(desc: str):
    """A tqdm bar over benchmark items on an interactive terminal, nothing otherwise."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(desc=desc, unit="item", file=sys.stderr, leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def _metrics_text(m: dict) -> str:
    """A short table: the headline scores, the baseline, then P/R/F1 per label."""
    base = m["majority_baseline"]
    lines = [
        f"{m['dataset']} ({m['split']}), system {m['system']}, n={m['n']}, evidence: {m['evidence'].split(':')[0]}",
        f"accuracy {m['accuracy']:.3f}   macro-F1 {m['macro_f1']:.3f}   "
        f"majority baseline ({base['label']}): accuracy {base['accuracy']:.3f}, macro-F1 {base['macro_f1']:.3f}",
    ]
    width = max(len(label) for label in m["labels"])
    lines.append(f"{'label':<{width}}  {'P':>5}  {'R':>5}  {'F1':>5}  {'n':>5}")
    for label in m["labels"]:
        s = m["per_label"][label]
        if s is None:
            lines.append(f"{label:<{width}}  {'-':>5}  {'-':>5}  {'-':>5}  {0:>5}")
        else:
            lines.append(
                f"{label:<{width}}  {s['precision']:>5.3f}  {s['recall']:>5.3f}  {s['f1']:>5.3f}  {s['support']:>5}"
            )
    if m["unreadable"]:
        lines.append(f"{m['unreadable']} claim(s) could not be read and were given the neutral label.")
    return "\n".join(lines)


def _cached_embedder(directory: Path | None):
    """The default embedder answering from a text-keyed disk cache (the one train_stance fills)."""
    if directory is None:
        return None
    from factcheck.config import Settings
    from factcheck.lab.train_cache import CachedEmbeddings, EmbeddingCache

    embedder = Settings().embedder
    if embedder != CachedEmbeddings.name:
        raise InputError(f"--embedding-cache holds {CachedEmbeddings.name} vectors; the embedder is {embedder}.")
    return CachedEmbeddings(EmbeddingCache(directory))


def cmd_eval(args: argparse.Namespace) -> None:
    from factcheck.lab.datasets import default_path
    from factcheck.lab.evaluate import run

    if args.predictions is not None and not args.predictions.parent.is_dir():
        raise InputError(f"{args.predictions}: its folder does not exist.")
    metrics, predictions = run(
        args.dataset,
        args.path if args.path is not None else default_path(args.dataset, args.benchmarks),
        args.split,
        system=args.system,
        limit=args.limit,
        progress=_item_progress(f"eval {args.dataset}"),
        embeddings=_cached_embedder(args.embedding_cache),
    )
    if args.predictions is not None:
        with args.predictions.open("w", encoding="utf-8") as out:
            for p in predictions:
                out.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    if args.format == "text":
        print(_metrics_text(metrics))
    else:
        print(json.dumps(metrics, ensure_ascii=False, indent=2))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m factcheck.lab", description="Benchmarks and training for factcheck.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("eval", help="score factcheck on a benchmark (prints metrics JSON)")
    p.add_argument("dataset", choices=list(DATASETS), help="which benchmark")
    p.add_argument(
        "--path",
        type=Path,
        default=None,
        help="the benchmark's folder or file (default: <benchmarks>/<folder>, bench/data for colossus)",
    )
    p.add_argument(
        "--benchmarks",
        type=Path,
        default=None,
        metavar="DIR",
        help="the folder holding the public benchmarks (default: FACTCHECK_BENCHMARKS_DIR, else ../shared/benchmarks)",
    )
    p.add_argument("--split", default=None, help="which split (default: test where the set has one)")
    p.add_argument("--predictions", type=Path, default=None, help="write one JSON line per item to this file")
    p.add_argument("--format", choices=["json", "text"], default="json")
    p.add_argument("--limit", type=int, default=None, help="score only the first N items of the split")
    p.add_argument(
        "--system",
        choices=["comparator", "model", "both"],
        default=None,
        help="the stance reader (default: FACTCHECK_STANCE, else both)",
    )
    p.add_argument(
        "--embedding-cache",
        type=Path,
        default=None,
        help="reuse and extend a disk cache of sentence vectors (data/cache/use-multilingual): same figures, faster",
    )
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    return run(build_parser(), argv)
