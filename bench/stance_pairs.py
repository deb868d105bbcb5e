"""Stance accuracy of the comparator on hand-labelled claim/evidence pairs. Prints JSON.

Each pair in bench/data/stance_pairs.jsonl is judged as if the evidence sentence were a
retrieved passage: supports, partly, refutes or neutral (a SUPPORTS reading with
`partial` set counts as "partly"). Majority-class accuracy is printed beside it.

Usage: python bench/stance_pairs.py [--embedder use-multilingual] [--show-errors]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from factcheck.claims import detect_language, make_claim  # noqa: E402
from factcheck.embeddings import embedding_similarity, get_embedder  # noqa: E402
from factcheck.errors import InputError  # noqa: E402
from factcheck.lab.evaluate import scores  # noqa: E402
from factcheck.stance import ComparatorStance  # noqa: E402
from factcheck.types import Passage  # noqa: E402

LABELS = ["supports", "partly", "refutes", "neutral"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data" / "stance_pairs.jsonl")
    parser.add_argument("--embedder", default="use-multilingual")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    embeddings = get_embedder(args.embedder)
    judge = ComparatorStance(embedding_similarity(embeddings), topical=getattr(embeddings, "topical", 0.3))
    gold, pred, errors = [], [], []
    for row in rows:
        claim = make_claim(row["claim"], row["lang"])
        try:
            evidence_lang = detect_language(row["evidence"])
        except InputError:
            evidence_lang = "en"
        passage = Passage("pair", "pair", "", "", "", None, evidence_lang, row["evidence"], 1.0)
        e = judge.judge(claim, passage)
        label = "partly" if (e.partial and e.stance.value == "supports") else e.stance.value
        gold.append(row["label"])
        pred.append(label)
        if label != row["label"]:
            errors.append({"id": row["id"], "gold": row["label"], "predicted": label, "reason": e.reason})
    n = len(rows)
    majority = Counter(gold).most_common(1)[0]
    result = {
        "n": n,
        **scores(gold, pred, LABELS),
        "majority_class": {"label": majority[0], "accuracy": round(majority[1] / n, 3)},
        "confusion": {g: dict(Counter(p for gg, p in zip(gold, pred, strict=True) if gg == g)) for g in LABELS},
    }
    if args.show_errors:
        result["errors"] = errors
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
