"""The connection wizard in a real browser (Debian's Chromium through Playwright): Connect
opens the sandbox consent page in a popup, and the card updates when the popup reports back."""

import pytest

from connections.models import PlatformConnection
from tests import browser

pytestmark = browser.MARKS


@pytest.fixture
def browser_page():
    with browser.open_page() as page:
        yield page


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
    browser.log_in(page, sandbox, owner)
    _consent_in_popup(page, sandbox, brand, "x", "#approve")
    page.wait_for_url("**/connections/?oauth=connected")
    card = page.locator("#card-x")
    assert card.locator(".badge.status").inner_text() == "connected"
    assert "Acme Sandbox" in card.inner_text()
    assert PlatformConnection.objects.get(platform="x").status == "active"


def test_denying_in_the_popup_shows_a_cancellation(sandbox, brand, owner, browser_page):
    page = browser_page
    browser.log_in(page, sandbox, owner)
    _consent_in_popup(page, sandbox, brand, "x", "#deny")
    page.wait_for_url("**/connections/?oauth=cancelled")
    assert "cancelled" in page.locator("#oauth-notice").inner_text()
    assert page.locator("#card-x .badge.status").inner_text() == "not connected"
    assert not PlatformConnection.objects.exists()
