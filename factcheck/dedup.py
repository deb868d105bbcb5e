"""Collapse near-duplicate passages: one story syndicated by several outlets is one piece of evidence.

A wire story republished word for word by three sites would otherwise fill three of the
passages a claim is judged on and count as three sources agreeing. Copies are found by
the overlap of their word 3-shingles over normalised text (lower case, no accents, no
punctuation), which survives the small edits a republisher makes (a dropped comma, a
changed headline, "Super Micro" spelled out) but not a rewrite in other words.

Why Jaccard >= 0.5 (`COPY_JACCARD`): on the shipped corpus, whose sources report the same
events in their own words, the closest pair of chunks from different sources has
J = 0.09 (DatacenterDynamics and Capacity Media on the December 2024 expansion), so no
two of them are copies. Among the 5,240 Climate-FEVER Wikipedia sentences, the 59 pairs at
J >= 0.5 restate one sentence with edits of punctuation, a unit, a word or an attribution
prefix, except two: "Trump/Cruz rejects the scientific consensus" (J = 0.71) and "1924/1925
vs 1976/1977: PDO changed to a warm phase" (J = 0.50); below 0.5 the pairs are mostly
paraphrases (different sentences making a similar point). Jaccard rather than containment,
because a short text held inside a longer one (a quoted title, one paragraph of a longer
chunk) is not a copy of it. News chunks are 50 to 100 words, where one changed word moves
J by a few points only, so the short-sentence misses above matter less here than there.

Passages are merged only when the numbers of one are all among the numbers of the other
(which keeps the PDO pair apart): a copy that changes a figure is an update or a
correction, and the stance reader has to see it.

Translations are left alone: on this corpus the multilingual embedder gives a French
digest chunk and its English original a cosine of 0.56 to 0.88, while chunks of
different articles on the same event reach 0.87, so no threshold separates them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from functools import lru_cache

from factcheck.lexical import strip_marks
from factcheck.types import Passage

COPY_JACCARD = 0.5
SHINGLE = 3


@lru_cache(maxsize=20_000)  # every search collapses its candidates, and the same chunks recur
def shingles(text: str, n: int = SHINGLE) -> frozenset[tuple[str, ...]]:
    """The word n-grams of text after lower-casing, stripping accents and dropping punctuation."""
    words = re.findall(r"\w+", strip_marks(unicodedata.normalize("NFKD", text.lower())))
    if len(words) < n:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


@lru_cache(maxsize=20_000)
def numbers(text: str) -> frozenset[str]:
    """The digit runs of text, with thousands separators removed so 100,000 and 100 000 agree."""
    return frozenset(re.findall(r"\d+", re.sub(r"(?<=\d)[ ,.\u202f\u00a0](?=\d{3}\b)", "", text)))


def jaccard(a: frozenset, b: frozenset) -> float:
    """Share of the union that both sets hold; 0 when both are empty."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def copy_label(passage: Passage) -> str:
    """How a copy is named in `Passage.copies`: "publisher, url"."""
    return f"{passage.publisher}, {passage.url}"


def _keep_key(passage: Passage, size: int) -> tuple:
    """Sort key of the copy to keep: earliest date (undated last), then most words, then a stable id."""
    return (passage.published or date.max, -size, -len(passage.text), passage.source_id, passage.chunk_id)


def collapse(passages: Sequence[Passage], threshold: float = COPY_JACCARD) -> list[Passage]:
    """Merge near-duplicate passages into one, listing the others in its `copies`.

    Passages are grouped when their 3-shingle Jaccard is at least threshold and the
    numbers of one are all in the other (and by transitivity). Each group is kept as its
    earliest published member (ties: the one with the most words, then the lowest source
    and chunk id), at the rank of the group's best-ranked member; the others become
    "publisher, url" strings in its `copies`.

    Args:
        passages: retrieval results, best first.
        threshold: the Jaccard at or above which two passages are copies.

    Returns:
        The passages without copies, in the order of each group's first member; the
        result depends only on the input, never on hash order or timing.
    """
    sets = [shingles(p.text) for p in passages]
    figures = [numbers(p.text) for p in passages]
    parent = list(range(len(passages)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sizes = [len(s) for s in sets]
    for i in range(len(passages)):
        for j in range(i + 1, len(passages)):
            # Cheapest test first: Jaccard is at most small / large, so most pairs stop here.
            small, large = (sizes[i], sizes[j]) if sizes[i] <= sizes[j] else (sizes[j], sizes[i])
            if small < threshold * large or not (figures[i] <= figures[j] or figures[j] <= figures[i]):
                continue
            if root(i) != root(j) and jaccard(sets[i], sets[j]) >= threshold:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(passages)):
        groups.setdefault(root(i), []).append(i)
    out = []
    for members in sorted(groups.values(), key=min):
        if len(members) == 1:
            out.append(passages[members[0]])
            continue
        keep = min(members, key=lambda i: _keep_key(passages[i], len(sets[i])))
        kept = passages[keep]
        others = sorted(
            (passages[i] for i in members if i != keep), key=lambda p: (p.published or date.max, copy_label(p))
        )
        labels = [*kept.copies]
        for other in others:
            for label in (copy_label(other), *other.copies):
                if label != copy_label(kept) and label not in labels:
                    labels.append(label)
        out.append(replace(kept, copies=tuple(labels)))
    return out
