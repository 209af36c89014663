"""One analytics run for one connection: walk a time window of the account's posts page by
page, store each page's metrics with the cursor after it, then the account's daily metrics,
and write one PlatformSyncRun.

- The first run is the 90-day backfill; later runs are incremental: they re-read the last
  REFRESH_DAYS (metrics keep moving for a while after a post goes out) and everything since
  the previous window ended, whichever reaches further back.
- Streaming: a page is fetched, upserted in bulk and checkpointed, then dropped; memory does
  not grow with the number of posts.
- A rate limit (the platform's 429 / throttle error, or our own stop near the limit) ends the
  run as "partial": the cursor already points after the last stored page, and the connection
  is not allowed again before the reset. The next run resumes the same window there.
- Network calls never run inside a transaction: fetch, then store (commit).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import structlog
from django.db.models import F
from django.utils import timezone

from analytics import platforms, selectors
from analytics.models import SyncCursor, SyncKind
from analytics.ratelimit import Throttle, resume_at
from analytics.services import schedule, store
from analytics.values import InsightsAccount, PostPage
from audit.services import record_sync_run
from connections.models import PlatformConnection
from connections.providers import base as pb
from connections.providers import get_provider

log = structlog.get_logger(__name__)
T = TypeVar("T")

BACKFILL_DAYS = 90
REFRESH_DAYS = 14
OVERLAP = timedelta(hours=1)  # posts can show up in a listing a little after their time
MAX_PAGES_PER_RUN = 500  # bounds a run's duration; a longer walk continues at the next sweep
OWN_POSTS_PAGE = 50  # our published posts per call, where the platform cannot list them
ACCOUNT_DAYS_PER_CALL = 30  # Instagram's account insights take at most 30 days per call


@dataclass
class RunResult:
    outcome: str  # "ok", "partial", "error", or "not_claimed"
    records: int = 0
    pages: int = 0
    lease: datetime | None = None  # our lease as last renewed (the cursor's claim token)


class _Budget(Exception):
    """This run used its page budget; the walk goes on at the next sweep."""


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def new_state(cursor: SyncCursor, *, now: datetime) -> dict[str, Any]:
    """The window the next run walks, fixed when it starts so a resumed run finishes it."""
    if cursor.backfill_done_at is None:
        kind, since = SyncKind.BACKFILL, now - timedelta(days=BACKFILL_DAYS)
    else:
        kind, since = SyncKind.INCREMENTAL, now - timedelta(days=REFRESH_DAYS)
        if cursor.synced_until is not None:
            since = min(since, cursor.synced_until - OVERLAP)
        since = max(since, now - timedelta(days=BACKFILL_DAYS))
    return {
        "kind": str(kind),
        "since": _iso(since),
        "until": _iso(now),
        "phase": "posts",
        "page": None,
        "pages_done": 0,
        "posts_done": 0,
        "day_from": since.date().isoformat(),
    }


class _Caller:
    """Runs insights calls with a valid token; on AuthExpired refreshes once and retries."""

    def __init__(self, connection: PlatformConnection):
        self.connection = connection
        self.token: pb.TokenSet | None = None

    def __call__(self, call: Callable[[pb.TokenSet], T]) -> T:
        from connections.services import get_valid_token

        if self.token is None:
            self.token = get_valid_token(self.connection)
        try:
            return call(self.token)
        except pb.AuthExpired:
            expires_at = self.token.expires_at
            if expires_at is None:
                raise pb.AuthRevoked(f"{self.connection.platform}: the token was refused") from None
            self.token = get_valid_token(
                self.connection,
                min_validity=expires_at - timezone.now() + timedelta(seconds=1),
            )
            return call(self.token)


def _account(connection: PlatformConnection) -> InsightsAccount:
    return InsightsAccount(
        account_id=connection.account_id,
        kind=connection.account_kind,
        extra=dict(connection.extra or {}),
    )


def sync_connection(
    *,
    connection_id: int,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> RunResult:
    """Run the connection's sync if it is due and nobody else runs it."""
    lease = schedule.cursor_claim(connection_id=connection_id, now=now)
    if lease is None:
        return RunResult("not_claimed")
    cursor = SyncCursor.objects.select_related("connection").get(connection_id=connection_id)
    connection = cursor.connection
    client = platforms.client_for(connection.platform)
    started = timezone.now()
    state = dict(cursor.state) or new_state(cursor, now=started)
    before = dict(state)
    throttle = Throttle(sleep=sleep)
    result = RunResult("ok", lease=lease)
    error: BaseException | None = None
    next_allowed: datetime | None = None
    try:
        if client is None:
            raise pb.Rejected(f"no insights client for {connection.platform}")
        _walk(connection, cursor.pk, client, state, throttle, result)
        next_allowed = timezone.now() + schedule.INCREMENTAL_EVERY
    except _Budget:
        result.outcome, next_allowed = "partial", timezone.now()
    except store.LeaseLost:
        # Our lease ran out and another worker runs this connection now: it owns the cursor
        # and writes the log row.
        log.warning("analytics_lease_lost", connection_id=connection_id)
        result.outcome = "not_claimed"
    except pb.RateLimited as exc:
        error, result.outcome = exc, "partial"
        next_allowed = resume_at(exc.retry_at)
    except pb.AuthRevoked as exc:
        from connections.services import mark_needs_reauth

        error, result.outcome = exc, "error"
        mark_needs_reauth(connection, exc)
        # Due at once, but the sweep only takes active connections: it runs when reconnected.
        next_allowed = timezone.now()
    except pb.ProviderError as exc:
        error, result.outcome = exc, "error"
    except Exception as exc:  # a bug: record it, free the cursor, let the task fail loudly
        error, result.outcome = exc, "error"
        raise
    finally:
        if result.outcome != "not_claimed":
            _finish(cursor, connection, state, before, started, throttle, result, error,
                    next_allowed)  # fmt: skip
    return result


