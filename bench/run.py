"""Scale and speed of factcheck, each figure beside its baseline from the same run. Prints one JSON object.

index      `index` of corpus/ with the product embedder (index_chunks_per_s) against the raw
           encode throughput of the same model on the same chunks (encode_chunks_per_s).
scale      p95 latency of one full Retriever.search (dense + lexical, fused, copies collapsed,
           k 20 as the checker asks) over a synthetic corpus of 1,000, 10,000 and 100,000
           chunks (retrieval_p95_ms), against an exact numpy cosine search over the same
           vectors (bruteforce_p95_ms); also Chroma's query alone, the lexical index alone
           and the lexical index it replaced (rank_bm25 over every chunk in memory).
           The synthetic chunks are word salad drawn from the real corpus's word
           frequencies (so lexical posting lists are realistic) with random unit vectors
           stored directly: embedding 100,000 chunks for real would take about half an hour
           on this machine. Random 512-d vectors have no cluster structure, which is the
           hard case for HNSW. Query vectors are synthetic too, so these latencies exclude
           the encoder; query_embed_p95_ms gives the real encoder's share.
check      `python -m factcheck check` of factcheck/samples/colossus-fr.md in a new process
           with the index on disk (check_cold_s), and a second check in a process that has
           checked it once (check_warm_s, with its CPU time, since this machine is shared);
           the baseline is the same warm process checking the claims one at a time
           (check_claim, the path before batching). peak_rss_mb is the largest resident
           set of those processes.
recall     recall@5 of bench/data/retrieval_claims.jsonl with the product retriever on the
           real corpus (recall_at_5_clean), then with 10,000 synthetic distractor chunks
           added, of two kinds, each embedded for real with the product embedder (cached
           under bench/out/cache after the first run, since encoding them takes minutes):
           recall_at_5_distractors: off-topic text, chunks of 4 to 6 sentences drawn at
             random from public sets on other subjects (Climate-FEVER's Wikipedia evidence
             in English, XNLI-fr premises in French, in the corpus's language mix), as a
             growing corpus mostly holds other stories;
           recall_at_5_distractors_same_vocabulary: adversarial word salad drawn from the
             corpus's own word frequencies, so every chunk is full of the claims' names
             and numbers.

--quick uses fewer queries for the slow baselines; every section still runs.

Usage: python bench/run.py [--quick] [--embedder use-multilingual] [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from factcheck.config import DEFAULT_CORPUS_DIR, SAMPLES_DIR, Settings
from factcheck.corpus import CHUNK_SIZE, Source, load_corpus, split_source
from factcheck.embeddings import embed_queries, get_embedder
from factcheck.lexical import tokenize
from factcheck.retrieval import Retriever
from factcheck.store import VectorStore, make_client

ROOT = Path(__file__).resolve().parent.parent
DIM = 512
CLAIMS = ROOT / "bench" / "data" / "retrieval_claims.jsonl"
SAMPLE = SAMPLES_DIR / "colossus-fr.md"
CACHE = ROOT / "bench" / "out" / "cache"
SCALE_CACHE = CACHE / f"scale-{DIM}d"
K = 20
DISTRACTORS = 10_000
CHUNK_CHARS = CHUNK_SIZE - 40


def p95(values: Sequence[float]) -> float:
    return round(float(np.percentile(np.asarray(values), 95)), 2)


def timed_ms(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def cpu_ms(fn: Callable[[], object]) -> float:
    """CPU time of this process: on a machine shared with other work, wall time overstates."""
    t0 = time.process_time()
    fn()
    return (time.process_time() - t0) * 1000


# ---------------------------------------------------------------- synthetic data


class Vocabulary:
    """Word frequencies of the real corpus per language, to draw realistic word salad from."""

    def __init__(self, sources: Sequence[Source]) -> None:
        counts: dict[str, Counter] = {}
        chunks: Counter = Counter()
        for s in sources:
            counts.setdefault(s.language, Counter()).update(re.findall(r"\w+", s.text))
            chunks[s.language] += len(split_source(s))
        self.languages = sorted(counts)
        self.words = {lang: list(c) for lang, c in counts.items()}
        self.p = {}
        for lang, c in counts.items():
            self.p[lang] = np.array([c[w] for w in self.words[lang]], dtype=float) / sum(c.values())
        total = sum(chunks.values())
        self.share = np.array([chunks[lang] / total for lang in self.languages])

    def chunks(self, n: int, seed: int) -> list[tuple[str, str]]:
        """n (language, text) pairs of 60 to 100 words cut to one chunk, in the corpus's language mix."""
        rng = np.random.default_rng(seed)
        langs = rng.choice(len(self.languages), size=n, p=self.share)
        out = []
        for i in range(n):
            lang = self.languages[langs[i]]
            words = rng.choice(len(self.words[lang]), size=int(rng.integers(60, 101)), p=self.p[lang])
            text = " ".join(self.words[lang][w] for w in words)[:CHUNK_CHARS].rsplit(" ", 1)[0]
            out.append((lang, f"{text}. Synthetic {seed}-{i}."))
        return out


