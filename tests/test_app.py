"""The workspace pages through Streamlit's AppTest: sessions, review, corpus; tabs that never mix."""

from __future__ import annotations

import re

import pytest

from factcheck.config import Settings
from factcheck.sessions import SessionStore
from factcheck.types import Label
from tests.conftest import ROOT
from tests.test_sessions import ARTICLE, make_verdict
from tests.test_uploads import HTML

APP = str(ROOT / "app.py")


def app(analyst: str = ""):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=600)
    if analyst:
        at.query_params["analyst"] = analyst  # as in a shared or reloaded URL
    return at


@pytest.fixture
def saved(tmp_path, monkeypatch, tiny_corpus):
    """A session of three claims in the test's data dir; a hash-embedded tiny corpus for any check."""
    monkeypatch.setenv("FACTCHECK_EMBEDDER", "hash")
    monkeypatch.setenv("FACTCHECK_STANCE", "comparator")
    monkeypatch.setenv("FACTCHECK_CORPUS_DIR", str(tiny_corpus))
    store = SessionStore(Settings().sessions_db)
    verdicts = [make_verdict(1), make_verdict(2, Label.REFUTED), make_verdict(3, Label.NOT_ENOUGH_INFO)]
    store.create("memphis", ARTICLE, verdicts, analyst="ana", url="https://news.example/colossus")
    yield store
    store.close()


def text_of(at) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)


