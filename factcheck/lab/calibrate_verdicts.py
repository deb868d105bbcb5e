"""`python -m factcheck.lab.calibrate_verdicts`: claim-level confidence measured on development claims.

A verdict's raw confidence is reasoned from calibrated passage scores, but sources are not
independent and the rules that turn stances into a label make their own mistakes, so the
raw number is not itself a probability. This fits, per label, how often verdicts of that
label and raw confidence were right on the development claims (our out-of-topic set and
the Colossus set), writes the table the product applies (factcheck/models/verdict), and
reports the reliability table and expected calibration error on the held-out claims,
before and after, without fitting on them.

    python -m factcheck.lab eval jwst --predictions dev1.jsonl
    python -m factcheck.lab eval colossus --predictions dev2.jsonl
    python -m factcheck.lab eval keybridge --predictions heldout.jsonl
    python -m factcheck.lab.calibrate_verdicts --dev dev1.jsonl dev2.jsonl --heldout heldout.jsonl
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from factcheck.lab.evaluate import calibration_error, reliability_bins
from factcheck.verdict import CALIBRATION_FILE, calibrate

MIN_PER_BIN = 8
"""Fewer development verdicts than this in a bin and the bin is merged with its neighbour."""
PRIOR = 2.0
"""Pseudo-counts pulling each bin's accuracy toward its label's, and each label's toward all verdicts'."""


def read(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("confidence") is not None and not row.get("error"):
                # Fit and measure on the confidence before calibration, whatever table was in place.
                row["confidence"] = row.get("raw_confidence", row["confidence"])
                rows.append(row)
    return rows


def fit(rows: list[dict], edges: tuple[float, ...] = (0.0, 0.5, 0.7, 0.9, 1.01)) -> dict:
    """Per label, bins of raw confidence with the smoothed share of right verdicts in each."""
    by_label: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for r in rows:
        by_label[r["raw"]].append((float(r["confidence"]), r["gold"] == r["predicted"]))
    table = {}
    everything = [ok for items in by_label.values() for _, ok in items]
    prior = sum(everything) / len(everything)
    for label, items in by_label.items():
        # A label's accuracy is itself pulled toward the accuracy of all verdicts (few CONFLICTING).
        overall = (sum(ok for _, ok in items) + PRIOR * prior) / (len(items) + PRIOR)
        bins: list[list[tuple[float, bool]]] = [[] for _ in edges[:-1]]
        for conf, ok in items:
            index = max(i for i in range(len(edges) - 1) if conf >= edges[i])
            bins[index].append((conf, ok))
        merged: list[tuple[float, float, list]] = []
        for i, b in enumerate(bins):
            if merged and len(merged[-1][2]) < MIN_PER_BIN:
                lo, _, prev = merged.pop()
                merged.append((lo, edges[i + 1], prev + b))
            else:
                merged.append((edges[i], edges[i + 1], b))
        if len(merged) > 1 and len(merged[-1][2]) < MIN_PER_BIN:
            _, hi, last = merged.pop()
            lo, _, prev = merged.pop()
            merged.append((lo, hi, prev + last))
        table[label] = {
            "n": len(items),
            "accuracy": round(sum(ok for _, ok in items) / len(items), 3),
            "smoothed": round(overall, 3),
            "bins": [
                {
                    "low": lo,
                    "high": hi,
                    "n": len(b),
                    "p": round(
                        overall if len(merged) == 1 else (sum(ok for _, ok in b) + PRIOR * overall) / (len(b) + PRIOR),
                        3,
                    ),
                }
                for lo, hi, b in merged
            ],
        }
    return table


def report(rows: list[dict], table: dict | None) -> dict:
    conf = [calibrate(r["raw"], float(r["confidence"]), table) if table else float(r["confidence"]) for r in rows]
    correct = [r["gold"] == r["predicted"] for r in rows]
    bins = reliability_bins(list(zip(conf, correct, strict=True)))
    return {
        "n": len(rows),
        "accuracy": round(sum(correct) / len(rows), 3) if rows else None,
        "ece": calibration_error(bins) if rows else None,
        "bins": bins,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, nargs="+", required=True, help="prediction files to fit on")
    parser.add_argument("--heldout", type=Path, nargs="*", default=[], help="prediction files only measured")
    parser.add_argument("--out", type=Path, default=CALIBRATION_FILE)
    args = parser.parse_args(argv)
    dev, heldout = read(args.dev), read(args.heldout)
    table = fit(dev)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"fitted_on": [p.name for p in args.dev], "labels": table}, indent=2) + "\n", encoding="utf-8"
    )
    print(
        json.dumps(
            {
                "dev_raw": report(dev, None),
                "dev_calibrated": report(dev, table),
                "heldout_raw": report(heldout, None) if heldout else None,
                "heldout_calibrated": report(heldout, table) if heldout else None,
                "table": table,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
