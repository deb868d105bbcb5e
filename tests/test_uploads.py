"""Adding sources by upload: safe names, text from .md/.txt/.html/.pdf, front matter, then indexed and used."""

from __future__ import annotations

from datetime import date

import pytest

from factcheck.corpus import read_source
from factcheck.errors import CorpusError, InputError
from factcheck.uploads import SourceMeta, add_source, corpus_overview, extract, safe_filename, slug

META = SourceMeta(
    title="Colossus doubles",
    publisher="Example Wire",
    url="https://wire.example/colossus",
    published=date(2025, 2, 3),
    language="en",
    kind="news",
)


def tiny_pdf(text: str, title: str = "A PDF title") -> bytes:
    """A one-page PDF with a real text layer, built by hand (offsets and all) so the test needs no writer."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Title ({title}) /CreationDate (D:20250203120000Z) >>".encode(),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


HTML = b"""<!doctype html><html lang="en"><head><title>Colossus grows | Example Wire</title>
<meta property="og:site_name" content="Example Wire"><meta name="date" content="2025-02-03">
<script>alert('x')</script></head><body><nav>Home | World | Tech</nav>
<article><h1>Colossus grows</h1>
<p>xAI doubled its Colossus supercomputer in Memphis to 200,000 GPUs, the company said on Monday.</p>
<p>The expansion took 92 days, according to the operator, and added a second data hall to the site.</p>
<p>Power for the site comes from the Tennessee Valley Authority and from gas turbines on site.</p>
</article><footer>Copyright Example Wire. All rights reserved.</footer></body></html>"""


@pytest.mark.unit
@pytest.mark.parametrize(
    "name",
    ["../x.md", "..", "/etc/passwd.md", "a/b.md", "a\\b.md", "C:evil.md", ".hidden.md", "x\x00.md", " x.md",
     "x.exe", "noext", "a" * 130 + ".md", ""],
)  # fmt: skip
def test_unsafe_or_odd_names_are_refused(name):
    with pytest.raises(InputError):
        safe_filename(name)


@pytest.mark.unit
def test_plain_names_pass_and_slugs_are_ascii():
    assert safe_filename("Rapport annuel 2024.pdf") == "Rapport annuel 2024.pdf"
    assert slug("Colossus : xAI à Memphis!") == "colossus-xai-a-memphis"


@pytest.mark.unit
def test_text_and_markdown_keep_their_front_matter_as_guesses():
    got = extract(
        b"---\ntitle: T1\npublisher: P\nurl: https://p.example/1\npublished: 2024-06-05\n---\nBody text.", "a.md"
    )
    assert (got.title, got.publisher, got.url, got.published, got.text) == (
        "T1", "P", "https://p.example/1", date(2024, 6, 5), "Body text."
    )  # fmt: skip
    with pytest.raises(InputError, match="UTF-8"):
        extract("café".encode("latin-1"), "a.txt")


@pytest.mark.unit
def test_html_main_text_without_navigation_or_script():
    got = extract(HTML, "page.html")
    assert "200,000 GPUs" in got.text and "92 days" in got.text
    assert "alert" not in got.text and "Home | World" not in got.text
    assert got.title.startswith("Colossus grows")


@pytest.mark.unit
def test_pdf_text_layer_and_info():
    got = extract(tiny_pdf("Colossus runs 200,000 GPUs in Memphis."), "r.pdf")
    assert "Colossus runs 200,000 GPUs in Memphis." in got.text
    assert got.title == "A PDF title" and got.published == date(2025, 2, 3)
    with pytest.raises(InputError, match=r"cannot be read as a PDF|no text"):
        extract(b"%PDF-1.4 not really", "broken.pdf")


@pytest.mark.unit
def test_add_source_writes_a_valid_corpus_file(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    path = add_source(corpus, "Colossus grows.html", HTML, META)
    assert path.parent == corpus and path.name == "2025-02-03-colossus-grows.md"
    source = read_source(path, corpus)
    assert (source.title, source.publisher, source.url, source.published, source.language, source.kind) == (
        "Colossus doubles", "Example Wire", "https://wire.example/colossus", date(2025, 2, 3), "en", "news"
    )  # fmt: skip
    assert "200,000 GPUs" in source.text
    with pytest.raises(CorpusError, match="already has"):
        add_source(corpus, "Colossus grows.html", HTML, META)
    with pytest.raises(InputError, match="url"):
        add_source(corpus, "x.txt", b"Some text here.", SourceMeta("T", "P", "ftp://x", date(2025, 1, 1), "en"))
    with pytest.raises(InputError, match="path"):
        add_source(corpus, "../../escape.md", b"Some text here.", META)
    assert sorted(p.name for p in corpus.iterdir()) == ["2025-02-03-colossus-grows.md"], "nothing else written"
    [row] = corpus_overview(corpus, indexed={})
    assert (row.title, row.chunks, row.indexed) == ("Colossus doubles", 1, False)


@pytest.mark.integration
def test_an_uploaded_pdf_is_indexed_and_used_in_the_next_check(tmp_path, tiny_corpus):
    from factcheck.checker import FactChecker
    from factcheck.config import Settings

    settings = Settings(data_dir=tmp_path / "d", corpus_dir=tiny_corpus, embedder="hash", stance="comparator")
    checker = FactChecker(settings, judges=[])
    checker.index()
    before = checker.verify(["Colossus has 200,000 GPUs in Memphis."], lang="en")[0]
    assert all(e.source_id != "2025-02-03-upload" for e in before.evidence)
    add_source(tiny_corpus, "upload.pdf", tiny_pdf("In 2025 Colossus has 200,000 GPUs in Memphis."), META)
    seen = []
    report = checker.ensure_index(lambda done, total, what: seen.append((done, total)))
    assert report is not None and report.added == 1 and seen[-1][0] == seen[-1][1]
    rows = corpus_overview(tiny_corpus, checker.store.state())
    assert all(r.indexed for r in rows) and len(rows) == 4
    after = checker.verify(["Colossus has 200,000 GPUs in Memphis."], lang="en")[0]
    assert any(e.source_id == "2025-02-03-upload" and str(e.stance) == "supports" for e in after.evidence)
