"""What every page shares: one checker and one session store per process, the analyst, messages.

Per-tab state lives in st.session_state (and the URL), never in these shared objects, so two
analysts or two tabs never see each other's drafts; their saved work meets only in SQLite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import streamlit as st

from factcheck import FactChecker, FactCheckError, Settings
from factcheck.report import BADGE, escape_markdown, md_link
from factcheck.sessions import SessionStore

STANCE_MARK = {"supports": "🟢 supports", "refutes": "🔴 contradicts", "neutral": "⚪ neutral"}
JUDGE_NAMES = {
    "comparator": "figure/date/list comparator",
    "model": "trained stance model",
    "nli": "NLI model",
    "llm": "language model",
}


@st.cache_resource(show_spinner=False)
def _checker(settings_json: str) -> FactChecker:
    return FactChecker(Settings.model_validate_json(settings_json))


@st.cache_resource(show_spinner=False)
def _store(path: str) -> SessionStore:
    return SessionStore(path)


@st.cache_resource(show_spinner=False)
def _lock(settings_json: str) -> threading.Lock:
    return threading.Lock()


def settings() -> Settings:
    return Settings()


def checker() -> FactChecker:
    """The process's one FactChecker for the current settings (models load once)."""
    return _checker(settings().model_dump_json())


def check_lock() -> threading.Lock:
    """Checks and indexing from several tabs take turns on the shared checker and index."""
    return _lock(settings().model_dump_json())


def store() -> SessionStore:
    return _store(str(settings().sessions_db))


def analyst() -> str:
    return str(st.session_state.get("analyst") or "").strip()


def sidebar() -> None:
    """The analyst's name, which signs every change: kept in this tab and its URL, so a reload keeps it."""
    with st.sidebar:
        st.text_input(
            "Analyst", key="analyst", placeholder="Your name", help="Signs every change you make.", bind="query-params"
        )
        if not analyst():
            st.caption("Enter your name to review: every change is signed.")


def flash(message: str, kind: str = "success") -> None:
    """A message for the next run of this tab (callbacks run before the page is drawn)."""
    st.session_state.setdefault("flash", []).append((kind, message))


def show_flash() -> None:
    for kind, message in st.session_state.pop("flash", []):
        getattr(st, kind)(escape_markdown(message))  # messages quote names people typed


def act(fn: Callable[..., Any], *args: Any, ok: str = "", **kwargs: Any) -> Any:
    """Run a signed change to a session; a FactCheckError becomes a message instead of a crash."""
    who = analyst()
    if not who:
        flash("Enter your name in the sidebar first: every change is signed.", "error")
        return None
    try:
        result = fn(*args, analyst=who, **kwargs)
    except FactCheckError as exc:
        flash(str(exc), "error")
        return None
    if ok:
        flash(ok)
    return result


def verify_one(text: str, lang: str, published: Any) -> Any:
    """The machine verdict on one claim (an edited or added one), the index brought up to date first."""
    fc = checker()
    with check_lock():
        fc.ensure_index()
        return fc.verify([text], lang=lang, article_date=published)[0]


def ensure_index(fc: FactChecker) -> None:
    """Build or refresh the index before a check, with a progress bar while it embeds."""
    bar = st.progress(0.0, text="Checking the reference index…")
    report = fc.ensure_index(
        lambda done, total, what: bar.progress(done / total if total else 1.0, text=f"Indexing sources: {done}/{total}")
    )
    bar.empty()
    if report is not None:
        st.toast(f"Index updated: {report.added} added, {report.updated} updated, {report.removed} removed.")


def evidence_header(e: Any, pinned: bool = False) -> str:
    """Stance, title (linked), publisher and date of a passage, escaped."""
    when = e.published.isoformat() if e.published else "n.d."
    later = " · *published after the article: context only*" if e.later else ""
    pin = "📌 " if pinned else ""
    return (
        f"{pin}{STANCE_MARK[str(e.stance)]}{' (in part)' if e.partial else ''} · "
        f"**{md_link(e.title, e.url)}** · {escape_markdown(e.publisher or 'unknown publisher')} · {when}{later}"
    )


def badge(label: Any) -> str:
    return BADGE[str(label)]
