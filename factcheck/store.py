"""The vector index: Chroma through langchain-chroma, embedded on disk or on a Chroma server.

The index keeps each chunk's source file hash in its metadata, so the index itself is
the record of what was indexed; there is no side manifest that could drift from it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import chromadb
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from factcheck.config import Settings
from factcheck.corpus import Chunk, Source, split_source
from factcheck.errors import StoreError
from factcheck.types import Passage

Progress = Callable[[int, int, str], None]
"""Called as progress(done, total, what) while indexing."""

BATCH = 32


@dataclass(frozen=True, slots=True)
class IndexReport:
    """What one indexing run changed, counted in source files."""

    added: int
    updated: int
    removed: int
    unchanged: int
    chunks: int

    def to_dict(self) -> dict[str, int]:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "chunks": self.chunks,
        }


def make_client(settings: Settings) -> chromadb.ClientAPI:
    """An embedded PersistentClient under the data dir, or an HttpClient to a Chroma server.

    Raises:
        StoreError: if the folder cannot be used or the server does not answer.
    """
    chroma_settings = chromadb.Settings(anonymized_telemetry=False)
    try:
        if settings.chroma_mode == "server":
            client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
            client.heartbeat()
            return client
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except StoreError:
        raise
    except Exception as exc:  # chromadb raises many unrelated types for the same failures
        where = (
            f"the Chroma server at {settings.chroma_host}:{settings.chroma_port}"
            if settings.chroma_mode == "server"
            else f"the index folder {settings.chroma_dir}"
        )
        raise StoreError(f"Cannot open {where}: {exc}") from exc


class VectorStore:
    """One Chroma collection of corpus chunks, tied to the embedder that filled it."""

    def __init__(self, client: chromadb.ClientAPI, collection: str, embeddings: Embeddings) -> None:
        self.embeddings = embeddings
        self._chroma = Chroma(
            collection_name=collection,
            embedding_function=embeddings,
            client=client,
            collection_configuration={"hnsw": {"space": "cosine"}},
        )

    def count(self) -> int:
        return self._chroma._collection.count()

    def state(self) -> dict[str, set[str]]:
        """Which file hashes each indexed source has chunks for (more than one after a crash)."""
        got = self._chroma.get(include=["metadatas"])
        state: dict[str, set[str]] = {}
        for meta in got["metadatas"]:
            state.setdefault(str(meta["source_id"]), set()).add(str(meta["file_hash"]))
        return state

    def is_current(self, sources: Sequence[Source]) -> bool:
        """Whether the index holds exactly these sources at these versions."""
        return self.state() == {s.source_id: {s.file_hash} for s in sources}

    def sync(self, sources: Sequence[Source], progress: Progress | None = None) -> IndexReport:
        """Bring the index in line with sources: embed new or changed files, drop deleted ones.

        New chunks are written before stale ones are removed, so a crash part-way leaves
        old and new versions side by side, never a source with no chunks; the next run
        sees two hashes for that source and finishes the job.
        """
        state = self.state()
        wanted = {s.source_id: s for s in sources}
        todo = [s for s in sources if state.get(s.source_id) != {s.file_hash}]
        removed = [sid for sid in state if sid not in wanted]
        chunks = [c for s in todo for c in split_source(s)]
        total = len(chunks)
        if progress:
            progress(0, total, "embedding")
        for start in range(0, total, BATCH):
            batch = chunks[start : start + BATCH]
            self._add(batch)
            if progress:
                progress(min(start + BATCH, total), total, batch[-1].source.source_id)
        for source in todo:
            if state.get(source.source_id):
                self._chroma._collection.delete(
                    where={"$and": [{"source_id": source.source_id}, {"file_hash": {"$ne": source.file_hash}}]}
                )
        for sid in removed:
            self._chroma._collection.delete(where={"source_id": sid})
        added = sum(1 for s in todo if s.source_id not in state)
        return IndexReport(
            added=added,
            updated=len(todo) - added,
            removed=len(removed),
            unchanged=len(sources) - len(todo),
            chunks=total,
        )

    def _add(self, chunks: Sequence[Chunk]) -> None:
        texts = [c.text for c in chunks]
        vectors = self.embeddings.embed_documents(texts)
        self._chroma._collection.upsert(
            ids=[c.chunk_id for c in chunks],
            documents=texts,
            embeddings=vectors,
            metadatas=[c.metadata() for c in chunks],
        )

    def reset(self) -> None:
        """Drop every chunk; the next sync re-embeds the whole corpus."""
        self._chroma.reset_collection()

    def search(self, query: str, k: int = 5, where: dict | None = None) -> list[Passage]:
        """The k chunks nearest to query, with cosine similarity as score."""
        if self.count() == 0:
            return []
        hits = self._chroma.similarity_search_with_score(query, k=k, filter=where)
        return [_passage(doc.id, doc.page_content, doc.metadata, 1.0 - dist) for doc, dist in hits]

    def all_passages(self) -> list[Passage]:
        """Every chunk, for lexical retrieval over the same units as dense retrieval."""
        got = self._chroma.get(include=["documents", "metadatas"])
        return [_passage(i, d, m, 0.0) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)]


def _passage(chunk_id: str | None, text: str, meta: dict, score: float) -> Passage:
    published = meta.get("published") or None
    return Passage(
        source_id=str(meta["source_id"]),
        chunk_id=str(chunk_id),
        title=str(meta.get("title", "")),
        publisher=str(meta.get("publisher", "")),
        url=str(meta.get("url", "")),
        published=date.fromisoformat(published) if published else None,
        language=str(meta.get("language", "")),
        text=text,
        score=float(score),
    )
