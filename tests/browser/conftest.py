"""Real headless Chromium (Debian's package) driven by Playwright against the app on loopback.

Skipped when /usr/bin/chromium or playwright is missing, unless REQUIRE_SERVICES=1.
Never downloads a browser: Playwright is pointed at the system Chromium.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests import services

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    return None


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    reason = _missing()
    if reason:
        if services.required():
            pytest.fail(f"browser tests need Chromium and Playwright: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_server(make_app, sqlite_db, memory_kv) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Serve the real app on a free loopback port in a thread; return its base URL."""
    app = make_app(sqlite_db, memory_kv)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def page(chromium: Any, live_server: str) -> Iterator[Any]:
    """A laptop-sized page that fails the test on any request leaving loopback."""
    context = chromium.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN",
                                   base_url=live_server)
    outside: list[str] = []
    context.route("**/*", lambda route: (
        route.continue_() if route.request.url.startswith(live_server)
        else (outside.append(route.request.url), route.abort())))
    tab = context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    context.close()
    assert outside == [], f"the page tried to reach outside: {outside}"


def shoot(tab: Any, name: str) -> Path:
    """Save a full-page screenshot under tests/browser/screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


def sign_in(tab: Any, username: str = "liu", password: str = "linli-liu-2026") -> None:
    """Sign in through the login form."""
    tab.goto("/console/login")
    tab.fill("#username", username)
    tab.fill("#password", password)
    tab.click("button[type=submit]")
    tab.wait_for_url("**/console/")
