"""Exports of a saved session: the override wins everywhere, reviews are named, ClaimReview is valid."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest

from factcheck.errors import InputError
from factcheck.exports import FORMATS, export, to_claimreview, to_csv, to_json, to_markdown
from factcheck.sessions import SessionStore
from factcheck.types import Label
from tests.test_sessions import ARTICLE, make_verdict

pytestmark = pytest.mark.unit

PAGE = "https://factcheck.example/2024/colossus"


@pytest.fixture
def session(tmp_path):
    store = SessionStore(tmp_path / "s.sqlite3")
    verdicts = [make_verdict(1), make_verdict(2, Label.REFUTED), make_verdict(3, Label.NOT_ENOUGH_INFO)]
    store.create("colossus", ARTICLE, verdicts, analyst="ana", url="https://news.example/colossus")
    store.override("colossus", 1, Label.REFUTED, '=HYPERLINK("x") the operator says 200,000', analyst="Bea")
    store.accept("colossus", 2, analyst="Carl")
    store.note("colossus", 3, "ask the desk", analyst="Carl")
    store.pin("colossus", 1, 2, analyst="Bea")
    store.dismiss("colossus", 1, 0, analyst="Bea")
    yield store.get("colossus")
    store.close()


def validate_claimreview(item: dict) -> list[str]:
    """Problems with one ClaimReview against Google's fact-check structured data requirements."""
    problems = []
    if item.get("@context") not in ("https://schema.org", "http://schema.org"):
        problems.append("@context is not schema.org")
    if item.get("@type") != "ClaimReview":
        problems.append("@type is not ClaimReview")
    for key in ("claimReviewed", "url", "datePublished"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            problems.append(f"{key} missing or empty")
    if not re.match(r"^https?://", item.get("url", "")):
        problems.append("url is not an http(s) address")
    try:
        date.fromisoformat(item.get("datePublished", ""))
    except ValueError:
        problems.append("datePublished is not an ISO date")
    author = item.get("author") or {}
    if author.get("@type") not in ("Organization", "Person") or not author.get("name"):
        problems.append("author is not a named Organization or Person")
    rating = item.get("reviewRating") or {}
    if rating.get("@type") != "Rating":
        problems.append("reviewRating is not a Rating")
    for key in ("ratingValue", "bestRating", "worstRating"):
        if not isinstance(rating.get(key), int | float):
            problems.append(f"reviewRating.{key} is not a number")
    for key in ("alternateName", "ratingExplanation"):
        if not isinstance(rating.get(key), str) or not rating[key].strip():
            problems.append(f"reviewRating.{key} missing or empty")
    if not problems and not rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]:
        problems.append("ratingValue outside worstRating..bestRating")
    claim = item.get("itemReviewed") or {}
    if claim.get("@type") != "Claim":
        problems.append("itemReviewed is not a Claim")
    appearance = claim.get("appearance")
    if not appearance or not (isinstance(appearance, str) or appearance.get("url") or appearance.get("headline")):
        problems.append("itemReviewed.appearance missing")
    try:
        date.fromisoformat(claim.get("datePublished", ""))
    except ValueError:
        problems.append("itemReviewed.datePublished is not an ISO date")
    return problems


def test_claimreview_has_every_required_field_and_the_override_wins(session):
    reviews = json.loads(export(session, "claimreview", page_url=PAGE, publisher="Desk"))
    assert len(reviews) == 3
    for item in reviews:
        assert validate_claimreview(item) == [], item
    first, second, third = reviews
    assert first["claimReviewed"] == session.claim(1).text
    assert first["reviewRating"]["alternateName"] == "False" and first["reviewRating"]["ratingValue"] == 1
    assert "overridden by Bea" in first["reviewRating"]["ratingExplanation"]
    assert first["author"] == {"@type": "Person", "name": "Bea"}
    assert first["url"] == PAGE + "#claim-1"
    assert first["itemReviewed"]["appearance"]["url"] == "https://news.example/colossus"
    assert first["itemReviewed"]["datePublished"] == "2024-12-05"
    assert first["itemReviewed"]["author"] == {"@type": "Organization", "name": "the Chamber"}
    assert (
        second["reviewRating"]["alternateName"] == "False"
        and "accepted by Carl" in second["reviewRating"]["ratingExplanation"]
    )
    assert third["author"] == {"@type": "Organization", "name": "Desk"}, "nobody reviewed it: the publisher signs"
    assert "not reviewed by a person" in third["reviewRating"]["ratingExplanation"]


def test_the_validator_catches_what_is_missing(session):
    item = to_claimreview(session, PAGE)[0]
    broken = {**item, "reviewRating": {**item["reviewRating"], "alternateName": ""}}
    del broken["claimReviewed"]
    assert validate_claimreview(broken) == [
        "claimReviewed missing or empty",
        "reviewRating.alternateName missing or empty",
    ]


