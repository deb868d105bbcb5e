"""Evidence retrieval on Climate-FEVER: BM25, dense and hybrid recall@5 through factcheck's own code. Prints JSON.

Every unique evidence sentence of ../shared/benchmarks/climate-fever (5,240 by
evidence_id; the 7,675 claim-evidence pairs repeat some) becomes one corpus source in a
throw-away Chroma folder, indexed by factcheck's VectorStore. For every claim with at
least one SUPPORTS or REFUTES evidence sentence:
  recall@5     share of claims with at least one gold SUPPORTS/REFUTES sentence in the top 5
  mean_share   mean share of a claim's gold S/R sentences found in the top 5
for BM25 alone (the Retriever's BM25 over factcheck.retrieval.tokenize), dense alone
(Retriever with hybrid off) and hybrid (the Retriever's weighted fusion). A gold sentence
counts as found when it is in the top 5 or listed in the `copies` of a passage there.

Split, fixed by claim id: sha1(claim_id) mod 5 = 0 is test, 1 is dev, else train. The
fusion grid (rank constant k, BM25 weight, pool size) is scored on train+dev only; the
best point and the product defaults (factcheck.retrieval.Fusion()) are then reported on
test and on all claims. Grid points are scored on fused rankings without copy collapse
(the collapse changes little here and is slow to repeat 400 times); the rows named
"product" run Retriever.search end to end, collapse included.

Embeddings are cached under /tmp (--cache), so a rerun costs only BM25 and Chroma queries.

Usage: python bench/climate_fever_retrieval.py [--embedder use-multilingual] [--no-grid]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import platform
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

ROOT = Path(__file__).resolve().parent.parent

from factcheck.config import Settings  # noqa: E402
from factcheck.corpus import Source  # noqa: E402
from factcheck.embeddings import get_embedder  # noqa: E402
from factcheck.retrieval import Fusion, Retriever, hybrid_rank  # noqa: E402
from factcheck.store import VectorStore, make_client  # noqa: E402
from factcheck.types import Passage  # noqa: E402

DATA = ROOT.parent / "shared" / "benchmarks" / "climate-fever" / "climate-fever.jsonl"
GOLD_LABELS = ("SUPPORTS", "REFUTES")
TOP = 5
GRID_K = (1, 2, 5, 10, 20, 30, 60, 100)
GRID_LEXICAL = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 2.0)
GRID_POOL = (10, 20, 50, 100)


def split_of(key: str) -> str:
    """test, dev or train, fixed by the claim id alone."""
    bucket = int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % 5
    return "test" if bucket == 0 else "dev" if bucket == 1 else "train"


def load(path: Path) -> tuple[dict[str, dict], list[dict]]:
    """Unique evidence sentences by id, and the claims that have S/R gold evidence."""
    evidence: dict[str, dict] = {}
    claims = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        for e in row["evidences"]:
            evidence.setdefault(e["evidence_id"], {"text": e["evidence"], "article": e["article"]})
        gold = sorted({e["evidence_id"] for e in row["evidences"] if e["evidence_label"] in GOLD_LABELS})
        if gold:
            claims.append(
                {"id": row["claim_id"], "claim": row["claim"], "gold": gold, "split": split_of(row["claim_id"])}
            )
    return evidence, claims


def url_of(evidence_id: str, article: str) -> str:
    """A unique url per sentence, so a passage's copies name the sentences they stand for."""
    return f"https://en.wikipedia.org/wiki/{article.replace(' ', '_')}#{evidence_id.rsplit(':', 1)[-1]}"


