"""Browser tests: a live server on a free port and headless Debian Chromium driven by Playwright.

Every test in this folder is marked ``browser``. Without /usr/bin/chromium (or without Playwright)
they are skipped, unless INTEGRITY_REQUIRE_BROWSER=1 (CI), which turns the skip into a failure.
CSRF stays on here: a real browser must carry the token like any user would.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from integrity.extensions import db

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent.parent / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 10_000


def _browser_required() -> bool:
    return os.environ.get("INTEGRITY_REQUIRE_BROWSER", "") == "1"


def _unavailable(reason: str) -> None:
    if _browser_required():
        pytest.fail(f"INTEGRITY_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A hook in a sub-folder's conftest still sees every collected item: mark only our own.
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Keep each phase's report on the item, so the page fixture knows whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session", autouse=True)
def _chromium_available() -> None:
    # Session-scoped so it runs before the module-scoped browser and before any app is built.
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install playwright)")


@pytest.fixture
def app_settings() -> dict[str, Any]:
    """Unlike the other tests, keep CSRF protection on."""
    return {}


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1:<free port> from a daemon thread; yields the base URL.

    The test thread keeps its own app context and session; each request in the server thread
    gets its own. Whatever the test wrote must be committed before the browser acts, and the
    test's connection goes back to the pool, so SQLite (a file, WAL) sees no open transaction.
    """
    db.session.commit()
    db.session.close()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(_chromium_available: None) -> Iterator[Any]:
    """One headless Chromium per test module (launching takes about a second)."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def artifacts() -> Path:
    """The git-ignored folder for screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Generator[Any, None, None]:
    """A fresh context (no cookies) and page; a screenshot is saved when the test fails."""
    # No browser locale: Kazakh must come from the app's default, not from Accept-Language.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    try:
        yield tab
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    finally:
        context.close()