def synthetic_sources(pairs: Sequence[tuple[str, str]], prefix: str) -> list[Source]:
    """One Source per text; each text fits in one chunk."""
    return [
        Source(
            source_id=f"{prefix}-{i:06d}",
            path=Path(f"{prefix}-{i:06d}.md"),
            title=f"Synthetic {i}",
            publisher="Synthetic",
            url=f"https://example.org/{prefix}/{i}",
            published=date(2024, 1, 1),
            language=lang,
            kind="news",
            text=text,
            file_hash=hashlib.sha256(text.encode()).hexdigest()[:16],
        )
        for i, (lang, text) in enumerate(pairs)
    ]


class RandomEmbeddings(Embeddings):
    """A random unit vector per text, the same each time (seeded by the text's hash)."""

    name = "synthetic"

    def _vector(self, text: str) -> list[float]:
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")
        v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
        return (v / np.linalg.norm(v)).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class CachedEmbeddings(Embeddings):
    """Document vectors looked up in a precomputed table first (the distractors), else the model."""

    def __init__(self, inner: Embeddings, table: dict[str, np.ndarray]) -> None:
        self.inner = inner
        self.table = table
        self.name = getattr(inner, "name", "inner")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in texts if t not in self.table]
        if missing:
            self.table.update(zip(missing, np.asarray(self.inner.embed_documents(missing)), strict=True))
        return [self.table[t].tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return embed_queries(self.inner, texts)


# ---------------------------------------------------------------- sections


def bench_index(store: VectorStore, sources: Sequence[Source]) -> dict:
    """index throughput against raw encode throughput, same model, same chunks.

    sources are the corpus plus a few hundred off-topic chunks when the public sets are
    there: the corpus alone is 115 chunks, two batches, where fixed costs (planning,
    opening the collection, the postings snapshot) weigh more than in real use.
    """
    texts = [c.text for s in sources for c in split_source(s)]
    store.embeddings.embed_documents(texts[:8])  # load the model outside the timings
    t0 = time.perf_counter()
    store.embeddings.embed_documents(texts)
    encode_a = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = store.sync(sources)
    index_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    store.embeddings.embed_documents(texts)
    encode_b = time.perf_counter() - t0
    encode_s = (encode_a + encode_b) / 2
    return {
        "index_chunks_per_s": round(report.chunks / index_s, 1),
        "encode_chunks_per_s": round(len(texts) / encode_s, 1),
        "index_over_encode": round(encode_s / index_s * report.chunks / len(texts), 3),
        "index_chunks": report.chunks,
    }


def measure_size(
    store: VectorStore, retriever: Retriever, pairs: Sequence[tuple[str, str]], queries: Sequence[str], quick: bool
) -> dict[str, float]:
    """p95 latencies over one synthetic corpus: the product's retrieve and its baselines."""
    retriever.search(queries[0], k=K)  # first-use costs (loading the postings) outside the timings
    out = {"retrieval_p95_ms": p95([timed_ms(lambda q=q: retriever.search(q, k=K)) for q in queries])}
    out["retrieval_cpu_p95_ms"] = p95([cpu_ms(lambda q=q: retriever.search(q, k=K)) for q in queries])
    vectors = np.asarray(RandomEmbeddings().embed_documents([t for _, t in pairs]), dtype=np.float32)
    qv = np.asarray(RandomEmbeddings().embed_documents(list(queries)), dtype=np.float32)

    def brute(q: np.ndarray) -> np.ndarray:
        sims = vectors @ q / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(q))
        top = np.argpartition(-sims, min(K, len(sims) - 1))[:K]
        return top[np.argsort(-sims[top])]

    out["bruteforce_p95_ms"] = p95([timed_ms(lambda q=q: brute(q)) for q in qv])
    out["dense_chroma_p95_ms"] = p95([timed_ms(lambda q=q: store.search_vectors([q], K)) for q in qv.tolist()])
    out["lexical_p95_ms"] = p95([timed_ms(lambda q=q: store.lexical.search(q, 50)) for q in queries])
    out["lexical_bytes"] = store.lexical.size_bytes()
    if len(pairs) <= 10_000 or not quick:  # rank_bm25 holds a dict per chunk: about 1 GB at 100,000
        from rank_bm25 import BM25Okapi

        bm25 = BM25Okapi([tokenize(t) for _, t in pairs])
        few = queries[: 15 if quick else len(queries)]
        ranked = [timed_ms(lambda q=q: np.argsort(-bm25.get_scores(tokenize(q)))[:50]) for q in few]
        out["lexical_rank_bm25_p95_ms"] = p95(ranked)
    return out


