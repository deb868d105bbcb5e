"""Review sessions over a real SQLite file: decisions, audit, restarts, concurrent writers and crashes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date

import pytest

from factcheck.claims import Article
from factcheck.sessions import MIGRATIONS, SCHEMA_VERSION, SessionError, SessionStore, verdict_from_dict
from factcheck.types import Claim, Evidence, Label, Quantity, Stance, Verdict
from tests.conftest import ROOT

ARTICLE = Article(
    text="Colossus was built in three months. It has 100,000 GPUs. Nvidia, Dell and Supermicro came to Memphis.",
    language="en",
    title="Colossus in Memphis",
    published=date(2024, 12, 5),
)


def make_verdict(i: int, label: Label = Label.SUPPORTED, n_evidence: int = 3) -> Verdict:
    """A verdict shaped like the engine's: quantities, a found figure, several passages."""
    q = Quantity(value=100_000.0, unit="GPU", kind="count", approx=None, text="100,000 GPUs")
    claim = Claim(
        id=f"c{i:03d}",
        text=f"Claim {i}: Colossus has 100,000 GPUs.",
        lang="en",
        kind="count",
        quantities=(q,),
        entities=("Colossus",),
        span=(10 * i, 10 * i + 30),
        source="the Chamber" if i % 2 else "",
        context=f"Claim {i}: Colossus has 100,000 GPUs.",
    )
    evidence = tuple(
        Evidence(
            source_id=f"src-{j}",
            title=f"Source *{j}* [x](javascript:alert(1))",
            publisher="NVIDIA",
            url=f"https://example.org/{j}",
            published=date(2024, 10, 28) if j else None,
            text=f"Passage {j} says Colossus runs 100,000 GPUs.",
            score=0.8 - j / 10,
            stance=Stance.SUPPORTS if j == 0 else Stance.NEUTRAL,
            stance_score=0.9,
            reason="the figure matches",
            sentence=f"Passage {j} says Colossus runs 100,000 GPUs.",
            found=q if j == 0 else None,
            judge="comparator",
            copies=("Reuters, https://example.org/copy",) if j == 0 else (),
        )
        for j in range(n_evidence)
    )
    return Verdict(
        claim=claim, label=label, confidence=0.7, rationale="One source gives the figure.", evidence=evidence
    )


VERDICTS = [make_verdict(1), make_verdict(2, Label.REFUTED), make_verdict(3, Label.NOT_ENOUGH_INFO)]


@pytest.fixture
def store(tmp_path):
    s = SessionStore(tmp_path / "data" / "sessions.sqlite3")
    yield s
    s.close()


@pytest.mark.unit
def test_verdict_round_trips_through_its_dict():
    from dataclasses import fields, replace

    v = make_verdict(7)
    assert verdict_from_dict(json.loads(json.dumps(v.to_dict()))) == v
    if "raw_confidence" in {f.name for f in fields(Verdict)}:
        calibrated = replace(v, raw_confidence=0.612)
        assert verdict_from_dict(json.loads(json.dumps(calibrated.to_dict()))) == calibrated


@pytest.mark.unit
def test_create_reopen_and_list(store, tmp_path):
    store.create("memphis", ARTICLE, VERDICTS, analyst="ana", url="https://news.example/colossus")
    store.close()
    again = SessionStore(tmp_path / "data" / "sessions.sqlite3")
    s = again.get("memphis")
    assert (s.title, s.url, s.published, s.language) == (
        "Colossus in Memphis",
        "https://news.example/colossus",
        date(2024, 12, 5),
        "en",
    )
    assert s.article == ARTICLE.text
    assert [c.number for c in s.claims] == [1, 2, 3]
    assert [c.verdict for c in s.claims] == VERDICTS, "the evidence is kept exactly as shown"
    [summary] = again.list()
    assert (summary.total, summary.reviewed) == (3, 0)
    assert summary.counts == {
        "SUPPORTED": 1,
        "PARTLY_SUPPORTED": 0,
        "REFUTED": 1,
        "CONFLICTING": 0,
        "NOT_ENOUGH_INFO": 1,
    }
    assert again.schema_version() == SCHEMA_VERSION
    with sqlite3.connect(tmp_path / "data" / "sessions.sqlite3") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()


