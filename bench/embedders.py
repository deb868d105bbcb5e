"""Which embedder, and which fusion, find the right sources for French and English claims? Prints JSON.

Indexes corpus/ once per embedder into a throw-away Chroma folder and measures, over the
labelled claims in bench/data/retrieval_claims.jsonl:
  hit@5     share of claims with at least one relevant source among the top 5 passages
  recall@5  mean share of a claim's relevant sources found in the top 5 (capped at 5)
  mrr       mean reciprocal rank of the first relevant passage (top 20)
split by claim language, for the product's Retriever: dense alone, hybrid with plain
reciprocal rank fusion (k 60, BM25 weight 1, pool 20: the fusion before it was weighted)
and hybrid with the product's defaults (factcheck.retrieval.Fusion()). Every run
collapses copies as the product does; a passage's copies count as the sources that
published them.

These 75 claims are a dev set: the fusion defaults were chosen partly on them (with
Climate-FEVER train+dev, bench/climate_fever_retrieval.py), so their figures are not a
held-out estimate.

--grid also scores a grid of fusion settings (rank constant, BM25 weight, cross-lingual
factor, pool) for the first embedder, on candidates fetched once per claim.

Usage: python bench/embedders.py [--embedders use-multilingual,e5-small,minilm] [--grid]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from factcheck.config import Settings  # noqa: E402
from factcheck.corpus import load_corpus  # noqa: E402
from factcheck.embeddings import get_embedder  # noqa: E402
from factcheck.retrieval import Fusion, Retriever, hybrid_rank  # noqa: E402
from factcheck.store import VectorStore, make_client  # noqa: E402
from factcheck.types import Passage  # noqa: E402

PLAIN = Fusion(k=60, lexical=1.0, cross_lingual=1.0, share_power=0.0, pool=20)
GRID_K = (2, 5, 10, 20, 30, 60, 100)
GRID_LEXICAL = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.25, 1.5, 2.0)
GRID_CROSS = (0.0, 0.5, 1.0)
GRID_SHARE = (0.0, 0.5, 1.0, 2.0)
GRID_POOL = (10, 20, 50)


def load_claims(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def sources_of(passages: list[Passage], publications: dict[str, set[str]]) -> list[set[str]]:
    """The source ids each passage stands for: its own and those of its copies."""
    return [{p.source_id} | {s for c in p.copies for s in publications.get(c, ())} for p in passages]


def score(
    rank: Callable[[str], list[Passage]], claims: list[dict], publications: dict[str, set[str]], k: int = 5
) -> dict[str, dict[str, float]]:
    by_lang: dict[str, list[tuple[float, float, float]]] = {}
    for c in claims:
        sources = sources_of(rank(c["claim"])[:20], publications)
        relevant = set(c["relevant"])
        top = set().union(*sources[:k])
        hit = 1.0 if top & relevant else 0.0
        recall = len(top & relevant) / min(len(relevant), k)
        first = next((i + 1 for i, s in enumerate(sources) if s & relevant), None)
        by_lang.setdefault(c["lang"], []).append((hit, recall, 1.0 / first if first else 0.0))
    out = {}
    for lang, rows in sorted(by_lang.items()):
        n = len(rows)
        out[lang] = {
            "n": n,
            "hit@5": round(sum(r[0] for r in rows) / n, 3),
            "recall@5": round(sum(r[1] for r in rows) / n, 3),
            "mrr": round(sum(r[2] for r in rows) / n, 3),
        }
    return out


def grid(store: VectorStore, claims: list[dict], publications: dict[str, set[str]]) -> list[dict]:
    """Every fusion setting of the grid, scored on candidates fetched once (no copy collapse: none here)."""
    retriever = Retriever(store, hybrid=True)
    cands = {c["claim"]: retriever.candidates(c["claim"], max(GRID_POOL)) for c in claims}
    shares = retriever.language_shares()
    rows = []
    for k, w, x, sp, pool in itertools.product(GRID_K, GRID_LEXICAL, GRID_CROSS, GRID_SHARE, GRID_POOL):
        fusion = Fusion(k=k, lexical=w, cross_lingual=x, share_power=sp, pool=pool)

        def rank(q: str, fusion: Fusion = fusion) -> list[Passage]:
            dense, lexical = cands[q]
            return hybrid_rank(q, dense, [p for p, _ in lexical], fusion, shares)

        res = score(rank, claims, publications)
        rows.append(
            {
                "k": k,
                "lexical": w,
                "cross_lingual": x,
                "share_power": sp,
                "pool": pool,
                **{f"{lang}_recall@5": r["recall@5"] for lang, r in res.items()},
                **{f"{lang}_mrr": r["mrr"] for lang, r in res.items()},
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedders", default="use-multilingual,e5-small,minilm")
    parser.add_argument("--claims", type=Path, default=ROOT / "bench" / "data" / "retrieval_claims.jsonl")
    parser.add_argument("--grid", action="store_true", help="also score a grid of fusion settings (first embedder)")
    args = parser.parse_args()
    claims = load_claims(args.claims)
    sources = load_corpus(ROOT / "corpus")
    publications: dict[str, set[str]] = {}
    for s in sources:
        publications.setdefault(f"{s.publisher}, {s.url}", set()).add(s.source_id)
    results: dict = {
        "machine": f"{platform.machine()} {platform.processor() or ''} {os.cpu_count()} cpus".strip(),
        "claims": len(claims),
        "sources": len(sources),
        "fusion_default": str(Fusion()),
        "embedders": {},
    }
    for i, name in enumerate(args.embedders.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp))
            embeddings = get_embedder(name)
            store = VectorStore(make_client(settings), f"bench-{name}", embeddings)
            t0 = time.perf_counter()
            report = store.sync(sources)
            index_s = time.perf_counter() - t0
            dense_retriever = Retriever(store, hybrid=False)
            t0 = time.perf_counter()
            dense = score(lambda q, r=dense_retriever: r.search(q, k=20), claims, publications)
            query_s = (time.perf_counter() - t0) / len(claims)
            plain = Retriever(store, hybrid=True, fusion=PLAIN)
            product = Retriever(store, hybrid=True)
            t0 = time.perf_counter()
            hybrid = score(lambda q, r=product: r.search(q, k=20), claims, publications)
            hybrid_s = (time.perf_counter() - t0) / len(claims)
            entry = {
                "chunks": report.chunks,
                "index_seconds": round(index_s, 2),
                "query_ms": round(query_s * 1000, 1),
                "hybrid_query_ms": round(hybrid_s * 1000, 1),
                "dense": dense,
                "hybrid_plain_rrf": score(lambda q, r=plain: r.search(q, k=20), claims, publications),
                "hybrid": hybrid,
            }
            if args.grid and i == 0:
                entry["grid"] = grid(store, claims, publications)
            results["embedders"][name] = entry
        print(f"done {name}", file=sys.stderr)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