def bench_scale(sizes: Sequence[int], vocab: Vocabulary, queries: Sequence[str], quick: bool) -> dict:
    """p95 of one Retriever.search against brute force, over synthetic corpora of each size.

    Each size is its own collection under bench/out/cache, built on the first run (Chroma
    stores about 350 vectors/s here, so 100,000 take minutes) and reused after: a re-run
    still plans against it (a paged read of every chunk) but writes nothing.
    """
    client = make_client(Settings(data_dir=SCALE_CACHE))
    pairs = vocab.chunks(max(sizes), seed=7)
    out: dict[str, dict] = {"scale_index_chunks_per_s": {}}
    out["scale_cache"] = {}
    for size in sorted(sizes):
        store = VectorStore(client, f"scale-{size}", RandomEmbeddings())
        sources = synthetic_sources(pairs[:size], "syn")
        t0 = time.perf_counter()
        report = store.sync(sources)  # reads what is indexed in pages; writes only what is missing
        seconds = time.perf_counter() - t0
        out["scale_cache"][size] = "built" if report.chunks else "reused"
        if report.chunks:
            out["scale_index_chunks_per_s"][size] = round(report.chunks / seconds, 1)
        out["scale_sync_unchanged_s"] = out.get("scale_sync_unchanged_s", {})
        if not report.chunks:
            out["scale_sync_unchanged_s"][size] = round(seconds, 2)
        assert store.count() == size and store.lexical.count() == size
        out_size = measure_size(store, Retriever(store, hybrid=True), pairs[:size], queries, quick)
        for key, value in out_size.items():
            out.setdefault(key, {})[size] = value
        print(f"scale {size}: {out['retrieval_p95_ms'][size]} ms", file=sys.stderr)
    return out


def offtopic_chunks(benchmarks: Path, vocab: Vocabulary, n: int, seed: int) -> list[tuple[str, str]]:
    """n (language, text) chunks of 4 to 6 random sentences from public sets on other subjects."""
    pools: dict[str, list[str]] = {"en": [], "fr": []}
    with open(benchmarks / "climate-fever" / "climate-fever.jsonl", encoding="utf-8") as f:
        for line in f:
            pools["en"] += [e["evidence"] for e in json.loads(line)["evidences"]]
    with open(benchmarks / "xnli-fr" / "dev-fr.tsv", encoding="utf-8") as f:
        pools["fr"] += [row.split("\t")[0] for row in f if row.strip()]
    pools = {lang: sorted(set(p)) for lang, p in pools.items()}
    rng = np.random.default_rng(seed)
    langs = rng.choice(len(vocab.languages), size=n, p=vocab.share)
    out = []
    for i in range(n):
        lang = vocab.languages[langs[i]]
        pool = pools.get(lang) or pools["en"]
        picked = rng.choice(len(pool), size=int(rng.integers(4, 7)), replace=False)
        text = " ".join(pool[j] for j in picked)[:CHUNK_CHARS].rsplit(" ", 1)[0]
        out.append((lang, f"{text} ({seed}-{i})"))
    return out


def recall_with(
    sets: dict[str, list[tuple[str, str]]],
    embeddings: Embeddings,
    name: str,
    sources: Sequence[Source],
    claims: Sequence[dict],
    publications: dict[str, set[str]],
    tmp: Path,
) -> dict:
    """recall@5 on the corpus plus each distractor set, each in a collection of its own."""
    out = {}
    for key, pairs in sets.items():
        table = distractor_vectors(embeddings, pairs, name)
        settings = Settings(data_dir=tmp / f"recall-{key}")
        store = VectorStore(make_client(settings), f"recall-{name}", CachedEmbeddings(embeddings, table))
        store.sync([*sources, *synthetic_sources(pairs, "distractor")])
        out[key] = recall_at_5(Retriever(store), claims, publications)
        out[f"{key}_dense_only"] = recall_at_5(Retriever(store, hybrid=False), claims, publications)
        store.lexical.close()
    return out


