"""Corpus page: the reference sources with their metadata and chunk counts; add sources by upload and index them."""

from __future__ import annotations

from datetime import date

import streamlit as st

from factcheck import FactCheckError
from factcheck.report import escape_markdown
from factcheck.uploads import KINDS, UPLOAD_SUFFIXES, SourceMeta, add_source, corpus_overview, extract
from pages.common import analyst, check_lock, checker, flash, show_flash, sidebar

sidebar()
st.title("📚 Corpus")
st.caption("The reference sources every check reads. Sources added here are used from the next check on.")
show_flash()

fc = checker()
folder = fc.settings.corpus_dir


def index_now() -> None:
    bar = st.progress(0.0, text="Comparing the corpus with the index…")
    try:
        with check_lock():
            report = fc.ensure_index(
                lambda done, total, what: bar.progress(
                    done / total if total else 1.0, text=f"Embedding chunks: {done}/{total}"
                )
            )
    except FactCheckError as exc:
        bar.empty()
        st.error(escape_markdown(str(exc)))
        return
    bar.progress(1.0, text="Index up to date.")
    if report is None:
        st.success("The index was already up to date.")
    else:
        st.success(
            f"Index updated: {report.added} added, {report.updated} updated, {report.removed} removed "
            f"({report.chunks} chunks embedded)."
        )


try:
    state = fc.store.state()
    rows = corpus_overview(folder, state)
except FactCheckError as exc:
    rows = []
    st.error(escape_markdown(str(exc)))

with st.expander("➕ Add a source", expanded=not rows):
    upload = st.file_uploader(
        "A .md, .txt, .html or .pdf file", type=[s.lstrip(".") for s in UPLOAD_SUFFIXES], key="source_upload"
    )
    guess = None
    if upload is not None:
        try:
            guess = extract(upload.getvalue(), upload.name)
        except FactCheckError as exc:
            st.error(escape_markdown(str(exc)))
    if guess is not None:
        st.caption(f"{len(guess.text):,} characters of text found. Check the metadata, then add it.")
        with st.form("source_meta"):
            title = st.text_input("Title", value=guess.title)
            publisher = st.text_input("Publisher", value=guess.publisher)
            url = st.text_input("URL", value=guess.url, placeholder="https://…")
            published = st.date_input("Published", value=guess.published or date.today(), format="YYYY-MM-DD")
            language = st.selectbox("Language", ["en", "fr"], index=1 if guess.language == "fr" else 0)
            kind = st.selectbox("Kind", KINDS)
            with st.expander("Text preview"):
                st.text(guess.text[:2000])
            submitted = st.form_submit_button("Add to the corpus and index", type="primary")
        if submitted:
            if not analyst():
                st.error("Enter your name in the sidebar first.")
            else:
                try:
                    path = add_source(
                        folder,
                        upload.name,
                        upload.getvalue(),
                        SourceMeta(title, publisher, url, published, language, kind),
                    )
                except FactCheckError as exc:
                    st.error(escape_markdown(str(exc)))
                else:
                    flash(f"Added {path.name}.")
                    index_now()
                    rows = corpus_overview(folder, fc.store.state())

if st.button("Index now", key="index"):
    index_now()
    rows = corpus_overview(folder, fc.store.state())

if not rows:
    st.info(escape_markdown(f"The corpus folder {folder} holds no sources yet: add one above."))
else:
    indexed = sum(1 for r in rows if r.indexed)
    a, b, c = st.columns(3)
    a.metric("Sources", len(rows))
    b.metric("Chunks", sum(r.chunks for r in rows))
    c.metric("Indexed at their current version", f"{indexed} / {len(rows)}")
    if indexed < len(rows):
        st.warning("Some sources are not indexed yet: press **Index now** (checks also index first).")
    st.dataframe(
        [
            {
                "published": r.published.isoformat() if r.published else "",
                "title": r.title,
                "publisher": r.publisher,
                "language": r.language,
                "kind": r.kind,
                "chunks": r.chunks,
                "indexed": bool(r.indexed),
                "url": r.url,
                "file": r.file,
            }
            for r in rows
        ],
        column_config={"url": st.column_config.LinkColumn("url")},
        hide_index=True,
        width="stretch",
    )
