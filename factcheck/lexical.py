"""The lexical side of retrieval: BM25 over the indexed chunks, in SQLite FTS5 on disk.

Why FTS5 rather than BM25 rebuilt in memory (rank_bm25, which this replaces) or bm25s:
- it is incremental: adding or deleting a chunk touches that chunk's postings only, in
  the same kind of transaction as any SQLite write, so the index stays in step with the
  Chroma collection chunk by chunk and a killed `index` leaves it consistent;
- a process opens it in milliseconds instead of reading every passage out of Chroma and
  tokenising them (about 126 ms per query and seconds of start-up at 100,000 chunks);
- it ships with Python (sqlite3), so nothing new is installed. bm25s is fast too but
  rebuilds its matrices from scratch when the corpus changes.

Text is tokenised by `tokenize` (the same tokens BM25 always saw: lower case, accents
dropped, digit grouping undone, function words removed) and stored as space-separated
tokens, so FTS5's own tokenizer only splits on those spaces. Ranking is FTS5's bm25()
(k1 1.2, b 0.75, IDF floored at a tiny positive value for terms in more than half of the
chunks), which differs from rank_bm25's BM25Okapi (k1 1.5, a floor at a quarter of the
mean IDF); BENCHMARKS.md gives the recall before and after the switch.

The table also keeps each chunk's text and metadata, so a lexical hit becomes a Passage
without a round trip to Chroma, and each chunk's source id and file hash, so the index
can say which chunks it holds and be compared with the collection it mirrors.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from factcheck.claims import STOPWORDS
from factcheck.errors import StoreError
from factcheck.types import Passage

SCHEMA_VERSION = 1
MAX_QUERY_TOKENS = 256
"""Tokens of a query kept for BM25; a pasted 100,000-character claim must not build a
query of tens of thousands of terms. Real claims have a few dozen."""

_STOP = STOPWORDS

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chunks(
    id INTEGER PRIMARY KEY,
    chunk_id TEXT NOT NULL UNIQUE,
    source_id TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    language TEXT NOT NULL,
    text TEXT NOT NULL,
    meta TEXT NOT NULL,
    tokens TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source_id);
CREATE INDEX IF NOT EXISTS chunks_language ON chunks(language);
CREATE VIRTUAL TABLE IF NOT EXISTS terms USING fts5(
    tokens, content='chunks', content_rowid='id', tokenize='unicode61 remove_diacritics 0'
);
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO terms(rowid, tokens) VALUES (new.id, new.tokens);
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO terms(terms, rowid, tokens) VALUES ('delete', old.id, old.tokens);
END;
CREATE TABLE IF NOT EXISTS info(key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def tokenize(text: str) -> list[str]:
    """Lower-cased, accent-free word tokens without function words; digits keep their grouping off."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(?<=\d)[ ,.\u202f\u00a0](?=\d{3}\b)", "", text)
    return [t for t in re.findall(r"\w+", text) if t not in _STOP]


def to_passage(chunk_id: str | None, text: str, meta: Mapping, score: float) -> Passage:
    """A Passage from a chunk's text and the metadata it was indexed with (Chunk.metadata)."""
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


@dataclass(frozen=True, slots=True)
class Entry:
    """One chunk as the lexical index stores it."""

    chunk_id: str
    text: str
    meta: Mapping[str, str | int]

    @property
    def source_id(self) -> str:
        return str(self.meta["source_id"])

    @property
    def file_hash(self) -> str:
        return str(self.meta.get("file_hash", ""))


def _match(tokens: Sequence[str]) -> str:
    # Each token quoted: FTS5 then reads it as a term, never as AND/OR/NEAR or a column
    # filter. A token repeated in the query is repeated here, and bm25() counts it twice,
    # as BM25Okapi did.
    return " OR ".join(f'"{t}"' for t in tokens[:MAX_QUERY_TOKENS])


