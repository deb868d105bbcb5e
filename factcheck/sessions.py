"""Review sessions in SQLite: an article, its claims, the machine verdicts and the analyst's decisions.

A session keeps the evidence exactly as it was shown (each verdict serialised whole), so a
later re-index of the corpus cannot change what an analyst reviewed. Every change is one
transaction that also writes an audit entry (who, when, what, before, after), so a crash
leaves the database as it was before the change or after it, never in between.

Several analysts, processes or browser tabs may write at once: the file is in WAL mode,
writers take the lock at the start of their transaction (BEGIN IMMEDIATE) and wait for one
another (a busy timeout), and every change is applied to the row as it is in the database,
never written back from a stale copy, so two saves at the same moment both land.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.schema import CreateTable

from factcheck.errors import FactCheckError, InputError
from factcheck.types import Claim, Evidence, Label, Quantity, Stance, Verdict

SCHEMA_VERSION = 2
BUSY_TIMEOUT_S = 30.0
MAX_NAME = 80
MAX_REASON = 4000

DECISIONS = ("pending", "accepted", "overridden")

metadata = MetaData()

sessions_table = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False, unique=True),
    Column("title", String, nullable=False, default=""),
    Column("url", String, nullable=False, default=""),
    Column("published", String, nullable=True),
    Column("language", String, nullable=False),
    Column("article", Text, nullable=False),
    Column("created_by", String, nullable=False, default=""),
    Column("created_at", String, nullable=False),
    Column("updated_at", String, nullable=False),
)

claims_table = Table(
    "claims",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("origin", String, nullable=False, default="extracted"),
    Column("verdict", JSON, nullable=False),
    Column("checked_at", String, nullable=False),
    Column("decision", String, nullable=False, default="pending"),
    Column("label", String, nullable=True),
    Column("reason", Text, nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("pinned", JSON, nullable=False, default=list),
    Column("dismissed", JSON, nullable=False, default=list),
    Column("reviewed", Boolean, nullable=False, default=False),
    Column("reviewed_by", String, nullable=False, default=""),
    Column("reviewed_at", String, nullable=True),
    Column("updated_at", String, nullable=False),
    UniqueConstraint("session_id", "number"),
)

audit_table = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("claim_number", Integer, nullable=True),
    Column("analyst", String, nullable=False),
    Column("at", String, nullable=False),
    Column("action", String, nullable=False),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
)


claims_index = Index("ix_claims_session", claims_table.c.session_id, claims_table.c.position)
audit_index = Index("ix_audit_session", audit_table.c.session_id, audit_table.c.claim_number)


def _migrate_1(conn: Connection) -> None:
    """Version 1: sessions, their claims with decisions, and the audit trail (tables only)."""
    for table in (sessions_table, claims_table, audit_table):
        conn.execute(CreateTable(table))


def _migrate_2(conn: Connection) -> None:
    """Version 2: indexes for the per-session lists (claims in order, audit by claim)."""
    claims_index.create(conn)
    audit_index.create(conn)


MIGRATIONS = {1: _migrate_1, 2: _migrate_2}
"""Schema version -> the step that brings a database from the version before to it."""


class SessionError(InputError):
    """A session or claim that does not exist, a name already taken, or a decision that is incomplete."""


# --- values ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One line of the session list: progress, last change and verdict counts (after overrides)."""

    name: str
    title: str
    language: str
    created_by: str
    created_at: str
    updated_at: str
    total: int
    reviewed: int
    counts: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "language": self.language,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "claims": self.total,
            "reviewed": self.reviewed,
            "verdicts": dict(self.counts),
        }


