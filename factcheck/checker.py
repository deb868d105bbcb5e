"""FactChecker: the one object the CLI and the app talk to, wiring the stages together."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from langchain_core.embeddings import Embeddings

from factcheck.claims import Article, extract_claims, focus_clauses, make_claim
from factcheck.config import Settings
from factcheck.corpus import load_corpus
from factcheck.embeddings import get_embedder
from factcheck.engine import make_stance
from factcheck.judges import load_judges
from factcheck.retrieval import RRF_K, Retriever
from factcheck.store import IndexReport, Progress, VectorStore, make_client
from factcheck.types import Claim, Passage, Verdict
from factcheck.verdict import decide

LATER_CONTEXT = 2


class FactChecker:
    """Checks articles and claims against the reference corpus.

    Args:
        settings: where the data lives and which embedder and store to use.
        embeddings: an embedder to use instead of the one named in settings (tests pass a fake).
        store: a VectorStore to use instead of opening the one settings describe.
        judges: stance judges to use instead of those settings name (FACTCHECK_NLI_MODEL, FACTCHECK_LLM).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embeddings: Embeddings | None = None,
        store: VectorStore | None = None,
        judges: Sequence | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.embeddings = embeddings or (store.embeddings if store else get_embedder(self.settings.embedder))
        self._store = store
        self._retriever: Retriever | None = None
        if judges is None:
            judges = load_judges(self.settings.nli_model, self.settings.llm)
        self.stance = make_stance(self.embeddings, self.settings.stance, judges=judges)

    @property
    def store(self) -> VectorStore:
        """The vector store, opened on first use."""
        if self._store is None:
            name = getattr(self.embeddings, "name", type(self.embeddings).__name__.lower())
            client = make_client(self.settings)
            self._store = VectorStore(client, f"{self.settings.collection}-{name}", self.embeddings)
        return self._store

    @property
    def retriever(self) -> Retriever:
        if self._retriever is None:
            self._retriever = Retriever(self.store, hybrid=self.settings.hybrid)
        return self._retriever

    def index(
        self, corpus_dir: Path | None = None, *, rebuild: bool = False, progress: Progress | None = None
    ) -> IndexReport:
        """Index the corpus incrementally, or from scratch with rebuild.

        Raises:
            CorpusError: if the corpus is missing, empty or has an unreadable source;
                the index is left as it was.
        """
        sources = load_corpus(corpus_dir or self.settings.corpus_dir)
        if rebuild:
            self.store.reset()
        return self.store.sync(sources, progress)

    def ensure_index(self, progress: Progress | None = None) -> IndexReport | None:
        """Build or refresh the index when it is missing or behind the corpus; None when current."""
        sources = load_corpus(self.settings.corpus_dir)
        if self.store.is_current(sources):
            return None
        return self.store.sync(sources, progress)

    def extract(self, article: Article) -> list[Claim]:
        """The check-worthy claims of an article."""
        return extract_claims(article)

    def retrieve(self, claim: Claim, k: int) -> list[Passage]:
        """Passages for the claim as written and for the claim without its key figure, best first."""
        queries = [claim.text]
        key = next((q for q in claim.quantities if q.kind == claim.kind), None)
        if key is not None:
            # The clauses around the key figure, with and without it: "built in three months"
            # and "built in 122 days" are far apart to an embedder, "built in" is not.
            focused = focus_clauses(claim, key)
            bare = focused.replace(key.text, " ") if key.text else focused
            queries += [focused, re.sub(r"\s+", " ", bare).strip()]
        # Fused by rank, not score: each query's cosines live on their own scale.
        best: dict[str, Passage] = {}
        fused: dict[str, float] = {}
        for query in queries:
            for rank, p in enumerate(self.retriever.search(query, k=k)):
                fused[p.chunk_id] = fused.get(p.chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
                if p.chunk_id not in best or p.score > best[p.chunk_id].score:
                    best[p.chunk_id] = p
        return sorted(best.values(), key=lambda p: -fused[p.chunk_id])

    def check_claim(self, claim: Claim, article_date: date | None = None) -> Verdict:
        """Retrieve evidence for one claim, read each passage's stance, and decide.

        Passages published after the article do not take the place of earlier ones: the
        top_k earliest-eligible passages are read, plus up to two later ones as context.
        """
        k = self.settings.top_k
        passages = self.retrieve(claim, 2 * k)
        current = [p for p in passages if not (article_date and p.published and p.published > article_date)]
        later = [p for p in passages if p not in current]
        chosen = current[:k] + later[:LATER_CONTEXT]
        self.stance.warm(claim, chosen)
        evidence = [self.stance.judge(claim, p, article_date) for p in chosen]
        return decide(claim, evidence)

    def check(self, article: Article, progress: Callable[[int, int], None] | None = None) -> list[Verdict]:
        """Check every claim of an article, in reading order."""
        claims = self.extract(article)
        verdicts = []
        for i, claim in enumerate(claims):
            verdicts.append(self.check_claim(claim, article.published))
            if progress:
                progress(i + 1, len(claims))
        return verdicts

    def verify(self, texts: Sequence[str], lang: str | None = None, article_date: date | None = None) -> list[Verdict]:
        """Check standalone claims, in the order given.

        Raises:
            InputError: if a claim is empty or not in French or English.
        """
        claims = [make_claim(t, lang, article_date) for t in texts]
        return [self.check_claim(c, article_date) for c in claims]
