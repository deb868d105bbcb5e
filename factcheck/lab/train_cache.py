"""A text-keyed disk cache of sentence embeddings, so training and evaluation embed each text once.

Encoding the benchmark sets takes tens of minutes on two cores; a crash or a second run
should not pay it again. Vectors are appended in shards and read back all at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors of texts, computed with an embedder on a miss and kept under directory."""

    def __init__(self, directory: Path, embeddings=None, shard: int = 512) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.embeddings = embeddings
        self.shard = shard
        self._vectors: dict[str, np.ndarray] = {}
        for path in sorted(self.directory.glob("shard-*.npz")):
            data = np.load(path)
            self._vectors.update(zip(data["keys"].tolist(), data["vectors"], strict=True))

    def _embedder(self):
        if self.embeddings is None:
            from factcheck.embeddings import get_embedder

            self.embeddings = get_embedder("use-multilingual")
        return self.embeddings

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """The vector of each text, embedding and saving the ones not yet cached."""
        todo = [t for t in dict.fromkeys(texts) if _key(t) not in self._vectors]
        bar = None
        if progress and todo:
            from tqdm import tqdm

            bar = tqdm(total=len(todo), desc="embedding", unit="text")
        for start in range(0, len(todo), self.shard):
            chunk = todo[start : start + self.shard]
            vectors = np.asarray(self._embedder().embed_documents(chunk), dtype=np.float32)
            keys = [_key(t) for t in chunk]
            n = len(list(self.directory.glob("shard-*.npz")))
            np.savez(self.directory / f"shard-{n:05d}.npz", keys=np.array(keys), vectors=vectors)
            self._vectors.update(zip(keys, vectors, strict=True))
            if bar:
                bar.update(len(chunk))
        if bar:
            bar.close()
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vectors[_key(t)] for t in texts])


class CachedEmbeddings:
    """A LangChain-style embedder answering from an EmbeddingCache, so the comparator can run
    over thousands of benchmark pairs without re-encoding what training already encoded."""

    name = "use-multilingual"
    topical = 0.35

    def __init__(self, cache: EmbeddingCache) -> None:
        self.cache = cache

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.cache.embed(list(texts)).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]
