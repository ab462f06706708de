"""
Browser tests: Playwright for Python driving Debian's Chromium against live_server.

Every test in this folder is marked ``browser``: ``make test`` skips them and
``make test-browser`` runs them. Chromium is the system one (``/usr/bin/chromium``,
from Debian's ``chromium`` package); Playwright's own browser download is never used.
"""

import importlib
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

# Playwright's sync API keeps an asyncio event loop running in the main thread, and
# Django refuses database access from a thread with a running loop. The tests and
# their fixtures still run synchronously, one statement after the other.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
BROWSER_DIR = Path(__file__).resolve().parent
# Screenshots of failed tests land here (ignored by git).
RESULTS_DIR = BROWSER_DIR.parent.parent / "test-results"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test in tests/browser/ as a browser test, before -m selects."""
    for item in items:
        if BROWSER_DIR in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
        if page is not None and not page.is_closed():
            RESULTS_DIR.mkdir(exist_ok=True)
            path = RESULTS_DIR / f"{item.name}.png"
            try:
                page.screenshot(path=path, full_page=True)
            except Exception as exc:  # the page may have crashed with the test
                report.sections.append(("screenshot", f"not taken: {exc}"))
            else:
                report.sections.append(("screenshot", f"{page.url}\n{path}"))
    return report


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package "
            "(apt-get install chromium) or set CHROMIUM_PATH."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# Every page tells the console about each Content-Security-Policy violation,
# with what was refused: Chromium's own console message does not always come.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP violation: " + event.effectiveDirective + " " + event.blockedURI +
    " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


def is_csp_violation(message):
    text = message.text
    return text.startswith("CSP violation:") or "Content Security Policy" in text


@pytest.fixture
def page(browser, live_server, caplog):
    """A fresh browser context and page per test, speaking Italian to live_server.

    Relative URLs resolve against the live server: ``page.goto("/")``. Each
    Content-Security-Policy violation of its pages, seen in the console or
    reported to the site's /csp-report/, lands in ``page.csp_violations``; a
    test ends with ``assert_no_csp_violation(page)``.
    """
    context = browser.new_context(
        base_url=live_server.url,
        locale="it-IT",
        extra_http_headers={"Accept-Language": "it"},
    )
    context.set_default_timeout(10_000)
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            is_csp_violation(message) and page.csp_violations.append(message.text)
        ),
    )
    page.csp_reports = lambda: [
        r.getMessage() for r in caplog.records if r.name == "newsroom.csp"
    ]
    yield page
    context.close()


def assert_no_csp_violation(page):
    """No page of the test broke the Content-Security-Policy."""
    page.wait_for_timeout(200)  # a last report on its way
    assert page.csp_violations == [], "\n".join(page.csp_violations)
    assert page.csp_reports() == []


@pytest.fixture
def login():
    """Log a user in through the admin login form.

    Use as ``login(page, live_server, "maria", "secret")``; the page ends on the
    admin index.
    """

    def _login(page, live_server, username, password):
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("form#login-form [type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")

    return _login


@pytest.fixture
def staff_groups(transactional_db):
    """
    The Journalist, Editor and Moderator groups, made again if needed: they come
    from data migrations, and an earlier transactional test's flush empties them.
    """
    from django.apps import apps
    from django.db import connection

    editor = SimpleNamespace(connection=connection)
    for module, function in (
        ("articles.migrations.0004_editorial_groups", "create_groups"),
        ("comments.migrations.0002_moderator_group", "create_moderator_group"),
    ):
        getattr(importlib.import_module(module), function)(apps, editor)