@dataclass(frozen=True, slots=True)
class ReviewedClaim:
    """A claim of a session: the machine verdict as shown, and what the analyst decided about it."""

    number: int
    position: int
    origin: str
    verdict: Verdict
    checked_at: str
    decision: str = "pending"
    override_label: Label | None = None
    reason: str = ""
    note: str = ""
    pinned: tuple[int, ...] = ()
    dismissed: tuple[int, ...] = ()
    reviewed: bool = False
    reviewed_by: str = ""
    reviewed_at: str | None = None
    updated_at: str = ""

    @property
    def text(self) -> str:
        return self.verdict.claim.text

    @property
    def machine_label(self) -> Label:
        return self.verdict.label

    @property
    def label(self) -> Label:
        """The verdict that counts: the analyst's override when there is one, else the machine's."""
        return self.override_label if self.decision == "overridden" and self.override_label else self.verdict.label

    def shown_evidence(self) -> list[tuple[int, Evidence]]:
        """Evidence with its index, pinned passages first, dismissed ones left out."""
        kept = [(i, e) for i, e in enumerate(self.verdict.evidence) if i not in self.dismissed]
        return sorted(kept, key=lambda ie: (ie[0] not in self.pinned, ie[0]))

    def decision_dict(self) -> dict[str, Any]:
        """The analyst's side of the claim, as the audit trail and the exports record it."""
        return {
            "decision": self.decision,
            "label": str(self.override_label) if self.override_label else None,
            "reason": self.reason,
            "note": self.note,
            "pinned": list(self.pinned),
            "dismissed": list(self.dismissed),
            "reviewed": self.reviewed,
            "reviewed_by": self.reviewed_by,
            "reviewed_at": self.reviewed_at,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "origin": self.origin,
            "checked_at": self.checked_at,
            "machine": self.verdict.to_dict(),
            "final_verdict": str(self.label),
            **self.decision_dict(),
        }


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change: who made it, when, to which claim (None: the session), and the state before and after."""

    id: int
    claim_number: int | None
    analyst: str
    at: str
    action: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "claim": self.claim_number,
            "analyst": self.analyst,
            "at": self.at,
            "action": self.action,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True, slots=True)
class Session:
    """A saved review: the article as checked, its claims in reading order, and the audit trail."""

    id: int
    name: str
    title: str
    url: str
    published: date | None
    language: str
    article: str
    created_by: str
    created_at: str
    updated_at: str
    claims: tuple[ReviewedClaim, ...] = ()
    audit: tuple[AuditEntry, ...] = field(default=(), repr=False)

    def claim(self, number: int) -> ReviewedClaim:
        """The claim with this number.

        Raises:
            SessionError: if the session has no such claim.
        """
        for c in self.claims:
            if c.number == number:
                return c
        raise SessionError(f"Session {self.name!r} has no claim {number}; see `sessions show {self.name}`.")

    def audit_of(self, number: int | None) -> list[AuditEntry]:
        """The audit entries of one claim, or of the session itself with None."""
        return [a for a in self.audit if a.claim_number == number]

    @property
    def reviewed(self) -> int:
        return sum(c.reviewed for c in self.claims)

    def counts(self) -> dict[str, int]:
        """Final verdicts (override wins) by label, in the fixed label order."""
        got = Counter(str(c.label) for c in self.claims)
        return {str(label): got.get(str(label), 0) for label in Label}

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "language": self.language,
            "article": self.article,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "claims": [c.to_dict() for c in self.claims],
            "audit": [a.to_dict() for a in self.audit],
        }


# --- serialising verdicts ----------------------------------------------------------------------


def _quantity(d: dict[str, Any]) -> Quantity:
    return Quantity(
        value=d["value"],
        unit=d.get("unit"),
        kind=d["kind"],
        approx=d.get("approx"),
        text=d.get("text", ""),
        upper=d.get("upper"),
    )


def _date_or_none(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def verdict_from_dict(d: dict[str, Any]) -> Verdict:
    """The Verdict that Verdict.to_dict() was made from (quantity spans aside, which it does not keep)."""
    claim = Claim(
        id=d["id"],
        text=d["text"],
        lang=d["lang"],
        kind=d["kind"],
        quantities=tuple(_quantity(q) for q in d.get("quantities", [])),
        entities=tuple(d.get("entities", [])),
        span=tuple(d.get("span", (0, 0))),  # type: ignore[arg-type]
        source=d.get("source", ""),
        speaker=d.get("speaker", ""),
        context=d.get("context", ""),
    )
    evidence = tuple(
        Evidence(
            source_id=e["source_id"],
            title=e["title"],
            publisher=e.get("publisher", ""),
            url=e["url"],
            published=_date_or_none(e.get("published")),
            text=e["text"],
            score=float(e["score"]),
            stance=Stance(e["stance"]),
            stance_score=float(e["stance_score"]),
            reason=e["reason"],
            partial=bool(e.get("partial", False)),
            later=bool(e.get("later", False)),
            sentence=e.get("sentence", ""),
            found=_quantity(e["found"]) if e.get("found") else None,
            judge=e.get("judge", "comparator"),
            copies=tuple(e.get("copies", ())),
        )
        for e in d.get("evidence", [])
    )
    # Fields Verdict gained later (raw_confidence, ...) come back when the saved dict has them;
    # sessions saved before they existed keep their defaults.
    extra = {f.name: d[f.name] for f in fields(Verdict) if f.name not in _VERDICT_KEYS and f.name in d}
    return Verdict(
        claim=claim,
        label=Label(d["verdict"]),
        confidence=float(d["confidence"]),
        rationale=d.get("rationale", ""),
        evidence=evidence,
        **extra,
    )


_VERDICT_KEYS = {"claim", "label", "confidence", "rationale", "evidence"}


def article_url(data: bytes | str) -> str:
    """The `url` of an article's front matter, "" when it has none (read_article keeps only title and date)."""
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    if not text.lstrip().startswith("---"):
        return ""
    try:
        return str(frontmatter.loads(text.lstrip()).metadata.get("url") or "")
    except (yaml.YAMLError, ValueError):
        return ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def check_name(name: str) -> str:
    """A session name stripped of outer spaces.

    Raises:
        SessionError: if it is empty, too long, or has line breaks or control characters.
    """
    clean = name.strip()
    if not clean:
        raise SessionError("A session needs a name.")
    if len(clean) > MAX_NAME:
        raise SessionError(f"A session name has at most {MAX_NAME} characters; {clean[:20]!r}… has {len(clean)}.")
    if re.search(r"[\x00-\x1f\x7f]", clean):
        raise SessionError("A session name cannot hold line breaks or control characters.")
    return clean


