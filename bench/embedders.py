"""Which embedder finds the right sources for French and English claims? Prints JSON.

Indexes corpus/ once per embedder into a throw-away Chroma folder and measures, over the
labelled claims in bench/data/retrieval_claims.jsonl:
  hit@5     share of claims with at least one relevant source among the top 5 passages
  recall@5  mean share of a claim's relevant sources found in the top 5 (capped at 5)
  mrr       mean reciprocal rank of the first relevant passage (top 20)
for dense retrieval alone and for dense+BM25 fusion, split by claim language.

Usage: python bench/embedders.py [--embedders use-multilingual,e5-small,minilm]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.config import Settings  # noqa: E402
from factcheck.corpus import load_corpus  # noqa: E402
from factcheck.embeddings import get_embedder  # noqa: E402
from factcheck.retrieval import Retriever  # noqa: E402
from factcheck.store import VectorStore, make_client  # noqa: E402


def load_claims(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(retriever: Retriever, claims: list[dict], k: int = 5) -> dict[str, dict[str, float]]:
    by_lang: dict[str, list[tuple[float, float, float]]] = {}
    for c in claims:
        hits = retriever.search(c["claim"], k=20)
        sources = [p.source_id for p in hits]
        relevant = set(c["relevant"])
        top = set(sources[:k])
        hit = 1.0 if top & relevant else 0.0
        recall = len(top & relevant) / min(len(relevant), k)
        rank = next((i + 1 for i, s in enumerate(sources) if s in relevant), None)
        by_lang.setdefault(c["lang"], []).append((hit, recall, 1.0 / rank if rank else 0.0))
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedders", default="use-multilingual,e5-small,minilm")
    parser.add_argument("--claims", type=Path, default=ROOT / "bench" / "data" / "retrieval_claims.jsonl")
    args = parser.parse_args()
    claims = load_claims(args.claims)
    sources = load_corpus(ROOT / "corpus")
    results = {
        "machine": f"{platform.machine()} {platform.processor() or ''} {__import__('os').cpu_count()} cpus".strip(),
        "claims": len(claims),
        "sources": len(sources),
        "embedders": {},
    }
    for name in args.embedders.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp))
            embeddings = get_embedder(name)
            store = VectorStore(make_client(settings), f"bench-{name}", embeddings)
            t0 = time.perf_counter()
            report = store.sync(sources)
            index_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            dense = score(Retriever(store, hybrid=False), claims)
            query_s = (time.perf_counter() - t0) / len(claims)
            hybrid = score(Retriever(store, hybrid=True), claims)
            results["embedders"][name] = {
                "chunks": report.chunks,
                "index_seconds": round(index_s, 2),
                "query_ms": round(query_s * 1000, 1),
                "dense": dense,
                "hybrid": hybrid,
            }
        print(f"done {name}", file=sys.stderr)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
