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

    data, name = _read_input(args.file)
    article = read_article(data, name, language=args.lang, published=args.date)
    store = _sessions() if args.save_session else None
    if store is not None and store.exists(args.save_session.strip()):
        raise InputError(f"A session named {args.save_session.strip()!r} already exists; pick another name.")
    verdicts = _checker().check(article)
    if store is not None:
        from factcheck.sessions import article_url

        store.create(args.save_session, article, verdicts, analyst=_analyst(args), url=article_url(data))
        print(f"saved session {args.save_session.strip()!r} ({len(verdicts)} claims)", file=sys.stderr)
    if args.format == "markdown":
        print(to_markdown(verdicts, title=article.title or "Fact-check report"), end="")
    else:
        print(json.dumps(to_json(article.language, verdicts), ensure_ascii=False, indent=2))


MAX_VERIFY_CLAIMS = 500
"""Claims one `verify` call checks: beyond this a batch belongs in a script that calls it in parts."""


def cmd_verify(args: argparse.Namespace) -> None:
    from factcheck.claims import MAX_ARTICLE_CHARS
    from factcheck.corpus import decode_text
    from factcheck.report import to_markdown

    texts = list(args.claims)
    if args.file:
        data, name = _read_input(args.file)
        if len(data) > MAX_ARTICLE_CHARS * 4:  # bytes: up to 4 per character in UTF-8
            raise InputError(f"{name} has {len(data):,} bytes; a claims file is limited like an article. Split it.")
        texts += [line.strip() for line in decode_text(data, name).splitlines() if line.strip()]
    if len(texts) > MAX_VERIFY_CLAIMS:
        raise InputError(f"{len(texts):,} claims given; verify checks at most {MAX_VERIFY_CLAIMS:,} at a time.")
    if not texts:
        raise InputError("Give at least one claim, as arguments or with --file.")
    from factcheck.claims import make_claim

    # One unreadable claim is reported in its place; it does not cost the others their verdict.
    results: list[dict] = []
    for text in texts:
        try:
            results.append({"claim": make_claim(text, args.lang, args.date)})
        except InputError as exc:
            results.append({"text": text, "error": str(exc)})
    claims = [r["claim"] for r in results if "claim" in r]
    verdicts = iter(_checker().check_claims(claims, args.date) if claims else [])  # one batch
    for r in results:
        if "claim" in r:
            r["verdict"] = next(verdicts)
    if all("error" in r for r in results):
        raise InputError("; ".join(f"{r['text'][:60]!r}: {r['error']}" for r in results))
    if args.format == "markdown":
        verdicts = [r["verdict"] for r in results if "verdict" in r]
        print(to_markdown(verdicts, title="Claims checked"), end="")
        for r in results:
            if "error" in r:
                print(f"\n- Not checked: {r['text']!r}: {r['error']}")
    else:
        rows = [r["verdict"].to_dict() if "verdict" in r else r for r in results]
        print(json.dumps(rows, ensure_ascii=False, indent=2))


def cmd_stats(args: argparse.Namespace) -> None:
    from factcheck.checker import FactChecker

    stats = FactChecker(judges=()).stats()
    if args.format == "json":
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    lex = stats["lexical"]
    where = stats["store"].get("path") or stats["store"].get("address")
    print(f"sources: {stats['sources']}\nchunks: {stats['chunks']}\nembedder: {stats['embedder']}")
    print(f"store: {stats['store']['mode']} {where} (collection {stats['collection']})")
    state = "in step" if lex["in_step"] else "NOT in step with the collection: run `python -m factcheck index`"
    print(f"lexical: {lex['chunks']} chunks, {lex['bytes']} bytes, {state} ({lex['path'] or 'in memory'})")
    print(f"data_dir: {stats['data_dir']}")


def _sessions():
    """The review sessions database under the data directory."""
    from factcheck.config import Settings
    from factcheck.sessions import SessionStore

    return SessionStore(Settings().sessions_db)


