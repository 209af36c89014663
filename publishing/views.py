"""Server-rendered pages: thin, brand-scoped through the one selector."""

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from publishing import composer, selectors
from publishing.models import JobEvent, MediaAsset
from tenancy.selectors import brand_for_user


@login_required
def post_list(request, brand_id):
    brand = brand_for_user(user=request.user, brand_id=brand_id)
    posts = list(selectors.posts_for_brand(brand=brand)[:100])
    for post in posts:
        post.derived_status = selectors.post_status_of(post)
    _attach_engagement(brand, posts)
    controls = composer.list_controls(brand=brand, posts=posts)
    # The page shows state as of this event; the socket replays anything after it.
    last_event_id = JobEvent.objects.filter(brand=brand).aggregate(m=Max("id"))["m"] or 0
    return render(
        request,
        "publishing/post_list.html",
        {"brand": brand, "posts": posts, "last_event_id": last_event_id, **controls},
    )


METRIC_LABELS = (
    ("views", "views"), ("reach", "reach"), ("likes", "likes"), ("comments", "comments"),
    ("shares", "shares"), ("saves", "saves"), ("clicks", "clicks"),
    ("video_views", "video views"),
)  # fmt: skip


def _attach_engagement(brand, posts) -> None:
    """Each published job gets its latest synced metrics (only those the platform reports:
    NULL is "not reported", never shown as 0) and the comments/mentions webhooks brought."""
    from analytics.selectors import latest_for_jobs
    from webhooks.selectors import activity_counts

    jobs = [job for post in posts for job in post.jobs.all()]
    ids = [job.pk for job in jobs if job.platform_post_id]
    metrics = latest_for_jobs(brand=brand, job_ids=ids) if ids else {}
    activity = activity_counts(brand=brand, job_ids=ids) if ids else {}
    for job in jobs:
        row = metrics.get(job.pk)
        job.metric_pairs = [
            (label, getattr(row, field))
            for field, label in METRIC_LABELS
            if row is not None and getattr(row, field) is not None
        ]
        job.metrics_at = row.fetched_at if row is not None else None
        job.webhook_activity = activity.get(job.pk, {})


@require_GET
def media_file(request, name):
    """An uploaded asset at its public URL (platforms fetch images from here). Only files that
    are MediaAssets are served, with the type recorded at upload; names are random."""
    asset = MediaAsset.objects.filter(file=name).only("file", "mime").first()
    if asset is None:
        raise Http404("No such media.")
    try:
        handle = asset.file.open("rb")
    except FileNotFoundError:
        raise Http404("No such media.") from None
    response = FileResponse(handle, content_type=asset.mime)
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
