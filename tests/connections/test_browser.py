"""The connection wizard in a real browser (Debian's Chromium through Playwright): Connect
opens the sandbox consent page in a popup, and the card updates when the popup reports back."""

import os
from pathlib import Path

import pytest

from connections.models import PlatformConnection
from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
    ),
]


@pytest.fixture
def browser_page():
    # Playwright's sync API runs an event loop in this thread; Django's ORM guard would
    # otherwise refuse the test's own database calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context()
        context.set_default_timeout(20_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _log_in(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _consent_in_popup(page, base: str, brand, platform: str, button: str):
    page.goto(f"{base}/brands/{brand.pk}/connections/connect/{platform}/")
    assert page.locator(".scopes li").count() >= 2  # permissions are shown first
    with page.expect_popup() as popup_info:
        page.click("#connect-button")
    popup = popup_info.value
    popup.wait_for_selector(button)
    popup.click(button)


def test_connect_opens_the_consent_popup_and_the_card_turns_connected(
    sandbox, brand, owner, browser_page
):
    page = browser_page
    _log_in(page, sandbox, owner)
    _consent_in_popup(page, sandbox, brand, "x", "#approve")
    page.wait_for_url("**/connections/?oauth=connected")
    card = page.locator("#card-x")
    assert card.locator(".badge.status").inner_text() == "connected"
    assert "Acme Sandbox" in card.inner_text()
    assert PlatformConnection.objects.get(platform="x").status == "active"


def test_denying_in_the_popup_shows_a_cancellation(sandbox, brand, owner, browser_page):
    page = browser_page
    _log_in(page, sandbox, owner)
    _consent_in_popup(page, sandbox, brand, "x", "#deny")
    page.wait_for_url("**/connections/?oauth=cancelled")
    assert "cancelled" in page.locator("#oauth-notice").inner_text()
    assert page.locator("#card-x .badge.status").inner_text() == "not connected"
    assert not PlatformConnection.objects.exists()
