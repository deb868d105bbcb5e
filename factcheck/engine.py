"""One stance per evidence passage, from the comparator and the trained model combined.

The comparator is exact where it applies (a figure, a date, a list of partners), so it
decides first. The trained model, or a stronger judge the user configured, reads what it
leaves neutral, but only on a sentence that is about the claim, and never on a claim whose
key figure found nothing comparable: for "built in 122 days", a sentence without a
duration is related text, not evidence.

Every stance carries a calibrated score: for the model, its temperature-scaled
probability; for the comparator, the precision its readings of that kind had on the
development pairs (recorded with the model in meta.json).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from functools import cached_property

from langchain_core.embeddings import Embeddings

from factcheck.claims import split_sentences
from factcheck.embeddings import EmbeddingSimilarity, embedding_similarity, get_embedder
from factcheck.errors import ConfigError
from factcheck.stance import ComparatorStance, focus, is_deictic
from factcheck.stance_model import DEFAULT_MODEL_DIR, StanceModel, pair_features
from factcheck.types import Claim, Evidence, Passage, Stance

DEFAULT_TOPICAL = 0.3
MODES = ("comparator", "model", "both")
MODEL_EMBEDDER = "use-multilingual"
"""The encoder the model was trained on; another retrieval embedder gets a second one for the model."""

COMPARATOR_PRECISION = {"supports": 0.9, "partly": 0.75, "refutes": 0.8}
"""Unmeasured fallback scores of comparator readings, used only when no model card is installed."""


class StanceReader:
    """Reads a passage's stance with the comparator, then the model or the judges, per `mode`.

    Args:
        embeddings: the retrieval embedder, whose similarities pick the sentence to read.
        mode: "comparator", "model" or "both".
        model: the trained classifier (loaded from the package when None and the mode needs it).
        judges: stronger judges (NLI cross-encoder, LLM) that replace the model when given.
        figures_decide: leave a claim with a key figure to the comparator alone.
        model_embeddings: the encoder of the model's features (USE, which it was trained on, by default).
    """

    def __init__(
        self,
        embeddings: Embeddings,
        mode: str = "both",
        *,
        model: StanceModel | None = None,
        judges: Sequence = (),
        figures_decide: bool = True,
        model_embeddings: Embeddings | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode = mode
        self.topical = getattr(embeddings, "topical", DEFAULT_TOPICAL)
        self.similarity = embedding_similarity(embeddings)
        self.comparator = ComparatorStance(self.similarity, topical=self.topical)
        self._embeddings = embeddings
        self._model = model
        self.judges = list(judges)
        self.figures_decide = figures_decide
        self._model_embeddings = model_embeddings

    @cached_property
    def model(self) -> StanceModel:
        return self._model or StanceModel.load(DEFAULT_MODEL_DIR)

    @cached_property
    def _model_similarity(self) -> EmbeddingSimilarity:
        if self._model_embeddings is not None:
            return embedding_similarity(self._model_embeddings)
        if getattr(self._embeddings, "name", "") == MODEL_EMBEDDER:
            return self.similarity
        return embedding_similarity(get_embedder(MODEL_EMBEDDER))

    def warm(self, claim: Claim, passages: Sequence[Passage]) -> None:
        self.comparator.warm(claim, passages)

    def judge(self, claim: Claim, passage: Passage, article_date: date | None = None) -> Evidence:
        """The stance passage takes on claim, with a calibrated score and who read it."""
        evidence = self.comparator.judge(claim, passage, article_date)
        if self.mode == "comparator" or (self.mode == "both" and evidence.stance is not Stance.NEUTRAL):
            return self._calibrated(evidence)
        if self.figures_decide and self.mode == "both" and _has_key_figure(claim):
            return evidence
        sentences = [passage.text[s:e] for s, e in split_sentences(passage.text)] or [passage.text]
        sims = self.similarity(focus(claim), sentences)
        best = max(range(len(sentences)), key=lambda i: sims[i])
        neutral = replace(evidence, stance=Stance.NEUTRAL, stance_score=0.0, sentence=sentences[best], found=None)
        if sims[best] < self.topical:
            return replace(neutral, reason="not about the claim")
        stance, probability, rationale, judge = self._read(claim, sentences[best], passage.language or claim.lang)
        if stance is Stance.NEUTRAL:
            return replace(neutral, reason=rationale, judge=judge)
        return replace(
            neutral, stance=stance, stance_score=round(probability, 3), reason=rationale, judge=judge, partial=False
        )

    def _read(self, claim: Claim, sentence: str, lang: str) -> tuple[Stance, float, str, str]:
        """The first configured judge's reading (load_judges puts the NLI model first), else the model's."""
        if self.judges:
            j = self.judges[0].judge_many([(claim.text, sentence)])[0]
            return j.stance, j.probability, j.rationale, j.judge
        sim = self._model_similarity
        sim.warm([claim.text, sentence])
        x = pair_features([sim.vector(claim.text)], [sim.vector(sentence)], [claim.text], [sentence], [lang])
        stance, probability = self.model.decide(self.model.probabilities(x))[0]
        if stance is Stance.NEUTRAL:
            return stance, probability, "the stance model finds no clear agreement or contradiction", "model"
        verb = "agreeing with" if stance is Stance.SUPPORTS else "contradicting"
        return stance, probability, f"the stance model reads this sentence as {verb} the claim", "model"

    @cached_property
    def _comparator_precision(self) -> dict[str, float]:
        """The comparator's measured precision (meta.json), the same in every mode so the ablation
        compares like with like; the fallback only when no model is installed."""
        try:
            measured = self.model.card.get("comparator_precision") or {}
        except ConfigError:
            measured = {}
        return {kind: measured.get(kind) or fallback for kind, fallback in COMPARATOR_PRECISION.items()}

    def _calibrated(self, evidence: Evidence) -> Evidence:
        if evidence.stance is Stance.NEUTRAL:
            return evidence
        kind = "partly" if evidence.partial else str(evidence.stance)
        return replace(evidence, stance_score=round(float(self._comparator_precision[kind]), 3))


def _has_key_figure(claim: Claim) -> bool:
    return any(q.kind == claim.kind and not is_deictic(q) for q in claim.quantities)


def make_stance(embeddings: Embeddings, mode: str = "both", judges: Sequence = ()) -> StanceReader:
    """The stance reader the product and `eval` use."""
    return StanceReader(embeddings, mode, judges=judges)
