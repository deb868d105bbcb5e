"""Read reference sources from disk and cut them into chunks with stable, content-derived ids.

Every file is validated before anything is written to the index, so one broken source
stops an indexing run with a message naming it instead of leaving a half-built index.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import yaml
from frontmatter.default_handlers import YAMLHandler
from langchain_text_splitters import RecursiveCharacterTextSplitter

from factcheck.errors import CorpusError, InputError

SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")
REQUIRED_FIELDS = ("title", "publisher", "url", "published", "language", "kind")
LANGUAGES = ("en", "fr")
MAX_SOURCE_BYTES = 2_000_000
CHUNK_SIZE = 600
CHUNK_OVERLAP = 100


@dataclass(frozen=True, slots=True)
class Source:
    """One reference document with the metadata every chunk of it carries."""

    source_id: str
    path: Path
    title: str
    publisher: str
    url: str
    published: date | None
    language: str
    kind: str
    text: str
    file_hash: str


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of a source small enough to embed and to show as evidence."""

    chunk_id: str
    source: Source
    index: int
    text: str

    def metadata(self) -> dict[str, str | int]:
        s = self.source
        return {
            "source_id": s.source_id,
            "title": s.title,
            "publisher": s.publisher,
            "url": s.url,
            "published": s.published.isoformat() if s.published else "",
            "language": s.language,
            "kind": s.kind,
            "file_hash": s.file_hash,
            "chunk_index": self.index,
        }


def decode_text(data: bytes, name: str) -> str:
    """Decode bytes as UTF-8 text, refusing binaries and other encodings with a clear message.

    Raises:
        InputError: if the bytes are empty, look binary, or are not valid UTF-8.
    """
    if not data.strip():
        raise InputError(f"{name} is empty.")
    if b"\x00" in data[:4096]:
        # UTF-16 text has a zero byte in every other place too; say so, since it is the common case.
        raise InputError(f"{name} looks like a binary file (or UTF-16 text), not UTF-8 text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not valid UTF-8 (byte {exc.start}); save it as UTF-8 and try again.") from None
    if not text.strip():  # a byte-order mark and blanks only
        raise InputError(f"{name} is empty.")
    return text


# Elements whose content is code, styling or a fallback a reader never sees as the page's text.
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg", "math"})
_ACTIVE_HTML = re.compile(
    r"<\s*/?\s*(?:script|style|noscript|template|iframe|object|embed|svg|math|html|head|body)\b"
    r"|<[a-z][^>]*\son[a-z]+\s*=",
    re.IGNORECASE,
)
"""Markup that runs or hides text: a .md or .txt body holding any of it is read as HTML, for its visible text."""
_BLOCK_TAGS = frozenset({"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article"})


