"""Sessions page: start a review from an article, and the list of saved sessions."""

from __future__ import annotations

import streamlit as st

from factcheck import FactCheckError, read_article
from factcheck.config import SAMPLES_DIR
from factcheck.report import BADGE, LABEL_ORDER, escape_markdown
from factcheck.sessions import article_url
from pages.common import act, analyst, check_lock, checker, ensure_index, flash, show_flash, sidebar, store

SAMPLES = {"colossus-fr.md": "Sample: Colossus (français)", "colossus-en.md": "Sample: Colossus (English)"}


def load_sample(name: str) -> None:
    raw = (SAMPLES_DIR / name).read_text(encoding="utf-8")
    st.session_state.article_text = raw
    if not st.session_state.get("new_name"):
        st.session_state.new_name = name.removesuffix(".md")


def open_session(name: str) -> None:
    st.switch_page("pages/review.py", query_params={"session": name})  # the analyst's name is bound to the URL


sidebar()
st.title("🗂️ Review sessions")
st.caption("Check an article, then review its claims one by one; everything is saved as you go.")
show_flash()

sessions = store().list()

with st.expander("➕ New session", expanded=not sessions):
    left, right = st.columns([3, 1])
    with right:
        for file, label in SAMPLES.items():
            st.button(label, on_click=load_sample, args=(file,), key=f"sample_{file[-5:-3]}")
        upload = st.file_uploader("Or upload a .txt or .md file", type=["txt", "md"], key="new_upload")
    with left:
        st.text_input("Session name", key="new_name", placeholder="e.g. colossus-2024-12-05")
        st.text_area("Article text", key="article_text", height=220, placeholder="Paste a news article here…")
        st.text_input("Article URL (optional)", key="new_url", placeholder="https://…")
    go = st.button("Check claims and save", type="primary", key="check")

if go:
    name = str(st.session_state.get("new_name") or "").strip()
    if not analyst():
        st.error("Enter your name in the sidebar first: every session and change is signed.")
    elif not name:
        st.error("Give the session a name.")
    elif store().exists(name):
        st.error(escape_markdown(f"A session named “{name}” already exists; pick another name."))
    else:
        try:
            if upload is not None:
                data, source = upload.getvalue(), upload.name
            else:
                data, source = str(st.session_state.get("article_text") or "").encode(), "the pasted text"
            article = read_article(data, source)
            fc = checker()
            with check_lock():
                ensure_index(fc)
                bar = st.progress(0.0, text="Reading the claims…")
                verdicts = fc.check(
                    article,
                    progress=lambda done, total: bar.progress(done / total, text=f"Checked {done} of {total} claims"),
                )
            bar.empty()
            url = str(st.session_state.get("new_url") or "").strip() or article_url(data)
            saved = act(store().create, name, article, verdicts, url=url)
        except FactCheckError as exc:
            st.error(escape_markdown(str(exc)))
        else:
            if saved is not None:
                flash(f"Saved “{name}”: {len(verdicts)} claims to review.")
                open_session(name)
            show_flash()

st.subheader("Saved sessions")
if not sessions:
    st.info("No sessions yet. Paste an article or pick a sample above, then press **Check claims and save**.")
for s in sessions:
    with st.container(border=True):
        a, b, c = st.columns([4, 3, 2])
        a.markdown(f"**{escape_markdown(s.name)}** · {escape_markdown(s.title or 'untitled')}")
        changed = s.updated_at.replace("T", " ")[:16]
        a.caption(f"{s.language} · created by {escape_markdown(s.created_by)} · last change {changed} UTC")
        b.progress(s.reviewed / s.total if s.total else 1.0, text=f"{s.reviewed}/{s.total} reviewed")
        b.caption(" · ".join(f"{BADGE[k]} {s.counts[k]}" for k in LABEL_ORDER if s.counts.get(k)) or "no claims")
        if c.button("Open", key=f"open-{s.name}", type="primary"):
            open_session(s.name)
        with c.popover("Rename or delete"):
            st.text_input("New name", key=f"rename-to-{s.name}")
            if st.button("Rename", key=f"rename-{s.name}"):
                act(store().rename, s.name, str(st.session_state.get(f"rename-to-{s.name}") or ""), ok="Renamed.")
                st.rerun()
            sure = st.checkbox("Yes, delete it with its reviews and audit trail", key=f"sure-{s.name}")
            if st.button("Delete", key=f"delete-{s.name}", disabled=not sure):
                store().delete(s.name)
                flash(f"Deleted “{s.name}”.")
                st.rerun()
