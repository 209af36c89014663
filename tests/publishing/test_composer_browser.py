"""The composer in a real browser (Debian's Chromium through Playwright): the live count turns
red and a text_length finding appears as the text goes over X's limit, the auto-fix brings it
back, and Publish now lands on the posts page with the new post listed."""

from __future__ import annotations

import pytest

from publishing.models import JobStatus, Post
from tests import browser
from tests.publishing.conftest import make_connection

S = JobStatus
OVER_X = "Fresh roast today, straight from the drum. " * 8  # 344 characters

pytestmark = browser.MARKS


@pytest.fixture
def page():
    with browser.open_page(viewport={"width": 1280, "height": 1000}) as page:
        yield page


def test_the_live_count_and_findings_follow_the_text_and_publish_now_lists_the_post(
    page, live_server, brand, editor, monkeypatch
):
    # given an X account, a LinkedIn member and a Google location; no worker: record the sends
    sent = []
    monkeypatch.setattr("publishing.tasks.publish_job.delay", lambda job_id: sent.append(job_id))
    x = make_connection(brand, "x", "1001")
    linkedin = make_connection(brand, "linkedin", "urn:li:person:42")
    google = make_connection(brand, "google_business", "accounts/1/locations/2")
    browser.log_in(page, live_server.url, editor)
    page.goto(f"{live_server.url}/brands/{brand.pk}/posts/new/")
    x_count = page.locator('#counts .count[data-platform="x"]')

    # when X is selected and the text goes over its limit
    page.check(f'input[name=targets][value="{x.pk}"]')
    page.fill("#id_text", OVER_X)

    # then the count turns red and the finding appears, as the user types
    page.wait_for_selector('#counts .count.over[data-platform="x"]')
    assert x_count.locator("strong").inner_text() == str(len(OVER_X.strip()))
    assert x_count.evaluate("e => getComputedStyle(e).color") == "rgb(180, 35, 24)"
    finding = page.locator('#live-findings li[data-rule="text_length"]')
    finding.wait_for()
    assert "X" in finding.inner_text()

    # when the auto-fix for X is applied
    page.click('#live-findings button[data-autofix="x"]')

    # then the text fits and the finding goes
    page.wait_for_selector('#counts .count[data-platform="x"]:not(.over)')
    page.wait_for_selector('#live-findings li[data-rule="text_length"]', state="detached")
    fixed = page.input_value("#id_text")
    assert len(fixed) <= 280 and fixed.endswith("drum.")

    # the Google fields show only while a Google location is a target
    assert page.locator("#google").is_hidden()
    page.check(f'input[name=targets][value="{google.pk}"]')
    page.locator("#google").wait_for(state="visible")
    page.uncheck(f'input[name=targets][value="{google.pk}"]')
    page.locator("#google").wait_for(state="hidden")

    # when a second target is chosen and the post is published now
    page.check(f'input[name=targets][value="{linkedin.pk}"]')
    page.wait_for_selector('#counts .count[data-platform="linkedin"]')
    page.click("#publish-button")

    # then the page is the posts list, with the new post and a message
    page.wait_for_url(f"**/brands/{brand.pk}/posts/")
    post = Post.objects.get(brand=brand)
    row = page.locator(f'tr[data-post-id="{post.pk}"]')
    assert fixed[:40] in row.inner_text()
    assert f"Post #{post.pk} is being published" in page.locator(".messages").inner_text()
    jobs = list(post.jobs.order_by("id"))
    assert {j.connection_id for j in jobs} == {x.pk, linkedin.pk}
    assert {j.status for j in jobs} == {S.QUEUED}
    assert sorted(sent) == [j.pk for j in jobs]
    assert post.text == fixed