def page(path: str, analyst: str = "", **params: str):
    """One page on its own, opened from a URL that carries the analyst and the session (as a reload does).

    AppTest does not carry URL-bound widgets across a page switch, so each page is opened directly.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / path), default_timeout=600)
    for key, value in ({"analyst": analyst} | params).items():
        if value:
            at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def review_page(analyst: str = "Bea"):
    return page("pages/review.py", analyst, session="memphis")


@pytest.mark.unit
def test_sessions_page_empty_state(monkeypatch, tiny_corpus):
    monkeypatch.setenv("FACTCHECK_EMBEDDER", "hash")
    at = app().run()
    assert not at.exception, at.exception
    assert any("No sessions yet" in i.value for i in at.info)
    assert any("Enter your name" in c.value for c in at.sidebar.caption)
    at.switch_page("pages/review.py").run()
    assert not at.exception and any("No sessions yet" in i.value for i in at.info)


@pytest.mark.unit
def test_sessions_page_lists_progress_and_counts(saved):
    saved.accept("memphis", 2, analyst="ana")
    at = app("Bea").run()
    assert not at.exception, at.exception
    body = text_of(at)
    assert "**memphis** · Colossus in Memphis" in body
    assert "❌ refuted 1" in body and "✅ supported 1" in body and "created by ana" in body
    assert [p.proto.text for p in at.get("progress")] == ["1/3 reviewed"]
    at.button(key="open-memphis").click().run()
    assert [t.value for t in at.title] == ["📝 Review"] and at.selectbox(key="session").value == "memphis"


@pytest.mark.unit
def test_names_and_titles_people_typed_are_shown_as_text(saved):
    from dataclasses import replace

    hostile = replace(ARTICLE, title="<img src=x onerror=alert(1)> [go](javascript:alert(1)) :red[x]")
    saved.create("**bold** $x$", hostile, [make_verdict(1)], analyst="<b>eve</b>", url="javascript:alert(1)")
    at = app("Bea").run()
    body = text_of(at)
    assert "\\*\\*bold\\*\\* \\$x\\$" in body and "\\<img src=x" in body and "\\[go\\](javascript" in body
    assert "created by \\<b\\>eve\\</b\\>" in body and "\\:red\\[x\\]" in body
    at = page("pages/review.py", "Bea", session="**bold** $x$")
    assert not at.exception, at.exception
    assert not any(re.search(r"(?<!\\)\]\(javascript", m.value) for m in [*at.markdown, *at.caption])
    assert any("\\<img src=x" in h.value for h in at.subheader)


@pytest.mark.unit
def test_checking_without_a_name_says_so(saved):
    at = app().run()
    at.button(key="sample_en").click().run()
    at.button(key="check").click().run()
    assert any("Enter your name" in e.value for e in at.error)


@pytest.mark.unit
def test_an_article_in_another_language_is_refused_without_crashing(saved):
    at = app("Bea").run()
    at.text_input(key="new_name").input("german")
    at.text_area(key="article_text").input(
        "Der Supercomputer wurde in drei Monaten gebaut und hat sehr viele Grafikkarten."
    )
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    assert at.error and "English" in at.error[0].value  # "reads only English, French" or "French or English"
    assert not saved.exists("german")


@pytest.mark.unit
def test_review_page_override_accept_note_pin_and_audit(saved):
    at = review_page("Bea")
    body = text_of(at)
    assert "claim 1" in body and "machine verdict, not reviewed by a person" in body
    # Source titles are escaped: the javascript link in a title is text, never a link.
    assert "\\[x\\](javascript\\:alert(1))" in body and "](javascript" not in body.replace("\\]", "")
    # An override without a reason is refused, with a message.
    at.radio(key="label-1").set_value("REFUTED")
    at.button(key="override-1").click().run()
    assert any("needs a reason" in e.value for e in at.error)
    at.radio(key="label-1").set_value("REFUTED")
    at.text_area(key="reason-1").input("The operator says 200,000 GPUs.")
    at.button(key="override-1").click().run()
    assert not at.exception, at.exception
    at.button(key="accept-2").click().run()
    at.text_area(key="note-3").input("ask the desk")
    at.button(key="save-note-3").click().run()
    at.button(key="pin-1-2").click().run()
    at.button(key="dismiss-1-0").click().run()
    s = saved.get("memphis")
    c1 = s.claim(1)
    assert (c1.label, c1.reason, c1.reviewed_by, c1.pinned, c1.dismissed) == (
        Label.REFUTED, "The operator says 200,000 GPUs.", "Bea", (2,), (0,)
    )  # fmt: skip
    assert s.claim(2).decision == "accepted" and s.claim(3).note == "ask the desk"
    assert [(a.action, a.analyst) for a in s.audit_of(1)] == [("override", "Bea"), ("pin", "Bea"), ("dismiss", "Bea")]
    body = text_of(at)
    assert "**❌ refuted** · claim 1 · overridden by Bea" in body
    assert "**Override reason:** The operator says 200,000 GPUs." in body
    assert at.metric[0].value == "2 / 3"
    audit = [d.value for d in at.dataframe]
    assert any("override" in set(frame["action"]) for frame in audit)


@pytest.mark.unit
def test_review_filters_and_exports(saved):
    saved.override("memphis", 3, "CONFLICTING", "two sources disagree", analyst="ana")
    at = review_page("Bea")
    at.multiselect(key="f_verdict").set_value(["CONFLICTING"]).run()
    heads = [m.value for m in at.markdown if "· claim " in m.value]
    assert len(heads) == 1 and "claim 3" in heads[0]
    at.multiselect(key="f_verdict").set_value([]).run()
    at.radio(key="f_review").set_value("to review").run()
    assert len([m for m in at.markdown if "· claim " in m.value]) == 2
    at.radio(key="f_review").set_value("all").run()
    at.multiselect(key="f_stance").set_value(["refutes"]).run()
    assert any("No claim matches" in i.value for i in at.info)
    at.multiselect(key="f_stance").set_value([]).run()
    # ClaimReview waits for the page address; the other exports are ready.
    assert at.button(key="export-claimreview-off").disabled
    at.text_input(key="page_url").input("https://desk.example/colossus").run()
    assert not at.exception
    assert at.get("download_button") and len(at.get("download_button")) == 4


@pytest.mark.unit
def test_without_a_name_the_review_is_read_only(saved):
    at = review_page("")
    assert any("Enter your name" in w.value for w in at.warning)
    assert at.button(key="accept-1").disabled


@pytest.mark.unit
def test_two_tabs_do_not_mix_and_both_saves_land(saved):
    ana, bea = review_page("Ana"), review_page("Bea")
    ana.text_area(key="reason-1").input("Ana's draft reason")
    bea.radio(key="label-2").set_value("SUPPORTED")
    bea.text_area(key="reason-2").input("Bea checked the filing.")
    bea.button(key="override-2").click().run()
    ana.radio(key="label-1").set_value("REFUTED")
    ana.button(key="override-1").click().run()
    assert bea.text_area(key="reason-1").value == "", "Ana's draft is not in Bea's tab"
    s = saved.get("memphis")
    assert (s.claim(1).reviewed_by, s.claim(2).reviewed_by) == ("Ana", "Bea")
    assert s.claim(1).reason == "Ana's draft reason"


@pytest.mark.integration
def test_edit_add_and_delete_claims_recheck_through_the_checker(saved):
    at = review_page("Bea")
    at.text_input(key="edit-1").input("xAI built Colossus in Memphis in 122 days.")
    at.button(key="recheck-1").click().run()
    assert not at.exception, at.exception
    at.text_input(key="new_claim").input("Training started 19 days after the first rack arrived.")
    at.button(key="add-claim").click().run()
    at.button(key="delete-claim-2").click().run()
    s = saved.get("memphis")
    assert [c.number for c in s.claims] == [1, 3, 4]
    assert s.claim(1).text == "xAI built Colossus in Memphis in 122 days." and s.claim(1).verdict.evidence
    assert s.claim(4).origin == "added"


@pytest.mark.integration
def test_corpus_page_lists_uploads_and_indexes(saved, tiny_corpus, tmp_path):
    at = page("pages/corpus.py", "Bea")
    assert not at.exception, at.exception
    assert at.metric[0].value == "3" and at.metric[2].value == "0 / 3"
    at.button(key="index").click().run()
    assert any("Index updated: 3 added" in s.value for s in at.success)
    assert at.metric[2].value == "3 / 3"
    at.file_uploader(key="source_upload").set_value(("wire.html", HTML, "text/html")).run()
    assert not at.exception, at.exception
    at.text_input[1].input("Example Wire")  # publisher: the page names none in a form trafilatura reads
    at.text_input[2].input("https://wire.example/colossus")
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception
    assert at.metric[0].value == "4" and at.metric[2].value == "4 / 4"
    assert any(p.name.endswith("-wire.md") for p in tiny_corpus.iterdir())


@pytest.mark.integration
@pytest.mark.slow
def test_the_french_sample_is_checked_saved_and_opened_with_the_real_models(tmp_path, monkeypatch):
    """The default embedder and corpus: check the French sample, save it, land on its review."""
    monkeypatch.delenv("FACTCHECK_EMBEDDER", raising=False)
    at = app("Ana").run()
    at.button(key="sample_fr").click().run()
    assert "Colossus" in at.text_area(key="article_text").value
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    body = text_of(at)
    assert "✅ supported" in body and "trois mois" in body
    s = SessionStore(Settings().sessions_db).get("colossus-fr")
    assert s.created_by == "Ana" and len(s.claims) >= 5
    assert at.metric[0].value == f"0 / {len(s.claims)}"
