"""The posts page in a real browser (Debian's Chromium through Playwright): a job turns
"published" on the open page without a reload.

pytest-django's live server speaks WSGI only, and the page's live status is a websocket, so
the page is served by daphne (the production ASGI server) in a forked process, as channels'
ChannelsLiveServerTestCase does (its helper re-prefixes the test database name, wrong under
fork, so daphne's DaphneProcess is used directly); the sandbox platforms stay on the WSGI live
server. The job is
published by `execution.job_execute` in a thread of the test, as a worker would: its events are
stored, and with REDIS_URL set they reach daphne's socket through the Redis channel layer
(the socket does not poll then, so the push is the only way the page can learn of them);
without Redis the socket polls the stored events.
"""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection as db_connection
from django.db import connections

from publishing.models import JobStatus
from publishing.services import execution
from publishing.services.posts import post_create, post_publish_now
from sandbox.published.models import SandboxPost
from tests import browser

S = JobStatus

pytestmark = browser.MARKS


def _asgi_application():
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from config.asgi import application

    return ASGIStaticFilesHandler(application)


@pytest.fixture
def asgi_server(transactional_db):
    """daphne serving config.asgi in a forked process, on the test database."""
    if db_connection.vendor == "sqlite" and db_connection.is_in_memory_db():
        pytest.skip("daphne runs in another process: needs a database it can share")
    from daphne.testing import DaphneProcess

    # The child inherits the settings (test database name included); it must not inherit
    # an open connection, which both processes would then talk over.
    connections.close_all()
    server = DaphneProcess("127.0.0.1", _asgi_application)
    server.daemon = True
    server.start()
    try:
        if not server.ready.wait(timeout=60):
            raise RuntimeError(f"daphne did not start: {server.errors.get_nowait()}")
        yield f"http://127.0.0.1:{server.port.value}"
    finally:
        server.terminate()
        server.join(timeout=30)


@pytest.fixture
def page():
    with browser.open_page(timeout_ms=30_000, close_connections=True) as page:
        yield page


def _as_a_worker(work) -> None:
    """Run `work` in its own thread, as a worker process would: a thread with no event loop
    of its own (this one has Playwright's), so the after-commit broadcast can reach the
    channel layer, and with its own database connection, closed at the end."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # re-raised in the test's thread
            failure.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the publish did not finish"
    if failure:
        raise failure[0]


def _open_posts_page(page, base: str, brand, user) -> None:
    browser.log_in(page, base, user)
    page.goto(f"{base}/brands/{brand.pk}/posts/")
    page.wait_for_function("document.getElementById('live-state').textContent === 'connected'")


def test_a_job_turns_published_on_the_open_posts_page_without_a_reload(
    asgi_server, page, brand, owner, x_live
):
    post = post_create(brand=brand, author=owner, text="Live on the page", targets=[x_live.pk])
    job = post.jobs.get()
    frames: list[str] = []

    def listen(socket) -> None:
        socket.on("framereceived", lambda payload: frames.append(payload))

    page.on("websocket", listen)

    _open_posts_page(page, asgi_server, brand, owner)
    row = page.locator(f'[data-job-id="{job.pk}"]')
    assert row.locator(".job-status").inner_text() == "draft"
    permalink = row.locator(".job-permalink")
    assert permalink.is_hidden()
    # Anything that reloads the page (or navigates) loses this.
    page.evaluate("window.stillTheSamePage = true")

    _as_a_worker(lambda: post_publish_now(post=post, actor=owner))
    page.wait_for_function(
        f"document.querySelector('[data-job-id=\"{job.pk}\"] .job-status').textContent === 'queued'"
    )
    _as_a_worker(lambda: execution.job_execute(job.pk))

    page.wait_for_function(
        f"document.querySelector('[data-job-id=\"{job.pk}\"] .job-status')"
        ".textContent === 'published'"
    )
    job.refresh_from_db()
    assert job.status == S.PUBLISHED
    assert SandboxPost.objects.get().post_id == job.platform_post_id
    assert permalink.is_visible() and permalink.get_attribute("href") == job.permalink
    assert page.evaluate("window.stillTheSamePage") is True
    # Each step came over the socket, once and in order. With Redis the socket never polls:
    # they were pushed through the channel layer from the "worker" thread (or, had the socket
    # just reconnected, replayed from the stored events after the last one the page saw).
    events = [json.loads(frame) for frame in frames]
    assert [e["status"] for e in events if e["job_id"] == job.pk] == [
        "queued",
        "publishing",
        "published",
    ]


def test_the_pages_socket_stays_open_while_nothing_happens(asgi_server, page, brand, owner):
    """An idle consumer must outlive the channel layer's 5 s blocking receive (redis-py's
    socket timeout used to equal it: channels_redis#422; see CHANNEL_LAYERS in settings)."""
    sockets: list = []
    page.on("websocket", lambda socket: sockets.append(socket))
    _open_posts_page(page, asgi_server, brand, owner)

    # Nothing happens for a while: more than twice the 5 s in which the socket used to die.
    page.wait_for_timeout(12_000)

    assert page.locator("#live-state").inner_text() == "connected"
    assert len(sockets) == 1, f"the page had to reconnect {len(sockets) - 1} times"
