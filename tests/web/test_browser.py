"""End to end in real headless Chromium (Debian's /usr/bin/chromium) against a live uvicorn.

One server and one browser page for the session: load an example, move a lab value across a
threshold and watch the cause change in the panel, see an error beside its field, download the
clinician PDF. Screenshots go to build/test-artifacts/web/ for a person to look at.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "web"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def live_url() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "nidation.interfaces.web.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if server.poll() is not None:
                pytest.fail(f"uvicorn exited with {server.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("uvicorn did not start within 90 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="session")
def page(live_url: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            viewport={"width": 1366, "height": 1024}, accept_downloads=True
        )
        yield context.new_page()
        context.close()
        browser.close()


def _cause(page: object, title: str) -> str:
    badge = page.locator("#causes li.statement", has=page.locator("strong", has_text=title))  # type: ignore[attr-defined]
    return str(badge.first.locator(".badge").inner_text())


def test_clinician_edits_a_case(page: object, live_url: str) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(f"{live_url}/")
    page.select_option("#example", "thyroid-autoimmunity.yaml")
    page.get_by_role("button", name="Load example").click()
    expect(page.locator("#causes")).to_be_visible()
    expect(page.locator(".disclaimer").first).to_be_visible()
    assert _cause(page, "thyroid dysfunction") == "ruled out"
    page.screenshot(path=str(ARTIFACTS / "1-example-loaded.png"), full_page=False)

    tsh = page.locator("#f-labs-0-value")
    expect(page.locator("#f-labs-0-test")).to_have_value("tsh")
    tsh.fill("9.5")
    tsh.press("Tab")  # change → htmx posts the form after 500 ms
    expect(
        page.locator(
            "#causes li.statement", has=page.locator("strong", has_text="thyroid dysfunction")
        ).first.locator(".badge")
    ).to_have_text("supported", timeout=15_000)
    page.screenshot(path=str(ARTIFACTS / "2-tsh-raised.png"), full_page=False)

    tsh.fill("abc")
    tsh.press("Tab")
    expect(page.locator("#err-labs-0-value")).to_contain_text("number", timeout=15_000)
    expect(page.locator("#panel-problems")).to_be_visible()
    tsh.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "3-error-beside-field.png"), full_page=False)

    tsh.fill("3.4")
    tsh.press("Tab")
    expect(page.locator("#err-labs-0-value")).to_be_empty(timeout=15_000)
    with page.expect_download() as info:
        page.get_by_role("button", name="Clinician report (PDF)").click()
    pdf = Path(info.value.path())
    assert pdf.read_bytes().startswith(b"%PDF")

    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet, portrait
    page.goto(f"{live_url}/?example=rpl-and-rif.yaml")
    page.screenshot(path=str(ARTIFACTS / "4-tablet.png"), full_page=False)
    page.locator("#panel").screenshot(path=str(ARTIFACTS / "5-panel.png"))
