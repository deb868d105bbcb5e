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

import numpy as np
from langchain_core.embeddings import Embeddings

from factcheck.crossencoder import LABELS, CrossEncoderJudge
from factcheck.embeddings import EmbeddingSimilarity, embedding_similarity, get_embedder
from factcheck.errors import ConfigError
from factcheck.stance import ComparatorStance, focus, is_deictic, known_names, names_subject, sentences_of
from factcheck.stance_model import DEFAULT_MODEL_DIR, StanceModel, pair_features
from factcheck.types import Claim, Evidence, Passage, Stance

DEFAULT_TOPICAL = 0.3
MODES = ("comparator", "model", "both")
LEARNED = ("crossencoder", "features")
"""The learned readers: the fine-tuned e5 cross-encoder, or the classifier over frozen sentence vectors."""
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
        learned: which learned reader reads what the comparator leaves open: "crossencoder" or "features".
        crossencoder: the cross-encoder judge (loaded from the package on first use when None).
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
        learned: str = "features",
        crossencoder: CrossEncoderJudge | None = None,
        frames: bool = True,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if learned not in LEARNED:
            raise ConfigError(f"Unknown stance model {learned!r}; choose one of: {', '.join(LEARNED)}.")
        self.learned = learned
        self._crossencoder = crossencoder
        self.mode = mode
        self.topical = getattr(embeddings, "topical", DEFAULT_TOPICAL)
        self.similarity = embedding_similarity(embeddings)
        # Only the cross-encoder reads a restated sentence well enough to tie a figure to the claim:
        # the frozen-feature model scores any sentence about the story 0.5-0.8 (BENCHMARKS.md).
        entails = self._entails if mode == "both" and learned == "crossencoder" and not judges else None
        self.comparator = ComparatorStance(self.similarity, topical=self.topical, frames=frames, entails=entails)
        self._embeddings = embeddings
        self._model = model
        self.judges = list(judges)
        self.figures_decide = figures_decide
        self._model_embeddings = model_embeddings

    @cached_property
    def model(self) -> StanceModel:
        return self._model or StanceModel.load(DEFAULT_MODEL_DIR)

    @cached_property
    def crossencoder(self) -> CrossEncoderJudge:
        """The cross-encoder judge; built here, its network loads on its first batch."""
        return self._crossencoder or CrossEncoderJudge()

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
        return self.judge_many([(claim, passage)], article_date)[0]

    def judge_many(self, pairs: Sequence[tuple[Claim, Passage]], article_date: date | None = None) -> list[Evidence]:
        """`judge` for many (claim, passage) pairs, with one batched call to the learned reader.

        The comparator reads every pair first; the pairs it leaves open on a topical sentence
        are then read together (the cross-encoder pays per forward pass, so an article's pairs
        go in one batch rather than one at a time).
        """
        out: list[Evidence | None] = []
        pending: list[tuple[int, Claim, str, str, Evidence]] = []
        for i, (claim, passage) in enumerate(pairs):
            evidence = self.comparator.judge(claim, passage, article_date)
            if self.mode == "comparator" or (self.mode == "both" and evidence.stance is not Stance.NEUTRAL):
                out.append(self._calibrated(evidence))
                continue
            if self.figures_decide and self.mode == "both" and _has_key_figure(claim):
                out.append(evidence)
                continue
            sentences = sentences_of(passage.text)
            sims = self.similarity(focus(claim), sentences)
            best = max(range(len(sentences)), key=lambda i: sims[i])
            neutral = replace(evidence, stance=Stance.NEUTRAL, stance_score=0.0, sentence=sentences[best], found=None)
            if sims[best] < self.topical:
                out.append(replace(neutral, reason="not about the claim"))
                continue
            if not names_subject(claim, sentences[best], known_names(passage.text)):
                out.append(replace(neutral, reason="on the topic, but it does not name the claim's subject"))
                continue
            out.append(None)
            pending.append((i, claim, sentences[best], passage.language or claim.lang, neutral))
        readings = self._read_many([(claim, sentence, lang) for _, claim, sentence, lang, _ in pending])
        for (i, claim, sentence, lang, neutral), (stance, probability, rationale, judge) in zip(
            pending, readings, strict=True
        ):
            if stance is Stance.REFUTES and not self.comparator.states_event(claim, sentence, lang == claim.lang):
                stance, rationale = Stance.NEUTRAL, f"{rationale}, but the sentence tells of another event"
            if stance is Stance.REFUTES and self.mode == "both" and not self.judges:
                # On the development sets 12 of the cross-encoder's 46 contradictions of a news
                # sentence were right, at any probability and any similarity: it reads a quote,
                # a paraphrase or a list that leaves one name out as a contradiction. In the
                # product its doubt is shown, but only the comparator refutes.
                stance, rationale = Stance.NEUTRAL, f"{rationale}; a learned reader alone does not refute"
            if stance is Stance.NEUTRAL:
                out[i] = replace(neutral, reason=rationale, judge=judge)
            else:
                out[i] = replace(
                    neutral, stance=stance, stance_score=round(probability, 3), reason=rationale, judge=judge,
                    partial=False,
                )  # fmt: skip
        return [e for e in out if e is not None]

    def _entails(self, items: Sequence[tuple[str, str, str]]) -> list[float]:
        """The cross-encoder's P(supports) of (claim, sentence, language): the comparator asks it
        whether a sentence restated with the claim's figure states the claim."""
        if not items:
            return []
        probs = self.crossencoder.probabilities([(c, e) for c, e, _ in items])
        return [float(p) for p in probs[:, LABELS.index(Stance.SUPPORTS)]]

    def _features(self, items: Sequence[tuple[str, str, str]]) -> np.ndarray:
        """The frozen-feature model's inputs for (claim, sentence, language) triples."""
        sim = self._model_similarity
        sim.warm([t for c, e, _ in items for t in (c, e)])
        return pair_features(
            [sim.vector(c) for c, _, _ in items],
            [sim.vector(e) for _, e, _ in items],
            [c for c, _, _ in items],
            [e for _, e, _ in items],
            [lang for _, _, lang in items],
        )

    def _read_many(self, items: Sequence[tuple[Claim, str, str]]) -> list[tuple[Stance, float, str, str]]:
        """Readings of (claim, sentence, language) triples, in one batch: the first configured judge
        (load_judges puts the NLI model first), else the learned reader this reader was built with."""
        if not items:
            return []
        pairs = [(claim.text, sentence) for claim, sentence, _ in items]
        judge = self.judges[0] if self.judges else self.crossencoder if self.learned == "crossencoder" else None
        if judge is not None:
            return [(j.stance, j.probability, j.rationale, j.judge) for j in judge.judge_many(pairs)]
        x = self._features([(claim.text, sentence, lang) for claim, sentence, lang in items])
        out = []
        for stance, probability in self.model.decide(self.model.probabilities(x)):
            if stance is Stance.NEUTRAL:
                out.append((stance, probability, "the stance model finds no clear agreement or contradiction", "model"))
            else:
                verb = "agreeing with" if stance is Stance.SUPPORTS else "contradicting"
                out.append((stance, probability, f"the stance model reads this sentence as {verb} the claim", "model"))
        return out

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


def make_stance(
    embeddings: Embeddings, mode: str = "both", judges: Sequence = (), learned: str = "features", frames: bool = True
) -> StanceReader:
    """The stance reader the product and `eval` use; `learned` is Settings.stance_model, `frames` Settings.frames."""
    return StanceReader(embeddings, mode, judges=judges, learned=learned, frames=frames)
