"""An EVENT post to Google Business Profile through a REAL Celery worker process (PostgreSQL +
Redis), against the sandbox over HTTP: the API creates and publishes, the worker sends."""

import pytest

from publishing.models import JobStatus
from sandbox.published.models import SandboxPost
from tests.publishing.test_worker_integration import (  # noqa: F401  (fixtures)
    _all,
    _wait_for,
    beat_settings,
    needs_services,
    worker,
)
from tests.sandbox_accounts import sandbox_connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.usefixtures("worker")
def test_an_event_post_is_published_by_the_worker(api_client_for, brand, owner):
    google = sandbox_connection(brand, "google_business")
    api = api_client_for(owner)
    created = api.post(
        f"/api/v1/brands/{brand.pk}/posts/",
        {
            "text": "Cupping session with our roaster.",
            "targets": [google.pk],
            "link": "https://acme.example/cupping",
            "google_post_type": "EVENT",
            "google_details": {
                "title": "Cupping session", "start": "2026-09-12T10:00",
                "end": "2026-09-12T12:00", "cta_type": "SIGN_UP",
            },
        },
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()

    published = api.post(f"/api/v1/brands/{brand.pk}/posts/{created.json()['id']}/publish/")
    assert published.status_code == 200, published.json()

    _wait_for(_all(JobStatus.PUBLISHED), tick=False)  # enqueued on commit, no Beat needed
    sent = SandboxPost.objects.get(platform="google_business")
    assert sent.kind == "EVENT"
    assert sent.payload["event"]["title"] == "Cupping session"
    assert sent.payload["event"]["schedule"]["startTime"] == {
        "hours": 10, "minutes": 0, "seconds": 0, "nanos": 0,
    }  # fmt: skip
    assert sent.payload["callToAction"] == {
        "actionType": "SIGN_UP",
        "url": "https://acme.example/cupping",
    }
    job = google.publish_jobs.get()
    assert job.platform_post_id == sent.post_id and job.permalink.startswith("https://local.")
