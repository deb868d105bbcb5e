"""Crash safety of `index`: a real process killed with SIGKILL at several points, then re-run.

The killed process is `python -m factcheck index` (with the hash embedder) plus one hook
that parks it at a chosen step: before the n-th embedding batch, between a batch's Chroma
write and its lexical write, during metadata updates, during deletions, or at whatever
point a timer lands on. Once it is parked the test kills it, runs `index` again, and
compares everything both stores hold (ids, texts, metadata, vectors; lexical rows and what
BM25 finds) with a run that was never interrupted.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from chromadb.api.client import SharedSystemClient

from factcheck.config import Settings
from factcheck.corpus import load_corpus
from factcheck.embeddings import HashEmbeddings
from factcheck.lexical import LexicalIndex
from factcheck.store import VectorStore, lexical_path, make_client
from tests.conftest import ROOT, write_source

pytestmark = [pytest.mark.integration, pytest.mark.slow]

COLLECTION = "factcheck-hash"
WORDS = (
    "grid", "turbine", "memphis", "colossus", "cluster", "megawatt", "substation", "permit", "chamber",
    "cooling", "water", "rack", "server", "nvidia", "dell", "supermicro", "tennessee", "valley", "authority",
    "gas", "generator", "lawsuit", "emission", "supercomputer", "training", "model", "grok", "expansion",
    "hangar", "warehouse", "contract", "county", "board",
)

HOOK = textwrap.dedent(
    """
    import os, sys, time, pathlib
    import chromadb.api.models.Collection as collection_module
    from factcheck.embeddings import HashEmbeddings
    from factcheck.lexical import LexicalIndex
    from factcheck import cli

    point, n = os.environ["CRASH_AT"].split(":")
    marker = pathlib.Path(os.environ["CRASH_MARKER"])
    calls = [0]

    def park(real):
        def wrapper(*args, **kwargs):
            calls[0] += 1
            if calls[0] == int(n):
                marker.write_text(point)
                time.sleep(600)
            return real(*args, **kwargs)
        return wrapper

    if point == "timer":
        real_embed = HashEmbeddings.embed_documents
        def slow(self, texts):
            time.sleep(0.15)
            return real_embed(self, texts)
        HashEmbeddings.embed_documents = slow
        marker.write_text("started")
    else:
        owner, name = {
            "embed": (HashEmbeddings, "embed_documents"),
            "lexical": (LexicalIndex, "add"),
            "relabel": (collection_module.Collection, "update"),
            "delete": (collection_module.Collection, "delete"),
            "lexical-delete": (LexicalIndex, "delete"),
        }[point]
        setattr(owner, name, park(getattr(owner, name)))
    sys.exit(cli.main(["index"]))
    """
)


def body(seed: int, words: int = 260) -> str:
    """Deterministic filler text of a few chunks, distinct for each seed."""
    out = []
    for i in range(words):
        out.append(WORDS[(seed * 7 + i * (seed % 5 + 1)) % len(WORDS)] + str((seed * 31 + i) % 97))
        if i % 12 == 11:
            out[-1] += "."
    return " ".join(out)


def version_a(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(30):
        write_source(folder, f"s{i:03d}", body(i), publisher=f"P{i}")


def version_b(folder: Path) -> None:
    """Edits (one paragraph changed, front matter changed), deletions and many new sources."""
    for i in range(0, 10):
        text = body(i)
        write_source(folder, f"s{i:03d}", text[: len(text) // 2] + " Changed paragraph number " + str(i) + ".")
    for i in range(10, 14):
        write_source(folder, f"s{i:03d}", body(i), publisher=f"Renamed {i}")
    for i in range(25, 30):
        (folder / f"s{i:03d}.md").unlink()
    for i in range(100, 150):
        write_source(folder, f"s{i:03d}", body(i))


def settings_for(data: Path, corpus: Path) -> Settings:
    # Child processes write to the same folder: drop the clients (and the vectors they
    # hold in memory) this process opened before, as a new process would start afresh.
    SharedSystemClient.clear_system_cache()
    return Settings(data_dir=data, corpus_dir=corpus, embedder="hash")


def index_in_process(data: Path, corpus: Path) -> None:
    settings = settings_for(data, corpus)
    lexical = LexicalIndex(lexical_path(settings, COLLECTION))
    store = VectorStore(make_client(settings), COLLECTION, HashEmbeddings(), lexical)
    store.sync(load_corpus(corpus))
    store.lexical.close()


def snapshot(data: Path, corpus: Path) -> dict:
    """Everything the collection and the lexical index hold, in a comparable form."""
    settings = settings_for(data, corpus)
    collection = make_client(settings).get_collection(COLLECTION)
    got = collection.get(include=["documents", "metadatas", "embeddings"])
    assert len(got["ids"]) == len(set(got["ids"])) == collection.count()
    chroma = {
        cid: (doc, tuple(sorted(meta.items())), tuple(round(float(x), 6) for x in vec))
        for cid, doc, meta, vec in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True)
    }
    db = sqlite3.connect(lexical_path(settings, COLLECTION))
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT chunk_id, source_id, file_hash, language, text, meta, tokens FROM chunks").fetchall()
    finally:
        db.close()
    assert len(rows) == len({r[0] for r in rows})
    # What BM25 finds, through a fresh reader (postings snapshot on disk plus any later rows).
    lexical = LexicalIndex(lexical_path(settings, COLLECTION))
    hits = [
        [(p.chunk_id, round(score, 9)) for p, score in lexical.search(query, 30)]
        for query in ("turbine1 memphis", "changed paragraph number 3", "renamed grok server")
    ]
    lexical.close()
    return {"chroma": chroma, "lexical": sorted(rows), "bm25": hits}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    """Version A, then version B, indexed without interruption."""
    root = tmp_path_factory.mktemp("reference")
    corpus = root / "corpus"
    version_a(corpus)
    index_in_process(root / "data", corpus)
    first = snapshot(root / "data", corpus)
    version_b(corpus)
    index_in_process(root / "data", corpus)
    return {"a": first, "b": snapshot(root / "data", corpus)}


def kill_index_at(point: str, data: Path, corpus: Path, tmp_path: Path, delay: float = 0.0) -> bool:
    """Run `index` in a child process, SIGKILL it at point; True when it was killed before finishing."""
    marker = tmp_path / f"marker-{point}"
    marker.unlink(missing_ok=True)
    env = {
        **os.environ,
        "FACTCHECK_DATA_DIR": str(data),
        "FACTCHECK_CORPUS_DIR": str(corpus),
        "FACTCHECK_EMBEDDER": "hash",
        "CRASH_AT": point,
        "CRASH_MARKER": str(marker),
    }
    proc = subprocess.Popen([sys.executable, "-c", HOOK], cwd=ROOT, env=env, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"index finished or failed before reaching {point}: {proc.stderr.read().decode()}")
        if time.time() > deadline:
            proc.kill()
            raise AssertionError(f"index never reached {point}")
        time.sleep(0.05)
    time.sleep(delay)
    finished = proc.poll() is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()
    return not finished


@pytest.mark.parametrize(
    ("point", "start", "delay"),
    [
        ("embed:3", "empty", 0.0),  # first indexing, two batches written
        ("lexical:2", "empty", 0.0),  # a batch in Chroma but not in the lexical index
        ("embed:2", "a", 0.0),  # an update, part-way through the new chunks
        ("lexical:3", "a", 0.0),
        ("relabel:1", "a", 0.0),  # every new chunk written, metadata not yet updated
        ("delete:1", "a", 0.0),  # before stale chunks are deleted from Chroma
        ("lexical-delete:1", "a", 0.0),  # deleted from Chroma, not yet from the lexical index
        ("timer:0", "a", 0.5),  # wherever a timer lands
    ],
)
def test_index_killed_and_rerun_equals_an_uninterrupted_run(point, start, delay, reference, tmp_path):
    corpus = tmp_path / "corpus"
    data = tmp_path / "data"
    version_a(corpus)
    if start == "a":
        index_in_process(data, corpus)
        version_b(corpus)
        expected = reference["b"]
    else:
        expected = reference["a"]
    killed = kill_index_at(point, data, corpus, tmp_path, delay)
    assert killed or point.startswith("timer"), "the child must still be parked when it is killed"

    if start == "a" and not point.startswith(("delete", "lexical-delete", "timer")):
        # Stale chunks go last: every source of version A that B keeps still has chunks.
        collection = make_client(settings_for(data, corpus)).get_collection(COLLECTION)
        held = {m["source_id"] for m in collection.get(include=["metadatas"])["metadatas"]}
        assert {f"s{i:03d}" for i in range(25)} <= held

    index_in_process(data, corpus)  # the re-run, as a fresh process would see the folder
    assert snapshot(data, corpus) == expected