def _analyst(name: str) -> str:
    clean = (name or "").strip()
    if not clean:
        raise SessionError("Say who you are: every change is recorded with the analyst's name.")
    return clean[:MAX_NAME]


# --- the store -----------------------------------------------------------------------------------


class SessionStore:
    """Review sessions in one SQLite file.

    Args:
        path: the database file; its folder is created. Settings().sessions_db is the usual one.

    Raises:
        FactCheckError: if the file cannot be opened, or was made by a newer factcheck.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._engine = create_engine(f"sqlite:///{self.path}", connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(self._engine, "connect", _on_connect)
        event.listen(self._engine, "begin", _on_begin)
        try:
            self._migrate()
        except OperationalError as exc:
            raise FactCheckError(f"Cannot open the sessions database {self.path}: {exc.orig}") from None

    @property
    def engine(self) -> Engine:
        return self._engine

    def close(self) -> None:
        """Close every pooled connection (tests reopen the file as a fresh process would)."""
        self._engine.dispose()

    # transactions

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction, holding SQLite's write lock from its first statement."""
        with self._engine.connect().execution_options(immediate=True) as conn, conn.begin():
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def _migrate(self) -> None:
        with self._write() as conn:
            version = conn.exec_driver_sql("PRAGMA user_version").scalar_one()
            if version > SCHEMA_VERSION:
                raise FactCheckError(
                    f"{self.path} was written by a newer factcheck (schema {version}, this one reads "
                    f"up to {SCHEMA_VERSION}); upgrade factcheck."
                )
            for step in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[step](conn)
                conn.exec_driver_sql(f"PRAGMA user_version = {step}")

    def schema_version(self) -> int:
        with self._read() as conn:
            return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())

    # sessions

    def create(
        self,
        name: str,
        article: Any,
        verdicts: Iterable[Verdict],
        *,
        analyst: str,
        url: str = "",
    ) -> Session:
        """Save a checked article as a new session, all of it or nothing.

        Args:
            name: a name not yet taken.
            article: a factcheck.claims.Article (text, language, title, published).
            verdicts: the machine verdicts, in reading order, with their evidence as shown.
            analyst: who created it, for the audit trail.
            url: where the article was published.

        Raises:
            SessionError: if the name is empty or taken, or the analyst is not named.
        """
        name, analyst = check_name(name), _analyst(analyst)
        now = _now()
        with self._write() as conn:
            try:
                sid = conn.execute(
                    insert(sessions_table).values(
                        name=name,
                        title=article.title or "",
                        url=url or "",
                        published=article.published.isoformat() if article.published else None,
                        language=article.language,
                        article=article.text,
                        created_by=analyst,
                        created_at=now,
                        updated_at=now,
                    )
                ).inserted_primary_key[0]
            except IntegrityError:
                raise SessionError(f"A session named {name!r} already exists; pick another name.") from None
            n = 0
            for n, verdict in enumerate(verdicts, 1):
                conn.execute(insert(claims_table).values(**_new_claim_row(sid, n, n, "extracted", verdict, now)))
            self._log(conn, sid, None, analyst, "create", None, {"name": name, "claims": n})
        return self.get(name)

    def get(self, name: str) -> Session:
        """The whole session: article, claims with decisions, audit trail.

        Raises:
            SessionError: if there is no session of that name.
        """
        with self._read() as conn:
            row = self._session_row(conn, name)
            claims = conn.execute(
                select(claims_table).where(claims_table.c.session_id == row.id).order_by(claims_table.c.position)
            ).all()
            audit = conn.execute(
                select(audit_table).where(audit_table.c.session_id == row.id).order_by(audit_table.c.id)
            ).all()
        return Session(
            id=row.id,
            name=row.name,
            title=row.title,
            url=row.url,
            published=_date_or_none(row.published),
            language=row.language,
            article=row.article,
            created_by=row.created_by,
            created_at=row.created_at,
            updated_at=row.updated_at,
            claims=tuple(_reviewed_claim(c) for c in claims),
            audit=tuple(AuditEntry(a.id, a.claim_number, a.analyst, a.at, a.action, a.before, a.after) for a in audit),
        )

    def exists(self, name: str) -> bool:
        with self._read() as conn:
            return conn.execute(select(sessions_table.c.id).where(sessions_table.c.name == name)).first() is not None

    def list(self) -> list[SessionSummary]:
        """Every session, the most recently changed first."""
        with self._read() as conn:
            rows = conn.execute(select(sessions_table).order_by(sessions_table.c.updated_at.desc())).all()
            claim_rows = conn.execute(
                select(
                    claims_table.c.session_id,
                    claims_table.c.verdict,
                    claims_table.c.decision,
                    claims_table.c.label,
                    claims_table.c.reviewed,
                )
            ).all()
        per: dict[int, list[Any]] = {}
        for c in claim_rows:
            per.setdefault(c.session_id, []).append(c)
        out = []
        for r in rows:
            mine = per.get(r.id, [])
            got = Counter(c.label if c.decision == "overridden" and c.label else c.verdict["verdict"] for c in mine)
            out.append(
                SessionSummary(
                    name=r.name,
                    title=r.title,
                    language=r.language,
                    created_by=r.created_by,
                    created_at=r.created_at,
                    updated_at=r.updated_at,
                    total=len(mine),
                    reviewed=sum(bool(c.reviewed) for c in mine),
                    counts={str(label): got.get(str(label), 0) for label in Label},
                )
            )
        return out

    def rename(self, name: str, new_name: str, *, analyst: str) -> None:
        """Give a session another name.

        Raises:
            SessionError: if it does not exist or the new name is taken or invalid.
        """
        new_name, analyst = check_name(new_name), _analyst(analyst)
        with self._write() as conn:
            row = self._session_row(conn, name)
            try:
                conn.execute(
                    update(sessions_table).where(sessions_table.c.id == row.id).values(name=new_name, updated_at=_now())
                )
            except IntegrityError:
                raise SessionError(f"A session named {new_name!r} already exists; pick another name.") from None
            self._log(conn, row.id, None, analyst, "rename", {"name": row.name}, {"name": new_name})

    def delete(self, name: str) -> None:
        """Delete a session with its claims and audit trail.

        Raises:
            SessionError: if there is no session of that name.
        """
        with self._write() as conn:
            row = self._session_row(conn, name)
            conn.execute(delete(sessions_table).where(sessions_table.c.id == row.id))

    # review decisions

    def accept(self, name: str, number: int, *, analyst: str) -> ReviewedClaim:
        """Agree with the machine verdict; the claim counts as reviewed."""
        return self._decide(name, number, analyst, "accept", decision="accepted", label=None, reason="", reviewed=True)

    def override(self, name: str, number: int, label: Label | str, reason: str, *, analyst: str) -> ReviewedClaim:
        """Replace the machine verdict with the analyst's, which then wins everywhere.

        Raises:
            SessionError: if the label is unknown or no reason is given.
        """
        try:
            label = Label(str(label).upper())
        except ValueError:
            raise SessionError(f"Unknown verdict {label!r}; use one of {', '.join(Label)}.") from None
        reason = (reason or "").strip()
        if not reason:
            raise SessionError("An override needs a reason: say why the machine verdict is wrong.")
        if len(reason) > MAX_REASON:
            raise SessionError(f"A reason has at most {MAX_REASON} characters.")
        return self._decide(
            name, number, analyst, "override", decision="overridden", label=str(label), reason=reason, reviewed=True
        )

    def note(self, name: str, number: int, text: str, *, analyst: str) -> ReviewedClaim:
        """Set the analyst's note on a claim ("" clears it)."""
        return self._decide(name, number, analyst, "note", note=(text or "").strip()[:MAX_REASON])

    def set_reviewed(self, name: str, number: int, reviewed: bool, *, analyst: str) -> ReviewedClaim:
        """Mark a claim reviewed or not, leaving the decision as it is."""
        return self._decide(name, number, analyst, "reviewed" if reviewed else "unreviewed", reviewed=reviewed)

    def pin(self, name: str, number: int, evidence: int, *, analyst: str) -> ReviewedClaim:
        """Put a passage first in every display and export of this claim."""
        return self._mark(name, number, evidence, analyst, "pin")

    def dismiss(self, name: str, number: int, evidence: int, *, analyst: str) -> ReviewedClaim:
        """Hide a passage from display and exports (it stays in the session, and can be restored)."""
        return self._mark(name, number, evidence, analyst, "dismiss")

    def restore(self, name: str, number: int, evidence: int, *, analyst: str) -> ReviewedClaim:
        """Neither pinned nor dismissed."""
        return self._mark(name, number, evidence, analyst, "restore")

    # claim list edits

    def add_claim(self, name: str, verdict: Verdict, *, analyst: str) -> ReviewedClaim:
        """Add a claim the extractor missed, at the end, with its machine verdict."""
        analyst = _analyst(analyst)
        now = _now()
        with self._write() as conn:
            row = self._session_row(conn, name)
            top = conn.execute(
                select(func.max(claims_table.c.number), func.max(claims_table.c.position)).where(
                    claims_table.c.session_id == row.id
                )
            ).one()
            number, position = (top[0] or 0) + 1, (top[1] or 0) + 1
            conn.execute(insert(claims_table).values(**_new_claim_row(row.id, number, position, "added", verdict, now)))
            self._log(conn, row.id, number, analyst, "add_claim", None, {"text": verdict.claim.text})
            self._touch(conn, row.id, now)
        return self.get(name).claim(number)

    def edit_claim(self, name: str, number: int, verdict: Verdict, *, analyst: str) -> ReviewedClaim:
        """Replace a claim's text with a corrected one and its new machine verdict.

        The decision goes back to pending (it was about the old wording); the note stays.
        """
        analyst = _analyst(analyst)
        now = _now()
        with self._write() as conn:
            row = self._session_row(conn, name)
            old = self._claim_row(conn, row, number)
            conn.execute(
                update(claims_table)
                .where(claims_table.c.id == old.id)
                .values(
                    verdict=verdict.to_dict(),
                    checked_at=now,
                    decision="pending",
                    label=None,
                    reason="",
                    pinned=[],
                    dismissed=[],
                    reviewed=False,
                    reviewed_by="",
                    reviewed_at=None,
                    updated_at=now,
                )
            )
            self._log(
                conn,
                row.id,
                number,
                analyst,
                "edit_claim",
                {"text": old.verdict["text"], "verdict": old.verdict["verdict"], "decision": old.decision},
                {"text": verdict.claim.text, "verdict": str(verdict.label), "decision": "pending"},
            )
            self._touch(conn, row.id, now)
        return self.get(name).claim(number)

    def delete_claim(self, name: str, number: int, *, analyst: str) -> None:
        """Remove a claim from the session; the audit trail keeps what it was."""
        analyst = _analyst(analyst)
        with self._write() as conn:
            row = self._session_row(conn, name)
            old = self._claim_row(conn, row, number)
            conn.execute(delete(claims_table).where(claims_table.c.id == old.id))
            self._log(
                conn,
                row.id,
                number,
                analyst,
                "delete_claim",
                {"text": old.verdict["text"], "verdict": old.verdict["verdict"], "decision": old.decision},
                None,
            )
            self._touch(conn, row.id, _now())

    # internals

    def _session_row(self, conn: Connection, name: str) -> Any:
        row = conn.execute(select(sessions_table).where(sessions_table.c.name == name)).first()
        if row is None:
            raise SessionError(f"No session named {name!r}; see `python -m factcheck sessions list`.")
        return row

    def _claim_row(self, conn: Connection, session_row: Any, number: int) -> Any:
        row = conn.execute(
            select(claims_table).where(
                claims_table.c.session_id == session_row.id, claims_table.c.number == int(number)
            )
        ).first()
        if row is None:
            raise SessionError(
                f"Session {session_row.name!r} has no claim {number}; see `sessions show {session_row.name}`."
            )
        return row

    def _decide(self, name: str, number: int, analyst: str, action: str, **values: Any) -> ReviewedClaim:
        """Apply one change to the claim as it is now in the database, and log it."""
        analyst = _analyst(analyst)
        now = _now()
        with self._write() as conn:
            row = self._session_row(conn, name)
            old = self._claim_row(conn, row, number)
            before = _reviewed_claim(old)
            if "reviewed" in values:
                values |= (
                    {"reviewed_by": analyst, "reviewed_at": now}
                    if values["reviewed"]
                    else {"reviewed_by": "", "reviewed_at": None}
                )
            conn.execute(update(claims_table).where(claims_table.c.id == old.id).values(updated_at=now, **values))
            new = conn.execute(select(claims_table).where(claims_table.c.id == old.id)).one()
            after = _reviewed_claim(new)
            self._log(conn, row.id, int(number), analyst, action, _changed(before, after), _changed(after, before))
            self._touch(conn, row.id, now)
        return after

    def _mark(self, name: str, number: int, evidence: int, analyst: str, action: str) -> ReviewedClaim:
        # Read-modify-write of the two lists happens in one write transaction, so marks made
        # at the same time by two analysts both land.
        analyst = _analyst(analyst)
        now = _now()
        with self._write() as conn:
            row = self._session_row(conn, name)
            old = self._claim_row(conn, row, number)
            size = len(old.verdict.get("evidence", []))
            if not 0 <= evidence < size:
                raise SessionError(f"Claim {number} has {size} evidence passages; there is no passage {evidence}.")
            pinned = [i for i in old.pinned if i != evidence]
            dismissed = [i for i in old.dismissed if i != evidence]
            if action == "pin":
                pinned.append(evidence)
            elif action == "dismiss":
                dismissed.append(evidence)
            conn.execute(
                update(claims_table)
                .where(claims_table.c.id == old.id)
                .values(pinned=sorted(pinned), dismissed=sorted(dismissed), updated_at=now)
            )
            self._log(
                conn,
                row.id,
                int(number),
                analyst,
                action,
                {"evidence": evidence, "pinned": list(old.pinned), "dismissed": list(old.dismissed)},
                {"evidence": evidence, "pinned": sorted(pinned), "dismissed": sorted(dismissed)},
            )
            self._touch(conn, row.id, now)
        return self.get(name).claim(number)

    def _log(
        self, conn: Connection, session_id: int, number: int | None, analyst: str, action: str, before: Any, after: Any
    ) -> None:
        conn.execute(
            insert(audit_table).values(
                session_id=session_id,
                claim_number=number,
                analyst=analyst,
                at=_now(),
                action=action,
                before=before,
                after=after,
            )
        )

    def _touch(self, conn: Connection, session_id: int, now: str) -> None:
        conn.execute(update(sessions_table).where(sessions_table.c.id == session_id).values(updated_at=now))


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers go on while one analyst writes; foreign keys make a session's delete cascade."""
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_begin(conn: Connection) -> None:
    """Writers take the write lock up front: two deferred transactions that both upgrade would deadlock."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("immediate") else "BEGIN")


def _new_claim_row(session_id: int, number: int, position: int, origin: str, v: Verdict, now: str) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "number": number,
        "position": position,
        "origin": origin,
        "verdict": v.to_dict(),
        "checked_at": now,
        "decision": "pending",
        "label": None,
        "reason": "",
        "note": "",
        "pinned": [],
        "dismissed": [],
        "reviewed": False,
        "reviewed_by": "",
        "reviewed_at": None,
        "updated_at": now,
    }


def _reviewed_claim(row: Any) -> ReviewedClaim:
    return ReviewedClaim(
        number=row.number,
        position=row.position,
        origin=row.origin,
        verdict=verdict_from_dict(row.verdict),
        checked_at=row.checked_at,
        decision=row.decision,
        override_label=Label(row.label) if row.label else None,
        reason=row.reason,
        note=row.note,
        pinned=tuple(row.pinned),
        dismissed=tuple(row.dismissed),
        reviewed=bool(row.reviewed),
        reviewed_by=row.reviewed_by,
        reviewed_at=row.reviewed_at,
        updated_at=row.updated_at,
    )


def _changed(a: ReviewedClaim, b: ReviewedClaim) -> dict[str, Any]:
    """The fields of a's decision that differ from b's: what an audit entry shows of a change."""
    da, db = a.decision_dict(), b.decision_dict()
    keys = [k for k in da if da[k] != db[k] and k not in ("reviewed_by", "reviewed_at")] or ["decision"]
    return {k: da[k] for k in keys}
