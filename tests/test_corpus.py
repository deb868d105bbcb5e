from __future__ import annotations

import pytest

from factcheck.corpus import load_corpus, read_source, split_source
from factcheck.errors import CorpusError
from tests.conftest import ROOT, write_source

pytestmark = pytest.mark.unit


def test_reads_front_matter_and_body(tmp_path):
    path = write_source(tmp_path, "a", "Colossus has 100,000 GPUs.", title="A title", published="2024-12-05")
    source = read_source(path, tmp_path)
    assert (source.source_id, source.title, source.language) == ("a", "A title", "en")
    assert source.published.isoformat() == "2024-12-05"
    assert source.text == "Colossus has 100,000 GPUs."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
        ("---\ntitle: T\n---\nCaf\u00e9".encode("latin-1"), "not valid UTF-8"),
        (b"---\ntitle: [unclosed\n---\nbody", "front matter is not valid YAML"),
        (b"---\ntitle: T\npublisher: P\n---\nbody text", "lacks url, published, language, kind"),
        (b"---\ntitle: T\npublisher: P\nurl: u\npublished: 5 Dec\nlanguage: en\nkind: news\n---\nbody", "ISO date"),
        (
            b"---\ntitle: T\npublisher: P\nurl: u\npublished: 2024-01-01\nlanguage: de\nkind: news\n---\nText",
            "not supported",
        ),
        (b"---\ntitle: T\npublisher: P\nurl: u\npublished: 2024-01-01\nlanguage: en\nkind: news\n---\n  \n", "no text"),
    ],
)
def test_bad_sources_get_a_message_naming_the_file(tmp_path, content, message):
    (tmp_path / "bad.md").write_bytes(content)
    with pytest.raises(CorpusError, match=message) as info:
        read_source(tmp_path / "bad.md", tmp_path)
    assert "bad.md" in str(info.value)


def test_load_corpus_lists_every_bad_file_at_once(tmp_path):
    write_source(tmp_path, "good", "Fine text.")
    (tmp_path / "one.md").write_bytes(b"")
    (tmp_path / "two.md").write_bytes(b"\x00\x01binary")
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    assert "one.md" in str(info.value) and "two.md" in str(info.value)


def test_empty_or_missing_corpus_is_an_error(tmp_path):
    with pytest.raises(CorpusError, match="holds no"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_txt_and_html_sources_need_no_front_matter(tmp_path):
    (tmp_path / "note.txt").write_text("A plain note about Memphis.", encoding="utf-8")
    (tmp_path / "page.html").write_text(
        "<html><head><title>Page</title><script>x=1</script></head><body><p>Colossus in Memphis.</p></body></html>",
        encoding="utf-8",
    )
    sources = {s.source_id: s for s in load_corpus(tmp_path)}
    assert sources["page"].title == "Page" and sources["page"].text == "Colossus in Memphis."
    assert "x=1" not in sources["page"].text
    assert sources["note"].published is None


def test_chunk_ids_are_stable_and_depend_on_content(tmp_path):
    path = write_source(tmp_path, "a", "First paragraph. " * 60 + "\n\nSecond paragraph. " * 40)
    first = split_source(read_source(path, tmp_path))
    again = split_source(read_source(path, tmp_path))
    assert len(first) > 1
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    assert len({c.chunk_id for c in first}) == len(first)
    assert all(len(c.text) <= 600 for c in first)


def test_shipped_corpus_is_valid_and_big_enough():
    sources = load_corpus(ROOT / "corpus")
    assert len(sources) >= 25
    assert {s.language for s in sources} == {"en", "fr"}
    assert all(s.url.startswith("http") and s.published for s in sources)