class _TextOfHtml(HTMLParser):
    """Collects the visible text and the title; attributes (event handlers, links) are never read."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _HIDDEN_TAGS:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK_TAGS:  # <br/> breaks a line; a self-closed <script/> hides nothing
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title += data
        else:
            self.parts.append(data)


def html_to_text(raw: str) -> tuple[str, str]:
    """The title and the visible text of an HTML page, as plain text.

    Scripts, styles and other hidden elements are dropped with their content and no attribute
    is read, so nothing in the page runs and no markup survives: an escaped `&lt;b&gt;` in the
    page comes back as the literal text `<b>`, once (character references are decoded once).

    Returns:
        (title, text): the <title> (empty if none) and the text, paragraphs separated by blank lines.
    """
    parser = _TextOfHtml()
    parser.feed(raw)
    parser.close()
    text = re.sub(r"[ \t\r\f\v]+", " ", "".join(parser.parts))
    text = re.sub(r"\n\s*\n+", "\n\n", text).strip()
    return re.sub(r"\s+", " ", parser.title).strip(), text


def _parse_date(value: object, where: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):  # YAML reads "2024-10-28 10:00" as a datetime; the day is what counts
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CorpusError(f"{where}: 'published' must be an ISO date like 2024-10-28, got {value!r}.") from None


def read_source(path: Path, root: Path) -> Source:
    """Read and validate one source file.

    Markdown and text files may carry YAML front matter; Markdown files must. HTML
    files take their title from <title> and need no front matter.

    Raises:
        CorpusError: naming the file and what is wrong with it.
    """
    rel = path.relative_to(root).as_posix()
    data = path.read_bytes()
    if len(data) > MAX_SOURCE_BYTES:
        raise CorpusError(f"{rel}: {len(data):,} bytes is over the {MAX_SOURCE_BYTES:,}-byte limit for one source.")
    try:
        raw = decode_text(data, rel)
    except InputError as exc:
        raise CorpusError(str(exc)) from None
    source_id = re.sub(r"\.[^.]+$", "", rel)
    meta: dict = {}
    if path.suffix.lower() in (".html", ".htm"):
        title, body = html_to_text(raw)
        meta = {"title": title or path.stem}
    else:
        try:
            meta, body = split_front_matter(raw, rel)
        except InputError as exc:
            raise CorpusError(str(exc)) from None
        if has_active_markup(body):
            # A page saved under another name: its scripts and handlers must not become evidence text.
            body = html_to_text(body)[1]
        if path.suffix.lower() in (".md", ".markdown"):
            missing = [f for f in REQUIRED_FIELDS if not meta.get(f)]
            if missing:
                raise CorpusError(f"{rel}: front matter lacks {', '.join(missing)}.")
    if not body.strip():
        raise CorpusError(f"{rel}: has front matter but no text." if meta else f"{rel}: has no text.")
    language = str(meta.get("language", "en")).lower()
    if language not in LANGUAGES:
        raise CorpusError(f"{rel}: language {language!r} is not supported (use one of {', '.join(LANGUAGES)}).")
    return Source(
        source_id=source_id,
        path=path,
        title=str(meta.get("title") or path.stem),
        publisher=str(meta.get("publisher", "")),
        url=str(meta.get("url", "")),
        published=_parse_date(meta.get("published"), rel),
        language=language,
        kind=str(meta.get("kind", "")),
        text=body,
        file_hash=hashlib.sha256(data).hexdigest()[:16],
    )


def has_active_markup(text: str) -> bool:
    """Whether text holds markup that runs code or hides text (script, style, frames, on* handlers).

    Such text is a web page whatever its file name says, and is read with html_to_text.
    """
    return _ACTIVE_HTML.search(text) is not None


def split_front_matter(raw: str, name: str) -> tuple[dict, str]:
    """The YAML front matter's fields and the body; text without front matter has no fields.

    Only single values are accepted for the fields factcheck reads (title, publisher, url,
    published, language, kind): a nested list as a title is meaningless, and YAML aliases can
    make one so large that turning it into text hangs (nine nested levels: 9**9 items).

    Raises:
        InputError: naming `name`, if the front matter is not valid YAML, not `field: value`
            lines, or gives a list or mapping for one of those fields.
    """
    handler = YAMLHandler()
    if not handler.detect(raw):
        return {}, raw.strip()
    try:
        fm, body = handler.split(raw)
    except ValueError:  # an opening --- without a closing one: the whole file is body text
        return {}, raw.strip()
    try:
        data = handler.load(fm)
    except (yaml.YAMLError, ValueError) as exc:
        first = str(exc).splitlines()[0]
        raise InputError(f"{name}: the front matter is not valid YAML ({first}).") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"{name}: the front matter must be `field: value` lines, not a YAML {type(data).__name__}.")
    for field in REQUIRED_FIELDS:
        value = data.get(field)
        if value is not None and not isinstance(value, str | int | float | date):
            raise InputError(f"{name}: front matter field {field!r} must be a single value, not a list or a mapping.")
    return data, body.strip()


def source_files(root: Path) -> list[Path]:
    """The files under root that look like sources, in a stable order.

    Raises:
        CorpusError: if root is not a folder.
    """
    if not root.is_dir():
        raise CorpusError(
            f"Corpus folder {root} does not exist; set FACTCHECK_CORPUS_DIR (or `index --corpus`) "
            "to the folder of reference sources."
        )
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not p.name.startswith((".", "_"))
        and p.name.lower() != "readme.md"
    )


def load_corpus(root: Path) -> list[Source]:
    """Read every source under root, failing with the list of all bad files at once.

    Raises:
        CorpusError: if the folder has no sources or any source is invalid.
    """
    files = source_files(root)
    if not files:
        raise CorpusError(f"Corpus folder {root} holds no .md, .txt or .html sources.")
    sources, problems = [], []
    for path in files:
        try:
            sources.append(read_source(path, root))
        except CorpusError as exc:
            problems.append(str(exc))
    if problems:
        raise CorpusError("Some sources cannot be read; nothing was indexed:\n  " + "\n  ".join(problems))
    return sources


def split_source(source: Source) -> list[Chunk]:
    """Cut a source into overlapping chunks; ids hash the source and the text so they are stable."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE,
        chunk_overlap=CHUNK_OVERLAP,
        separators=["\n\n", "\n", ". ", " ", ""],
        keep_separator="end",
    )
    chunks = []
    for i, text in enumerate(t.strip() for t in splitter.split_text(source.text)):
        digest = hashlib.sha256(f"{source.source_id}\0{text}".encode()).hexdigest()[:24]
        chunks.append(Chunk(chunk_id=digest, source=source, index=i, text=text))
    return chunks
