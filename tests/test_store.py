"""Incremental indexing on a real embedded Chroma, with the hash embedder for speed."""

from __future__ import annotations

import pytest

from factcheck.config import Settings
from factcheck.corpus import load_corpus
from factcheck.embeddings import HashEmbeddings
from factcheck.store import BATCH, VectorStore, make_client
from tests.conftest import write_source

pytestmark = pytest.mark.unit


@pytest.fixture
def store(tmp_path):
    client = make_client(Settings(data_dir=tmp_path / "data"))
    return VectorStore(client, "test-hash", HashEmbeddings())


def test_sync_adds_updates_removes_and_skips_unchanged(store, tiny_corpus):
    first = store.sync(load_corpus(tiny_corpus))
    assert (first.added, first.updated, first.removed, first.unchanged) == (3, 0, 0, 0)
    assert store.is_current(load_corpus(tiny_corpus))

    again = store.sync(load_corpus(tiny_corpus))
    assert (again.added, again.updated, again.removed, again.unchanged, again.chunks) == (0, 0, 0, 3, 0)

    write_source(tiny_corpus, "nvidia", "Colossus took 122 days to build, NVIDIA said.", publisher="NVIDIA")
    (tiny_corpus / "later.md").unlink()
    write_source(tiny_corpus, "new", "TVA approved 150 MW for xAI.")
    report = store.sync(load_corpus(tiny_corpus))
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 1)
    texts = [p.text for p in store.all_passages()]
    assert any("took 122 days" in t for t in texts)
    assert not any("Training started 19 days" in t for t in texts), "the old version must be gone"
    assert not any("hiring engineers" in t for t in texts), "the deleted source must be gone"
    assert set(store.state()) == {"nvidia", "chamber", "new"}


class Exploding(HashEmbeddings):
    """Fails on the n-th batch, like a process killed part-way through indexing."""

    def __init__(self, fail_on: int) -> None:
        super().__init__()
        self.calls = 0
        self.fail_on = fail_on

    def embed_documents(self, texts):
        self.calls += 1
        if self.calls == self.fail_on:
            raise RuntimeError("crash")
        return super().embed_documents(texts)


def test_a_crash_mid_indexing_leaves_a_consistent_index_that_the_next_run_repairs(tmp_path, tiny_corpus):
    client = make_client(Settings(data_dir=tmp_path / "data"))
    VectorStore(client, "crash", HashEmbeddings()).sync(load_corpus(tiny_corpus))
    for i in range(150):
        write_source(tiny_corpus, f"extra{i:03d}", f"Extra source number {i} about Memphis.")
    write_source(tiny_corpus, "nvidia", "Colossus took 122 days to build.", publisher="NVIDIA")
    crashing = VectorStore(client, "crash", Exploding(fail_on=2))
    with pytest.raises(RuntimeError):
        crashing.sync(load_corpus(tiny_corpus))
    survivor = VectorStore(client, "crash", HashEmbeddings())
    # Every source that was indexed before still has chunks: nothing was lost.
    assert {"nvidia", "chamber", "later"} <= set(survivor.state())
    assert not survivor.is_current(load_corpus(tiny_corpus))
    report = survivor.sync(load_corpus(tiny_corpus))
    assert report.chunks == 151 - BATCH, "the resumed run embeds only what the killed one had not written"
    assert survivor.is_current(load_corpus(tiny_corpus))
    assert survivor.state()["nvidia"] == {s.file_hash for s in load_corpus(tiny_corpus) if s.source_id == "nvidia"}


def test_search_returns_passages_with_metadata(store, tiny_corpus):
    store.sync(load_corpus(tiny_corpus))
    hits = store.search("Nvidia Dell Super Micro operations in Memphis", k=2)
    assert hits[0].source_id == "chamber"
    assert hits[0].publisher == "Reuters" and hits[0].published.isoformat() == "2024-12-05"
    assert -1.0 <= hits[0].score <= 1.0


def test_reset_empties_the_index(store, tiny_corpus):
    store.sync(load_corpus(tiny_corpus))
    store.reset()
    assert store.count() == 0 and store.search("anything") == []
