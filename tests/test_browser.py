"""End to end in a real headless Chromium against `streamlit run app.py`: a whole review, then ClaimReview.

The sample article is checked with the default models and corpus, one verdict is overridden
with a reason, the page is reloaded and the override is still there, ClaimReview is
downloaded and validated, and the workspace is photographed for the README (docs/workspace.png).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT
from tests.test_exports import validate_claimreview

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.slow]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = ROOT / "docs" / "workspace.png"
REASON = "The operator's own filing gives a lower figure for this date."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`streamlit run app.py` on a loopback port, with its own data dir (index and sessions)."""
    port = _free_port()
    env = {**os.environ, "FACTCHECK_DATA_DIR": str(tmp_path / "data")}
    log = (tmp_path / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
            "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail("streamlit did not answer within 90 s: " + (tmp_path / "streamlit.log").read_text())
    yield url
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def test_a_whole_review_in_a_real_browser(server, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
        page.goto(server)
        page.get_by_text("No sessions yet").first.wait_for(timeout=60_000)

        # Sign in the sidebar, load the sample, check it: the session is saved and opened.
        analyst = page.get_by_placeholder("Your name")
        analyst.fill("Bea")
        analyst.press("Enter")
        page.get_by_role("button", name="Sample: Colossus (English)").click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('textarea')].some(t => t.value.includes('Colossus'))",
            timeout=60_000,
        )
        expect(page.get_by_label("Session name")).to_have_value("colossus-en", timeout=30_000)
        page.get_by_role("button", name="Check claims and save").click()
        try:
            page.get_by_text("Claims reviewed").wait_for(timeout=240_000)
        finally:
            page.screenshot(path=str(tmp_path / "after-check.png"), full_page=True)
        assert "session=colossus-en" in page.url

        # Override the first claim's verdict with a reason.
        card = page.locator(".st-key-claim-1")
        card.get_by_text("Override the verdict").click()
        card.locator('[data-testid="stRadio"]').get_by_text("❌ refuted").click()
        reason = card.get_by_label("Reason (required)")
        reason.fill(REASON)
        reason.press("Control+Enter")
        page.wait_for_timeout(500)
        card.get_by_role("button", name="Save override").click()
        expect(card.get_by_text("Override reason:")).to_be_visible(timeout=60_000)
        expect(card.get_by_text("overridden by Bea").first).to_be_visible()

        # A reload (a new browser session) finds the session, the analyst and the override again.
        page.reload()
        card = page.locator(".st-key-claim-1")
        expect(card.get_by_text(REASON)).to_be_visible(timeout=60_000)
        expect(card.get_by_text("overridden by Bea").first).to_be_visible()
        expect(page.get_by_placeholder("Your name")).to_have_value("Bea", timeout=30_000)

        # Export ClaimReview for the page that will publish the fact check.
        page_url = page.get_by_label("Fact-check page URL")
        page_url.fill("https://desk.example/colossus")
        page_url.press("Enter")
        button = page.get_by_role("button", name="⬇ ClaimReview JSON-LD")
        expect(button).to_be_enabled(timeout=30_000)
        with page.expect_download(timeout=30_000) as got:
            button.click()
        target = tmp_path / "claimreview.jsonld"
        got.value.save_as(target)

        # The picture for the README: the review page from its title to the overridden claim.
        page.set_viewport_size({"width": 1400, "height": 1500})
        page.get_by_role("heading", name="Review").first.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))
        browser.close()

    reviews = json.loads(target.read_text(encoding="utf-8"))
    assert reviews and all(validate_claimreview(item) == [] for item in reviews)
    first = reviews[0]
    assert first["reviewRating"]["alternateName"] == "False"
    assert first["author"] == {"@type": "Person", "name": "Bea"}
    assert REASON in first["reviewRating"]["ratingExplanation"]
    assert first["url"] == "https://desk.example/colossus#claim-1"
    assert SCREENSHOT.stat().st_size > 10_000
