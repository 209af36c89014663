"""End to end with a REAL Celery worker process on PostgreSQL + Redis, against the sandbox
over HTTP (pytest-django's live server). Beat's two periodic tasks are run by the test itself
(`_tick`) so timing is deterministic; everything else is the production path: the API or a
service enqueues on commit, the worker claims, calls X, records.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection as db_connection
from django.utils import timezone

from publishing import dispatch
from publishing.models import JobEvent, JobStatus, PublishJob
from publishing.selectors import post_status_of
from publishing.services import platform_calls
from publishing.services.posts import post_create, post_publish_now, post_retry
from sandbox.faults import add_fault
from sandbox.models import SandboxRequest, SandboxToken
from sandbox.published.models import SandboxPost
from tests.publishing.conftest import X_SCOPES, sandbox_x_connection

S = JobStatus
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)

# Timing shared by the worker and the test playing Beat. The lease must outlast the slowest
# live attempt (a couple of platform calls, each bounded by connect + read timeout, on a
# loaded machine): a shorter one lets the reaper reconcile a call that is still in flight,
# and that reconcile may miss a post the platform has not stored yet and send it again. The
# lease only delays jobs whose worker really died, so it costs a killed worker's jobs alone.
CONNECT_TIMEOUT = 3
READ_TIMEOUT = 3  # faults that must outlast the client's wait sleep longer than this
LEASE_SECONDS = 30
# A queued job whose message was lost (its worker was killed) is sent again after this; short
# enough for the tests, long enough that a backlog is not re-sent over and over.
REQUEUE_SECONDS = 15


@pytest.fixture
def needs_services():
    if not settings.REDIS_URL or db_connection.vendor != "postgresql":
        # The worker is another process: it cannot reach the SQLite test database, which
        # pytest-django keeps in memory, nor the in-process channel layer.
        pytest.skip(
            "a real worker process shares the test database and broker: PostgreSQL and Redis "
            "only (set DATABASE_URL and REDIS_URL)"
        )


class Worker:
    """A `celery worker` subprocess pointed at the test database and the live sandbox."""

    def __init__(self, sandbox_url: str, **env: str):
        db = settings.DATABASES["default"]
        self.env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            ),
            "REDIS_URL": settings.REDIS_URL,
            "DEBUG": "true",
            "IGNORE_DOTENV": "true",
            "SANDBOX_PLATFORMS": "true",
            "SANDBOX_BASE_URL": sandbox_url,
            "PUBLIC_BASE_URL": sandbox_url,
            "DATABASE_CONN_MAX_AGE": "0",
            "LOG_LEVEL": "WARNING",
            "PUBLISH_RETRY_BASE_SECONDS": "1",
            "PUBLISH_RETRY_CAP_SECONDS": "2",
            "PUBLISH_LEASE_SECONDS": str(LEASE_SECONDS),
            "PUBLISH_REQUEUE_SECONDS": str(REQUEUE_SECONDS),
            "PLATFORM_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
            "PLATFORM_READ_TIMEOUT": str(READ_TIMEOUT),
            **env,
        }
        self.proc: subprocess.Popen | None = None

    def _celery(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "config", *args]

    def purge(self) -> None:
        subprocess.run(  # noqa: S603
            self._celery("purge", "-f", "-Q", "celery,publish"),
            cwd=ROOT, env=self.env, capture_output=True, timeout=60, check=False,
        )  # fmt: skip

    def start(self, concurrency: int = 2) -> None:
        self.proc = subprocess.Popen(  # noqa: S603
            self._celery(
                "worker", "-Q", "celery,publish", "-c", str(concurrency), "-P", "prefork",
                "-l", "WARNING",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-n", f"pubtest{random.randrange(10**6)}@%h",
            ),
            cwd=ROOT, env=self.env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def pool_pids(self) -> list[int]:
        """The prefork pool's processes: the ones that run tasks (Linux /proc)."""
        if self.proc is None:
            return []
        pids: list[int] = []
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*"):
            try:
                pids += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue  # the thread ended while we looked
        return pids

    def kill_pool(self) -> None:
        """SIGKILL every pool process, as a crash or the OOM killer would, mid-task. The main
        process stays and forks fresh ones, so the next kill needs no cold start."""
        for pid in self.pool_pids():
            with contextlib.suppress(ProcessLookupError):  # it had just exited
                os.kill(pid, signal.SIGKILL)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the worker we started and its pool children (its own process group)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=30)
        self.proc = None


@pytest.fixture
def beat_settings(settings):
    """The test process plays Beat: give it the worker's lease and requeue delay."""
    settings.PUBLISH_LEASE_SECONDS = LEASE_SECONDS
    settings.PUBLISH_REQUEUE_SECONDS = REQUEUE_SECONDS


