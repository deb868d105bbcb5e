"""Exact-normalisation accuracy of factcheck.quantities on bench/data/quantities.jsonl. Prints JSON.

A line counts as right when the parser returns the same number of quantities and each,
in order, has the expected kind, unit, hedge and value (relative 1e-3; dates as equal
strings; `upper` for ranges).

Usage: python bench/quantities.py [--show-errors]
"""

from __future__ import annotations

import argparse
import json
import math
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from factcheck.quantities import parse_quantities  # noqa: E402


def same(got, expected: dict) -> bool:
    if (got.kind, got.unit, got.approx) != (expected["kind"], expected["unit"], expected["approx"]):
        return False
    if isinstance(expected["value"], str) or isinstance(got.value, str):
        return str(got.value) == str(expected["value"])
    if not math.isclose(float(got.value), float(expected["value"]), rel_tol=1e-3):
        return False
    upper = expected.get("upper")
    return upper is None or (got.upper is not None and math.isclose(got.upper, upper, rel_tol=1e-3))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data" / "quantities.jsonl")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_lang: dict[str, list[bool]] = {}
    errors = []
    for row in rows:
        ref = date.fromisoformat(row["ref_date"]) if row.get("ref_date") else None
        got = parse_quantities(row["text"], row["lang"], ref)
        ok = len(got) == len(row["expected"]) and all(same(g, e) for g, e in zip(got, row["expected"], strict=False))
        by_lang.setdefault(row["lang"], []).append(ok)
        if not ok:
            errors.append({"id": row["id"], "text": row["text"], "got": [q.to_dict() for q in got]})
    result = {
        "n": len(rows),
        "exact": round(sum(sum(v) for v in by_lang.values()) / len(rows), 4),
        "by_language": {lang: {"n": len(v), "exact": round(sum(v) / len(v), 4)} for lang, v in sorted(by_lang.items())},
    }
    if args.show_errors:
        result["errors"] = errors
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
