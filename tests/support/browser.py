"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's
live server.

- The browser is `/usr/bin/chromium` (`apt-get install chromium`, done by `.ci/run`); nothing is
  downloaded. Without it every test here is skipped, saying so.
- The live server needs committed data, so these tests are transactional; pytest-django then
  empties every table after each test, reference data included. `reference_data` loads it again
  when a test finds it gone, and `_restore_reference_data` does so once more when the module
  ends, so the tests that run afterwards find the catalog as the session left it.
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

from cases.catalog_cache import catalog_cache_forget
from cases.routing.engine import active_rules_forget
from catalog.reference_data import reference_data_load
from channels.models import Channel
from channels.selectors import calendar_spec_cache_clear

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

requires_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
)


def _load_reference_data_if_flushed() -> None:
    if not Channel.objects.exists():
        reference_data_load()
        # Per-process caches keyed by ids or fingerprints of the rows that were just replaced.
        calendar_spec_cache_clear()
        active_rules_forget()
        catalog_cache_forget()


@pytest.fixture
def reference_data(transactional_db: Any) -> None:
    _load_reference_data_if_flushed()


@pytest.fixture(scope="module", autouse=True)
def _restore_reference_data(django_db_blocker: Any) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        _load_reference_data_if_flushed()


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
def page(browser: Any, live_server: Any, reference_data: None) -> Iterator[Any]:
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
