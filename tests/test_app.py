"""The Streamlit page, driven by Streamlit's AppTest and by a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def app_data_dir(tmp_path_factory):
    """One index for the module: the page builds it on first use."""
    return tmp_path_factory.mktemp("app-data")


@pytest.mark.integration
def test_page_shows_empty_state_then_checks_the_french_sample(app_data_dir, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("FACTCHECK_DATA_DIR", str(app_data_dir))
    at = AppTest.from_file(APP, default_timeout=600).run()
    assert not at.exception
    assert any("Paste an article" in i.value for i in at.info)

    at.button(key="sample_fr").click().run()
    assert "Colossus" in at.text_area[0].value
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    assert not at.error
    markdown = " ".join(m.value for m in at.markdown)
    assert "✅ supported" in markdown and "❔ not enough info" in markdown
    assert "trois mois" in markdown and "Sources: 100,000 GPUs" in markdown
    assert at.metric[0].value == str(len(at.session_state.results[1]))


@pytest.mark.integration
def test_page_reports_bad_input_without_crashing(app_data_dir, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("FACTCHECK_DATA_DIR", str(app_data_dir))
    at = AppTest.from_file(APP, default_timeout=600).run()
    at.text_area[0].input("Der Supercomputer wurde in drei Monaten gebaut und hat sehr viele Grafikkarten.")
    at.button(key="check").click().run()
    assert not at.exception
    assert "French or English" in at.error[0].value


def page_claims(body: str) -> str:
    """The number shown under "Claims checked"."""
    return body.split("Claims checked", 1)[1].split()[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.integration
@pytest.mark.browser
def test_real_browser_checks_the_english_sample(tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    port = _free_port()
    # Its own index: the AppTest runs above keep an embedded Chroma open on theirs in this
    # process, and a second process on the same folder waits on it.
    env = {**os.environ, "FACTCHECK_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            APP,
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.goto(url)
            page.get_by_text("Paste an article").wait_for(timeout=60_000)
            page.get_by_role("button", name="Sample: Colossus (English)").click()
            # Wait for the sample to land in the text area before pressing Check: a click
            # during the previous rerun can be lost.
            page.wait_for_function(
                "() => (document.querySelector('textarea') || {}).value?.includes('Colossus')", timeout=60_000
            )
            page.get_by_role("button", name="Check claims").click()
            try:
                page.get_by_text("Claims checked").wait_for(timeout=300_000)
            finally:
                page.screenshot(path=str(tmp_path / "app.png"), full_page=True)
            # The download button is drawn after every claim card: the page is complete.
            page.get_by_text("Download report").wait_for(timeout=60_000)
            page.get_by_text("✅ supported").first.wait_for(timeout=30_000)
            page.screenshot(path=str(tmp_path / "app.png"), full_page=True)
            body = page.inner_text("body")
            browser.close()
        assert "three months" in body
        assert body.count("Evidence (") == int(page_claims(body))
    finally:
        server.terminate()
        server.wait(timeout=30)
