"""The publishing API: role matrix, brand isolation, schedules, cancel and retry rules."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import ActionLog
from publishing.models import JobStatus, Post, PublishJob

S = JobStatus


def _url(brand, tail=""):
    return f"/api/v1/brands/{brand.pk}/{tail}"


def _future(hours=2):
    return (timezone.now() + timedelta(hours=hours)).isoformat()


@pytest.mark.parametrize(
    "role,read,write",
    [
        ("owner", 200, 201),
        ("admin", 200, 201),
        ("editor", 200, 201),
        ("viewer", 200, 403),
        ("outsider", 404, 404),
    ],
)
def test_the_role_matrix_governs_reading_and_writing_posts(
    users, api_client_for, brand, x_connection, role, read, write
):
    client = api_client_for(users[role])

    listed = client.get(_url(brand, "posts/"))
    created = client.post(
        _url(brand, "posts/"), {"text": "Hi", "targets": [x_connection.pk]}, format="json"
    )

    assert listed.status_code == read
    assert created.status_code == write
    assert Post.objects.filter(brand=brand).count() == (1 if write == 201 else 0)


def test_another_brands_post_and_job_are_404(make_post, outsider, api_client_for, brand):
    post = make_post()
    job = post.jobs.get()
    client = api_client_for(outsider)
    own_brand = outsider.memberships.get().brand

    assert client.get(_url(own_brand, f"posts/{post.pk}/")).status_code == 404
    assert client.get(_url(own_brand, f"jobs/{job.pk}/")).status_code == 404
    assert client.post(_url(own_brand, f"jobs/{job.pk}/cancel/")).status_code == 404
    assert PublishJob.objects.get(pk=job.pk).status == S.DRAFT


def test_a_naive_schedule_is_a_400_naming_the_field(editor, api_client_for, brand, x_connection):
    response = api_client_for(editor).post(
        _url(brand, "posts/"),
        {"text": "Hi", "targets": [x_connection.pk], "scheduled_at": "2030-01-01T09:00:00"},
        format="json",
    )

    assert response.status_code == 400
    assert "scheduled_at" in response.json()["details"]
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "when,code",
    [(-1, "schedule_in_past"), (24 * 400, "schedule_too_far")],
)
def test_a_schedule_in_the_past_or_beyond_the_horizon_is_refused(
    editor, api_client_for, brand, x_connection, when, code
):
    response = api_client_for(editor).post(
        _url(brand, "posts/"),
        {"text": "Hi", "targets": [x_connection.pk], "scheduled_at": _future(when)},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == code


def test_a_scheduled_post_is_stored_in_utc_and_shown_in_the_brand_timezone(
    editor, api_client_for, brand, x_connection
):
    day = (timezone.now() + timedelta(days=30)).date().isoformat()
    response = api_client_for(editor).post(
        _url(brand, "posts/"),
        {"text": "Hi", "targets": [x_connection.pk], "scheduled_at": f"{day}T09:00:00+02:00"},
        format="json",
    )

    body = response.json()
    assert response.status_code == 201, body
    assert body["status"] == "scheduled"
    assert datetime.fromisoformat(body["scheduled_at"]) == datetime.fromisoformat(
        f"{day}T07:00:00+00:00"
    )
    paris = datetime.fromisoformat(f"{day}T07:00:00+00:00").astimezone(ZoneInfo("Europe/Paris"))
    assert body["scheduled_at_local"] == paris.isoformat()
    job = PublishJob.objects.get(post_id=body["id"])
    assert job.status == S.SCHEDULED
    assert job.next_attempt_at == datetime.fromisoformat(f"{day}T07:00:00+00:00")


def test_a_job_being_published_cannot_be_cancelled(make_post, editor, api_client_for, brand):
    job = make_post().jobs.get()
    PublishJob.objects.filter(pk=job.pk).update(status=S.PUBLISHING)

    response = api_client_for(editor).post(_url(brand, f"jobs/{job.pk}/cancel/"))

    assert response.status_code == 409
    assert response.json()["code"] == "job_in_progress"
    assert PublishJob.objects.get(pk=job.pk).status == S.PUBLISHING


def test_cancelling_a_scheduled_job_is_audited(make_post, editor, api_client_for, brand):
    post = make_post(scheduled_at=timezone.now() + timedelta(hours=1))
    job = post.jobs.get()

    response = api_client_for(editor).post(_url(brand, f"jobs/{job.pk}/cancel/"))

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert ActionLog.objects.filter(action="job.cancel", target_id=str(job.pk)).exists()
    assert [e["status"] for e in response.json()["events"]] == ["scheduled", "cancelled"]


def test_retrying_a_post_requeues_only_its_failed_targets(
    make_post,
    x_connection,
    second_connection,
    editor,
    api_client_for,
    brand,
    django_capture_on_commit_callbacks,
):
    post = make_post(targets=[x_connection, second_connection])
    done, failed = post.jobs.order_by("id")
    PublishJob.objects.filter(pk=done.pk).update(status=S.PUBLISHED)
    PublishJob.objects.filter(pk=failed.pk).update(status=S.FAILED, attempts=6)

    with django_capture_on_commit_callbacks(execute=False):
        response = api_client_for(editor).post(_url(brand, f"posts/{post.pk}/retry/"))

    assert response.status_code == 200
    statuses = dict(PublishJob.objects.values_list("id", "status"))
    assert statuses == {done.pk: S.PUBLISHED, failed.pk: S.QUEUED}


def test_only_drafts_can_be_deleted(make_post, editor, api_client_for, brand):
    draft = make_post()
    scheduled = make_post(scheduled_at=timezone.now() + timedelta(hours=1))
    client = api_client_for(editor)

    assert client.delete(_url(brand, f"posts/{scheduled.pk}/")).status_code == 409
    assert client.delete(_url(brand, f"posts/{draft.pk}/")).status_code == 204
    assert list(Post.objects.values_list("id", flat=True)) == [scheduled.pk]


def test_editing_is_refused_once_a_job_is_queued(make_post, editor, api_client_for, brand):
    post = make_post(scheduled_at=timezone.now() + timedelta(hours=1))
    PublishJob.objects.filter(post=post).update(status=S.QUEUED)

    response = api_client_for(editor).patch(
        _url(brand, f"posts/{post.pk}/"), {"text": "changed"}, format="json"
    )

    assert response.status_code == 409
    assert Post.objects.get(pk=post.pk).text == "Hello world"


def test_rescheduling_moves_the_due_time_of_scheduled_jobs(
    make_post, editor, api_client_for, brand
):
    post = make_post(scheduled_at=timezone.now() + timedelta(hours=1))

    day = (timezone.now() + timedelta(days=40)).date().isoformat()

    response = api_client_for(editor).patch(
        _url(brand, f"posts/{post.pk}/"), {"scheduled_at": f"{day}T12:00:00Z"}, format="json"
    )

    assert response.status_code == 200, response.json()
    job = post.jobs.get()
    assert job.next_attempt_at.isoformat() == f"{day}T12:00:00+00:00"


def test_jobs_can_be_filtered_by_status_and_platform(
    make_post, viewer, api_client_for, brand, x_connection, second_connection
):
    post = make_post(targets=[x_connection, second_connection])
    first, _ = post.jobs.order_by("id")
    PublishJob.objects.filter(pk=first.pk).update(status=S.FAILED)
    client = api_client_for(viewer)

    failed = client.get(_url(brand, "jobs/?status=failed")).json()["results"]
    on_x = client.get(_url(brand, f"jobs/?platform=x&connection={second_connection.pk}")).json()

    assert [j["id"] for j in failed] == [first.pk]
    assert [j["connection_id"] for j in on_x["results"]] == [second_connection.pk]


def test_media_upload_stores_the_file_and_gives_a_public_url(editor, api_client_for, brand):
    image = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg")

    response = api_client_for(editor).post(
        _url(brand, "media/"), {"file": image, "alt_text": "A cup"}, format="multipart"
    )

    body = response.json()
    assert response.status_code == 201, body
    assert body["kind"] == "image" and body["size_bytes"] == 103
    assert body["public_url"].startswith("http") and body["public_url"].endswith(".jpg")


def test_the_openapi_schema_documents_the_publishing_api(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/v1/brands/{brand_id}/posts/{post_id}/publish/" in response.content
