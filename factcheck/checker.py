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
from factcheck.embeddings import embedder_name, get_embedder
from factcheck.engine import make_stance
from factcheck.judges import load_judges
from factcheck.lexical import LexicalIndex
from factcheck.retrieval import RRF_K, Retriever
from factcheck.stance import states_a_comparable_figure
from factcheck.store import IndexReport, Progress, VectorStore, lexical_path, make_client
from factcheck.types import Claim, Passage, Verdict
from factcheck.verdict import decide

LATER_CONTEXT = 2
POOL_FACTOR = 3
"""Passages retrieved per passage read: the pool from which those with a comparable figure are kept."""


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
        self.stance = make_stance(
            self.embeddings,
            self.settings.stance,
            judges=judges,
            learned=self.settings.stance_model,
            frames=self.settings.frames,
        )

    @property
    def store(self) -> VectorStore:
        """The vector store, opened on first use."""
        if self._store is None:
            client = make_client(self.settings)
            collection = f"{self.settings.collection}-{embedder_name(self.embeddings)}"
            lexical = LexicalIndex(lexical_path(self.settings, collection))
            self._store = VectorStore(client, collection, self.embeddings, lexical)
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
        plan = self.store.plan(load_corpus(self.settings.corpus_dir))
        if plan.empty:
            return None
        return self.store.apply(plan, progress)

    def stats(self) -> dict[str, object]:
        """The index as it stands: sources, chunks, embedder, where the vectors and the lexical
        index live and whether they agree, and the data dir (`python -m factcheck stats`).

        Raises:
            StoreError: if the index cannot be opened.
        """
        s = self.settings
        if s.chroma_mode == "server":
            store: dict[str, object] = {"mode": "server", "address": f"{s.chroma_host}:{s.chroma_port}"}
        else:
            store = {"mode": "embedded", "path": str(s.chroma_dir.resolve())}
        return {**self.store.stats(), "store": store, "data_dir": str(s.data_dir.resolve())}

    def extract(self, article: Article) -> list[Claim]:
        """The check-worthy claims of an article."""
        return extract_claims(article)

    def queries(self, claim: Claim) -> list[str]:
        """What is searched for a claim: the claim as written and, when it has a key figure,
        the clauses around that figure with and without it."""
        queries = [claim.text]
        key = claim.key
        if key is not None:
            # The clauses around the key figure, with and without it: "built in three months"
            # and "built in 122 days" are far apart to an embedder, "built in" is not.
            focused = focus_clauses(claim, key)
            bare = focused.replace(key.text, " ") if key.text else focused
            queries += [focused, re.sub(r"\s+", " ", bare).strip()]
        return queries

    def retrieve(self, claim: Claim, k: int) -> list[Passage]:
        """Passages for the claim as written and for the claim without its key figure, best first."""
        return self.retrieve_many([claim], k)[0]

    def retrieve_many(self, claims: Sequence[Claim], k: int) -> list[list[Passage]]:
        """`retrieve` for each claim, with every query of every claim embedded and searched in one batch."""
        per_claim = [self.queries(c) for c in claims]
        flat = [q for queries in per_claim for q in queries]
        results = iter(self.retriever.search_many(flat, k=k))
        out = []
        for queries in per_claim:
            # Fused by rank, not score: each query's cosines live on their own scale.
            best: dict[str, Passage] = {}
            fused: dict[str, float] = {}
            for _ in queries:
                for rank, p in enumerate(next(results)):
                    fused[p.chunk_id] = fused.get(p.chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
                    if p.chunk_id not in best or p.score > best[p.chunk_id].score:
                        best[p.chunk_id] = p
            out.append(sorted(best.values(), key=lambda p: -fused[p.chunk_id]))
        return out

    def check_claim(self, claim: Claim, article_date: date | None = None) -> Verdict:
        """Retrieve evidence for one claim, read each passage's stance, and decide.

        Passages published after the article do not take the place of earlier ones: the
        top_k earliest-eligible passages are read, plus up to two later ones as context.
        """
        return self.check_claims([claim], article_date)[0]

    def check_claims(
        self,
        claims: Sequence[Claim],
        article_date: date | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Verdict]:
        """`check_claim` for many claims: evidence for all of them is retrieved in one batch,
        then each claim's passages are read and decided, in the order given."""
        k = self.settings.top_k
        pools = self.retrieve_many(claims, POOL_FACTOR * k)
        chosen = [self._choose(p, article_date, c) for c, p in zip(claims, pools, strict=True)]
        for claim, passages in zip(claims, chosen, strict=True):
            self.stance.warm(claim, passages)
        verdicts = []
        for i, (claim, passages) in enumerate(zip(claims, chosen, strict=True)):
            evidence = self.stance.judge_many([(claim, p) for p in passages], article_date)  # one batch per claim
            verdicts.append(decide(claim, evidence, learned_alone=self.settings.stance == "model"))
            if progress:
                progress(i + 1, len(claims))
        return verdicts

    def _choose(self, passages: list[Passage], article_date: date | None, claim: Claim | None = None) -> list[Passage]:
        """The top_k passages not published after the article, then up to LATER_CONTEXT later ones.

        For a claim with a key figure, up to half the places go to the best-ranked passages
        that state a figure of its kind, even from low in the pool: "122 days" is worded
        unlike "built in three months", and a check that reads only the passages repeating
        the article's words never meets the sources that disagree.
        """
        k = self.settings.top_k
        current = [p for p in passages if not (article_date and p.published and p.published > article_date)]
        later = [p for p in passages if p not in current]
        if claim is not None and claim.quantities:
            figured = [p for p in current if states_a_comparable_figure(claim, p)][: k // 2]
            head = [p for p in current if p not in figured][: k - len(figured)]
            current = [p for p in current if p in head or p in figured]  # pool order kept
        return current[:k] + later[:LATER_CONTEXT]

    def check(self, article: Article, progress: Callable[[int, int], None] | None = None) -> list[Verdict]:
        """Check every claim of an article, in reading order."""
        return self.check_claims(self.extract(article), article.published, progress)

    def verify(self, texts: Sequence[str], lang: str | None = None, article_date: date | None = None) -> list[Verdict]:
        """Check standalone claims, in the order given.

        Raises:
            InputError: if a claim is empty or not in French or English.
        """
        claims = [make_claim(t, lang, article_date) for t in texts]
        return self.check_claims(claims, article_date)