class CachedEmbeddings(Embeddings):
    """An embedder whose vectors are kept in an .npz file, keyed by a hash of the role and the text."""

    def __init__(self, base: Embeddings, path: Path) -> None:
        self.base = base
        self.name = getattr(base, "name", type(base).__name__.lower())
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        self.computed = 0
        if path.exists():
            with np.load(path) as data:
                self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    @staticmethod
    def _key(role: str, text: str) -> str:
        return hashlib.sha1(f"{role}\0{text}".encode()).hexdigest()

    def _get(self, role: str, texts: Sequence[str]) -> list[list[float]]:
        keys = [self._key(role, t) for t in texts]
        todo = [t for t, k in dict(zip(texts, keys, strict=True)).items() if k not in self.vectors]
        if todo:
            embed = self.base.embed_documents if role == "doc" else self.base.embed_query
            new = embed(todo) if role == "doc" else [embed(t) for t in todo]
            for t, v in zip(todo, new, strict=True):
                self.vectors[self._key(role, t)] = np.asarray(v, dtype=np.float32)
            self.computed += len(todo)
        return [self.vectors[k].tolist() for k in keys]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._get("doc", texts)

    def embed_query(self, text: str) -> list[float]:
        return self._get("query", [text])[0]

    def prefetch_queries(self, texts: Iterable[str], batch: int = 64) -> None:
        """Embed uncached queries in batches where the embedder treats queries as documents."""
        todo = [t for t in dict.fromkeys(texts) if self._key("query", t) not in self.vectors]
        if not todo:
            return
        if self.name in ("use-multilingual", "minilm"):  # symmetric encoders: a query is a document
            for start in range(0, len(todo), batch):
                part = todo[start : start + batch]
                for t, v in zip(part, self.base.embed_documents(part), strict=True):
                    self.vectors[self._key("query", t)] = np.asarray(v, dtype=np.float32)
                self.computed += len(part)
        else:
            self._get("query", todo)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self.vectors)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(keys), vectors=np.stack([self.vectors[k] for k in keys]))
        os.replace(tmp, self.path)


def sources_of(evidence: dict[str, dict]) -> list[Source]:
    return [
        Source(
            source_id=eid,
            path=Path(eid),
            title=e["article"],
            publisher="Wikipedia",
            url=url_of(eid, e["article"]),
            published=None,
            language="en",
            kind="encyclopedia",
            text=e["text"],
            file_hash=hashlib.sha256(e["text"].encode()).hexdigest()[:16],
        )
        for eid, e in evidence.items()
    ]


def found(passages: Sequence[Passage], by_url: dict[str, str]) -> set[str]:
    """Evidence ids in the passages, their copies included."""
    ids = {p.source_id for p in passages}
    for p in passages:
        ids.update(by_url[c.split(", ", 1)[1]] for c in p.copies)
    return ids


def scores(tops: dict[str, set[str]], claims: Sequence[dict]) -> dict[str, float]:
    """recall@5 (a gold sentence in the top 5) and mean share of gold sentences found."""
    if not claims:
        return {"n": 0}
    hits = [bool(tops[c["id"]] & set(c["gold"])) for c in claims]
    shares = [len(tops[c["id"]] & set(c["gold"])) / len(c["gold"]) for c in claims]
    return {
        "n": len(claims),
        "recall@5": round(sum(hits) / len(claims), 4),
        "mean_share": round(sum(shares) / len(claims), 4),
    }


def by_split(tops: dict[str, set[str]], claims: Sequence[dict]) -> dict[str, dict[str, float]]:
    return {
        "train+dev": scores(tops, [c for c in claims if c["split"] != "test"]),
        "test": scores(tops, [c for c in claims if c["split"] == "test"]),
        "all": scores(tops, claims),
    }


