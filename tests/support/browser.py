"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's
live server.

- The browser is `/usr/bin/chromium` (`apt-get install chromium`, done by `.ci/run`); nothing is
  downloaded. Without it every test here is skipped, saying so.
- The live server needs committed data, so these tests are transactional: `reference_data` and
  `_restore_reference_data` (tests/support/reference.py) keep the catalog there for them and for
  the tests that run afterwards.
- Playwright's sync API keeps an event loop running in this thread, which Django would take
  for async code calling the ORM: `DJANGO_ALLOW_ASYNC_UNSAFE` is set while the browser is up.
- Screenshots of each main page go to `screenshots/` at the repository root (gitignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.support.reference import _restore_reference_data, reference_data  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

requires_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any, live_server: Any, reference_data: None) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(
        base_url=live_server.url, locale="es-MX", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    # Every page must work under the Content-Security-Policy: a blocked script, style or
    # request shows up as a console error and fails the test that caused it.
    blocked: list[str] = []
    tab.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield tab
    context.close()
    assert not blocked, f"blocked by the Content-Security-Policy: {blocked}"


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(password)
    # Wait for the answer to the POST (a page of the session, or the login page again with
    # its error): a navigation started before it lands would cancel it.
    with page.expect_navigation():
        page.get_by_role("button", name="Entrar").click()


WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as shown now, one line per failing node
    (axe-playwright-python bundles axe-core and injects it through the DevTools protocol, which
    the Content-Security-Policy does not block)."""
    results = Axe().run(page, options=WCAG_21_AA)
    return [
        f"{page.url} {violation['id']}: {node['target']} — {node['failureSummary']}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]
