"""What the browser tests share: Debian's Chromium driven by Playwright (never a downloaded
browser), the marks that skip them where it is missing, and logging in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")

MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
    ),
]


@contextmanager
def open_page(*, timeout_ms: int = 20_000, close_connections: bool = False, **context) -> Iterator:
    """A fresh page in a headless Chromium. `context` goes to new_context (e.g. viewport)."""
    # Playwright's sync API runs an event loop in this thread; let the test's ORM calls through.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )  # fmt: skip
        browser_context = browser.new_context(**context)
        browser_context.set_default_timeout(timeout_ms)
        try:
            yield browser_context.new_page()
        finally:
            if close_connections:
                # While Playwright's loop runs, Django keys this thread's connection by
                # context: close it here, or it outlives the test and blocks dropping the
                # test database.
                from django.db import connections

                connections.close_all()
            browser_context.close()
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def log_in(page, base: str, user) -> None:
    """Through the product's own login page."""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
