"""The CLI's error contract: non-zero exit and one clear line on stderr. Fast: no model is loaded."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.unit


def run(*args: str, stdin: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "factcheck", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def one_line(stderr: bytes) -> str:
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_missing_file(tmp_path):
    r = run("claims", str(tmp_path / "nope.txt"))
    assert r.returncode == 1 and "no such file" in one_line(r.stderr)


def test_empty_file(tmp_path):
    (tmp_path / "e.txt").write_bytes(b"  \n")
    r = run("check", str(tmp_path / "e.txt"))
    assert r.returncode == 1 and "empty" in one_line(r.stderr)


def test_undecodable_bytes_on_stdin():
    r = run("claims", "-", stdin="Colossus a coûté très cher à Memphis.".encode("latin-1"))
    assert r.returncode == 1 and "UTF-8" in one_line(r.stderr)


def test_binary_file(tmp_path):
    (tmp_path / "x.md").write_bytes(b"\x00\x01\x02PK")
    r = run("claims", str(tmp_path / "x.md"))
    assert r.returncode == 1 and "binary" in one_line(r.stderr)


def test_unknown_language():
    r = run("claims", "-", stdin=b"Der Supercomputer wurde in drei Monaten gebaut und hat viele Grafikkarten.")
    assert r.returncode == 1 and "reads as German" in one_line(r.stderr) and "English, French" in one_line(r.stderr)


def test_unknown_option():
    r = run("check", "--frobnicate", "x")
    assert r.returncode == 2 and "unrecognized arguments: --frobnicate" in one_line(r.stderr)


def test_empty_corpus(tmp_path):
    (tmp_path / "corpus").mkdir()
    r = run("index", "--corpus", str(tmp_path / "corpus"), env={"FACTCHECK_EMBEDDER": "hash"})
    assert r.returncode == 1 and "holds no" in one_line(r.stderr)


def test_unknown_embedder(tmp_path):
    r = run("verify", "Colossus has 100,000 GPUs.", env={"FACTCHECK_EMBEDDER": "nope"})
    assert r.returncode == 1 and "Unknown embedder 'nope'" in one_line(r.stderr)


def test_claims_json_contract_on_stdin():
    text = "xAI a construit Colossus à Memphis en trois mois. Il dispose de 100 000 GPU Nvidia."
    r = run("claims", "-", "--format", "json", stdin=text.encode())
    assert r.returncode == 0, r.stderr
    import json

    data = json.loads(r.stdout)
    assert data["language"] == "fr"
    claim = data["claims"][0]
    assert set(claim) == {
        "id", "text", "lang", "kind", "span", "quantities", "entities", "source", "speaker", "context"
    }  # fmt: skip
    start, end = claim["span"]
    assert text[start:end] in claim["context"] and claim["context"] in text
    assert all(q["text"] in text[start:end] for q in claim["quantities"])
    assert data["claims"][1]["text"].startswith("xAI dispose"), "the pronoun is resolved to the subject"
    assert {"value", "unit", "kind", "approx"} <= set(claim["quantities"][0])


def test_index_with_hash_embedder_reports_counts(tmp_path, tiny_corpus):
    env = {"FACTCHECK_EMBEDDER": "hash", "FACTCHECK_DATA_DIR": str(tmp_path / "d")}
    first = run("index", "--corpus", str(tiny_corpus), "--format", "json", env=env)
    assert first.returncode == 0, first.stderr
    import json

    assert json.loads(first.stdout)["added"] == 3
    second = run("index", "--corpus", str(tiny_corpus), env=env)
    assert "added 0, updated 0, removed 0, unchanged 3" in second.stdout.decode()
