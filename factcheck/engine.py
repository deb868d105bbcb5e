"""Build the stance reader the product uses: comparator, trained model, or both (the default).

Placeholder wiring until the trained model lands: every mode reads with the comparator.
"""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from factcheck.embeddings import embedding_similarity
from factcheck.stance import ComparatorStance

DEFAULT_TOPICAL = 0.3


def make_stance(embeddings: Embeddings, mode: str = "both"):
    """A reader with `warm(claim, passages)` and `judge(claim, passage, article_date) -> Evidence`."""
    topical = getattr(embeddings, "topical", DEFAULT_TOPICAL)
    return ComparatorStance(embedding_similarity(embeddings), topical=topical)
