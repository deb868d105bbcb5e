"""The vector index: Chroma through langchain-chroma, embedded on disk or on a Chroma server,
with its lexical twin (factcheck.lexical) kept in step chunk by chunk.

The index keeps each chunk's source file hash in its metadata, so the index itself is
the record of what was indexed; there is no side manifest that could drift from it.
What a source should have indexed is known exactly, because chunk ids hash the source
id and the chunk text (corpus.split_source): `plan` compares those ids with the ids the
collection and the lexical index hold, and `apply` writes only the difference. That is
what makes a killed `index` safe: whatever was written survives, a re-run embeds what
is missing and deletes what is stale, and the result is the same as a run that was
never interrupted.

Every bulk read and delete goes in pages of `PAGE` ids: an embedded Chroma answers a
single get() of a whole 100,000-chunk collection with SQLite's "too many SQL variables".
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import chromadb
import numpy as np
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from factcheck.config import Settings
from factcheck.corpus import Chunk, Source, split_source
from factcheck.embeddings import embedder_name
from factcheck.errors import StoreError
from factcheck.lexical import Entry, LexicalIndex, to_passage
from factcheck.types import Passage

Progress = Callable[[int, int, str], None]
"""Called as progress(done, total, what) while indexing."""

BATCH = 64
"""Chunks embedded and written per step. Larger batches amortise Chroma's per-call cost
and the encoder's per-call cost; each batch is also how much work a kill can lose."""
LEXICAL_CHECK_S = 5.0
"""How often a search compares the lexical index's size with the collection's."""
PAGE = 5_000
"""Ids per bulk read or delete: well under SQLite's limit on bound variables."""


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


@dataclass(frozen=True, slots=True)
class Plan:
    """What brings the collection and the lexical index in line with the corpus.

    embed: chunks Chroma lacks; relabel: chunks Chroma holds under another version of their
    source (same text, so only the metadata changes); lexical: chunks the lexical index
    lacks or holds under another version; stale and lexical_stale: ids to delete.
    """

    embed: tuple[Chunk, ...] = ()
    relabel: tuple[Chunk, ...] = ()
    lexical: tuple[Chunk, ...] = ()
    stale: tuple[str, ...] = ()
    lexical_stale: tuple[str, ...] = ()
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        return not (self.embed or self.relabel or self.lexical or self.stale or self.lexical_stale)


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
        raise StoreError(f"Cannot open {store_address(settings)}: {exc}") from exc


def store_address(settings: Settings) -> str:
    """Where the vectors live, in words: the embedded folder or the server's address."""
    if settings.chroma_mode == "server":
        return f"the Chroma server at {settings.chroma_host}:{settings.chroma_port}"
    return f"the index folder {settings.chroma_dir}"


def lexical_path(settings: Settings, collection: str) -> Path:
    """The lexical index file of a collection: beside the embedded Chroma folder, or, for a
    server, under the data dir per server address (each client keeps its own copy)."""
    if settings.chroma_mode == "server":
        return settings.data_dir / "lexical" / f"{settings.chroma_host}-{settings.chroma_port}" / f"{collection}.sqlite"
    return settings.data_dir / "lexical" / f"{collection}.sqlite"


def _pages(items: Sequence, size: int = PAGE) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _entry(chunk: Chunk) -> Entry:
    return Entry(chunk.chunk_id, chunk.text, chunk.metadata())


