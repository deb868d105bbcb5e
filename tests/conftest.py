"""Shared fixtures: offline models, a data dir per test, and a guard against network use."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

EVIDENCE_FIELDS = {
    "source_id",
    "title",
    "publisher",
    "url",
    "published",
    "text",
    "score",
    "stance",
    "stance_score",
    "reason",
    "judge",
    "copies",
}
"""The keys every evidence object of the CHECKED JSON contract carries."""

SOURCE = """---
title: "{title}"
publisher: "{publisher}"
url: "https://example.org/{slug}"
published: {published}
language: {language}
kind: news
---
{body}
"""


def write_source(
    folder: Path,
    slug: str,
    body: str,
    *,
    title: str = "T",
    publisher: str = "P",
    published: str = "2024-10-28",
    language: str = "en",
) -> Path:
    """Write one valid corpus file and return its path."""
    path = folder / f"{slug}.md"
    path.write_text(
        SOURCE.format(title=title, publisher=publisher, slug=slug, published=published, language=language, body=body),
        encoding="utf-8",
    )
    return path


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """Every test gets its own data dir so no test sees another's index."""
    monkeypatch.setenv("FACTCHECK_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(autouse=True)
def _no_network(request, monkeypatch):
    """Unit tests may not open sockets to anything but this machine."""
    if request.node.get_closest_marker("unit") is None:
        return
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") and not host.startswith("/"):
            raise RuntimeError(f"unit test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def tiny_corpus(tmp_path) -> Path:
    """Three short sources about the Colossus build, enough for retrieval and stance."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_source(
        folder,
        "nvidia",
        "xAI built the Colossus supercomputer in Memphis in 122 days. "
        "Training started 19 days after the first rack arrived.",
        publisher="NVIDIA",
    )
    write_source(
        folder,
        "chamber",
        "The Greater Memphis Chamber said xAI plans to grow Colossus to at least "
        "one million GPUs. Nvidia, Dell and Super Micro will set up operations in Memphis.",
        publisher="Reuters",
        published="2024-12-05",
    )
    write_source(
        folder,
        "later",
        "In 2025 xAI was reported to be hiring engineers to design its own AI chips.",
        publisher="Blog",
        published="2025-07-19",
    )
    return folder


@pytest.fixture
def shared() -> Path:
    """../shared, or a skip with the reason when this clone has none beside it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this clone (it holds benchmark data and the seed article)")
    return SHARED
