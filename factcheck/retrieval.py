"""Find candidate evidence: dense search in Chroma, BM25 over the same chunks, fused by rank.

Reciprocal rank fusion needs no score calibration between the two retrievers, which
matters here because cosine scores of different embedders live on different scales.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from rank_bm25 import BM25Okapi

from factcheck.claims import STOPWORDS
from factcheck.embeddings import embedding_similarity
from factcheck.store import VectorStore
from factcheck.types import Passage

RRF_K = 60
_STOP = STOPWORDS


def tokenize(text: str) -> list[str]:
    """Lower-cased, accent-free word tokens without function words; digits keep their grouping off."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(?<=\d)[ ,.\u202f\u00a0](?=\d{3}\b)", "", text)
    return [t for t in re.findall(r"\w+", text) if t not in _STOP]


class Retriever:
    """Hybrid retrieval over one VectorStore; the BM25 side is rebuilt when the index changes."""

    def __init__(self, store: VectorStore, *, hybrid: bool = True, pool: int = 20) -> None:
        self.store = store
        self.hybrid = hybrid
        self.pool = pool
        self._bm25: BM25Okapi | None = None
        self._passages: list[Passage] = []
        self._count = -1
        self._similarity = embedding_similarity(store.embeddings)

    def _lexical(self) -> tuple[BM25Okapi | None, list[Passage]]:
        count = self.store.count()
        if count != self._count:
            self._passages = self.store.all_passages()
            self._bm25 = BM25Okapi([tokenize(p.text) for p in self._passages]) if self._passages else None
            self._count = count
        return self._bm25, self._passages

    def search(self, query: str, k: int = 5) -> list[Passage]:
        """The k best passages for query; score is the dense cosine similarity of each."""
        dense = self.store.search(query, k=self.pool if self.hybrid else k)
        if not self.hybrid:
            return dense[:k]
        bm25, passages = self._lexical()
        if bm25 is None:
            return dense[:k]
        scores = bm25.get_scores(tokenize(query))
        lexical = sorted(range(len(passages)), key=lambda i: -scores[i])[: self.pool]
        fused: dict[str, float] = {}
        by_id: dict[str, Passage] = {}
        for rank, p in enumerate(dense):
            fused[p.chunk_id] = fused.get(p.chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
            by_id[p.chunk_id] = p
        for rank, i in enumerate(lexical):
            if scores[i] <= 0:
                break
            p = passages[i]
            fused[p.chunk_id] = fused.get(p.chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
            by_id.setdefault(p.chunk_id, p)
        best = sorted(fused, key=lambda cid: -fused[cid])[:k]
        missing = [cid for cid in best if by_id[cid].score == 0.0]
        if missing:
            sims = self._similarity(query, [by_id[cid].text for cid in missing])
            for cid, sim in zip(missing, sims, strict=True):
                by_id[cid] = replace(by_id[cid], score=sim)
        return [by_id[cid] for cid in best]
