"""`python -m factcheck.lab eval`: loaders on tiny files in each format, the metrics by hand, the CLI contract.

Unit tests write their own few-line files; one integration test runs the real embedder on
five VitaminC pairs from ../shared/benchmarks.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from factcheck.embeddings import HashEmbeddings
from factcheck.errors import ConfigError, InputError
from factcheck.lab import cli, datasets, evaluate
from factcheck.lab.datasets import Item, load, split_of
from factcheck.lab.evaluate import majority_baseline, scores
from factcheck.types import Stance
from tests.conftest import write_source


def jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def cf_row(claim_id: str, label: str = "SUPPORTS") -> dict:
    ev = [
        {"evidence_id": f"A:{i}", "evidence_label": lab, "article": "A", "evidence": f"Sentence {i}."}
        for i, lab in enumerate(["SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO", "NOT_ENOUGH_INFO", "SUPPORTS"])
    ]
    return {"claim_id": claim_id, "claim": f"Claim {claim_id}.", "claim_label": label, "evidences": ev}


# split_of("4") == "test", split_of("2") == "dev", split_of("0") == "train" (checked below).
CF_ROWS = [cf_row("4", "REFUTES"), cf_row("2"), cf_row("0", "DISPUTED")]


# --- split_of -------------------------------------------------------------------------------


@pytest.mark.unit
def test_split_of_is_stable():
    """The training script relies on these exact buckets; a change would leak test items into training."""
    assert [split_of(k) for k in ("0", "2", "4", "a001", "a004", "claim-1")] == [
        "train",
        "dev",
        "test",
        "dev",
        "test",
        "test",
    ]


@pytest.mark.unit
def test_split_of_cuts_about_a_fifth_for_test_and_dev():
    keys = [f"k{i}" for i in range(10_000)]
    shares = {s: sum(split_of(k) == s for k in keys) / len(keys) for s in ("test", "dev", "train")}
    assert abs(shares["test"] - 0.2) < 0.02 and abs(shares["dev"] - 0.2) < 0.02
    assert abs(shares["train"] - 0.6) < 0.02


# --- loaders --------------------------------------------------------------------------------


@pytest.mark.unit
def test_climate_fever_claims_and_pairs_split_by_claim(tmp_path):
    jsonl(tmp_path / "climate-fever.jsonl", CF_ROWS)
    test = load("climate-fever", tmp_path)  # default split: test
    assert [i.id for i in test] == ["4"]
    assert test[0].label == "REFUTES" and len(test[0].evidence) == 5 and test[0].lang == "en"
    assert [i.id for i in load("climate-fever", tmp_path, "dev")] == ["2"]
    assert len(load("climate-fever", tmp_path, "all")) == 3
    pairs = load("climate-fever-pairs", tmp_path, "train")
    assert [i.id for i in pairs] == [f"0/{n}" for n in range(5)]
    assert [i.label for i in pairs][:3] == ["SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO"]
    assert pairs[1].evidence == ("Sentence 1.",) and pairs[1].claim == "Claim 0."


@pytest.mark.unit
def test_vitaminc_test_and_deduplicated_train(tmp_path):
    row = {"claim": "C is 5 .", "evidence": "C is 6 .", "label": "refutes", "id": "x_1"}
    jsonl(tmp_path / "test.jsonl", [row])
    jsonl(tmp_path / "train_0.jsonl", [row, {**row, "id": "x_2", "label": "supports"}])
    jsonl(tmp_path / "train_1.jsonl", [row])
    assert load("vitaminc", tmp_path) == [Item("x_1", "C is 5 .", ("C is 6 .",), "refutes", "en")]
    assert [i.id for i in load("vitaminc", tmp_path, "train")] == ["x_1", "x_2"]


@pytest.mark.unit
def test_fever_claims_have_no_evidence(tmp_path):
    jsonl(tmp_path / "test.jsonl", [{"id": "test_0", "text": "Brian is a writer.", "label": "supported"}])
    jsonl(tmp_path / "train_0.jsonl", [{"id": "train_0_0", "text": "X.", "label": "not enough info"}])
    assert load("fever", tmp_path) == [Item("test_0", "Brian is a writer.", (), "supported", "en")]
    assert load("fever", tmp_path, "train")[0].label == "not enough info"


DACCORD = (
    "id\tpremise\thypothesis\tlabel\tlabel_text\turl\tgenre\n"
    'a004\t" Le sapin porte des ""croix de feu"". "\tLe sapin est nu.\t1\tcontradiction\thttps://x\tclimat\n'
    "a001\tP1.\tH1.\t0\tcompatibles\thttps://x\tcovid\n"
)


@pytest.mark.unit
def test_daccord_hypothesis_is_the_claim_and_quotes_are_csv(tmp_path):
    (tmp_path / "daccord_dataset.tsv").write_text(DACCORD, encoding="utf-8")
    (item,) = load("daccord", tmp_path)  # a004 is in test, a001 in dev
    assert item == Item("a004", "Le sapin est nu.", ('Le sapin porte des "croix de feu".',), "contradiction", "fr")
    assert [i.id for i in load("daccord", tmp_path, "dev")] == ["a001"]


@pytest.mark.unit
def test_xnli_fr_has_no_header_and_literal_quotes(tmp_path):
    (tmp_path / "dev-fr.tsv").write_text('Il a dit "maman".\tIl n\'a rien dit.\tcontradiction\n', encoding="utf-8")
    assert load("xnli-fr", tmp_path) == [
        Item("dev-1", "Il n'a rien dit.", ('Il a dit "maman".',), "contradiction", "fr")
    ]


@pytest.mark.unit
def test_rte3_fr_dev_and_test_files(tmp_path):
    head = "id\tlanguage\tpremise\thypothesis\tlabel\tlabel_text\ttask\tlength\n"
    (tmp_path / "RTE3-FR-dev-set-3class.tsv").write_text(head + "1\tfr\tP.\tH.\t1\tneutral\tIE\tshort\n")
    (tmp_path / "RTE3-FR-test-gold-3class.tsv").write_text(head + "7\tfr\tP2.\tH2.\t0\tentailment\tQA\tshort\n")
    assert load("rte3-fr", tmp_path) == [Item("test-7", "H2.", ("P2.",), "entailment", "fr")]
    assert load("rte3-fr", tmp_path, "dev")[0].label == "neutral"


@pytest.mark.unit
def test_sick_semeval_sets_with_crlf(tmp_path):
    head = "pair_ID\tsentence_A\tsentence_B\tentailment_label\trelatedness_score\tSemEval_set\r\n"
    rows = "1\tA man runs.\tA man moves.\tENTAILMENT\t4.5\tTEST\r\n2\tA.\tB.\tNEUTRAL\t3\tTRAIN\r\n"
    (tmp_path / "SICK.txt").write_text(head + rows, encoding="utf-8", newline="")
    assert load("sick", tmp_path) == [Item("1", "A man moves.", ("A man runs.",), "ENTAILMENT", "en")]
    assert [i.id for i in load("sick", tmp_path, "TRAIN")] == ["2"]


@pytest.mark.unit
def test_averitec_answers_become_passages_and_dates_are_day_first(tmp_path):
    claim = {
        "claim": "Connery refused an Apple ad.",
        "label": "Refuted",
        "claim_date": "9-10-2020",
        "questions": [
            {
                "question": "Where was it published?",
                "answers": [
                    {"answer": "On a satire site.", "answer_type": "Abstractive"},
                    {"answer": "No", "answer_type": "Boolean", "boolean_explanation": "The letter is fake."},
                ],
            }
        ],
    }
    (tmp_path / "dev.json").write_text(json.dumps([claim]), encoding="utf-8")
    (item,) = load("averitec", tmp_path)
    assert item.evidence == (
        "Where was it published? On a satire site.",
        "Where was it published? No The letter is fake.",
    )
    assert item.article_date == date(2020, 10, 9) and item.label == "Refuted"


@pytest.mark.unit
def test_colossus_parses_article_date(tmp_path):
    row = {"id": "cc-fr-01", "lang": "fr", "claim": "Colossus a 100 000 GPU.", "article_date": "2024-12-05"}
    file = jsonl(tmp_path / "c.jsonl", [{**row, "label": "SUPPORTED", "sources": [], "why": ""}])
    assert load("colossus", file) == [Item("cc-fr-01", row["claim"], (), "SUPPORTED", "fr", date(2024, 12, 5))]


@pytest.mark.unit
def test_default_paths_point_at_shared_benchmarks_and_bench_data():
    assert datasets.default_path("vitaminc") == datasets.REPO_ROOT.parent / "shared" / "benchmarks" / "vitaminc-sample"
    assert datasets.default_path("colossus") == datasets.REPO_ROOT / "bench" / "data" / "colossus_claims.jsonl"


@pytest.mark.unit
def test_bad_json_line_names_the_file_and_line(tmp_path):
    (tmp_path / "test.jsonl").write_text('{"claim": "a", "evidence": "b", "label": "supports", "id": "1"}\n{oops\n')
    with pytest.raises(InputError, match=r"test\.jsonl, line 2: not valid JSON"):
        load("vitaminc", tmp_path)


@pytest.mark.unit
def test_missing_field_wrong_header_and_unknown_label_are_clear(tmp_path):
    jsonl(tmp_path / "test.jsonl", [{"claim": "a", "label": "supports", "id": "1"}])
    with pytest.raises(InputError, match="'evidence' is missing"):
        load("vitaminc", tmp_path)
    (tmp_path / "daccord_dataset.tsv").write_text("id\tpremise\tlabel\na004\tP\t1\n")
    with pytest.raises(InputError, match=r"daccord_dataset\.tsv: not the expected TSV.*hypothesis"):
        load("daccord", tmp_path)
    (tmp_path / "dev-fr.tsv").write_text("P\tH\tmaybe\n")
    with pytest.raises(InputError, match="label 'maybe'"):
        load("xnli-fr", tmp_path)


@pytest.mark.unit
def test_missing_file_unknown_dataset_and_split(tmp_path):
    with pytest.raises(InputError, match=r"climate-fever\.jsonl: no such file"):
        load("climate-fever", tmp_path)
    with pytest.raises(InputError, match="no such file or folder"):
        load("sick", tmp_path / "nowhere")
    with pytest.raises(ConfigError, match="Unknown dataset 'nope'"):
        load("nope", tmp_path)
    with pytest.raises(ConfigError, match="xnli-fr has no split 'test'"):
        load("xnli-fr", tmp_path, "test")


# --- metrics --------------------------------------------------------------------------------


@pytest.mark.unit
def test_scores_and_majority_by_hand():
    gold = ["a", "a", "a", "b", "b", "c"]
    pred = ["a", "a", "b", "b", "c", "c"]
    s = scores(gold, pred, ["a", "b", "c"])
    # a: tp 2 fp 0 fn 1 -> P 1, R 2/3, F1 0.8; b: tp 1 fp 1 fn 1 -> 0.5; c: tp 1 fp 1 fn 0 -> 2/3
    assert s["accuracy"] == round(4 / 6, 3)
    assert s["per_label"]["a"] == {"precision": 1.0, "recall": 0.667, "f1": 0.8, "support": 3}
    assert s["per_label"]["b"]["f1"] == 0.5 and s["per_label"]["c"]["f1"] == 0.667
    assert s["macro_f1"] == round((0.8 + 0.5 + 0.667) / 3, 3)
    base = majority_baseline(gold, ["a", "b", "c"])
    # Always "a": accuracy 3/6; F1 a = 2*3/(6+3) = 0.667, b and c 0.
    assert base == {"label": "a", "accuracy": 0.5, "macro_f1": round(0.667 / 3, 3)}


@pytest.mark.unit
def test_labels_absent_from_gold_and_predictions_leave_the_average():
    s = scores(["a", "a"], ["a", "b"], ["a", "b", "c"])
    assert s["per_label"]["c"] is None and s["per_label"]["b"]["f1"] == 0.0
    assert s["macro_f1"] == round((0.667 + 0.0) / 2, 3)


# --- runners with a fake stance reader ------------------------------------------------------


class FakeReader:
    """Reads the stance from the evidence text: 'yes', 'part', 'no', anything else neutral."""

    def warm(self, claim, passages):
        pass

    def judge(self, claim, passage, article_date=None):
        from factcheck.types import Evidence

        stance, partial = {
            "yes": (Stance.SUPPORTS, False),
            "part": (Stance.SUPPORTS, True),
            "no": (Stance.REFUTES, False),
        }.get(passage.text, (Stance.NEUTRAL, False))
        return Evidence(
            passage.source_id, "", "", passage.url, None, passage.text, 1.0, stance, 1.0, passage.text, partial
        )


@pytest.fixture
def fake_reader(monkeypatch):
    monkeypatch.setattr("factcheck.engine.make_stance", lambda embeddings, mode="both", **_: FakeReader())


@pytest.mark.unit
def test_partial_support_is_refutes_for_vitaminc_and_compatible_for_daccord(tmp_path, fake_reader):
    rows = [
        {"claim": f"Claim number {i} holds.", "evidence": ev, "label": gold, "id": str(i)}
        for i, (ev, gold) in enumerate([("yes", "supports"), ("part", "refutes"), ("no", "refutes"), ("?", "supports")])
    ]
    jsonl(tmp_path / "test.jsonl", rows)
    m, preds = evaluate.run("vitaminc", tmp_path, embeddings=HashEmbeddings())
    assert [p.predicted for p in preds] == ["supports", "refutes", "refutes", "not enough info"]
    assert [p.raw for p in preds] == ["supports", "partly", "refutes", "neutral"]
    assert m["n"] == 4 and m["accuracy"] == 0.75 and m["evidence"].startswith("gold")
    daccord = "id\tpremise\thypothesis\tlabel\tlabel_text\turl\tgenre\n" + "".join(
        f"a004\t{ev}\tLe sapin est nu.\t0\tcompatibles\tu\tg\n" for ev in ("yes", "part", "no", "?")
    )
    (tmp_path / "daccord_dataset.tsv").write_text(daccord, encoding="utf-8")
    _, preds = evaluate.run("daccord", tmp_path, embeddings=HashEmbeddings())
    assert [p.predicted for p in preds] == ["compatibles", "compatibles", "contradiction", "compatibles"]


@pytest.mark.unit
def test_claim_level_verdicts_map_to_dataset_labels(tmp_path, fake_reader):
    def row(claim_id, texts):
        r = cf_row(claim_id)
        for e, text in zip(r["evidences"], texts, strict=True):
            e["evidence"] = text
        return r

    jsonl(
        tmp_path / "climate-fever.jsonl",
        [
            row("0", ["yes", "yes", "?", "?", "?"]),
            row("1", ["no", "?", "?", "?", "?"]),
            row("2", ["yes", "no", "?", "?", "?"]),
            row("3", ["?"] * 5),
            row("4", ["part", "?", "?", "?", "?"]),
        ],
    )
    m, preds = evaluate.run("climate-fever", tmp_path, "all", embeddings=HashEmbeddings())
    assert [p.predicted for p in preds] == ["SUPPORTS", "REFUTES", "DISPUTED", "NOT_ENOUGH_INFO", "SUPPORTS"]
    assert all(p.confidence is not None for p in preds)
    assert m["n"] == 5 and m["split"] == "all"


@pytest.mark.unit
def test_unreadable_claim_is_counted_with_the_neutral_label(tmp_path, fake_reader, monkeypatch):
    import factcheck.claims

    real = factcheck.claims.make_claim

    def picky(text, lang=None, ref_date=None):
        if "unreadable" in text:
            raise InputError("The text does not read as French or English.")
        return real(text, lang, ref_date)

    monkeypatch.setattr(factcheck.claims, "make_claim", picky)
    rows = [
        {"claim": "This one is unreadable.", "evidence": "yes", "label": "supports", "id": "u"},
        {"claim": "This one is fine.", "evidence": "yes", "label": "supports", "id": "f"},
    ]
    jsonl(tmp_path / "test.jsonl", rows)
    m, preds = evaluate.run("vitaminc", tmp_path, embeddings=HashEmbeddings())
    assert m["n"] == 2 and m["unreadable"] == 1
    assert preds[0].predicted == "not enough info" and "French or English" in preds[0].error


@pytest.mark.unit
def test_run_rejects_unknown_system_and_bad_limit(tmp_path):
    with pytest.raises(ConfigError, match="Unknown system"):
        evaluate.run("vitaminc", tmp_path, system="oracle")
    with pytest.raises(ConfigError, match="at least 1"):
        evaluate.run("vitaminc", tmp_path, limit=0)


@pytest.mark.unit
def test_every_dataset_has_a_label_table_covering_its_labels():
    for name, spec in datasets.DATASETS.items():
        table = evaluate.STANCE_MAP.get(name) or evaluate.VERDICT_MAP[name]
        assert set(table.values()) <= set(spec.labels), name


@pytest.mark.unit
def test_colossus_runs_the_product_path_against_the_corpus(tmp_path, tiny_corpus, monkeypatch):
    monkeypatch.setenv("FACTCHECK_CORPUS_DIR", str(tiny_corpus))
    write_source(tiny_corpus, "extra", "Colossus has 100,000 Nvidia GPUs.", published="2024-11-01")
    rows = [
        {"id": "c1", "lang": "en", "claim": "xAI built Colossus in 122 days.", "article_date": "2024-12-05"},
        {"id": "c2", "lang": "en", "claim": "The Eiffel Tower is 330 metres tall.", "article_date": "2024-12-05"},
    ]
    file = jsonl(tmp_path / "c.jsonl", [{**r, "label": "SUPPORTED", "sources": [], "why": ""} for r in rows])
    m, preds = evaluate.run("colossus", file, system="comparator", embeddings=HashEmbeddings())
    assert m["n"] == 2 and "corpus" in m["evidence"] and m["split"] == "all"
    assert {p.predicted for p in preds} <= set(datasets.DATASETS["colossus"].labels)
    assert all(p.confidence is not None for p in preds)


METRIC_KEYS = ("n", "accuracy", "macro_f1", "per_label", "majority_baseline", "labels", "dataset", "split", "system")


# --- CLI ------------------------------------------------------------------------------------


@pytest.mark.unit
def test_cli_prints_metrics_json_and_writes_prediction_lines(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FACTCHECK_EMBEDDER", "hash")
    rows = [
        {"claim": "Colossus has 100,000 GPUs .", "evidence": "Colossus has 100,000 GPUs .", "label": "supports"},
        {"claim": "Colossus has 100,000 GPUs .", "evidence": "Colossus has 20 GPUs .", "label": "refutes"},
        {"claim": "Colossus is in Memphis .", "evidence": "The weather was mild .", "label": "not enough info"},
    ]
    jsonl(tmp_path / "test.jsonl", [{**r, "id": f"v{i}"} for i, r in enumerate(rows)])
    out = tmp_path / "preds.jsonl"
    argv = ["eval", "vitaminc", "--path", str(tmp_path), "--predictions", str(out), "--limit", "3"]
    assert cli.main([*argv, "--system", "comparator"]) == 0
    m = json.loads(capsys.readouterr().out)
    assert set(METRIC_KEYS) <= set(m)
    assert m["n"] == 3 and m["dataset"] == "vitaminc" and m["split"] == "test" and m["system"] == "comparator"
    assert set(m["majority_baseline"]) == {"label", "accuracy", "macro_f1"}
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["v0", "v1", "v2"]
    assert all({"id", "gold", "predicted"} <= set(line) for line in lines)
    assert [line["gold"] for line in lines] == ["supports", "refutes", "not enough info"]


@pytest.mark.unit
def test_cli_text_format_is_a_short_table(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FACTCHECK_EMBEDDER", "hash")
    jsonl(tmp_path / "test.jsonl", [{"claim": "A is 5 .", "evidence": "A is 5 .", "label": "supports", "id": "1"}])
    assert cli.main(["eval", "vitaminc", "--path", str(tmp_path), "--format", "text", "--system", "comparator"]) == 0
    text = capsys.readouterr().out
    assert "accuracy" in text and "majority baseline (supports)" in text and "not enough info" in text


@pytest.mark.unit
def test_cli_missing_benchmark_is_one_clear_line(tmp_path, capsys):
    assert cli.main(["eval", "sick", "--path", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no such file or folder" in err[0] and "nowhere" in err[0]


# --- integration ----------------------------------------------------------------------------


MODEL_WEIGHTS = datasets.REPO_ROOT / "factcheck" / "models" / "stance" / "weights.npz"


@pytest.mark.integration
@pytest.mark.parametrize("system", ["comparator", "both"])
def test_eval_vitaminc_sample_with_the_real_embedder(system, shared, tmp_path, capsys, monkeypatch):
    path = Path(datasets.REPO_ROOT) / ".." / "shared" / "benchmarks" / "vitaminc-sample"
    if not (path / "test.jsonl").is_file():
        pytest.skip(f"{path} holds no test.jsonl (the VitaminC sample is not beside this clone)")
    if system != "comparator" and not MODEL_WEIGHTS.is_file():
        pytest.skip(f"no trained stance model at {MODEL_WEIGHTS} (python -m factcheck.lab.train_stance writes it)")
    monkeypatch.delenv("FACTCHECK_EMBEDDER", raising=False)
    out = tmp_path / "preds.jsonl"
    argv = ["eval", "vitaminc", "--limit", "5", "--path", str(path), "--predictions", str(out), "--system", system]
    assert cli.main(argv) == 0
    m = json.loads(capsys.readouterr().out)
    assert set(METRIC_KEYS) <= set(m)
    assert m["n"] == 5 and m["labels"] == ["supports", "refutes", "not enough info"] and m["system"] == system
    assert 0.0 <= m["accuracy"] <= 1.0 and 0.0 <= m["macro_f1"] <= 1.0
    assert m["majority_baseline"]["label"] in m["labels"]
    assert all(v is None or {"precision", "recall", "f1", "support"} == set(v) for v in m["per_label"].values())
    assert len(out.read_text().splitlines()) == 5
