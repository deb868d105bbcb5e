"""Server mode against a real Chroma server started for the tests (`chroma run` on loopback).

Three layers: the store and retriever through a server with two clients (each with its own
lexical index, kept in step with the shared collection); the CLI in server mode; and the
integration suite (tests/test_integration.py) run once more with every process pointed
at the server.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factcheck import FactChecker, Settings, StoreError
from factcheck.embeddings import HashEmbeddings
from tests.conftest import ROOT, write_source

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(exe).exists():
        pytest.skip("the chroma CLI is not installed")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma run did not start listening within 60 s")
    yield port
    proc.terminate()
    proc.wait(timeout=30)


def server_settings(port: int, data_dir: Path, corpus: Path | None = None, collection: str = "factcheck") -> Settings:
    extra = {"corpus_dir": corpus} if corpus else {}
    return Settings(data_dir=data_dir, chroma_mode="server", chroma_port=port, collection=collection, **extra)


def test_index_and_search_through_a_chroma_server(chroma_server, tiny_corpus, tmp_path):
    settings = server_settings(chroma_server, tmp_path / "unused", tiny_corpus, "tiny")
    checker = FactChecker(settings, embeddings=HashEmbeddings())
    report = checker.index()
    assert report.added == 3
    assert not (tmp_path / "unused" / "chroma").exists(), "server mode must not write an embedded index"
    assert checker.ensure_index() is None
    again = FactChecker(settings, embeddings=HashEmbeddings())
    assert again.index().unchanged == 3, "a second client sees what the first one indexed"
    hits = again.retriever.search("Nvidia Dell Super Micro operations Memphis", k=1)
    assert hits[0].source_id == "chamber"
    stats = again.stats()
    assert stats["store"] == {"mode": "server", "address": f"localhost:{chroma_server}"}
    assert stats["sources"] == 3 and stats["lexical"]["in_step"] is True


def test_a_second_analyst_never_gets_text_another_one_deleted(chroma_server, tmp_path):
    """Two clients, two lexical indexes, one collection: B's lexical side is behind A's edit."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_source(corpus, "nvidia", "xAI built the Colossus supercomputer in Memphis in 122 days.")
    write_source(corpus, "tva", "The Tennessee Valley Authority approved 150 megawatts for the xAI site.")
    write_source(corpus, "dojo", "Tesla said its Dojo supercomputer would start production in July 2023.")
    a = FactChecker(server_settings(chroma_server, tmp_path / "a", corpus, "shared"), embeddings=HashEmbeddings())
    a.index()
    b = FactChecker(server_settings(chroma_server, tmp_path / "b", corpus, "shared"), embeddings=HashEmbeddings())
    query = "Colossus supercomputer built in 122 days"
    assert any("122 days" in p.text for p in b.retriever.search(query, k=3)), "B's lexical index catches up"

    write_source(corpus, "nvidia", "xAI built the Colossus supercomputer in Memphis in 300 days.")
    a.index()
    assert b.stats()["lexical"]["in_step"] is False, "B has not seen A's edit yet"
    hits = b.retriever.search(query, k=3)
    assert not any("122 days" in p.text for p in hits), "deleted text must never come back as evidence"
    b.store.catch_up()
    assert b.stats()["lexical"]["in_step"] is True
    assert any("300 days" in p.text for p, _ in b.retriever.candidates(query)[1])


def test_cli_stats_and_check_through_a_server(chroma_server, tiny_corpus, tmp_path):
    env = {
        **os.environ,
        "FACTCHECK_DATA_DIR": str(tmp_path / "data"),
        "FACTCHECK_CORPUS_DIR": str(tiny_corpus),
        "FACTCHECK_EMBEDDER": "hash",
        "FACTCHECK_CHROMA_MODE": "server",
        "FACTCHECK_CHROMA_PORT": str(chroma_server),
        "FACTCHECK_COLLECTION": "cli",
    }

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "factcheck", *args], cwd=ROOT, env=env, capture_output=True, timeout=300
        )

    assert run("index").returncode == 0
    stats = json.loads(run("stats", "--format", "json").stdout)
    assert stats["store"]["mode"] == "server" and stats["chunks"] == 3 and stats["embedder"] == "hash"
    done = run("verify", "Colossus was built in 122 days.")
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)[0]["evidence"]


def test_an_unreachable_server_is_a_clear_error(tmp_path):
    settings = Settings(data_dir=tmp_path, chroma_mode="server", chroma_port=_free_port())
    with pytest.raises(StoreError, match="Cannot open the Chroma server"):
        FactChecker(settings, embeddings=HashEmbeddings()).store  # noqa: B018


@pytest.mark.slow
def test_the_integration_suite_passes_against_a_chroma_server(chroma_server, tmp_path):
    """tests/test_integration.py again, every FactChecker and CLI call on the server.

    Its incremental re-index test is left out: it builds a second index of the same corpus
    in another data dir, which in server mode is the same collection as the suite's own.
    """
    env = {
        **os.environ,
        "FACTCHECK_CHROMA_MODE": "server",
        "FACTCHECK_CHROMA_HOST": "127.0.0.1",
        "FACTCHECK_CHROMA_PORT": str(chroma_server),
        "FACTCHECK_COLLECTION": "integration",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/test_integration.py",
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            "not incremental_reindex",
            "--basetemp",
            str(tmp_path / "basetemp"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=1200,
    )
    tail = done.stdout.decode()[-3000:]
    assert done.returncode == 0, tail
    assert " passed" in tail and " skipped" not in tail.split("\n")[-2], tail
