"""Classification scores shared by the stance benchmarks: accuracy, per-label F1, macro-F1."""

from __future__ import annotations

from collections.abc import Sequence


def scores(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> dict:
    """Accuracy and F1 per label (0.0 for a label never predicted right), averaged over labels."""
    pairs = list(zip(gold, pred, strict=True))
    f1 = {}
    for lab in labels:
        tp = sum(g == p == lab for g, p in pairs)
        fp = sum(p == lab != g for g, p in pairs)
        fn = sum(g == lab != p for g, p in pairs)
        f1[lab] = round(2 * tp / (2 * tp + fp + fn), 3) if tp else 0.0
    return {
        "accuracy": round(sum(g == p for g, p in pairs) / len(pairs), 3),
        "macro_f1": round(sum(f1.values()) / len(labels), 3),
        "f1": f1,
    }
