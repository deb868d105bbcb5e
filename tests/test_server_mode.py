"""Server mode against a real Chroma server started for the test (`chroma run`)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factcheck import FactChecker, Settings, StoreError
from factcheck.embeddings import HashEmbeddings

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
    yield port
    proc.terminate()
    proc.wait(timeout=30)


def test_index_and_search_through_a_chroma_server(chroma_server, tiny_corpus, tmp_path):
    settings = Settings(
        data_dir=tmp_path / "unused", corpus_dir=tiny_corpus, chroma_mode="server", chroma_port=chroma_server
    )
    checker = FactChecker(settings, embeddings=HashEmbeddings())
    report = checker.index()
    assert report.added == 3
    assert not (tmp_path / "unused" / "chroma").exists(), "server mode must not write an embedded index"
    assert checker.ensure_index() is None
    again = FactChecker(settings, embeddings=HashEmbeddings())
    assert again.index().unchanged == 3, "a second client sees what the first one indexed"
    hits = again.retriever.search("Nvidia Dell Super Micro operations Memphis", k=1)
    assert hits[0].source_id == "chamber"


def test_an_unreachable_server_is_a_clear_error(tmp_path):
    settings = Settings(data_dir=tmp_path, chroma_mode="server", chroma_port=_free_port())
    with pytest.raises(StoreError, match="Cannot open the Chroma server"):
        FactChecker(settings, embeddings=HashEmbeddings()).store  # noqa: B018
