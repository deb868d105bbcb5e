"""`python -m factcheck`: the command-line face of the library. Errors become one line on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

from factcheck.errors import FactCheckError, InputError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see `python -m factcheck --help`)\n")


def _read_input(path: str) -> tuple[bytes, str]:
    if path == "-":
        return sys.stdin.buffer.read(), "standard input"
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file.")
    return p.read_bytes(), path


def _progress(desc: str):
    """A tqdm bar on an interactive terminal, nothing otherwise (pipes and CI stay clean)."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(desc=desc, unit="chunk", file=sys.stderr, leave=False)

    def update(done: int, total: int, *_: object) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def _checker():
    from factcheck.checker import FactChecker

    checker = FactChecker()
    report = checker.ensure_index(_progress("indexing corpus"))
    if report is not None:
        print(f"index refreshed: {json.dumps(report.to_dict())}", file=sys.stderr)
    return checker


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date: {value!r}") from None


def cmd_index(args: argparse.Namespace) -> None:
    from factcheck.checker import FactChecker

    report = FactChecker().index(args.corpus, rebuild=args.rebuild, progress=_progress("embedding"))
    if args.format == "json":
        print(json.dumps(report.to_dict()))
    else:
        r = report
        print(
            f"added {r.added}, updated {r.updated}, removed {r.removed}, unchanged {r.unchanged} "
            f"({r.chunks} chunks embedded)"
        )


def cmd_claims(args: argparse.Namespace) -> None:
    from factcheck.claims import extract_claims, read_article

    article = read_article(*_read_input(args.file), language=args.lang, published=args.date)
    claims = extract_claims(article)
    print(
        json.dumps(
            {"language": article.language, "claims": [c.to_dict() for c in claims]}, ensure_ascii=False, indent=2
        )
    )


def cmd_check(args: argparse.Namespace) -> None:
    from factcheck.claims import read_article
    from factcheck.report import to_json, to_markdown

    article = read_article(*_read_input(args.file), language=args.lang, published=args.date)
    verdicts = _checker().check(article)
    if args.format == "markdown":
        print(to_markdown(verdicts, title=article.title or "Fact-check report"), end="")
    else:
        print(json.dumps(to_json(article.language, verdicts), ensure_ascii=False, indent=2))


def cmd_verify(args: argparse.Namespace) -> None:
    from factcheck.corpus import decode_text
    from factcheck.report import to_markdown

    texts = list(args.claims)
    if args.file:
        data, name = _read_input(args.file)
        texts += [line.strip() for line in decode_text(data, name).splitlines() if line.strip()]
    if not texts:
        raise InputError("Give at least one claim, as arguments or with --file.")
    verdicts = _checker().verify(texts, lang=args.lang, article_date=args.date)
    if args.format == "markdown":
        print(to_markdown(verdicts, title="Claims checked"), end="")
    else:
        print(json.dumps([v.to_dict() for v in verdicts], ensure_ascii=False, indent=2))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m factcheck", description="Check news claims against reference sources.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("index", help="index the corpus (only new or changed files are embedded)")
    p.add_argument(
        "--corpus", type=Path, default=None, help="corpus folder (default: FACTCHECK_CORPUS_DIR or ./corpus)"
    )
    p.add_argument("--rebuild", action="store_true", help="drop the index and embed everything again")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_index)

    for name, func, helptext in (
        ("claims", cmd_claims, "list the check-worthy claims of an article"),
        ("check", cmd_check, "check every claim of an article"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("file", help="a .txt or .md file, or - for standard input")
        p.add_argument("--format", choices=["json"] if name == "claims" else ["json", "markdown"], default="json")
        p.add_argument("--lang", choices=["fr", "en"], default=None, help="skip language detection")
        p.add_argument("--date", type=_date, default=None, help="the article's publication date (ISO)")
        p.set_defaults(func=func)

    p = sub.add_parser("verify", help="check standalone claims")
    p.add_argument("claims", nargs="*", help="claims to check")
    p.add_argument("--file", help="a file with one claim per line, or - for standard input")
    p.add_argument("--format", choices=["json", "markdown"], default="json")
    p.add_argument("--lang", choices=["fr", "en"], default=None)
    p.add_argument("--date", type=_date, default=None, help="judge as of this date (ISO)")
    p.set_defaults(func=cmd_verify)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except FactCheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    return 0
