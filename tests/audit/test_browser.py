"""The dashboard in a real browser (Debian's Chromium through Playwright): a figure shows the
right number, and clicking it opens the list behind it."""

from __future__ import annotations

import pytest

from publishing.models import JobStatus
from tests import browser
from tests.audit.conftest import bulk_jobs, make_connection

pytestmark = browser.MARKS


@pytest.fixture
def page():
    with browser.open_page() as page:
        yield page


def test_the_dashboard_shows_failures_and_opens_the_list_behind_them(
    page, live_server, staff, brand, owner
):
    # given three rejected X jobs and one published
    x = make_connection(brand)
    bulk_jobs(brand, x, owner, 3, status=JobStatus.FAILED)
    bulk_jobs(brand, x, owner, 1, status=JobStatus.PUBLISHED)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", "pw-staff-1")
    page.click("input[type=submit]")
    page.click("text=Publishing dashboard")
    page.select_option("select#brand", str(brand.pk))
    page.click("form.dash-filter button[type=submit]")

    figure = page.locator('[data-figure="failures-x-rejected"]')
    assert figure.inner_text() == "3"
    assert page.locator('[data-figure="24h-published"]').inner_text() == "1"
    assert page.locator("svg.publish-chart rect").count() == 24

    figure.click()
    page.wait_for_load_state()
    assert "/admin/publishing/publishjob/" in page.url
    assert page.locator("#result_list tbody tr").count() == 3