def fused_top(query: str, dense: Sequence[Passage], lexical: Sequence[Passage], fusion: Fusion) -> set[str]:
    """Top-5 source ids of the product's fusion at these settings, on precomputed candidates."""
    return {p.source_id for p in hybrid_rank(query, dense, lexical, fusion)[:TOP]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--embedder", default="use-multilingual")
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache (.npz); default under /tmp")
    parser.add_argument("--no-grid", action="store_true", help="report the product defaults only")
    parser.add_argument("--grid-out", type=Path, default=None, help="write every grid point's scores here (JSON)")
    args = parser.parse_args()
    cache = args.cache or Path(tempfile.gettempdir()) / "factcheck-bench-cache" / f"climate-fever-{args.embedder}.npz"
    timings: dict[str, float] = {}

    t0 = time.perf_counter()
    evidence, claims = load(args.data)
    by_url = {url_of(eid, e["article"]): eid for eid, e in evidence.items()}
    embeddings = CachedEmbeddings(get_embedder(args.embedder), cache)
    cached_before = len(embeddings.vectors)
    timings["load_s"] = round(time.perf_counter() - t0, 2)

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = VectorStore(make_client(Settings(data_dir=Path(tmp))), f"climate-fever-{args.embedder}", embeddings)
        report = store.sync(sources_of(evidence))
        embeddings.prefetch_queries(c["claim"] for c in claims)
        embeddings.save()
        timings["embed_and_index_s"] = round(time.perf_counter() - t0, 2)

        product = Retriever(store, hybrid=True)
        pool = max(GRID_POOL)
        t0 = time.perf_counter()
        cands = {c["id"]: product.candidates(c["claim"], pool) for c in claims}
        timings["candidates_s"] = round(time.perf_counter() - t0, 2)
        dense = {cid: d for cid, (d, _) in cands.items()}
        lexical = {cid: [p for p, _ in lx] for cid, (_, lx) in cands.items()}
        text = {c["id"]: c["claim"] for c in claims}

        rows: dict[str, dict] = {
            "bm25": by_split({cid: found(lx[:TOP], by_url) for cid, lx in lexical.items()}, claims),
        }
        t0 = time.perf_counter()
        grid = []
        if not args.no_grid:
            for k, w, p in itertools.product(GRID_K, GRID_LEXICAL, GRID_POOL):
                fusion = Fusion(k=k, lexical=w, pool=p)
                tops = {cid: fused_top(text[cid], dense[cid], lexical[cid], fusion) for cid in dense}
                grid.append(({"k": k, "lexical": w, "pool": p}, by_split(tops, claims)))
        timings["grid_s"] = round(time.perf_counter() - t0, 2)
        trained = [(params, res) for params, res in grid]
        trained.sort(key=lambda r: (-r[1]["train+dev"]["recall@5"], -r[1]["train+dev"]["mean_share"]))

        def product_run(retriever: Retriever) -> dict:
            start = time.perf_counter()
            tops = {c["id"]: found(retriever.search(c["claim"], k=TOP), by_url) for c in claims}
            res = by_split(tops, claims)
            res["ms_per_query"] = round((time.perf_counter() - start) * 1000 / len(claims), 1)
            return res

        rows["dense (product)"] = product_run(Retriever(store, hybrid=False))
        plain = Fusion(k=60, lexical=1.0, cross_lingual=1.0, share_power=0.0, pool=20)
        rows["hybrid plain RRF k=60 w=1 pool=20 (product)"] = product_run(Retriever(store, fusion=plain))
        rows[f"hybrid defaults {Fusion()} (product)"] = product_run(Retriever(store, hybrid=True))
        if trained:
            best = trained[0][0]
            rows[f"hybrid best on train+dev {best} (product)"] = product_run(
                Retriever(store, fusion=Fusion(k=best["k"], lexical=best["lexical"], pool=best["pool"]))
            )
        collapsed = sum(
            1 for c in claims[:200] for p in Retriever(store, hybrid=False).search(c["claim"], k=TOP) if p.copies
        )

    if args.grid_out:
        args.grid_out.write_text(json.dumps([{**params, **res} for params, res in grid], indent=1), encoding="utf-8")
    results = {
        "machine": f"{platform.machine()} {os.cpu_count()} cpus",
        "embedder": args.embedder,
        "claims_with_sr_evidence": len(claims),
        "split_sizes": {s: sum(c["split"] == s for c in claims) for s in ("train", "dev", "test")},
        "evidence_sentences": len(evidence),
        "chunks": report.chunks,
        "embeddings_cached_before": cached_before,
        "embeddings_computed": embeddings.computed,
        "timings": timings,
        "dense_top5_passages_with_copies_first_200_claims": collapsed,
        "results": rows,
        "grid_top10_on_train+dev": [
            {**params, **res["train+dev"], "test": res["test"]} for params, res in trained[:10]
        ],
        "grid_size": len(grid),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
