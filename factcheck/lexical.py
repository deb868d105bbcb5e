"""The lexical side of retrieval: BM25 over the indexed chunks, persistent and incremental.

The chunks live in one SQLite table (text, metadata, tokens), written chunk by chunk in
the same order as the Chroma collection, so the lexical index is never rebuilt from
Chroma and a killed `index` leaves it consistent (each write is one transaction).
Scoring runs on an inverted index in numpy arrays (term -> chunk rows and term
frequencies), saved beside the table as a snapshot tagged with the table's generation:
a process loads it in milliseconds instead of tokenising every chunk, and chunks written
or deleted after the snapshot are applied on top of it (a delta), until the delta grows
past a fifth of the snapshot and the snapshot is rebuilt.

Scores are exactly rank_bm25's BM25Okapi (k1 1.5, b 0.75, negative IDF floored at a
quarter of the mean IDF), which the product used before, on the same tokens (`tokenize`):
retrieval results do not change, only where the index lives and what a query costs.

Why not SQLite FTS5 (tried first) or bm25s: FTS5's bm25() costs about 3 us per matching
row, and on a 10,000-chunk synthetic corpus whose chunks share the topic's words a query
matched 7,000 rows (22 ms of CPU, so about 200 ms at 100,000); bm25s precomputes scores
that change with every added chunk, so it cannot be updated incrementally.
"""


from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import threading
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np

from factcheck.claims import STOPWORDS
from factcheck.errors import StoreError
from factcheck.types import Passage

SCHEMA_VERSION = 2
MAX_QUERY_TOKENS = 256
"""Tokens of a query kept for BM25; a pasted 100,000-character claim must not cost a
pass over the postings of thousands of terms. Real claims have a few dozen."""
K1, B, EPSILON = 1.5, 0.75, 0.25
"""BM25Okapi's parameters, as rank_bm25 sets them."""
DELTA_SHARE = 0.2
"""Rebuild the snapshot when the chunks written or deleted since it exceed this share of it."""