@pytest.mark.unit
def test_names_are_unique_and_checked(store):
    store.create("a", ARTICLE, VERDICTS[:1], analyst="ana")
    with pytest.raises(SessionError, match="already exists"):
        store.create("a", ARTICLE, VERDICTS[:1], analyst="bob")
    with pytest.raises(SessionError, match="needs a name"):
        store.create("  ", ARTICLE, VERDICTS[:1], analyst="ana")
    with pytest.raises(SessionError, match="analyst"):
        store.create("b", ARTICLE, VERDICTS[:1], analyst="")
    with pytest.raises(SessionError, match="control characters"):
        store.create("two\nlines", ARTICLE, VERDICTS[:1], analyst="ana")
    store.create("b", ARTICLE, VERDICTS[:1], analyst="ana")
    with pytest.raises(SessionError, match="already exists"):
        store.rename("b", "a", analyst="ana")
    store.rename("b", "c", analyst="ana")
    assert store.exists("c") and not store.exists("b")
    assert store.get("c").audit[-1].action == "rename"
    store.delete("c")
    assert [s.name for s in store.list()] == ["a"]
    with pytest.raises(SessionError, match="No session named 'c'"):
        store.get("c")


@pytest.mark.unit
def test_override_wins_needs_a_reason_and_is_audited(store):
    store.create("s", ARTICLE, VERDICTS, analyst="ana")
    with pytest.raises(SessionError, match="needs a reason"):
        store.override("s", 1, "REFUTED", "  ", analyst="bob")
    with pytest.raises(SessionError, match="Unknown verdict"):
        store.override("s", 1, "WRONG", "because", analyst="bob")
    with pytest.raises(SessionError, match="no claim 9"):
        store.accept("s", 9, analyst="bob")
    c = store.override("s", 1, "refuted", "The site has 200,000 GPUs since 2025.", analyst="bob")
    assert (c.label, c.machine_label, c.decision, c.reviewed, c.reviewed_by) == (
        Label.REFUTED,
        Label.SUPPORTED,
        "overridden",
        True,
        "bob",
    )
    store.accept("s", 2, analyst="ana")
    store.note("s", 3, "ask the desk", analyst="ana")
    s = store.get("s")
    assert s.reviewed == 2 and s.counts()["REFUTED"] == 2 and s.counts()["SUPPORTED"] == 0
    [entry] = s.audit_of(1)
    assert (entry.action, entry.analyst) == ("override", "bob")
    assert entry.before == {"decision": "pending", "label": None, "reason": "", "reviewed": False}
    assert entry.after == {
        "decision": "overridden",
        "label": "REFUTED",
        "reason": "The site has 200,000 GPUs since 2025.",
        "reviewed": True,
    }
    assert s.audit_of(3)[0].after == {"note": "ask the desk"}
    # Accepting after an override gives the machine its say back, and says so in the trail.
    store.accept("s", 1, analyst="ana")
    c1 = store.get("s").claim(1)
    assert c1.label == Label.SUPPORTED and c1.reason == ""
    assert store.get("s").audit_of(1)[-1].before["label"] == "REFUTED"
    assert store.list()[0].reviewed == 2
    # Marking not reviewed keeps the decision but takes the claim out of the progress count.
    c2 = store.set_reviewed("s", 2, False, analyst="bob")
    assert (c2.decision, c2.reviewed, c2.reviewed_by, c2.reviewed_at) == ("accepted", False, "", None)
    assert store.list()[0].reviewed == 1 and store.get("s").audit[-1].action == "unreviewed"
    assert store.set_reviewed("s", 3, True, analyst="bob").reviewed_by == "bob"