def recall_at_5(retriever: Retriever, claims: Sequence[dict], publications: dict[str, set[str]]) -> dict:
    """Mean share of each claim's relevant sources in the top 5 (capped at 5); copies count as their sources."""
    results = retriever.search_many([c["claim"] for c in claims], k=5)
    by_lang: dict[str, list[float]] = {}
    for claim, hits in zip(claims, results, strict=True):
        found: set[str] = set()
        for p in hits[:5]:
            found |= {p.source_id} | {s for label in p.copies for s in publications.get(label, ())}
        relevant = set(claim["relevant"])
        by_lang.setdefault(claim["lang"], []).append(len(found & relevant) / min(len(relevant), 5))
    every = [r for rows in by_lang.values() for r in rows]
    return {"all": round(statistics.mean(every), 3)} | {
        lang: round(statistics.mean(rows), 3) for lang, rows in sorted(by_lang.items())
    }


def distractor_vectors(embeddings: Embeddings, pairs: Sequence[tuple[str, str]], name: str) -> dict[str, np.ndarray]:
    """Real vectors of the distractor texts, from bench/.cache when an earlier run computed them."""
    digest = hashlib.sha256("\n".join(t for _, t in pairs).encode()).hexdigest()[:12]
    path = CACHE / f"distractors-{name}-{len(pairs)}-{digest}.npy"
    texts = [t for _, t in pairs]
    if path.exists():
        matrix = np.load(path)
        source = "cache"
    else:
        t0 = time.perf_counter()
        matrix = np.asarray(embeddings.embed_documents(texts), dtype=np.float32)
        print(f"embedded {len(texts)} distractors in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        CACHE.mkdir(exist_ok=True)
        np.save(path, matrix)
        source = "computed"
    print(f"distractor vectors: {source}", file=sys.stderr)
    return dict(zip(texts, matrix, strict=True))


def child(code: str, env: dict) -> dict:
    """Run python code in a new process that prints one JSON line last; adds its peak RSS."""
    # VmHWM, not getrusage's ru_maxrss: Linux carries the parent's resident set at fork into
    # the child's ru_maxrss, so a child of this (large) benchmark process would report it.
    wrapper = (
        "import json, sys\n"
        + code
        + "\nhwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]"
        + "\nout['peak_rss_mb'] = round(int(hwm) / 1024, 1)\n"
        + "print(json.dumps(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper], cwd=ROOT, env=env, capture_output=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode()[-2000:])
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


COLD = """
import time, runpy, io, contextlib
t0 = time.perf_counter()
sys.argv = ['factcheck', 'check', sys.argv[1], '--format', 'json']
buf = io.StringIO()
try:
    with contextlib.redirect_stdout(buf):
        runpy.run_module('factcheck', run_name='__main__')
except SystemExit as exc:
    assert not exc.code, exc.code
out = {'seconds': time.perf_counter() - t0, 'claims': len(json.loads(buf.getvalue())['claims'])}
"""

WARM = """
import time
from factcheck import FactChecker, read_article
article = read_article(open(sys.argv[1], 'rb').read())
checker = FactChecker()
checker.ensure_index()
first = checker.check(article)
t0, c0 = time.perf_counter(), time.process_time()
again = checker.check(article)
warm, warm_cpu = time.perf_counter() - t0, time.process_time() - c0
claims = checker.extract(article)
t0, c0 = time.perf_counter(), time.process_time()
one_by_one = [checker.check_claim(c, article.published) for c in claims]
seq, seq_cpu = time.perf_counter() - t0, time.process_time() - c0
same = [v.to_dict() for v in again] == [v.to_dict() for v in one_by_one]
out = {'warm': warm, 'warm_cpu': warm_cpu, 'per_claim': seq, 'per_claim_cpu': seq_cpu, 'claims': len(again),
       'same_verdicts': same}
"""


def bench_check(data_dir: Path, embedder: str) -> dict:
    env = {**os.environ, "FACTCHECK_DATA_DIR": str(data_dir), "FACTCHECK_EMBEDDER": embedder, "HF_HUB_OFFLINE": "1"}
    cold = child(COLD.replace("sys.argv[1]", repr(str(SAMPLE))), env)
    warm = child(WARM.replace("sys.argv[1]", repr(str(SAMPLE))), env)
    return {
        "check_cold_s": round(cold["seconds"], 2),
        "check_warm_s": round(warm["warm"], 2),
        "check_warm_cpu_s": round(warm["warm_cpu"], 2),
        "check_warm_per_claim_s": round(warm["per_claim"], 2),
        "check_warm_per_claim_cpu_s": round(warm["per_claim_cpu"], 2),
        "check_claims": warm["claims"],
        "check_batched_equals_per_claim": warm["same_verdicts"],
        "peak_rss_mb": max(cold["peak_rss_mb"], warm["peak_rss_mb"]),
        "peak_rss_mb_cold": cold["peak_rss_mb"],
        "peak_rss_mb_warm": warm["peak_rss_mb"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer queries for the slow baselines")
    parser.add_argument("--embedder", default=Settings().embedder)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument(
        "--benchmarks",
        type=Path,
        default=Path(os.environ.get("FACTCHECK_BENCHMARKS_DIR", ROOT.parent / "shared" / "benchmarks")),
        help="public benchmark sets (Climate-FEVER, XNLI-fr) for the off-topic distractors",
    )
    parser.add_argument("--skip", default="", help="comma-separated sections to skip: index,scale,check,recall")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    started = time.perf_counter()
    claims = [json.loads(line) for line in CLAIMS.read_text(encoding="utf-8").splitlines() if line.strip()]
    sources = load_corpus(DEFAULT_CORPUS_DIR)
    result: dict = {
        "command": " ".join(["python", "bench/run.py", *sys.argv[1:]]),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}",
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "embedder": args.embedder,
        "quick": args.quick,
    }
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        settings = Settings(data_dir=tmp / "product", embedder=args.embedder)
        embeddings = get_embedder(args.embedder)
        collection = f"{settings.collection}-{args.embedder}"
        store = VectorStore(make_client(settings), collection, embeddings)
        if "index" not in skip or {"check", "recall"} - skip:
            extra: list[Source] = []
            if (args.benchmarks / "climate-fever").is_dir() and (args.benchmarks / "xnli-fr").is_dir():
                extra = synthetic_sources(offtopic_chunks(args.benchmarks, Vocabulary(sources), 400, seed=17), "extra")
            result |= bench_index(store, [*sources, *extra])
            store.sync(sources)  # back to the corpus alone for check and recall
            print("index done", file=sys.stderr)
        queries = [c["claim"] for c in claims]
        t_embed = [timed_ms(lambda q=q: embed_queries(embeddings, [q])) for q in queries[:20]]
        result["query_embed_p95_ms"] = p95(t_embed)
        result["query_embed_batch_ms_per_query"] = round(timed_ms(lambda: embed_queries(embeddings, queries)) / 75, 2)
        if "scale" not in skip:
            vocab = Vocabulary(sources)
            sizes = [int(s) for s in args.sizes.split(",")]
            result |= bench_scale(sizes, vocab, queries, args.quick)
            result["retrieval_under_bruteforce"] = {
                size: round(result["retrieval_p95_ms"][size] / result["bruteforce_p95_ms"][size], 2) for size in sizes
            }
        store.lexical.close()
        if "check" not in skip:
            result |= bench_check(settings.data_dir, args.embedder)
            print("check done", file=sys.stderr)
        if "recall" not in skip:
            publications: dict[str, set[str]] = {}
            for s in sources:
                publications.setdefault(f"{s.publisher}, {s.url}", set()).add(s.source_id)
            store = VectorStore(make_client(settings), collection, embeddings)
            result["recall_at_5_clean"] = recall_at_5(Retriever(store), claims, publications)
            result["recall_at_5_clean_dense_only"] = recall_at_5(Retriever(store, hybrid=False), claims, publications)
            store.lexical.close()
            vocab = Vocabulary(sources)
            sets = {"recall_at_5_distractors_same_vocabulary": vocab.chunks(DISTRACTORS, seed=11)}
            if (args.benchmarks / "climate-fever").is_dir() and (args.benchmarks / "xnli-fr").is_dir():
                sets["recall_at_5_distractors"] = offtopic_chunks(args.benchmarks, vocab, DISTRACTORS, seed=13)
            else:
                result["recall_at_5_distractors"] = f"skipped: no Climate-FEVER and XNLI-fr under {args.benchmarks}"
            result |= recall_with(sets, embeddings, args.embedder, sources, claims, publications, tmp)
            result["distractor_chunks"] = DISTRACTORS
    result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    result["total_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
