"""Webhook fixtures: accounts connected with live sandbox tokens, jobs already published to
them, and the one step a worker would run.

Deliveries go over real HTTP: the sandbox (sandbox/webhooks/sender.py) signs them with the
sandbox apps' secrets and POSTs them to the live server's /webhooks/... endpoints. The view
enqueues processing after commit (to the test's broker, where no worker listens); the tests
then run the Celery task function directly in the test thread (`process_pending`), which is
exactly what a worker does, without CELERY_TASK_ALWAYS_EAGER."""

from __future__ import annotations

import pytest

from publishing.models import JobStatus, Post, PublishJob
from sandbox import identities
from tests.sandbox_accounts import sandbox_connection
from webhooks.models import WebhookDelivery
from webhooks.tasks import process_delivery, run_data_deletion

PAGE_ID = identities.FACEBOOK_PAGES[0]["id"]
FB_USER_ID = identities.FACEBOOK_USER["id"]
IG_ACCOUNT_ID = identities.INSTAGRAM_ACCOUNT["user_id"]
IG_APP_SCOPED_ID = identities.INSTAGRAM_ACCOUNT["id"]


def facebook_connection(brand):
    # What the Facebook provider should record at connect time: the granting user's id
    # (see the report: connections/providers/facebook does not store it yet).
    return sandbox_connection(brand, "facebook", extra={"user_id": FB_USER_ID})


def instagram_connection(brand):
    return sandbox_connection(brand, "instagram", extra={"app_scoped_id": IG_APP_SCOPED_ID})


@pytest.fixture
def fb_live(sandbox, brand):
    return facebook_connection(brand)


@pytest.fixture
def ig_live(sandbox, brand):
    return instagram_connection(brand)


def published_job(connection, platform_post_id: str, text: str = "Fresh roast today"):
    """A post the pipeline already published to `connection` (as the publishing tests leave
    one), with the platform's post id."""
    post = Post.objects.create(brand=connection.brand, text=text)
    return PublishJob.objects.create(
        post=post,
        brand=connection.brand,
        connection=connection,
        platform=connection.platform,
        status=JobStatus.PUBLISHED,
        platform_post_id=platform_post_id,
    )


def process_pending() -> list[str]:
    """Run the processing task for every verified event delivery not processed yet, oldest
    first, as the worker would; returns the outcomes."""
    pending = WebhookDelivery.objects.filter(
        kind="event", signature_valid=True, processing_runs__isnull=True
    ).order_by("id")
    return [process_delivery(delivery_id=pk) for pk in pending.values_list("id", flat=True)]


def run_deletion(request_id: int) -> str:
    return run_data_deletion(request_id=request_id)