@pytest.mark.unit
def test_pin_dismiss_restore_order_the_evidence(store):
    store.create("s", ARTICLE, VERDICTS, analyst="ana")
    store.pin("s", 1, 2, analyst="ana")
    c = store.dismiss("s", 1, 0, analyst="bob")
    assert [i for i, _ in c.shown_evidence()] == [2, 1]
    c = store.restore("s", 1, 0, analyst="bob")
    assert [i for i, _ in c.shown_evidence()] == [2, 0, 1]
    with pytest.raises(SessionError, match="no passage 5"):
        store.pin("s", 1, 5, analyst="ana")
    assert [a.action for a in store.get("s").audit_of(1)] == ["pin", "dismiss", "restore"]


@pytest.mark.unit
def test_claim_list_edits(store):
    store.create("s", ARTICLE, VERDICTS, analyst="ana")
    store.override("s", 2, "SUPPORTED", "checked with the operator", analyst="ana")
    edited = store.edit_claim("s", 2, make_verdict(20, Label.PARTLY_SUPPORTED), analyst="bob")
    assert (
        edited.text.startswith("Claim 20") and edited.decision == "pending" and edited.label == Label.PARTLY_SUPPORTED
    )
    added = store.add_claim("s", make_verdict(30), analyst="bob")
    assert (added.number, added.origin) == (4, "added")
    store.delete_claim("s", 1, analyst="bob")
    s = store.get("s")
    assert [c.number for c in s.claims] == [2, 3, 4]
    assert [a.action for a in s.audit if a.analyst == "bob"] == ["edit_claim", "add_claim", "delete_claim"]
    assert s.audit_of(1)[-1].before["text"].startswith("Claim 1")
    # Numbers are never reused: a new claim after a deletion gets a fresh one.
    assert store.add_claim("s", make_verdict(31), analyst="bob").number == 5


@pytest.mark.unit
def test_migrates_an_older_database_and_refuses_a_newer_one(tmp_path):
    path = tmp_path / "old.sqlite3"
    first = SessionStore.__new__(SessionStore)  # a store stopped at schema 1, as an older release left it
    from sqlalchemy import create_engine, event

    from factcheck import sessions as mod

    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", mod._on_connect)
    with engine.begin() as conn:
        MIGRATIONS[1](conn)
        conn.exec_driver_sql("PRAGMA user_version = 1")
        conn.exec_driver_sql(
            "INSERT INTO sessions (name, title, url, language, article, created_by, created_at, updated_at) "
            "VALUES ('kept', 't', '', 'en', 'text', 'ana', '2024-01-01', '2024-01-01')"
        )
    engine.dispose()
    del first
    store = SessionStore(path)
    assert store.schema_version() == SCHEMA_VERSION
    assert store.get("kept").article == "text"
    with sqlite3.connect(path) as raw:
        names = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"ix_claims_session", "ix_audit_session"} <= names
    store.close()
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(Exception, match="newer factcheck"):
        SessionStore(path)


