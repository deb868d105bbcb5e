"""End to end on the real parts: the shipped corpus, the default packaged embedder, embedded Chroma.

Gold labels below were written from ../shared/research/colossus-facts.md before the
pipeline was run on them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date

import pytest

from factcheck import FactChecker, Label, Settings, read_article
from factcheck.config import SAMPLES_DIR
from tests.conftest import EVIDENCE_FIELDS, ROOT, write_source

pytestmark = pytest.mark.integration

ARTICLE_DATE = date(2024, 12, 5)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fc-data")


@pytest.fixture(scope="session")
def checker(data_dir) -> FactChecker:
    checker = FactChecker(Settings(data_dir=data_dir))
    report = checker.ensure_index()
    assert report is not None and report.added >= 25
    return checker


@pytest.fixture(scope="session")
def sample_fr(checker):
    article = read_article((SAMPLES_DIR / "colossus-fr.md").read_bytes(), "colossus-fr.md")
    return article, checker.check(article)


def find(verdicts, needle):
    hits = [v for v in verdicts if needle in v.claim.text]
    assert hits, f"no claim contains {needle!r}: {[v.claim.text for v in verdicts]}"
    return hits[0]


def test_default_embedder_is_the_measured_one(checker):
    assert checker.settings.embedder == "use-multilingual"
    assert checker.ensure_index() is None, "a second call must find the index current"


def test_french_sample_claims_are_found_and_typed(sample_fr):
    article, verdicts = sample_fr
    assert article.language == "fr" and article.published == ARTICLE_DATE
    kinds = {v.claim.kind for v in verdicts}
    assert {"count", "duration", "organisations"} <= kinds
    build = find(verdicts, "trois mois")
    assert build.claim.kind == "duration"
    assert any(q.kind == "duration" and 85 <= q.value <= 95 for q in build.claim.quantities)
    gpus = find(verdicts, "100 000")
    assert any(q.kind == "count" and q.value == 100_000 for q in gpus.claim.quantities)
    million = find(verdicts, "million")
    assert any(q.value == 1_000_000 and q.approx == "more than" for q in million.claim.quantities)
    for v in verdicts:
        start, end = v.claim.span
        assert article.text[start:end] in v.claim.context
        assert all(q.text in article.text[start:end] for q in v.claim.quantities)
    assert not any("Reste à savoir" in v.claim.text for v in verdicts), "opinion must not become a claim"


def test_french_sample_verdicts(sample_fr):
    _, verdicts = sample_fr
    assert find(verdicts, "100 000").label is Label.SUPPORTED
    assert find(verdicts, "Supermicro").label is Label.SUPPORTED
    assert find(verdicts, "propres puces").label is Label.NOT_ENOUGH_INFO
    dojo = find(verdicts, "Dojo")
    assert dojo.label is Label.CONFLICTING, dojo.rationale
    assert "2019" in dojo.rationale or "2021" in dojo.rationale


@pytest.mark.xfail(
    strict=True,
    reason="known miss: the atomic claim is now 'Colossus a vu le jour ..., en trois mois à peine', but NVIDIA's "
    "122-day passage is not among its top 10 passages; only Teslarati (a day after the article, so not counted) "
    "gives 122 days",
)
def test_french_sample_build_duration_is_partly_supported(sample_fr):
    _, verdicts = sample_fr
    build = find(verdicts, "trois mois")
    assert build.label is Label.PARTLY_SUPPORTED, build.rationale
    assert "122 days" in build.rationale


@pytest.mark.parametrize(
    ("claim", "gold"),
    [
        ("Colossus runs on 100,000 Nvidia GPUs.", Label.SUPPORTED),
        ("xAI built Colossus in three months.", Label.PARTLY_SUPPORTED),
        ("xAI built Colossus in two years.", Label.REFUTED),
        ("Elon Musk has been working on Tesla's Dojo supercomputer since 2023.", Label.CONFLICTING),
        ("xAI designs its own AI chips.", Label.NOT_ENOUGH_INFO),
        ("Le TVA a approuvé 150 mégawatts pour le site de xAI à Memphis.", Label.SUPPORTED),
    ],
)
def test_verdicts_on_standalone_claims(checker, claim, gold):
    verdict = checker.verify([claim], article_date=ARTICLE_DATE)[0]
    assert verdict.label is gold, f"{verdict.label}: {verdict.rationale}"
    assert 0.0 <= verdict.confidence <= 1.0
    if gold is not Label.NOT_ENOUGH_INFO:
        assert any(str(e.stance) != "neutral" and e.url.startswith("http") for e in verdict.evidence)


def cli(*args: str, data_dir, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "FACTCHECK_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "factcheck", *args], input=stdin, capture_output=True, cwd=ROOT, env=env, timeout=600
    )


def test_cli_check_json_contract(checker, data_dir):
    r = cli("check", str(SAMPLES_DIR / "colossus-en.md"), "--format", "json", data_dir=data_dir)
    assert r.returncode == 0, r.stderr.decode()
    data = json.loads(r.stdout)
    assert data["language"] == "en" and data["claims"]
    for c in data["claims"]:
        assert c["verdict"] in {str(label) for label in Label}
        assert 0 <= c["confidence"] <= 1 and c["rationale"]
        for e in c["evidence"]:
            assert e["stance"] in {"supports", "refutes", "neutral"}
            assert set(e) >= EVIDENCE_FIELDS


def test_cli_verify_keeps_input_order_and_reads_stdin(checker, data_dir):
    claims = ["xAI built Colossus in two years.", "Colossus runs on 100,000 Nvidia GPUs."]
    r = cli("verify", "--file", "-", data_dir=data_dir, stdin="\n".join(claims).encode())
    assert r.returncode == 0, r.stderr.decode()
    out = json.loads(r.stdout)
    assert [c["text"] for c in out] == claims
    assert [c["verdict"] for c in out] == ["REFUTED", "SUPPORTED"]


def test_cli_check_markdown(checker, data_dir):
    r = cli("check", str(SAMPLES_DIR / "colossus-fr.md"), "--format", "markdown", data_dir=data_dir)
    assert r.returncode == 0, r.stderr.decode()
    text = r.stdout.decode()
    assert text.startswith("# ") and "✅ supported" in text and "## 1. " in text


def test_incremental_reindex_of_the_real_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    checker = FactChecker(Settings(data_dir=tmp_path / "d", corpus_dir=corpus))
    first = checker.index()
    files = sorted(corpus.glob("*.md"))
    files[0].unlink()
    files[1].write_text(files[1].read_text(encoding="utf-8") + "\nOne more sentence about Memphis.\n", encoding="utf-8")
    write_source(corpus, "zz-new-source", "TVA approved 150 MW for xAI in Memphis on 7 November 2024.")
    second = checker.index()
    assert (second.added, second.updated, second.removed, second.unchanged) == (1, 1, 1, first.added - 2)
    assert second.chunks < first.chunks / 4, "only the changed files may be embedded again"
    hits = checker.retriever.search("TVA approved 150 MW", k=3)
    assert any(h.source_id == "zz-new-source" for h in hits)