class VectorStore:
    """One Chroma collection of corpus chunks, tied to the embedder that filled it.

    Args:
        client: an embedded or server Chroma client (make_client).
        collection: the collection's name.
        embeddings: the embedder the collection is filled and searched with.
        lexical: the lexical index kept in step with the collection; by default a file
            beside an embedded Chroma folder, or an in-memory one (filled from the
            collection on first use) for a server client.
    """

    def __init__(
        self,
        client: chromadb.ClientAPI,
        collection: str,
        embeddings: Embeddings,
        lexical: LexicalIndex | None = None,
    ) -> None:
        self.embeddings = embeddings
        self.name = collection
        self._chroma = Chroma(
            collection_name=collection,
            embedding_function=embeddings,
            client=client,
            collection_metadata={"embedder": embedder_name(embeddings)},
            collection_configuration={"hnsw": {"space": "cosine"}},
        )
        if lexical is None:
            chroma_settings = client.get_settings()
            if chroma_settings.is_persistent and chroma_settings.persist_directory:
                folder = Path(chroma_settings.persist_directory).parent / "lexical"
                lexical = LexicalIndex(folder / f"{collection}.sqlite")
            else:
                lexical = LexicalIndex(None)
        self.lexical = lexical
        self._lexical_checked = -math.inf

    @property
    def _collection(self):
        return self._chroma._collection

    def count(self) -> int:
        return self._collection.count()

    # ------------------------------------------------------------ what is indexed

    def chunks(self) -> dict[str, tuple[str, str]]:
        """Every chunk id in the collection with its (source id, file hash), read in pages."""
        out: dict[str, tuple[str, str]] = {}
        offset = 0
        while True:
            got = self._collection.get(include=["metadatas"], limit=PAGE, offset=offset)
            for cid, meta in zip(got["ids"], got["metadatas"], strict=True):
                out[cid] = (str(meta["source_id"]), str(meta["file_hash"]))
            if len(got["ids"]) < PAGE:
                return out
            offset += PAGE

    def state(self) -> dict[str, set[str]]:
        """Which file hashes each indexed source has chunks for (more than one after a crash)."""
        state: dict[str, set[str]] = {}
        for sid, file_hash in self.chunks().values():
            state.setdefault(sid, set()).add(file_hash)
        return state

    def plan(self, sources: Sequence[Source]) -> Plan:
        """What `apply` has to write and delete so both indexes hold exactly these sources."""
        indexed = self.chunks()
        lexical = self.lexical.chunks()
        by_source: dict[str, set[str]] = {}
        for cid, (sid, _) in indexed.items():
            by_source.setdefault(sid, set()).add(cid)
        lex_by_source: dict[str, set[str]] = {}
        for cid, (sid, _) in lexical.items():
            lex_by_source.setdefault(sid, set()).add(cid)
        embed: list[Chunk] = []
        relabel: list[Chunk] = []
        lex_add: list[Chunk] = []
        stale: list[str] = []
        lex_stale: list[str] = []
        added = updated = unchanged = 0
        for source in sources:
            # Two identical passages of one source share an id; the first one is kept.
            chunks = list({c.chunk_id: c for c in reversed(split_source(source))}.values())[::-1]
            ids = {c.chunk_id for c in chunks}
            version = (source.source_id, source.file_hash)
            before = len(embed) + len(relabel) + len(stale)
            for chunk in chunks:
                held = indexed.get(chunk.chunk_id)
                if held is None:
                    embed.append(chunk)
                elif held != version:
                    relabel.append(chunk)
                if lexical.get(chunk.chunk_id) != version:
                    lex_add.append(chunk)
            stale += sorted(by_source.get(source.source_id, set()) - ids)
            lex_stale += sorted(lex_by_source.get(source.source_id, set()) - ids)
            if len(embed) + len(relabel) + len(stale) == before:
                unchanged += 1
            elif source.source_id in by_source:
                updated += 1
            else:
                added += 1
        wanted = {s.source_id for s in sources}
        gone = sorted(set(by_source) - wanted)
        for sid in gone:
            stale += sorted(by_source[sid])
        for sid in sorted(set(lex_by_source) - wanted):
            lex_stale += sorted(lex_by_source[sid])
        return Plan(
            embed=tuple(embed),
            relabel=tuple(relabel),
            lexical=tuple(lex_add),
            stale=tuple(stale),
            lexical_stale=tuple(lex_stale),
            added=added,
            updated=updated,
            removed=len(gone),
            unchanged=unchanged,
        )

    def is_current(self, sources: Sequence[Source]) -> bool:
        """Whether the collection and the lexical index hold exactly these sources at these versions."""
        return self.plan(sources).empty

    # ------------------------------------------------------------ writing

    def sync(self, sources: Sequence[Source], progress: Progress | None = None) -> IndexReport:
        """Bring the index in line with sources: embed new or changed chunks, drop deleted ones."""
        return self.apply(self.plan(sources), progress)

    def apply(self, plan: Plan, progress: Progress | None = None) -> IndexReport:
        """Carry out a plan: new chunks first, then metadata, then deletions.

        Each batch goes to Chroma, then to the lexical index; stale chunks are deleted only
        after every new one is written, so a kill part-way never leaves a source without
        chunks, and the next `plan` sees exactly what is still missing or stale.
        """
        lexical_todo = {c.chunk_id for c in plan.lexical}
        total = len(plan.embed)
        if progress:
            progress(0, total, "embedding")

        def write(batch: Sequence[Chunk], vectors: list[list[float]]) -> None:
            self._write(batch, vectors)
            self.lexical.add(_entry(c) for c in batch if c.chunk_id in lexical_todo)

        # The encoder works on batch n+1 while batch n is written (one writer, in order), so
        # indexing runs at the encoder's pace rather than encoder plus Chroma plus lexical.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="factcheck-index") as writer:
            pending: Future | None = None
            for start in range(0, total, BATCH):
                batch = plan.embed[start : start + BATCH]
                vectors = self.embeddings.embed_documents([c.text for c in batch])
                if pending is not None:
                    pending.result()
                    if progress:
                        progress(start, total, plan.embed[start - 1].source.source_id)
                pending = writer.submit(write, batch, vectors)
            if pending is not None:
                pending.result()
                if progress:
                    progress(total, total, plan.embed[-1].source.source_id)
        lexical_todo -= {c.chunk_id for c in plan.embed}
        for part in _pages(plan.relabel):
            self._collection.update(ids=[c.chunk_id for c in part], metadatas=[c.metadata() for c in part])
        rest = [c for c in plan.lexical if c.chunk_id in lexical_todo]
        for part in _pages(rest, BATCH * 8):
            self.lexical.add(_entry(c) for c in part)
        for part in _pages(plan.stale):
            self._collection.delete(ids=list(part))
        self.lexical.delete(plan.lexical_stale)
        if not plan.empty:
            self.lexical.refresh()  # the postings snapshot is rebuilt here, not by the next reader
        return IndexReport(
            added=plan.added, updated=plan.updated, removed=plan.removed, unchanged=plan.unchanged, chunks=total
        )

    def _write(self, chunks: Sequence[Chunk], vectors: list[list[float]]) -> None:
        self._collection.upsert(
            ids=[c.chunk_id for c in chunks],
            documents=[c.text for c in chunks],
            embeddings=vectors,
            metadatas=[c.metadata() for c in chunks],
        )

    def reset(self) -> None:
        """Drop every chunk; the next sync re-embeds the whole corpus."""
        self._chroma.reset_collection()
        self.lexical.clear()

    # ------------------------------------------------------------ lexical in step

    def stats(self) -> dict[str, object]:
        """What the collection and its lexical index hold, read from them (not from settings).

        sources and chunks count the collection; embedder is the name the collection was
        created with; dimension is the length of its vectors (None when empty); lexical
        says whether the lexical index holds exactly the collection's chunks.
        """
        indexed = self.chunks()
        lexical = self.lexical.chunks()
        metadata = self._collection.metadata or {}
        sample = self._collection.get(limit=1, include=["embeddings"])
        vectors = sample.get("embeddings")
        return {
            "sources": len({sid for sid, _ in indexed.values()}),
            "chunks": len(indexed),
            "collection": self.name,
            "embedder": str(metadata.get("embedder") or embedder_name(self.embeddings)),
            "dimension": len(vectors[0]) if vectors is not None and len(vectors) else None,
            "languages": {lang: round(share, 3) for lang, share in sorted(self.lexical.language_shares().items())},
            "lexical": {
                "path": str(self.lexical.path) if self.lexical.path else None,
                "chunks": len(lexical),
                "bytes": self.lexical.size_bytes(),
                "in_step": lexical == indexed,
            },
        }

    def catch_up(self) -> int:
        """Make the lexical index mirror the collection as it is now (another process or
        another analyst may have changed it); returns how many chunks were added or dropped.

        The chunks come from the collection itself, not the corpus, so this needs no corpus
        and no embedder.
        """
        indexed = self.chunks()
        lexical = self.lexical.chunks()
        todo = [cid for cid, version in indexed.items() if lexical.get(cid) != version]
        extra = [cid for cid in lexical if cid not in indexed]
        for part in _pages(todo):
            got = self._collection.get(ids=list(part), include=["documents", "metadatas"])
            rows = zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            self.lexical.add(Entry(cid, doc, meta) for cid, doc, meta in rows)
        self.lexical.delete(extra)
        return len(todo) + len(extra)

    def ensure_lexical(self) -> None:
        """Catch the lexical index up when its size differs from the collection's, checked at
        most every LEXICAL_CHECK_S seconds (another client may have changed a shared collection).

        Between checks a search may miss chunks another client added, never return ones it
        deleted: retrieval drops lexical hits the collection no longer holds.
        """
        now = time.monotonic()
        if now - self._lexical_checked < LEXICAL_CHECK_S:
            return
        self._lexical_checked = now
        if self.lexical.count() != self.count():
            self.catch_up()

    # ------------------------------------------------------------ reading

    def search(self, query: str, k: int = 5, where: dict | None = None) -> list[Passage]:
        """The k chunks nearest to query, with cosine similarity as score."""
        if self.count() == 0:
            return []
        hits = self._chroma.similarity_search_with_score(query, k=k, filter=where)
        return [to_passage(doc.id, doc.page_content, doc.metadata, 1.0 - dist) for doc, dist in hits]

    def search_vectors(self, vectors: Sequence[Sequence[float]], k: int) -> list[list[Passage]]:
        """The k chunks nearest to each query vector, in one call, with cosine similarity as score."""
        if not vectors:
            return []
        # No count() first: Chroma answers a k above the collection's size with what it has,
        # and count() costs about 12 ms at 5,000 chunks (it grows with the collection).
        got = self._collection.query(
            query_embeddings=[list(map(float, v)) for v in vectors],
            n_results=k,
            include=["documents", "metadatas", "distances"],
        )
        per_query = zip(got["ids"], got["documents"], got["metadatas"], got["distances"], strict=True)
        return [
            [to_passage(c, doc, meta, 1.0 - dist) for c, doc, meta, dist in zip(ids, docs, metas, dists, strict=True)]
            for ids, docs, metas, dists in per_query
        ]

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of these chunks, by id; ids the collection lacks are left out."""
        out: dict[str, np.ndarray] = {}
        for part in _pages(list(dict.fromkeys(chunk_ids))):
            got = self._collection.get(ids=list(part), include=["embeddings"])
            for cid, vec in zip(got["ids"], got["embeddings"], strict=True):
                out[cid] = np.asarray(vec, dtype=np.float32)
        return out

    def all_passages(self) -> list[Passage]:
        """Every chunk, read in pages (for tools; retrieval reads the lexical index instead)."""
        out: list[Passage] = []
        offset = 0
        while True:
            got = self._collection.get(include=["documents", "metadatas"], limit=PAGE, offset=offset)
            out += [
                to_passage(i, d, m, 0.0) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            ]
            if len(got["ids"]) < PAGE:
                return out
            offset += PAGE
