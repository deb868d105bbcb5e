"""Add reference sources to the corpus by upload: .md, .txt, .html or .pdf in, one Markdown source out.

The main text comes from kept extractors (trafilatura for web pages, pypdf for PDFs); the
metadata comes from the analyst's form, pre-filled with what the file itself says. The
result is written as the corpus expects every source (Markdown with front matter), under
a name made here from the date and the file's stem, so an uploaded name can never point
outside the corpus folder.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from factcheck.corpus import LANGUAGES, MAX_SOURCE_BYTES, read_source, source_files, split_source
from factcheck.errors import CorpusError, InputError

UPLOAD_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
MAX_UPLOAD_BYTES = 20_000_000
MAX_NAME = 120
KINDS = ("news", "press release", "filing", "report", "blog", "interview", "other")


@dataclass(frozen=True, slots=True)
class Extracted:
    """The main text of an uploaded file and what the file says about itself (guesses for the form)."""

    text: str
    title: str = ""
    publisher: str = ""
    url: str = ""
    published: date | None = None
    language: str = ""


@dataclass(frozen=True, slots=True)
class SourceMeta:
    """The metadata every corpus source carries, as the analyst confirmed it."""

    title: str
    publisher: str
    url: str
    published: date
    language: str
    kind: str = "news"

    def check(self) -> SourceMeta:
        """This metadata, stripped.

        Raises:
            InputError: naming the field that is missing or wrong.
        """
        clean = SourceMeta(
            title=self.title.strip(),
            publisher=self.publisher.strip(),
            url=self.url.strip(),
            published=self.published,
            language=self.language.strip().lower(),
            kind=self.kind.strip() or "news",
        )
        missing = [k for k in ("title", "publisher", "url") if not getattr(clean, k)]
        if missing:
            raise InputError(f"A source needs a {', '.join(missing)}.")
        if not re.match(r"^https?://\S+$", clean.url):
            raise InputError(f"The source's url must be an http(s) address, got {clean.url!r}.")
        if not isinstance(clean.published, date):
            raise InputError("A source needs its publication date.")
        if clean.language not in LANGUAGES:
            raise InputError(f"Language {clean.language!r} is not supported; use one of {', '.join(LANGUAGES)}.")
        if re.search(r"[\x00-\x1f]", clean.title + clean.publisher + clean.kind):
            raise InputError("Title, publisher and kind cannot hold line breaks or control characters.")
        return clean


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One line of the corpus page: a source's metadata, its chunk count and whether the index has it."""

    source_id: str
    file: str
    title: str
    publisher: str
    url: str
    published: date | None
    language: str
    kind: str
    chunks: int
    indexed: bool | None


def safe_filename(name: str) -> str:
    """The uploaded file's name, if it is a plain, ordinary one.

    Raises:
        InputError: for paths (`../`, `/`, `\\`, drive letters), hidden or control-character
            names, names too long, or a kind of file the corpus does not take.
    """
    if not name or not name.strip():
        raise InputError("The uploaded file has no name.")
    if re.search(r"[\x00-\x1f\x7f]", name):
        raise InputError("The file name holds control characters; rename the file.")
    if "/" in name or "\\" in name or ".." in name or re.match(r"^[A-Za-z]:", name) or os.path.isabs(name):
        raise InputError(f"{name!r} is a path, not a file name; upload the file itself.")
    if name.startswith(".") or name.strip() != name:
        raise InputError(f"{name!r} is a hidden or oddly spaced file name; rename the file.")
    if len(name) > MAX_NAME:
        raise InputError(f"The file name has {len(name)} characters; the limit is {MAX_NAME}.")
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        raise InputError(f"{name}: upload a {', '.join(UPLOAD_SUFFIXES)} file.")
    return name