def test_claimreview_needs_a_page_address(session):
    for bad in ("", "javascript:alert(1)", "factcheck.example/page"):
        with pytest.raises(InputError, match="address of the page"):
            to_claimreview(session, bad)


def test_markdown_names_the_reviewer_and_keeps_dismissed_evidence_out(session):
    md = to_markdown(session)
    first = md.split("## 1.")[1].split("## 2.")[0]
    assert "❌ refuted" in first and "overridden by Bea" in first and "machine said SUPPORTED" in first
    assert "the operator says 200,000" in first
    assert "(pinned)" in first and "example.org/0" not in first, "dismissed passage left out, pinned one shown"
    assert "2 of 3 claims reviewed by a person" in md
    assert "machine verdict, not reviewed by a person" in md.split("## 3.")[1]
    assert "**Note:** ask the desk" in md
    assert "[Source \\*2\\* \\[x\\](javascript\\:alert(1))](https://example.org/2)" in first, "titles escaped"


def test_csv_has_one_row_per_claim_and_no_live_formula(session):
    rows = list(csv.DictReader(io.StringIO(to_csv(session))))
    assert [r["number"] for r in rows] == ["1", "2", "3"]
    assert [r["final_verdict"] for r in rows] == ["REFUTED", "REFUTED", "NOT_ENOUGH_INFO"]
    assert rows[0]["machine_verdict"] == "SUPPORTED" and rows[0]["reviewed_by"] == "Bea"
    assert rows[0]["override_reason"].startswith("'="), "a formula is neutralised"
    assert rows[2]["reviewed"] == "no"


def test_json_carries_the_machine_verdict_the_decision_and_the_audit(session):
    data = to_json(session)
    first = data["claims"][0]
    assert first["final_verdict"] == "REFUTED" and first["machine"]["verdict"] == "SUPPORTED"
    assert first["reviewed"] is True and first["review_status"].startswith("overridden by Bea")
    assert [a["action"] for a in data["audit"]] == ["create", "override", "accept", "note", "pin", "dismiss"]
    assert data["reviewed"] == 2
    json.dumps(data)  # serialisable as is


def test_every_format_renders_and_unknown_ones_are_refused(session):
    for fmt in FORMATS:
        assert export(session, fmt, page_url=PAGE).strip()
    with pytest.raises(InputError, match="Unknown export format"):
        export(session, "pdf")


def test_verdict_chart_has_every_label_in_fixed_order_and_colour():
    from factcheck.report import BADGE, LABEL_COLOURS, verdict_chart

    rows, spec = verdict_chart({"REFUTED": 2})
    assert [r["label"] for r in rows] == [
        "SUPPORTED", "PARTLY_SUPPORTED", "REFUTED", "CONFLICTING", "NOT_ENOUGH_INFO"
    ]  # fmt: skip
    assert [r["claims"] for r in rows] == [0, 0, 2, 0, 0]
    colour = spec["encoding"]["color"]["scale"]
    assert dict(zip(colour["domain"], colour["range"], strict=True)) == LABEL_COLOURS
    assert LABEL_COLOURS["SUPPORTED"] == "#2e7d32" and LABEL_COLOURS["REFUTED"] == "#c62828"
    assert spec["encoding"]["y"]["scale"]["domain"] == [BADGE[r["label"]] for r in rows]


def test_filters_combine_verdict_stance_review_state_and_source(session):
    from factcheck.report import filter_claims, source_names

    claims = session.claims
    assert [c.number for c in filter_claims(claims, verdicts=["REFUTED"])] == [1, 2]
    assert [c.number for c in filter_claims(claims, review="to review")] == [3]
    assert [c.number for c in filter_claims(claims, review="reviewed", verdicts=["REFUTED"])] == [1, 2]
    # Claim 1's only supporting passage was dismissed: it no longer counts as "supports".
    assert [c.number for c in filter_claims(claims, stances=["supports"])] == [2, 3]
    assert source_names(claims) == ["NVIDIA"] and filter_claims(claims, sources=["Reuters"]) == []


def test_escaping_leaves_no_markdown_or_html_alive():
    from factcheck.report import escape_markdown, highlight, md_link

    raw = "<img src=x onerror=alert(1)> [a](javascript:x) $x$ :red[x] **b** # h\n1. list"
    out = escape_markdown(raw)
    for live in ("<img", "[a](", "$x$", ":red[", "**b**", "\n", "# h"):
        assert not re.search(r"(?<!\\)" + re.escape(live), out), live
    assert highlight("costs $5 for 100 GPUs", ["100 GPUs"]) == "costs \\$5 for **100 GPUs**"
    assert (
        md_link("t", "javascript:alert(1)") == "t"
        and md_link("t", "https://x.org/a(b)") == "[t](https://x.org/a%28b%29)"
    )
