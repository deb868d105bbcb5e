"""Claim/evidence pairs for the stance trainers: one container, one label map, one loss.

Both learned readers (`train_stance`, the frozen-feature model; `train_crossencoder`) train
on the same public sets and score them the same way; keeping these here keeps the two
comparable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

NOT_REFUTES = -1
"""Target for a pair known only not to contradict its claim (DACCORD "compatibles")."""

TARGET = {
    "supports": 0, "entailment": 0, "SUPPORTS": 0, "ENTAILMENT": 0, "partly": 0,
    "refutes": 1, "contradiction": 1, "REFUTES": 1, "CONTRADICTION": 1,
    "neutral": 2, "not enough info": 2, "NOT_ENOUGH_INFO": 2, "NEUTRAL": 2,
    "compatibles": NOT_REFUTES,
}  # fmt: skip
"""Every set's label as the readers' three classes: 0 supports, 1 refutes, 2 neutral."""

_FIELDS = ("claims", "evidence", "langs", "targets", "sets")


@dataclass
class Pairs:
    """Parallel lists: claim, evidence, language, target, which set."""

    claims: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    langs: list[str] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)
    sets: list[str] = field(default_factory=list)

    def add(self, name: str, claim: str, evidence: str, lang: str, label: str) -> None:
        self.claims.append(claim)
        self.evidence.append(evidence)
        self.langs.append(lang)
        self.targets.append(TARGET[label])
        self.sets.append(name)

    def subset(self, idx: list[int]) -> Pairs:
        return Pairs(*([getattr(self, f)[i] for i in idx] for f in _FIELDS))

    def __len__(self) -> int:
        return len(self.targets)


def read_jsonl(path: Path) -> list[dict]:
    """Our own labelled pairs (bench/data/stance_pairs*.jsonl), one object a line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def weighted_loss(logits, targets, weights):
    """Weighted cross-entropy; a "does not contradict" pair scores supports and neutral together."""
    import torch

    logp = torch.log_softmax(logits, dim=1)
    known = targets >= 0
    nll = torch.zeros_like(weights)
    nll[known] = -logp[known, targets[known]]
    nll[~known] = -torch.logsumexp(logp[~known][:, [0, 2]], dim=1)
    return (nll * weights).sum() / weights.sum()


def macro_f1(gold: list[int], pred: list[int], labels=(0, 1, 2)) -> float:
    f1s = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, pred, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)