class LexicalIndex:
    """A BM25 index of corpus chunks in one SQLite file (or in memory when path is None).

    Safe to share between threads (one connection behind a lock) and between processes
    (SQLite locking, WAL journal). Every write is one transaction and bumps a generation
    number, which readers use to know when cached figures (language shares) are stale.

    Raises:
        StoreError: if the file cannot be opened or SQLite lacks FTS5.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._shares: tuple[int, dict[str, float]] = (-1, {})
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                str(path) if path else ":memory:", check_same_thread=False, isolation_level=None, timeout=30.0
            )
            if path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._db.execute(
                "INSERT OR IGNORE INTO info(key, value) VALUES ('schema', ?), ('generation', '0')",
                (str(SCHEMA_VERSION),),
            )
        except sqlite3.Error as exc:
            where = path or "memory"
            raise StoreError(f"Cannot open the lexical index at {where}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction that also bumps the generation; rolled back on any error."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("UPDATE info SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _read(self, sql: str, params: Sequence | Mapping = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # ------------------------------------------------------------------ writes

    def add(self, entries: Iterable[Entry]) -> None:
        """Insert chunks, replacing any already held under the same chunk id."""
        rows = [
            (
                e.chunk_id,
                e.source_id,
                e.file_hash,
                str(e.meta.get("language", "")),
                e.text,
                json.dumps(dict(e.meta), ensure_ascii=False, sort_keys=True),
                " ".join(tokenize(e.text)),
            )
            for e in entries
        ]
        if not rows:
            return
        with self._write() as db:
            db.executemany("DELETE FROM chunks WHERE chunk_id = ?", [(r[0],) for r in rows])
            db.executemany(
                "INSERT INTO chunks(chunk_id, source_id, file_hash, language, text, meta, tokens) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def delete(self, chunk_ids: Iterable[str]) -> None:
        """Remove these chunks; ids not held are ignored."""
        ids = [(cid,) for cid in chunk_ids]
        if ids:
            with self._write() as db:
                db.executemany("DELETE FROM chunks WHERE chunk_id = ?", ids)

    def clear(self) -> None:
        """Remove every chunk."""
        with self._write() as db:
            db.execute("DELETE FROM chunks")
            db.execute("INSERT INTO terms(terms) VALUES ('rebuild')")

    # ------------------------------------------------------------------ reads

    def count(self) -> int:
        return int(self._read("SELECT count(*) FROM chunks")[0][0])

    def generation(self) -> int:
        """A number that changes whenever any process writes to this index."""
        return int(self._read("SELECT value FROM info WHERE key = 'generation'")[0][0])

    def chunks(self) -> dict[str, tuple[str, str]]:
        """Every chunk id held, with its (source id, file hash)."""
        return {cid: (sid, fh) for cid, sid, fh in self._read("SELECT chunk_id, source_id, file_hash FROM chunks")}

    def size_bytes(self) -> int:
        """Bytes the index takes (file and write-ahead log); 0 in memory."""
        if self.path is None:
            return 0
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())

    def language_shares(self) -> dict[str, float]:
        """The share of indexed chunks in each language (chunks without one are not counted)."""
        generation = self.generation()
        if self._shares[0] != generation:
            rows = self._read("SELECT language, count(*) FROM chunks WHERE language != '' GROUP BY language")
            total = sum(n for _, n in rows)
            self._shares = (generation, {lang: n / total for lang, n in rows} if total else {})
        return dict(self._shares[1])

    def passages(self, chunk_ids: Sequence[str]) -> dict[str, Passage]:
        """The passages held under these ids (score 0), by id; unknown ids are left out."""
        out: dict[str, Passage] = {}
        for start in range(0, len(chunk_ids), 500):
            part = list(chunk_ids[start : start + 500])
            marks = ",".join("?" * len(part))
            rows = self._read(f"SELECT chunk_id, text, meta FROM chunks WHERE chunk_id IN ({marks})", part)
            for cid, text, meta in rows:
                out[cid] = to_passage(cid, text, json.loads(meta), 0.0)
        return out

    def search(self, query: str, limit: int) -> list[tuple[Passage, float]]:
        """The best BM25 matches of query, best first, as (passage with score 0, BM25 score) pairs.

        Only chunks sharing at least one token with the query are returned; ties keep the
        order in which chunks were indexed.
        """
        tokens = tokenize(query)
        if not tokens or limit < 1:
            return []
        try:
            rows = self._read(
                "SELECT c.chunk_id, c.text, c.meta, -bm25(terms) AS s FROM terms JOIN chunks c ON c.id = terms.rowid "
                "WHERE terms MATCH ? ORDER BY bm25(terms), terms.rowid LIMIT ?",
                (_match(tokens), limit),
            )
        except sqlite3.Error as exc:
            raise StoreError(f"The lexical index at {self.path or 'memory'} cannot be searched: {exc}") from exc
        return [(to_passage(cid, text, json.loads(meta), 0.0), float(s)) for cid, text, meta, s in rows]
