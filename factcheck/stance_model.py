"""A small trained stance classifier over frozen multilingual sentence vectors.

No NLI model installs offline here, and fine-tuning an English MiniLM cross-encoder on
the public sets stayed near chance on French (research/stance-feasibility.md). This model
instead reads the claim and the evidence sentence through the product's own multilingual
encoder (USE, already computed for retrieval and topicality, so a judgement costs no extra
encoding) and adds surface features a vector blurs: how much of the claim the evidence
repeats, negation on one side only, and whether the figures agree.

The classifier is a one-hidden-layer network whose weights are a few hundred kilobytes of
float16 in a `.npz`; inference is numpy only. It is trained by `python -m
factcheck.train_stance`, never at run time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from factcheck import lang as langdata
from factcheck.errors import ConfigError
from factcheck.quantities import comparable, compare, parse_quantities
from factcheck.retrieval import tokenize
from factcheck.types import Stance

LABELS = (Stance.SUPPORTS, Stance.REFUTES, Stance.NEUTRAL)
"""Output order of the classifier."""

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "stance"

NEGATION = re.compile(rf"\b(?:{langdata.pattern('negation')})\b|n't\b", re.I)
"""A negation in any language factcheck reads ("not", "n't", "ne ... pas", "jamais")."""
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")

SURFACE = (
    "cosine",
    "claim_covered",
    "evidence_covered",
    "claim_negated",
    "evidence_negated",
    "negation_differs",
    "claim_has_figure",
    "claim_figures_found",
    "evidence_new_figures",
    "figure_supports",
    "figure_partly",
    "figure_refutes",
    "figure_none",
    "length_ratio",
)


def _numbers(text: str) -> set[str]:
    return {
        m.group().replace(",", ".") for m in _DIGITS.finditer(re.sub(r"(?<=\d)[ \u202f\u00a0,](?=\d{3}\b)", "", text))
    }


def figure_outcome(claim: str, evidence: str, lang: str) -> str:
    """The best agreement between any figure of the claim and a comparable one of the evidence.

    A context-free cousin of the comparator: no topicality gate, because the pair is given.
    """
    try:
        claimed = parse_quantities(claim, lang, None)
        found = parse_quantities(evidence, lang, None)
    except Exception:
        return "none"
    outcomes = {compare(q, f).outcome for q in claimed for f in found if comparable(q, f)}
    for outcome in ("supports", "partly", "refutes"):
        if outcome in outcomes:
            return outcome
    return "none"


def surface_features(claim: str, evidence: str, lang: str, cosine: float) -> list[float]:
    """The hand-made features, in SURFACE order."""
    c, e = set(tokenize(claim)), set(tokenize(evidence))
    c_neg, e_neg = bool(NEGATION.search(claim)), bool(NEGATION.search(evidence))
    c_num, e_num = _numbers(claim), _numbers(evidence)
    outcome = figure_outcome(claim, evidence, lang)
    return [
        cosine,
        len(c & e) / max(1, len(c)),
        len(c & e) / max(1, len(e)),
        float(c_neg),
        float(e_neg),
        float(c_neg != e_neg),
        float(bool(c_num)),
        len(c_num & e_num) / max(1, len(c_num)) if c_num else 0.0,
        float(bool(e_num - c_num)),
        float(outcome == "supports"),
        float(outcome == "partly"),
        float(outcome == "refutes"),
        float(outcome == "none"),
        float(np.log((1 + len(e)) / (1 + len(c)))),
    ]


def pair_features(
    u: np.ndarray, v: np.ndarray, claims: Sequence[str], evidence: Sequence[str], langs: Sequence[str]
) -> np.ndarray:
    """Rows of [u*v, |u-v|, surface features] for claim vectors u and evidence vectors v.

    The one place training and inference build features, so the two cannot drift apart.
    """
    u, v = np.asarray(u, np.float32), np.asarray(v, np.float32)
    cosine = (u * v).sum(axis=1)
    surface = np.array(
        [surface_features(c, e, lang, float(s)) for c, e, lang, s in zip(claims, evidence, langs, cosine, strict=True)],
        dtype=np.float32,
    )
    return np.hstack([u * v, np.abs(u - v), surface]).astype(np.float32)


@dataclass(frozen=True)
class StanceModel:
    """Weights and calibration of a trained classifier, as written by train_stance."""

    mean: np.ndarray
    scale: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    temperature: float
    bias: np.ndarray
    threshold: float
    card: dict

    @classmethod
    def load(cls, directory: Path | str = DEFAULT_MODEL_DIR) -> StanceModel:
        """Read weights.npz and meta.json from directory.

        Raises:
            ConfigError: if the directory lacks them or they do not fit together.
        """
        directory = Path(directory)
        try:
            data = np.load(directory / "weights.npz")
            meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
            arrays = {k: data[k].astype(np.float32) for k in ("mean", "scale", "w1", "b1", "w2", "b2")}
        except (OSError, KeyError, ValueError) as err:
            raise ConfigError(
                f"No usable stance model in {directory}: {err}. Train one with `python -m factcheck.train_stance`."
            ) from None
        if arrays["w1"].shape[0] != arrays["mean"].shape[0] or arrays["w2"].shape[1] != len(LABELS):
            raise ConfigError(f"The stance model in {directory} has inconsistent weight shapes.")
        return cls(
            **arrays,
            temperature=float(meta["temperature"]),
            bias=np.asarray(meta["bias"], dtype=np.float32),
            threshold=float(meta["threshold"]),
            card=meta,
        )

    def logits(self, features: np.ndarray) -> np.ndarray:
        x = (features - self.mean) / self.scale
        hidden = np.maximum(0.0, x @ self.w1 + self.b1)
        return hidden @ self.w2 + self.b2

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Calibrated probabilities in LABELS order (temperature scaling fitted on the dev split)."""
        z = self.logits(features) / self.temperature
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def decide(self, probabilities: np.ndarray) -> list[tuple[Stance, float]]:
        """The stance of each row and its calibrated probability.

        The decision adds tuned log-priors (dev macro-F1), so a rare label is not drowned
        by a frequent one, and calls a side only at `threshold` probability or more:
        below it, related text stays neutral.
        """
        out = []
        for p in probabilities:
            i = int(np.argmax(np.log(np.clip(p, 1e-9, 1.0)) + self.bias))
            if LABELS[i] is not Stance.NEUTRAL and p[i] < self.threshold:
                i = LABELS.index(Stance.NEUTRAL)
            out.append((LABELS[i], float(p[i])))
        return out