def slug(text: str, limit: int = 60) -> str:
    """Lower-case ASCII words joined by dashes: "Colossus : xAI à Memphis" -> "colossus-xai-a-memphis"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def extract(data: bytes, filename: str) -> Extracted:
    """The main text of an uploaded file, and the metadata it carries.

    Raises:
        InputError: if the name is unsafe, the file is too big, empty, not decodable, or
            has no extractable text (a scanned PDF, a page with no article).
    """
    name = safe_filename(filename)
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError(f"{name} is {len(data):,} bytes; the upload limit is {MAX_UPLOAD_BYTES:,}.")
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf":
        got = _from_pdf(data, name)
    elif suffix in (".html", ".htm"):
        got = _from_html(data, name)
    else:
        got = _from_text(data, name)
    text = re.sub(r"\n{3,}", "\n\n", got.text).strip()
    if not text:
        raise InputError(f"{name}: no text could be extracted from it.")
    return Extracted(text, got.title, got.publisher, got.url, got.published, got.language)


def _from_text(data: bytes, name: str) -> Extracted:
    from factcheck.corpus import decode_text, split_front_matter

    meta, raw = split_front_matter(decode_text(data, name).lstrip(), name)
    return Extracted(
        text=raw,
        title=str(meta.get("title") or ""),
        publisher=str(meta.get("publisher") or ""),
        url=str(meta.get("url") or ""),
        published=_date(meta.get("published")),
        language=str(meta.get("language") or ""),
    )


def _from_html(data: bytes, name: str) -> Extracted:
    import trafilatura

    from factcheck.corpus import decode_text

    page = decode_text(data, name)
    text = trafilatura.extract(page, include_comments=False, include_tables=True, favor_precision=True)
    if not text:
        raise InputError(f"{name}: no article text was found in this page.")
    meta = trafilatura.extract_metadata(page)
    return Extracted(
        text=text,
        title=(meta.title or "") if meta else "",
        publisher=(meta.sitename or "") if meta else "",
        url=(meta.url or "") if meta else "",
        published=_date(meta.date) if meta else None,
        language=((meta.language or "")[:2] if meta else ""),
    )


def _from_pdf(data: bytes, name: str) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{name} is password-protected; upload an unprotected copy.")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except (PdfReadError, ValueError, KeyError) as exc:
        raise InputError(f"{name} cannot be read as a PDF ({exc}).") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise InputError(f"{name} has no text layer (a scan?); upload a PDF with selectable text.")
    created = getattr(info, "creation_date", None) if info else None
    return Extracted(
        text=text,
        title=str((info.title if info else "") or ""),
        publisher=str((info.author if info else "") or ""),
        published=created.date() if created else None,
    )


def add_source(corpus_dir: Path, filename: str, data: bytes, meta: SourceMeta, *, replace: bool = False) -> Path:
    """Write an uploaded file into the corpus as a Markdown source with front matter.

    The file is checked as the indexer will read it before it takes its place, so a
    source that would stop indexing never lands in the corpus.

    Args:
        corpus_dir: the corpus folder (Settings().corpus_dir).
        filename: the uploaded file's own name; only its stem is used, as a slug.
        data: the file's bytes.
        meta: the metadata from the form.
        replace: overwrite a source of the same name.

    Returns:
        The path of the new source.

    Raises:
        InputError: for an unsafe name, unreadable content or incomplete metadata.
        CorpusError: if the folder is missing or a source of that name exists.
    """
    meta = meta.check()
    got = extract(data, filename)
    if not corpus_dir.is_dir():
        raise CorpusError(f"Corpus folder {corpus_dir} does not exist.")
    stem = slug(Path(safe_filename(filename)).stem) or slug(meta.title) or "source"
    target = corpus_dir / f"{meta.published.isoformat()}-{stem}.md"
    if target.resolve().parent != corpus_dir.resolve():
        raise InputError(f"{filename!r} does not make a name inside the corpus folder.")
    if target.exists() and not replace:
        raise CorpusError(f"The corpus already has {target.name}; remove it first or replace it.")
    front = {
        "title": meta.title,
        "publisher": meta.publisher,
        "url": meta.url,
        "published": meta.published.isoformat(),
        "language": meta.language,
        "kind": meta.kind,
    }
    body = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + got.text + "\n"
    encoded = body.encode("utf-8")
    if len(encoded) > MAX_SOURCE_BYTES:
        raise InputError(f"The text of {filename} is {len(encoded):,} bytes; one source holds {MAX_SOURCE_BYTES:,}.")
    # Written beside the target under a hidden name (the corpus skips those), checked, then renamed.
    fd, tmp = tempfile.mkstemp(prefix=".upload-", suffix=".md", dir=corpus_dir)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(encoded)
        read_source(Path(tmp), corpus_dir)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def corpus_overview(corpus_dir: Path, indexed: Mapping[str, set[str]] | None = None) -> list[SourceRow]:
    """Every source of the corpus with its metadata and chunk count, newest first.

    Args:
        corpus_dir: the corpus folder.
        indexed: the index's state (VectorStore.state(): source id -> file hashes), to say
            which sources are indexed at their current version; None leaves that unknown.

    Raises:
        CorpusError: if the folder does not exist. Unreadable sources are listed with 0 chunks
            and their problem as the title, so the page can show what to fix.
    """
    rows = []
    for path in source_files(corpus_dir):
        try:
            s = read_source(path, corpus_dir)
        except CorpusError as exc:
            rel = path.relative_to(corpus_dir).as_posix()
            rows.append(SourceRow(rel, rel, f"unreadable: {exc}", "", "", None, "", "", 0, False))
            continue
        rows.append(
            SourceRow(
                source_id=s.source_id,
                file=path.relative_to(corpus_dir).as_posix(),
                title=s.title,
                publisher=s.publisher,
                url=s.url,
                published=s.published,
                language=s.language,
                kind=s.kind,
                chunks=len(split_source(s)),
                indexed=None if indexed is None else indexed.get(s.source_id) == {s.file_hash},
            )
        )
    return sorted(rows, key=lambda r: (r.published or date.min, r.source_id), reverse=True)
