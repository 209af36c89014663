"""The compliance report: every post a brand published in a date range, one CSV row each,
streamed so a year of posts never sits in memory.

A post is in the range when at least one of its targets was published in it. Rows carry the
text, the targets with their permalinks and publish times, who created the post, and the
latest validation run stored for it (outcome, findings, and the policy version string, which
names the compliance packs and versions in force when it was checked). There is no approval
step in publishing yet, so there is no "approved by" column rather than an always-empty one.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from publishing.models import JobStatus, Post, PublishJob

CHUNK = 500
HEADER = [
    "post_id",
    "brand",
    "created_by",
    "created_at",
    "scheduled_at",
    "text",
    "targets",
    "permalinks",
    "published_at",
    "first_published_at",
    "validation_outcome",
    "validation_findings",
    "compliance_packs",
    "policy_version",
]


def day_range(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00 UTC, the day after `end` 00:00 UTC): both days included."""
    return (
        datetime.combine(start, time.min, tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )


def _published_jobs(since: datetime | None = None, until: datetime | None = None):
    jobs = PublishJob.objects.filter(status=JobStatus.PUBLISHED)
    if since is not None:
        jobs = jobs.filter(published_at__gte=since, published_at__lt=until)
    return jobs


def published_posts(*, brand, since: datetime, until: datetime) -> QuerySet[Post]:
    """Posts of `brand` with a target published in [since, until), oldest first."""
    in_range = _published_jobs(since, until).filter(post=OuterRef("pk"))
    return Post.objects.filter(brand=brand).filter(Exists(in_range)).order_by("id")


def _packs(policy_version: str) -> str:
    # policy_version reads "policy@<time>,<slug>@v<n>,...": the packs are every part but the
    # first.
    return ", ".join(part for part in policy_version.split(",")[1:] if part)


def _sanitize(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; prefix them so a post's text
    can never execute in the reader's spreadsheet."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _row(post: Post, run) -> list[str]:
    jobs = list(post.published_jobs)
    times = [j.published_at for j in jobs if j.published_at]
    findings = "; ".join(
        f"{f.get('rule')} ({f.get('severity')}): {f.get('message')}"
        for f in (run.findings if run else [])
        if isinstance(f, dict)
    )
    cells = [
        str(post.pk),
        post.brand.name,
        post.author.get_username() if post.author else "",
        post.created_at.isoformat(),
        post.scheduled_at.isoformat() if post.scheduled_at else "",
        post.text,
        "; ".join(
            f"{j.platform}:{j.connection.display_name or j.connection.account_id}" for j in jobs
        ),  # fmt: skip
        "; ".join(j.permalink for j in jobs if j.permalink),
        "; ".join(f"{j.platform}:{j.published_at.isoformat()}" for j in jobs if j.published_at),
        min(times).isoformat() if times else "",
        run.outcome if run else "not validated",
        findings,
        _packs(run.policy_version) if run else "",
        run.policy_version if run else "",
    ]
    return [_sanitize(c) for c in cells]


def _latest_runs(post_ids: list[int]) -> dict:
    try:
        from validation.models import ValidationRun
    except ImportError:
        return {}
    latest: dict[int, object] = {}
    for run in ValidationRun.objects.filter(post_id__in=post_ids).order_by("post_id", "created_at"):
        latest[run.post_id] = run  # later runs overwrite earlier ones
    return latest


def report_rows(posts: QuerySet[Post]) -> Iterator[list[str]]:
    """The header, then one row per post; reads posts in chunks of CHUNK with their published
    targets prefetched and one validation query per chunk."""
    yield HEADER
    qs = posts.select_related("brand", "author").prefetch_related(
        Prefetch(
            "jobs",
            queryset=_published_jobs().select_related("connection").order_by("id"),
            to_attr="published_jobs",
        )
    )
    batch: list[Post] = []
    for post in qs.iterator(chunk_size=CHUNK):
        batch.append(post)
        if len(batch) == CHUNK:
            yield from _batch_rows(batch)
            batch = []
    yield from _batch_rows(batch)


def _batch_rows(batch: list[Post]) -> Iterator[list[str]]:
    if not batch:
        return
    runs = _latest_runs([p.pk for p in batch])
    for post in batch:
        yield _row(post, runs.get(post.pk))


class _Echo:
    """csv.writer wants a file; this one hands each formatted line straight back."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow(row)


def report_filename(brand, since: date, until: date) -> str:
    return f"compliance-{brand.slug or brand.pk}-{since:%Y%m%d}-{until:%Y%m%d}.csv"