_STOP = STOPWORDS

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chunks(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
CREATE TABLE IF NOT EXISTS info(key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@cache
def _bmp_marks() -> dict[int, None]:
    """Every combining character of the Basic Multilingual Plane, as a str.translate table."""
    return {cp: None for cp in range(0x10000) if unicodedata.combining(chr(cp))}


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def strip_marks(text: str) -> str:
    """text without combining characters (accents once NFKD has split them off).

    The same as dropping every character with unicodedata.combining(c) != 0, at C speed:
    the character-by-character version was a quarter of a search's time (copy collapse
    and BM25 tokens both strip accents).
    """
    out = text.translate(_bmp_marks())
    if not out.isascii() and _ASTRAL.search(out):
        out = "".join(c for c in out if not unicodedata.combining(c))
    return out


def tokenize(text: str) -> list[str]:
    """Lower-cased, accent-free word tokens without function words; digits keep their grouping off."""
    text = strip_marks(unicodedata.normalize("NFKD", text.lower()))
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


@dataclass(frozen=True)
class _Postings:
    """An inverted index of some rows of the chunks table, as numpy arrays.

    ids: the rows' ids, ascending; lengths: their token counts; terms: term -> column;
    the postings of column j are docs[indptr[j]:indptr[j+1]] (positions in ids) with
    their term frequencies in tfs.
    """

    instance: str
    generation: int
    max_id: int
    ids: np.ndarray
    lengths: np.ndarray
    terms: dict[str, int]
    indptr: np.ndarray
    docs: np.ndarray
    tfs: np.ndarray

    @classmethod
    def build(cls, instance: str, generation: int, rows: Sequence[tuple[int, str]]) -> _Postings:
        """Postings of (id, space-joined tokens) rows, which must come in ascending id order."""
        terms: dict[str, int] = {}
        split = [tokens.split() for _, tokens in rows]
        lengths = np.fromiter(map(len, split), dtype=np.int32, count=len(split))
        # Term ids of every token in one pass, then (term, row) pairs counted by numpy: a
        # Python loop per posting took 90 s at 100,000 chunks on this machine.
        every = (terms.setdefault(w, len(terms)) for words in split for w in words)
        flat = np.fromiter(every, dtype=np.int64, count=int(lengths.sum()))
        rows_of = np.repeat(np.arange(len(split), dtype=np.int64), lengths)
        keys, tfs = np.unique(flat * max(len(split), 1) + rows_of, return_counts=True)
        term_of = keys // max(len(split), 1)
        indptr = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(np.bincount(term_of, minlength=len(terms)), out=indptr[1:])
        docs = (keys % max(len(split), 1)).astype(np.int32)
        ids = np.fromiter((i for i, _ in rows), dtype=np.int64, count=len(rows))
        max_id = int(ids[-1]) if len(ids) else 0
        return cls(instance, generation, max_id, ids, lengths, terms, indptr, docs, tfs.astype(np.int32))

    def save(self, path: Path) -> None:
        """Write atomically (a reader sees the old file or the new one, never half of one)."""
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            np.savez(
                f,
                header=np.array([self.instance, str(self.generation), str(self.max_id), str(SCHEMA_VERSION)]),
                ids=self.ids,
                lengths=self.lengths,
                terms=np.frombuffer("\n".join(self.terms).encode(), dtype=np.uint8),
                indptr=self.indptr,
                docs=self.docs,
                tfs=self.tfs,
            )
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path, instance: str) -> _Postings | None:
        """The snapshot at path, or None when missing, unreadable, or from another table."""
        try:
            with np.load(path, allow_pickle=False) as z:
                got_instance, generation, max_id, schema = (str(x) for x in z["header"])
                if got_instance != instance or schema != str(SCHEMA_VERSION):
                    return None
                names = z["terms"].tobytes().decode().split("\n") if len(z["terms"]) else []
                terms = {t: j for j, t in enumerate(names)}
                arrays = (z["ids"], z["lengths"], terms, z["indptr"], z["docs"], z["tfs"])
                return cls(instance, int(generation), int(max_id), *arrays)
        except (OSError, ValueError, KeyError):
            return None


@dataclass(frozen=True)
class _View:
    """The postings as of one generation: a snapshot, which of its rows still live, and the rows added since."""

    generation: int
    base: _Postings
    live: np.ndarray
    delta: _Postings
    n: int
    avgdl: float
    idf: dict[str, float]

    def score(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """BM25Okapi scores of every row of the base and of the delta for these query tokens."""
        out = []
        for part, mask in ((self.base, self.live), (self.delta, None)):
            scores = np.zeros(len(part.ids))
            norm = K1 * (1 - B + B * part.lengths / self.avgdl) if self.avgdl else np.ones(len(part.ids))
            for token in tokens:
                idf = self.idf.get(token, 0.0)
                j = part.terms.get(token)
                if not idf or j is None:
                    continue
                docs = part.docs[part.indptr[j] : part.indptr[j + 1]]
                tf = part.tfs[part.indptr[j] : part.indptr[j + 1]]
                scores[docs] += idf * (tf * (K1 + 1) / (tf + norm[docs]))
            if mask is not None:
                scores[~mask] = 0.0
            out.append(scores)
        return out[0], out[1]


def _make_view(generation: int, base: _Postings, live: np.ndarray, delta: _Postings) -> _View:
    """Corpus statistics over the live rows, and each term's IDF as BM25Okapi computes it."""
    n = int(live.sum()) + len(delta.ids)
    total = int(base.lengths[live].sum()) + int(delta.lengths.sum())
    df: dict[str, int] = {}
    if len(base.terms):
        live_postings = live[base.docs].astype(np.int64)
        counts = np.add.reduceat(live_postings, base.indptr[:-1]) if len(live_postings) else np.zeros(len(base.terms))
        df = {t: int(counts[j]) for t, j in base.terms.items() if counts[j]}
    for t, j in delta.terms.items():
        df[t] = df.get(t, 0) + int(delta.indptr[j + 1] - delta.indptr[j])
    idf = {t: math.log(n - f + 0.5) - math.log(f + 0.5) for t, f in df.items()}
    if idf:
        eps = EPSILON * (sum(idf.values()) / len(idf))
        idf = {t: (eps if v < 0 else v) for t, v in idf.items()}
    return _View(generation, base, live, delta, n, total / n if n else 0.0, idf)


class LexicalIndex:
    """A BM25 index of corpus chunks: rows in one SQLite file (in memory when path is None),
    postings in a snapshot file beside it.

    Safe to share between threads (one connection behind a lock) and between processes
    (SQLite locking, WAL journal, snapshots replaced atomically). Every write is one
    transaction and bumps a generation number, so a reader knows when its postings and
    cached figures (language shares) are behind and brings them up to date.

    Raises:
        StoreError: if the file cannot be opened.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._shares: tuple[int, dict[str, float]] = (-1, {})
        self._view: _View | None = None
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                str(path) if path else ":memory:", check_same_thread=False, isolation_level=None, timeout=30.0
            )
            if path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            with self._write(bump=False) as db:
                found = db.execute("SELECT name FROM sqlite_master WHERE name = 'info'").fetchone()
                schema = found and db.execute("SELECT value FROM info WHERE key = 'schema'").fetchone()
                if found and (not schema or schema[0] != str(SCHEMA_VERSION)):
                    # An index from an older layout: start empty; the store refills it from
                    # the corpus or the collection (VectorStore.plan / catch_up).
                    for (name, kind) in db.execute(
                        "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'trigger') "
                        "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_data' AND name NOT LIKE '%_idx' "
                        "AND name NOT LIKE '%_content' AND name NOT LIKE '%_docsize' AND name NOT LIKE '%_config'"
                    ).fetchall():
                        db.execute(f'DROP {"TRIGGER" if kind == "trigger" else "TABLE"} IF EXISTS "{name}"')
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    db.execute(statement)
                db.execute(
                    "INSERT OR IGNORE INTO info(key, value) VALUES ('schema', ?), ('generation', '0'), ('instance', ?)",
                    (str(SCHEMA_VERSION), uuid.uuid4().hex),
                )
            self._instance = self._read("SELECT value FROM info WHERE key = 'instance'")[0][0]
        except sqlite3.Error as exc:
            raise StoreError(f"Cannot open the lexical index at {path or 'memory'}: {exc}") from exc

    @property
    def snapshot_path(self) -> Path | None:
        return self.path.with_name(f"{self.path.name}.postings.npz") if self.path else None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self, bump: bool = True) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction that also bumps the generation; rolled back on any error."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                if bump:
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
        """Bytes the index takes on disk (table, write-ahead log, postings snapshot); 0 in memory."""
        if self.path is None:
            return 0
        files = (self.path, Path(f"{self.path}-wal"), self.snapshot_path)
        return sum(p.stat().st_size for p in files if p is not None and p.exists())

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
        rows = self._read_in("SELECT chunk_id, text, meta FROM chunks WHERE chunk_id IN ({})", chunk_ids)
        return {cid: to_passage(cid, text, json.loads(meta), 0.0) for cid, text, meta in rows}

    def _read_in(self, sql: str, values: Sequence) -> list[tuple]:
        """The rows of sql whose "IN ({})" takes values, asked 500 at a time (SQLite's variable limit)."""
        rows: list[tuple] = []
        for start in range(0, len(values), 500):
            part = list(values[start : start + 500])
            rows += self._read(sql.format(",".join("?" * len(part))), part)
        return rows

    def refresh(self) -> None:
        """Bring the postings up to the table's generation now (indexing calls this, so the next
        reader finds a current snapshot on disk instead of rebuilding it)."""
        self._current()

    def _current(self) -> _View:
        with self._lock:
            generation = self.generation()
            if self._view is not None and self._view.generation == generation:
                return self._view
            base = self._view.base if self._view is not None else None
            if base is None and self.snapshot_path is not None and self.snapshot_path.exists():
                base = _Postings.load(self.snapshot_path, self._instance)
            if base is not None:
                live_ids = np.fromiter(
                    (r[0] for r in self._read("SELECT id FROM chunks WHERE id <= ? ORDER BY id", (base.max_id,))),
                    dtype=np.int64,
                )
                pos = np.searchsorted(live_ids, base.ids)
                live = (pos < len(live_ids)) & (live_ids[np.minimum(pos, max(len(live_ids) - 1, 0))] == base.ids)
                if not len(live_ids):
                    live = np.zeros(len(base.ids), dtype=bool)
                added = self._read("SELECT id, tokens FROM chunks WHERE id > ? ORDER BY id", (base.max_id,))
                stale = len(added) + int((~live).sum())
                if stale > DELTA_SHARE * max(len(base.ids), 1000):
                    base = None
            if base is None:
                rows = self._read("SELECT id, tokens FROM chunks ORDER BY id")
                base = _Postings.build(self._instance, generation, rows)
                if self.snapshot_path is not None:
                    base.save(self.snapshot_path)
                live, added = np.ones(len(base.ids), dtype=bool), []
            delta = _Postings.build(self._instance, generation, added)
            self._view = _make_view(generation, base, live, delta)
            return self._view

    def search(self, query: str, limit: int) -> list[tuple[Passage, float]]:
        """The best BM25 matches of query, best first, as (passage with score 0, BM25 score) pairs.

        Only chunks with a positive score (sharing a word with the query) are returned. Ties
        are broken by chunk id, which comes from the text, so the answer does not depend on
        the order in which chunks happened to be indexed (a re-run after a crash, say).
        """
        tokens = tokenize(query)[:MAX_QUERY_TOKENS]
        if not tokens or limit < 1:
            return []
        view = self._current()
        base_scores, delta_scores = view.score(tokens)
        scores = np.concatenate([base_scores, delta_scores])
        ids = np.concatenate([view.base.ids, view.delta.ids])
        hits = np.flatnonzero(scores > 0)
        if len(hits) > limit:
            cut = np.partition(scores[hits], len(hits) - limit)[len(hits) - limit]
            hits = hits[scores[hits] >= cut]
        if not len(hits):
            return []
        wanted = [int(i) for i in ids[hits]]
        held = self._read_in("SELECT id, chunk_id, text, meta FROM chunks WHERE id IN ({})", wanted)
        rows = {i: (cid, text, meta) for i, cid, text, meta in held}
        found = sorted(
            ((float(scores[h]), rows[i]) for i, h in zip(wanted, hits, strict=True) if i in rows),
            key=lambda hit: (-hit[0], hit[1][0]),
        )[:limit]
        return [(to_passage(cid, text, json.loads(meta), 0.0), score) for score, (cid, text, meta) in found]