def _analyst(args: argparse.Namespace) -> str:
    """--analyst, else FACTCHECK_ANALYST, else the login name: every change is signed."""
    import getpass
    import os

    if getattr(args, "analyst", None):
        return args.analyst
    try:
        return os.environ.get("FACTCHECK_ANALYST") or getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def cmd_sessions(args: argparse.Namespace) -> None:
    store = _sessions()
    if args.action == "list":
        rows = store.list()
        if args.format == "json":
            print(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
        elif not rows:
            print("no sessions yet: `python -m factcheck check FILE --save-session NAME` makes one")
        for r in rows if args.format == "text" else ():
            counts = ", ".join(f"{k} {n}" for k, n in r.counts.items() if n) or "no claims"
            print(f"{r.name}\t{r.reviewed}/{r.total} reviewed\tchanged {r.updated_at}\t{counts}")
        return
    if not args.name:
        raise InputError(f"`sessions {args.action}` needs a session name.")
    if args.action == "delete":
        store.delete(args.name)
        print(f"deleted session {args.name!r}", file=sys.stderr)
        return
    session = store.get(args.name)
    if args.format == "json":
        print(json.dumps(session.to_dict(), ensure_ascii=False, indent=2))
        return
    from factcheck.exports import review_status

    print(f"{session.name}: {session.title or '(untitled)'} ({session.language}, {session.published or 'n.d.'})")
    print(f"{session.reviewed}/{len(session.claims)} reviewed, last change {session.updated_at}")
    for c in session.claims:
        print(f"\n[{c.number}] {c.label}  {c.text}")
        print(f"    {review_status(c)}")
        if c.reason:
            print(f"    reason: {c.reason}")
        if c.note:
            print(f"    note: {c.note}")
    print("\naudit:")
    for a in session.audit:
        where = f"claim {a.claim_number}" if a.claim_number is not None else "session"
        print(f"  {a.at}  {a.analyst}  {a.action}  {where}  {json.dumps(a.before)} -> {json.dumps(a.after)}")


def cmd_review(args: argparse.Namespace) -> None:
    store = _sessions()
    analyst = _analyst(args)
    if args.verdict and not (args.reason or "").strip():
        raise InputError("--verdict needs --reason: say why the machine verdict is wrong.")
    if args.accept:
        claim = store.accept(args.name, args.claim, analyst=analyst)
    else:
        claim = store.override(args.name, args.claim, args.verdict, args.reason, analyst=analyst)
    if args.note is not None:
        claim = store.note(args.name, args.claim, args.note, analyst=analyst)
    print(json.dumps(claim.to_dict(), ensure_ascii=False, indent=2))


def cmd_export(args: argparse.Namespace) -> None:
    from factcheck.exports import export

    text = export(_sessions().get(args.name), args.format, page_url=args.url or "", publisher=args.publisher)
    if args.output is None or str(args.output) == "-":
        sys.stdout.write(text)
        return
    if not args.output.parent.is_dir():
        raise InputError(f"{args.output}: its folder does not exist.")
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)


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
        if name == "check":
            p.add_argument("--save-session", metavar="NAME", default=None, help="save the result as a review session")
            p.add_argument("--analyst", default=None, help="who saves it (default: FACTCHECK_ANALYST or login)")
        p.set_defaults(func=func)

    p = sub.add_parser("verify", help="check standalone claims")
    p.add_argument("claims", nargs="*", help="claims to check")
    p.add_argument("--file", help="a file with one claim per line, or - for standard input")
    p.add_argument("--format", choices=["json", "markdown"], default="json")
    p.add_argument("--lang", choices=["fr", "en"], default=None)
    p.add_argument("--date", type=_date, default=None, help="judge as of this date (ISO)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("stats", help="what the index holds: sources, chunks, embedder, store, lexical index")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("sessions", help="list, show or delete saved review sessions")
    p.add_argument("action", choices=["list", "show", "delete"])
    p.add_argument("name", nargs="?", default=None, help="the session (for show and delete)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_sessions)

    from factcheck.types import Label

    p = sub.add_parser("review", help="accept or override the verdict of one claim of a session")
    p.add_argument("name", help="the session")
    p.add_argument("--claim", type=int, required=True, metavar="ID", help="the claim's number (see sessions show)")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--accept", action="store_true", help="agree with the machine verdict")
    how.add_argument("--verdict", choices=[str(label) for label in Label], help="the analyst's verdict")
    p.add_argument("--reason", default=None, help="why the machine verdict is wrong (required with --verdict)")
    p.add_argument("--note", default=None, help="a note on the claim")
    p.add_argument("--analyst", default=None, help="who decides (default: FACTCHECK_ANALYST or login)")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("export", help="export a session: Markdown, CSV, JSON or ClaimReview JSON-LD")
    p.add_argument("name", help="the session")
    p.add_argument("--format", choices=["markdown", "csv", "json", "claimreview"], default="markdown")
    p.add_argument("-o", "--output", type=Path, default=None, help="write to this file (default: standard output)")
    p.add_argument("--url", default=None, help="claimreview: the address of the page publishing the fact check")
    p.add_argument("--publisher", default="factcheck", help="claimreview: the organisation publishing it")
    p.set_defaults(func=cmd_export)

    return parser


def main(argv: list[str] | None = None) -> int:
    return run(build_parser(), argv)


def run(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> int:
    """Parse argv and run the chosen command; a FactCheckError becomes one line on stderr and exit 1."""
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except FactCheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    return 0
