"""Browser tests: Playwright for Python driving Debian's Chromium against Django's live test server."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: scripts/ensure-services installs it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body are still
    # synchronous and safe here. Set only while browser tests run (a deployment must never have it).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


SERVER_LOCK = threading.RLock()
"""Held by the live server while it answers a request, and by the test's own queries while they run."""


@pytest.fixture(scope="session", autouse=True)
def one_request_at_a_time() -> Iterator[None]:
    """Django's live server answers each request in a thread of its own, but on SQLite all of them share the test
    database's one in-memory connection: a page and the session script's background POST at the same moment
    interleave their transactions and fail with "database table is locked". The browser tests serialise requests."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import TransactionTestCase

    answer = WSGIHandler.__call__
    flush = TransactionTestCase._fixture_teardown

    def serialised(self: WSGIHandler, environ: Any, start_response: Any) -> Any:
        with SERVER_LOCK:
            return answer(self, environ, start_response)

    def flush_when_idle(self: TransactionTestCase) -> None:
        with SERVER_LOCK:  # a request the browser still had under way when the test ended finishes first
            flush(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WSGIHandler, "__call__", serialised)
        patch.setattr(TransactionTestCase, "_fixture_teardown", flush_when_idle)
        yield


@pytest.fixture(autouse=True)
def queries_wait_for_the_server() -> Iterator[None]:
    """The test's own queries (a poll for the row a page sends) share that connection too: each waits until the
    server has answered its request, or one of them reads a table the other is writing ("table is locked"). The
    server's queries take the lock again, which the re-entrant lock allows."""
    from django.db import connection

    def locked(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        with SERVER_LOCK:
            return execute(sql, params, many, context)

    with connection.execute_wrapper(locked):
        yield


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="nl-NL", viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


PHONE = {"width": 390, "height": 844}
"""A 390 px phone, as a patient holds it."""


@pytest.fixture
def phone(browser: object) -> Iterator[object]:
    """A page on a touch phone in Dutch, as the patients' pages are tried."""
    context = browser.new_context(locale="nl-NL", viewport=PHONE, is_mobile=True, has_touch=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page: object, name: str) -> None:
    """Keeps a full-page screenshot in screenshots/ (git-ignored) for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[object]:
    """On a failing browser test, keep a screenshot of the page as it was (screenshots/FAILED-<test>.png)."""
    report = yield
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None  # type: ignore[attr-defined]
    if report.when == "call" and report.failed and page is not None:  # type: ignore[attr-defined]
        with contextlib.suppress(Exception):  # the browser may be gone; the test failure is what matters
            screenshot(page, f"FAILED-{item.name}")
    return report


_demo_copies: dict[tuple[str, ...] | None, sqlite3.Connection] = {}
"""The demo practice as loaded, per set of demo extensions: an in-memory SQLite copy of the whole test database."""


def load_demo_here(extensions: tuple[str, ...] | None = None) -> None:
    """The demo practice in the (empty) test database, with all demo extensions or only `extensions`. Loading it
    takes seconds, so on SQLite it is loaded once per run and copied back before every later test with SQLite's
    backup API (the same rows, ids and sequences: a browser test cannot tell the difference)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from rugpad.web import demo

    def load() -> None:
        with pytest.MonkeyPatch.context() as patch:
            if extensions is not None:
                patch.setattr(demo, "DEMO_EXTENSIONS", extensions)
            demo.load_demo(timezone.localdate())

    if connection.vendor != "sqlite":
        load()
        return
    with SERVER_LOCK:
        connection.ensure_connection()
        raw = connection.connection
        copy = _demo_copies.get(extensions)
        if copy is None:
            load()
            copy = sqlite3.connect(":memory:", check_same_thread=False)
            raw.backup(copy)
            _demo_copies[extensions] = copy
        else:
            copy.backup(raw)
            ContentType.objects.clear_cache()  # the flush after the last test made them again, with other ids


@pytest.fixture
def demo(live_server: Any) -> str:
    """The demo practice on Django's live test server; returns its address."""
    load_demo_here()
    return str(live_server.url)


def follow(page: Any, selector: str) -> None:
    """Clicks a link and waits until the page it opens has loaded (a read straight after a bare click may meet the
    old page being taken down, and read nothing)."""
    with page.expect_navigation():
        page.click(selector)


def log_in(page: Any, base: str, username: str) -> None:
    """Logs a demo account in and waits until the page after the login has loaded."""
    from rugpad.web.demo import DEMO_PASSWORD

    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def do_one_exercise(page: Any) -> None:
    """Runs the first exercise of the guided session, whatever its kind, and rates it (a pain button saves it, or a
    pain choice and the save button)."""
    page.click("#btn-begin")
    for _ in range(2000):
        if page.locator("#step-rate").is_visible():
            page.locator("#step-rate [data-pain='2'], #step-rate label.pain-option:has-text('2')").first.click()
            if page.locator("#btn-save").is_visible():
                page.click("#btn-save")
            return
        for button in ("#btn-go", "#btn-rep"):
            if page.locator(button).is_visible():
                page.click(button)
                break
        else:
            time.sleep(0.02)
    raise AssertionError("the exercise never ended")
