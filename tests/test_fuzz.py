"""Property-based fuzzing of the two doors user data comes in by: an article (read -> claims ->
verdicts) and the corpus loader. Whatever the input, the only exception is a FactCheckError,
claims point inside the text, and verdicts are well-formed.

Examples are derandomized (the same ones on every run, so CI is reproducible) and the example
counts are sized for the whole file to run in well under a minute with the hash embedder.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck.claims import extract_claims, read_article
from factcheck.corpus import CHUNK_SIZE, LANGUAGES, SUFFIXES, load_corpus, split_source
from factcheck.errors import CorpusError, FactCheckError
from factcheck.types import Label
from tests.conftest import write_source

pytestmark = pytest.mark.unit

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=20_000,  # ms per example: generous, the shared CI machine is slow; the count bounds the total
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)

# Pieces of news text in both languages: names, figures, units, dates, hedges, quotes and the
# punctuation the sentence splitter and quantity parser turn on, mixed with arbitrary text.
FRAGMENTS = [
    "xAI",
    "Colossus",
    "Memphis",
    "Nvidia",
    "Dell",
    "Super Micro",
    "the Greater Memphis Chamber",
    "Elon Musk",
    " built ",
    " a construit ",
    " in ",
    " en ",
    " dans ",
    " said",
    " a déclaré",
    " selon ",
    " about ",
    " environ ",
    " more than ",
    " plus de ",
    " it ",
    " elle ",
    " the company ",
    " l'entreprise ",
    "122",
    "100,000",
    "100 000",
    "1.5",
    "3,5",
    "19",
    "200 000",
    "1 million",
    "un million",
    "cent vingt-deux",
    " days",
    " jours",
    " GPUs",
    " GPU",
    " MW",
    " mégawatts",
    " $",
    " €",
    " billion",
    " milliards",
    "%",
    " %",
    " months",
    " mois",
    " September 2024",
    " 5 décembre 2024",
    " 2024-10-28",
    " 2025",
    " H100",
    " x2",
    " ×10",
    ". ",
    "! ",
    "? ",
    "… ",
    ", ",
    "; ",
    ": ",
    "\n",
    "\n\n",
    " (",
    ") ",
    "« ",
    " »",
    ' "',
    '" ',
    "—",
    "-",
    "M. ",
    "Dr. ",
    "U.S. ",
    "etc. ",
    "a.m. ",
    " 3.5. ",
    "\t",
    "   ",
]
TEXT = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)),
    max_size=80,
).map("".join)
# Sentences shaped like news claims, so that most examples reach retrieval and the verdict.
NEWS_SENTENCE = st.tuples(
    st.sampled_from(["xAI", "Nvidia", "La société", "Elon Musk", "The Greater Memphis Chamber", "Dell et Super Micro"]),
    st.sampled_from([" built Colossus in", " a construit Colossus en", " said it has", " plans to reach", " a livré"]),
    st.sampled_from(["", " about", " more than", " environ", " plus de", " at least"]),
    st.sampled_from([" 122", " 100,000", " 19", " 1.5", " un million de", " 200 000", " 3,5", " 300"]),
    st.sampled_from([" days", " jours", " GPUs", " GPU", " MW", " billion dollars", " %", " months"]),
    st.sampled_from(["", " in Memphis", " à Memphis", " in September 2024", " le 5 décembre 2024", " in 2025"]),
    st.sampled_from([". ", ".\n", "! ", " ", ".\n\n", ", Nvidia said. ", ", selon Reuters. "]),
).map("".join)
NEWS = st.lists(
    st.one_of(NEWS_SENTENCE, NEWS_SENTENCE, st.sampled_from(FRAGMENTS), st.text(max_size=8)), min_size=1, max_size=12
).map("".join)
FRONT_VALUE = st.one_of(
    st.none(),
    st.sampled_from(["2024-12-05", "5 Dec", "fr", "en", "de", "[1, 2]", "{a: 1}", "'", "- x", "*a", "&a x", ""]),
    st.text(max_size=15),
)


ANY_TEXT = st.one_of(TEXT, NEWS)


@st.composite
def articles(draw, text: st.SearchStrategy[str] = ANY_TEXT, raw_bytes: bool = True) -> str | bytes:
    """Article text, sometimes with front matter, sometimes (raw_bytes) as possibly invalid bytes."""
    body = draw(text)
    if draw(st.booleans()):
        fields = draw(st.dictionaries(st.sampled_from(["title", "published", "language", "url"]), FRONT_VALUE))
        front = "".join(f"{k}: {v}\n" if v is not None else f"{k}:\n" for k, v in fields.items())
        body = f"---\n{front}---\n{body}"
    if raw_bytes and draw(st.booleans()):
        return draw(st.one_of(st.just(body.encode()), st.binary(max_size=200), st.just(body.encode("utf-16"))))
    return body


def _claims_of(data: str | bytes, language: str | None, published: date | None):
    """read_article and extract_claims, or None when the input is refused with a FactCheckError."""
    try:
        article = read_article(data, "fuzzed.md", language=language, published=published)
    except FactCheckError:
        return None, []
    claims = extract_claims(article)
    assert article.language in LANGUAGES
    assert article.text and article.text == article.text.strip()
    for claim in claims:
        start, end = claim.span
        assert 0 <= start < end <= len(article.text), (claim.span, len(article.text))
        assert claim.text.strip()
        assert claim.lang in LANGUAGES
    assert len({c.id for c in claims}) == len(claims), "claim ids must be unique within an article"
    return article, claims


@settings(FUZZ, max_examples=250)
@given(
    data=articles(),
    language=st.sampled_from([None, "en", "fr"]),
    published=st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31))),
)
def test_article_to_claims_never_fails_but_with_a_factcheck_error(data, language, published):
    _claims_of(data, language, published)


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    """One FactChecker over a tiny indexed corpus, shared by every example (the hash embedder, no judges)."""
    from factcheck import FactChecker, Settings
    from factcheck.embeddings import HashEmbeddings

    root = tmp_path_factory.mktemp("fuzz")
    corpus = root / "corpus"
    corpus.mkdir()
    write_source(corpus, "a", "xAI built the Colossus supercomputer in Memphis in 122 days. It has 100,000 GPUs.")
    write_source(
        corpus,
        "b",
        "Selon la Chambre de Memphis, xAI veut porter Colossus à un million de GPU. "
        "Nvidia, Dell et Super Micro s'installeront à Memphis.",
        language="fr",
        published="2024-12-05",
    )
    write_source(corpus, "c", "In 2025 xAI was hiring engineers to design its own chips.", published="2025-07-19")
    fc = FactChecker(Settings(data_dir=root / "data", corpus_dir=corpus), embeddings=HashEmbeddings(), judges=[])
    fc.index()
    return fc


@settings(FUZZ, max_examples=150)
@given(
    data=articles(NEWS, raw_bytes=False), published=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2026, 12, 31)))
)
def test_article_to_verdicts_are_well_formed(checker, data, published):
    article, claims = _claims_of(data, None, published)
    if article is None:
        return
    verdicts = checker.check(article)
    assert [v.claim.id for v in verdicts] == [c.id for c in claims]
    for v in verdicts:
        assert v.label in set(Label)
        assert 0.0 <= v.confidence <= 1.0
        assert v.rationale
        for e in v.evidence:
            assert 0.0 <= e.stance_score <= 1.0
            assert e.source_id in {"a", "b", "c"}


SOURCE_NAMES = (
    st.tuples(
        st.text(alphabet="abcxyz_-. é", min_size=1, max_size=8),
        st.sampled_from([*SUFFIXES, ".MD", ".pdf", ""]),
    )
    .map("".join)
    .filter(lambda name: name not in (".", ".."))
)


@st.composite
def source_files(draw) -> dict[str, bytes]:
    """A folder's worth of files: valid sources, broken ones, and arbitrary bytes."""
    files: dict[str, bytes] = {}
    for name in draw(st.lists(SOURCE_NAMES, min_size=1, max_size=4, unique_by=str.lower)):
        kind = draw(st.sampled_from(["valid", "front", "html", "bytes"]))
        body = draw(TEXT)
        if kind == "valid":
            data = (
                "---\ntitle: T\npublisher: P\nurl: https://example.org\npublished: 2024-10-28\n"
                f"language: {draw(st.sampled_from(LANGUAGES))}\nkind: news\n---\n{body}"
            ).encode()
        elif kind == "front":
            fields = draw(
                st.dictionaries(st.sampled_from(["title", "publisher", "published", "language"]), FRONT_VALUE)
            )
            data = ("---\n" + "".join(f"{k}: {v}\n" for k, v in fields.items()) + f"---\n{body}").encode()
        elif kind == "html":
            data = f"<title>{body[:20]}</title><script>HIDDEN{body}</script><p onclick='x()'>{body}</p>".encode()
        else:
            data = draw(st.binary(max_size=300))
        files[name] = data
    return files


@settings(FUZZ, max_examples=150)
@given(files=source_files())
def test_corpus_loader_accepts_or_refuses_with_a_corpus_error(files):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, data in files.items():
            (root / name).write_bytes(data)
        try:
            sources = load_corpus(root)
        except CorpusError:
            return
        for source in sources:
            assert source.language in LANGUAGES and source.text.strip()
            assert "HIDDEN" not in source.text and "HIDDEN" not in source.title
            chunks = split_source(source)
            assert chunks and all(0 < len(c.text) <= CHUNK_SIZE for c in chunks)
            assert [c.chunk_id for c in chunks] == [c.chunk_id for c in split_source(source)]
