"""`python -m factcheck stats`: what the index holds, read from the collection and the lexical index."""

from __future__ import annotations

import json

import pytest

from factcheck.cli import main
from factcheck.lexical import LexicalIndex
from tests.conftest import write_source

pytestmark = pytest.mark.unit


@pytest.fixture
def hash_env(monkeypatch, tiny_corpus, tmp_path):
    monkeypatch.setenv("FACTCHECK_EMBEDDER", "hash")
    monkeypatch.setenv("FACTCHECK_CORPUS_DIR", str(tiny_corpus))
    return tmp_path / "data"


def stats(capsys) -> dict:
    assert main(["stats", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_stats_reads_the_index_and_says_when_the_lexical_side_is_behind(hash_env, tiny_corpus, capsys):
    empty = stats(capsys)
    assert (empty["sources"], empty["chunks"], empty["lexical"]["in_step"]) == (0, 0, True)

    assert main(["index"]) == 0
    write_source(tiny_corpus, "more", "A fourth source with two sentences. It mentions Memphis.")
    assert main(["index"]) == 0
    capsys.readouterr()
    got = stats(capsys)
    assert got["sources"] == 4 and got["chunks"] == 4
    assert got["embedder"] == "hash" and got["dimension"] == 256
    assert got["collection"] == "factcheck-hash"
    assert got["store"] == {"mode": "embedded", "path": str((hash_env / "chroma").resolve())}
    assert got["data_dir"] == str(hash_env.resolve())
    lexical = got["lexical"]
    assert lexical["chunks"] == 4 and lexical["in_step"] is True and lexical["bytes"] > 0
    assert lexical["path"] == str(hash_env / "lexical" / "factcheck-hash.sqlite")
    assert set(got["languages"]) == {"en"}

    # Lose one chunk from the lexical side only, as a crash between the two writes could.
    index = LexicalIndex(hash_env / "lexical" / "factcheck-hash.sqlite")
    index.delete([next(iter(index.chunks()))])
    index.close()
    assert stats(capsys)["lexical"] | {"bytes": 0} == {**lexical, "chunks": 3, "in_step": False, "bytes": 0}
    assert main(["stats"]) == 0
    text = capsys.readouterr().out
    assert "sources: 4" in text and "NOT in step" in text and "embedder: hash" in text

    # Indexing again repairs the lexical side without re-embedding anything.
    assert main(["index", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["chunks"] == 0
    assert stats(capsys)["lexical"]["in_step"] is True