def _walk(connection, cursor_id, client, state, throttle, result: RunResult) -> None:
    """Posts page by page, then account days chunk by chunk; `state` moves after each stored
    step, and `result` keeps the counts and the renewed lease."""
    provider = get_provider(connection.platform)
    call = _Caller(connection)
    account = _account(connection)
    since = datetime.fromisoformat(state["since"])
    until = datetime.fromisoformat(state["until"])
    while state["phase"] == "posts":
        if result.pages >= MAX_PAGES_PER_RUN:
            raise _Budget
        if getattr(client, "lists_posts", lambda _: True)(account):
            page = call(
                lambda token: client.page(
                    provider, token, account=account, since=since, until=until,
                    cursor=state["page"], observe=throttle,
                )
            )  # fmt: skip
        else:
            page = _own_posts_page(connection, client, call, provider, account, since, until,
                                   state["page"], throttle)  # fmt: skip
        state["page"] = page.next_cursor
        state["pages_done"] += 1
        state["posts_done"] += len(page.posts)
        if page.next_cursor is None:
            state["phase"] = "days" if client.ACCOUNT_DAILY else "done"
        new_lease = timezone.now() + schedule.LEASE
        result.records += store.store_posts(
            connection=connection, cursor_id=cursor_id, posts=page.posts, state=state,
            fetched_at=timezone.now(), lease=result.lease, new_lease=new_lease,
        )  # fmt: skip
        result.lease = new_lease
        result.pages += 1
        if page.stopped_by is not None:
            raise page.stopped_by
        if state["phase"] != "done":
            throttle.check()
    last_day = until.date()
    while state["phase"] == "days":
        first = date.fromisoformat(state["day_from"])
        chunk_end = min(first + timedelta(days=ACCOUNT_DAYS_PER_CALL - 1), last_day)
        days = call(
            lambda token, first=first, chunk_end=chunk_end: client.account_days(
                provider, token, account=account, since=first, until=chunk_end,
                observe=throttle,
            )
        )  # fmt: skip
        state["day_from"] = (chunk_end + timedelta(days=1)).isoformat()
        if chunk_end >= last_day:
            state["phase"] = "done"
        new_lease = timezone.now() + schedule.LEASE
        result.records += store.store_days(
            connection=connection, cursor_id=cursor_id, days=days, state=state,
            fetched_at=timezone.now(), lease=result.lease, new_lease=new_lease,
        )  # fmt: skip
        result.lease = new_lease
        result.pages += 1
        if state["phase"] != "done":
            throttle.check()


def _own_posts_page(connection, client, call, provider, account, since, until, cursor,
                    throttle) -> PostPage:  # fmt: skip
    """A page of the posts we published, for platforms that cannot list an account's posts;
    the cursor is the last job id read."""
    rows = selectors.published_posts_page(
        connection_id=connection.pk, since=since, until=until,
        after_job_id=int(cursor or 0), limit=OWN_POSTS_PAGE,
    )  # fmt: skip
    if not rows:
        return PostPage(posts=())
    refs = [(post_id, published_at) for _, post_id, published_at in rows]
    posts = call(
        lambda token: client.stats_for(
            provider, token, account=account, posts=refs, observe=throttle
        )
    )
    return PostPage(
        posts=tuple(posts), next_cursor=str(rows[-1][0]) if len(rows) == OWN_POSTS_PAGE else None
    )


def _finish(cursor, connection, state, before, started, throttle, result, error,
            next_allowed) -> None:  # fmt: skip
    """Release the lease, schedule the next run, write the sync log row."""
    finished = timezone.now()
    done = state.get("phase") == "done"
    updates: dict[str, Any] = {
        "leased_until": None,
        "last_outcome": result.outcome,
        "last_error": getattr(error, "message", "") or (type(error).__name__ if error else ""),
        "last_run_at": finished,
    }
    if done:
        updates.update(state={}, kind=SyncKind.INCREMENTAL, failures=0,
                       synced_until=datetime.fromisoformat(state["until"]))  # fmt: skip
        if state["kind"] == SyncKind.BACKFILL:
            updates["backfill_done_at"] = finished
    else:
        updates["kind"] = state["kind"]
    if result.outcome == "error" and next_allowed is None:
        updates["failures"] = F("failures") + 1
        next_allowed = finished + schedule.backoff(cursor.failures + 1)
    elif result.outcome != "error":
        updates["failures"] = 0
    updates["next_allowed_at"] = next_allowed
    SyncCursor.objects.filter(pk=cursor.pk, leased_until=result.lease).update(**updates)
    after = {k: v for k, v in state.items() if k != "kind"} if not done else {}
    record_sync_run(
        connection=connection,
        kind=f"analytics_{state['kind']}",
        started_at=started,
        finished_at=finished,
        records=result.records,
        outcome=result.outcome,
        error=error,
        details={
            "cursor_before": before,
            "cursor_after": after,
            "pages": result.pages,
            "next_allowed_at": next_allowed.isoformat() if next_allowed else None,
            **throttle.summary(),
        },
    )
    log.info(
        "analytics_sync_run",
        connection_id=connection.pk,
        outcome=result.outcome,
        records=result.records,
        pages=result.pages,
        error=getattr(error, "code", "") if error else "",
    )
