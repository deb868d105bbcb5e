"""factcheck's analyst workspace: review sessions, the review of one session, the corpus.

Widgets and layout only: the pages call the factcheck package for every decision, and the
package owns the models, the index and the sessions database.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="factcheck", page_icon="🔎", layout="wide")

pages = [
    st.Page("pages/sessions.py", title="Sessions", icon="🗂️", default=True),
    st.Page("pages/review.py", title="Review", icon="📝", url_path="review"),
    st.Page("pages/corpus.py", title="Corpus", icon="📚", url_path="corpus"),
]
page = st.navigation(pages)

# Each page draws the sidebar itself (pages.common.sidebar), so a page works on its own too.
page.run()