@pytest.fixture
def worker(needs_services, sandbox, beat_settings):
    running = Worker(sandbox)
    running.purge()
    running.start()
    yield running
    running.kill(signal.SIGTERM)


def _tick() -> None:
    """What Beat runs: dispatch due jobs, reap expired leases, resume reconnected jobs."""
    dispatch.reap_expired_leases()
    dispatch.dispatch_due()
    platform_calls.resume_reconnected()


def _wait_for(predicate, timeout: float = 120, tick: bool = True) -> None:
    """Poll `predicate` until it holds, running Beat's tick between polls.

    `tick=False` proves the publish-now path needs no Beat: nothing ticks while any job is
    still `queued`, so only the messages sent on commit can move them. Once every job has been
    claimed, ticking starts, as Beat would in production: on a slow machine a call may time
    out and the job must then be reconciled or retried, which only the ticks do. Without them
    such a job would wait forever in `reconciling` and the test would fail for the wrong reason.
    The deadline is generous for loaded machines; a healthy run returns in seconds.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if tick or not PublishJob.objects.filter(status=S.QUEUED).exists():
            tick = True
            _tick()
        if predicate():
            return
        time.sleep(0.3)
    stuck = list(
        PublishJob.objects.exclude(status=S.PUBLISHED).values_list(
            "id", "status", "last_error_code", "next_attempt_at", "lease_expires_at"
        )
    )
    raise AssertionError(f"timed out; unpublished jobs: {stuck[:20]}")


def _statuses() -> dict[int, str]:
    return dict(PublishJob.objects.values_list("id", "status"))


def _all(status: str):
    return lambda: set(_statuses().values()) == {status}


def test_publish_now_goes_out_through_the_worker(worker, brand, owner, x_live):
    post = post_create(brand=brand, author=owner, text="Now, live", targets=[x_live.pk])

    post_publish_now(post=post, actor=owner)

    _wait_for(_all(S.PUBLISHED), tick=False)  # no Beat needed: enqueued on commit
    job = post.jobs.get()
    assert list(SandboxPost.objects.values_list("text", "post_id")) == [
        ("Now, live", job.platform_post_id)
    ]


def test_a_scheduled_post_is_published_at_its_time(worker, brand, owner, x_live):
    at = timezone.now() + timedelta(seconds=3)
    post = post_create(
        brand=brand, author=owner, text="On the dot", targets=[x_live.pk],
        scheduled_at=at,
    )  # fmt: skip

    _wait_for(_all(S.PUBLISHED))

    job = post.jobs.get()
    assert job.published_at >= at
    assert SandboxPost.objects.get().text == "On the dot"


def test_partial_failure_then_retry_publishes_only_the_failed_target(worker, brand, owner, x_live):
    # A second account whose grant lacks tweet.write: X answers 403, a permanent refusal.
    limited = sandbox_x_connection(brand, user_id="1500000000000000002", scopes=["users.read"])
    post = post_create(
        brand=brand, author=owner, text="Two accounts", targets=[x_live.pk, limited.pk]
    )
    post_publish_now(post=post, actor=owner)

    _wait_for(lambda: sorted(_statuses().values()) == [S.FAILED, S.PUBLISHED], tick=False)
    assert post_status_of(post) == "partially_published"
    good, bad = post.jobs.get(connection=x_live), post.jobs.get(connection=limited)
    assert bad.last_error_code == "rejected"
    assert list(SandboxPost.objects.values_list("account_id", flat=True)) == [x_live.account_id]

    # The account is granted the scope again, and the post is retried.
    SandboxToken.objects.filter(subject=limited.account_id).update(scopes=X_SCOPES)
    assert post_retry(post=post, actor=owner) == [bad.pk]
    _wait_for(_all(S.PUBLISHED), tick=False)

    assert sorted(SandboxPost.objects.values_list("account_id", flat=True)) == sorted(
        [x_live.account_id, limited.account_id]
    )
    assert PublishJob.objects.get(pk=good.pk).attempts == 1


def test_a_rate_limited_job_waits_for_the_reset(worker, brand, owner, x_live):
    add_fault(platform="x", kind="status", scope="publish", options={"status": 429})
    post = post_create(brand=brand, author=owner, text="Patience", targets=[x_live.pk])
    post_publish_now(post=post, actor=owner)

    _wait_for(lambda: _statuses()[post.jobs.get().pk] == S.RETRYING, tick=False)

    job = post.jobs.get()
    # The sandbox's 429 carried x-rate-limit-reset = now + 15 min; the backoff (1-2 s here)
    # must not win over it.
    assert job.next_attempt_at >= timezone.now() + timedelta(minutes=14)
    assert not SandboxPost.objects.exists()


def test_reconcile_after_timeout_after_accepted_does_not_post_twice(worker, brand, owner, x_live):
    add_fault(
        platform="x", kind="accepted_timeout", scope="publish",
        options={"seconds": READ_TIMEOUT + 2},
    )  # fmt: skip
    post = post_create(brand=brand, author=owner, text="Exactly once", targets=[x_live.pk])
    post_publish_now(post=post, actor=owner)

    _wait_for(_all(S.PUBLISHED))

    assert SandboxPost.objects.filter(text="Exactly once").count() == 1
    assert not SandboxRequest.objects.filter(endpoint="tweets_create", status=403).exists()
    attempts = list(post.jobs.get().attempt_rows.values_list("kind", "outcome"))
    assert attempts[0] == ("publish", "unknown") and attempts[-1] == ("reconcile", "found")
    # On a loaded machine a lookup may itself time out and be tried again; none may have
    # come back empty (that would have sent the post again).
    assert set(attempts[1:-1]) <= {("reconcile", "lookup_failed")}


def _poll(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _beat_in_background():
    """Beat in a thread, every half second, while the test does something else."""
    stop = threading.Event()

    def beat():
        while not stop.is_set():
            try:
                _tick()
            except Exception as error:  # keep ticking, like Beat would on its next run
                print("tick failed:", error)
            time.sleep(0.5)
        db_connection.close()

    ticker = threading.Thread(target=beat, daemon=True)
    ticker.start()

    def halt() -> None:
        stop.set()
        ticker.join(timeout=30)

    return halt


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_killing_the_worker_mid_publish_loses_nothing_and_posts_nothing_twice(
    needs_services, sandbox, beat_settings, brand, owner, x_live, monkeypatch
):
    """Twenty SIGKILLs, each landing while a publish is in flight. About 1-2 minutes on 2
    cores; deselect with -m "not slow"."""
    # Hundreds of posts from one account: lift the sandbox's 100-per-15-minutes limit.
    monkeypatch.setenv("SANDBOX_X_TWEETS_PER_WINDOW", "100000")
    jobs_total, kills = 240, 20
    running = Worker(sandbox)
    running.purge()
    # Most of a job's time is then spent inside the call to X, where a kill hurts most.
    add_fault(platform="x", kind="latency", scope="publish", count=10**6, options={"seconds": 0.1})
    for i in range(jobs_total):
        post = post_create(brand=brand, author=owner, text=f"soak #{i}", targets=[x_live.pk])
        post_publish_now(post=post, actor=owner)

    def claimed_since(moment):
        # A lease is set at the claim: claim time + LEASE_SECONDS.
        after = moment + timedelta(seconds=LEASE_SECONDS)
        return PublishJob.objects.filter(status=S.PUBLISHING, lease_expires_at__gt=after)

    orphaned: set[int] = set()
    landed = 0
    halt_beat = _beat_in_background()
    try:
        running.start()
        last_kill = timezone.now() - timedelta(hours=1)
        for _ in range(kills * 3):
            if landed == kills:
                break
            # The pool is up and busy: a job claimed since the last kill is in flight.
            assert _poll(lambda: claimed_since(last_kill).exists(), timeout=120), "no claim"
            time.sleep(random.uniform(0, 0.3))
            running.kill_pool()
            last_kill = timezone.now()
            # Jobs the dead processes had claimed stay `publishing` until their lease runs out
            # (LEASE_SECONDS, longer than this loop takes to notice them).
            stranded = set(
                PublishJob.objects.filter(
                    status=S.PUBLISHING,
                    lease_expires_at__lte=last_kill + timedelta(seconds=LEASE_SECONDS),
                ).values_list("id", flat=True)
            )
            landed += bool(stranded - orphaned)
            orphaned |= stranded
        assert landed == kills, f"only {landed} kills landed mid-publish"
        halt_beat()
        _wait_for(_all(S.PUBLISHED), timeout=480)
    finally:
        halt_beat()
        running.kill(signal.SIGTERM)

    texts = list(SandboxPost.objects.values_list("text", flat=True))
    assert len(texts) == jobs_total == len(set(texts))
    # Not even an attempt to send again: X would have answered 403 duplicate.
    assert not SandboxRequest.objects.filter(endpoint="tweets_create", status=403).exists()
    # Every job a kill stranded was found stuck by the reaper and settled by a reconcile.
    reaped = set(
        JobEvent.objects.filter(status=S.RECONCILING, error_code="lease_expired").values_list(
            "job_id", flat=True
        )
    )
    assert orphaned <= reaped