WORKER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from factcheck.sessions import SessionStore
    from factcheck.types import Label
    store = SessionStore({db!r})
    who, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(count):
        n = first + i
        store.override("shared", n, Label.REFUTED, f"{{who}} checked claim {{n}}", analyst=who)
        store.note("shared", 1, f"{{who}} note {{i}}", analyst=who)
    """
)


@pytest.mark.unit
def test_two_processes_writing_at_once_both_land(store, tmp_path):
    store.create("shared", ARTICLE, [make_verdict(i) for i in range(1, 21)], analyst="ana")
    script = tmp_path / "worker.py"
    script.write_text(WORKER.format(root=str(ROOT), db=str(store.path)))
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), who, str(first), "10"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for who, first in (("ana", 1), ("bob", 11))
    ]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    for p in procs:  # release both at once
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        assert p.wait(timeout=120) == 0
    s = store.get("shared")
    assert all(c.decision == "overridden" for c in s.claims)
    assert {c.reason.split()[0] for c in s.claims[:10]} == {"ana"}
    assert {c.reason.split()[0] for c in s.claims[10:]} == {"bob"}
    audit = [a for a in s.audit if a.action in ("override", "note")]
    assert len(audit) == 40, "every change of both writers is in the trail"
    assert s.claim(1).note in ("ana note 9", "bob note 9")


@pytest.mark.unit
def test_threads_sharing_one_store_as_the_app_does_all_land(store):
    """The app keeps one store per process; each browser tab's callbacks run on their own thread."""
    from concurrent.futures import ThreadPoolExecutor

    store.create("tabs", ARTICLE, [make_verdict(i) for i in range(1, 9)], analyst="ana")

    def tab(n: int) -> None:
        for i in range(5):
            store.note("tabs", n, f"tab {n} note {i}", analyst=f"analyst{n}")
        store.override("tabs", n, Label.CONFLICTING, f"tab {n} reason", analyst=f"analyst{n}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(tab, range(1, 9)))
    s = store.get("tabs")
    assert [c.note for c in s.claims] == [f"tab {n} note 4" for n in range(1, 9)]
    assert all(c.label == Label.CONFLICTING and c.reviewed_by == f"analyst{c.number}" for c in s.claims)
    assert len(s.audit) == 1 + 8 * 6


SAVER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    sys.path.insert(0, {tests!r})
    from test_sessions import ARTICLE, make_verdict
    from factcheck.sessions import SessionStore
    store = SessionStore({db!r})

    def verdicts():
        for i in range(1, 41):
            if i == 20:
                print("half-way", flush=True)
                time.sleep(60)
            yield make_verdict(i)

    store.create("crash", ARTICLE, verdicts(), analyst="ana")
    print("saved", flush=True)
    """
)


@pytest.mark.unit
def test_a_save_killed_half_way_leaves_nothing_behind(store, tmp_path):
    store.create("before", ARTICLE, VERDICTS, analyst="ana")
    script = tmp_path / "saver.py"
    script.write_text(SAVER.format(root=str(ROOT), tests=str(ROOT / "tests"), db=str(store.path)))
    p = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "half-way"
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    store.close()
    again = SessionStore(store.path)
    with sqlite3.connect(store.path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        assert raw.execute("SELECT count(*) FROM claims").fetchone()[0] == 3
    assert [s.name for s in again.list()] == ["before"]
    # The name is free and the file writable after the crash.
    again.create("crash", ARTICLE, VERDICTS, analyst="ana")
    assert again.get("crash").claims[2].verdict == VERDICTS[2]
    again.close()


@pytest.mark.integration
def test_a_reindex_does_not_change_a_saved_session(tmp_path, tiny_corpus):
    """Check with a real (hash-embedded) Chroma index, change the corpus, re-index: the session is as saved."""
    from factcheck.checker import FactChecker
    from factcheck.config import Settings
    from tests.conftest import write_source

    settings = Settings(data_dir=tmp_path / "d", corpus_dir=tiny_corpus, embedder="hash", stance="comparator")
    checker = FactChecker(settings, judges=[])
    checker.index()
    article = Article(text="xAI built Colossus in Memphis in 122 days.", language="en", published=date(2024, 12, 5))
    verdicts = checker.check(article)
    assert verdicts and verdicts[0].evidence
    store = SessionStore(settings.sessions_db)
    store.create("snap", article, verdicts, analyst="ana")
    write_source(tiny_corpus, "nvidia", "Colossus took 200 days to build in Memphis, a source now says.")
    checker.index()
    # Compared as the saved JSON: Verdict.to_dict() keeps no quantity spans, which nothing shows.
    assert store.get("snap").claims[0].verdict.to_dict() == verdicts[0].to_dict()
    assert checker.check(article)[0].evidence != verdicts[0].evidence, "the index did change"
    store.close()


def cli(*args: str, env: dict[str, str], real: bool = False) -> subprocess.CompletedProcess:
    """Run `python -m factcheck ARGS`: in a real process, or in this one through cli.main (same code, faster)."""
    if real:
        return subprocess.run(
            [sys.executable, "-m", "factcheck", *args],
            capture_output=True,
            cwd=ROOT,
            env={**os.environ, **env},
            timeout=300,
        )
    import contextlib
    import io

    from factcheck.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's usage errors
                code = int(exc.code or 0)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return subprocess.CompletedProcess(list(args), code, out.getvalue().encode(), err.getvalue().encode())


@pytest.mark.integration
@pytest.mark.slow
def test_cli_check_save_review_export_delete(tmp_path, tiny_corpus):
    """The scripted path: check --save-session, sessions list|show, review, export, sessions delete."""
    from tests.test_exports import validate_claimreview

    env = {
        "FACTCHECK_DATA_DIR": str(tmp_path / "d"),
        "FACTCHECK_CORPUS_DIR": str(tiny_corpus),
        "FACTCHECK_EMBEDDER": "hash",
        "FACTCHECK_STANCE": "comparator",
        "FACTCHECK_ANALYST": "desk",
    }
    article = tmp_path / "a.md"
    article.write_text(
        "---\ntitle: Colossus\npublished: 2024-12-05\nurl: https://news.example/c\n---\n"
        "xAI built Colossus in Memphis in 122 days. Training started 19 days after the first rack arrived.\n",
        encoding="utf-8",
    )
    r = cli("check", str(article), "--save-session", "memphis", env=env, real=True)
    assert r.returncode == 0, r.stderr
    checked = json.loads(r.stdout)["claims"]
    assert "saved session 'memphis'" in r.stderr.decode()
    again = cli("check", str(article), "--save-session", "memphis", env=env)
    assert again.returncode == 1 and "already exists" in again.stderr.decode()

    [row] = json.loads(cli("sessions", "list", "--format", "json", env=env).stdout)
    assert (row["name"], row["claims"], row["reviewed"]) == ("memphis", len(checked), 0)
    assert "0/" in cli("sessions", "list", env=env).stdout.decode()

    no_reason = cli("review", "memphis", "--claim", "1", "--verdict", "REFUTED", env=env)
    assert no_reason.returncode == 1 and "--reason" in no_reason.stderr.decode()
    bad = cli("review", "memphis", "--claim", "1", "--accept", "--verdict", "REFUTED", env=env)
    assert bad.returncode == 2
    r = cli(
        "review", "memphis", "--claim", "1", "--verdict", "REFUTED", "--reason", "took 200 days",
        "--note", "call xAI", "--analyst", "Bea", env=env,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["final_verdict"] == "REFUTED"
    missing = cli("review", "memphis", "--claim", "99", "--accept", env=env)
    assert missing.returncode == 1 and "no claim 99" in missing.stderr.decode()

    shown = json.loads(cli("sessions", "show", "memphis", "--format", "json", env=env).stdout)
    assert shown["url"] == "https://news.example/c"
    assert shown["claims"][0]["machine"]["evidence"] == checked[0]["evidence"], "evidence saved as shown"
    assert [(a["action"], a["analyst"]) for a in shown["audit"]] == [
        ("create", "desk"),
        ("override", "Bea"),
        ("note", "Bea"),
    ]
    text = cli("sessions", "show", "memphis", env=env).stdout.decode()
    assert "overridden by Bea" in text and "reason: took 200 days" in text and "audit:" in text

    out = tmp_path / "cr.json"
    no_url = cli("export", "memphis", "--format", "claimreview", env=env)
    assert no_url.returncode == 1 and "--url" in no_url.stderr.decode()
    r = cli("export", "memphis", "--format", "claimreview", "--url", "https://desk.example/c", "-o", str(out), env=env)
    assert r.returncode == 0, r.stderr
    reviews = json.loads(out.read_text())
    assert all(validate_claimreview(item) == [] for item in reviews)
    assert reviews[0]["reviewRating"]["alternateName"] == "False"
    csv_text = cli("export", "memphis", "--format", "csv", env=env).stdout.decode()
    assert csv_text.splitlines()[1].split(",")[3] == "REFUTED"

    assert cli("sessions", "delete", "memphis", env=env).returncode == 0
    gone = cli("sessions", "show", "memphis", env=env)
    assert gone.returncode == 1 and "No session named 'memphis'" in gone.stderr.decode()
