"""Admin actions go through the publishing services, so they are audited like the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import ActionLog
from publishing.models import JobEvent, JobStatus, PublishJob
from tests.audit.conftest import bulk_jobs, make_connection

pytestmark = pytest.mark.django_db


def _act(client, action: str, ids: list[int]):
    return client.post(
        reverse("admin:publishing_publishjob_changelist"),
        {"action": action, "_selected_action": [str(i) for i in ids]},
        follow=True,
    )


def test_retry_action_requeues_a_failed_job_and_records_who_did_it(
    staff_client, staff, brand, owner
):
    x = make_connection(brand)
    bulk_jobs(brand, x, owner, 1, status=JobStatus.FAILED)
    job = PublishJob.objects.get()

    response = _act(staff_client, "retry_jobs", [job.pk])

    assert response.status_code == 200
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    log = ActionLog.objects.get(action="job.retry")
    assert (log.actor, log.target_id, log.ip_address) == (staff, str(job.pk), "127.0.0.1")
    assert JobEvent.objects.filter(job=job, status="queued", actor=staff).exists()


def test_cancel_action_cancels_a_scheduled_job_and_refuses_a_published_one(
    staff_client, brand, owner
):
    x = make_connection(brand)
    bulk_jobs(brand, x, owner, 1, status=JobStatus.SCHEDULED)
    bulk_jobs(brand, x, owner, 1, status=JobStatus.PUBLISHED)
    scheduled, published = PublishJob.objects.order_by("id")

    response = _act(staff_client, "cancel_jobs", [scheduled.pk, published.pk])

    scheduled.refresh_from_db()
    published.refresh_from_db()
    assert (scheduled.status, published.status) == (JobStatus.CANCELLED, JobStatus.PUBLISHED)
    assert list(
        ActionLog.objects.filter(action__startswith="job.").values_list("action", "target_id")
    ) == [("job.cancel", str(scheduled.pk))]
    assert f"#{published.pk}: A published job cannot be cancelled." in response.content.decode()


def test_disconnect_action_goes_through_the_connections_service(staff_client, staff, brand):
    from connections.models import ConnectionStatus, PlatformConnection

    # given a connection whose tokens are already gone (nothing to revoke at the platform)
    x = make_connection(brand, access_token="", refresh_token="")

    staff_client.post(
        reverse("admin:connections_platformconnection_changelist"),
        {"action": "disconnect_connections", "_selected_action": [str(x.pk)]},
        follow=True,
    )

    x = PlatformConnection.objects.get(pk=x.pk)
    assert x.status == ConnectionStatus.REVOKED
    log = ActionLog.objects.get(action="connection.disconnected")
    assert (log.actor, log.target_id) == (staff, str(x.pk))


def test_connection_admin_never_shows_a_token(staff_client, brand):
    x = make_connection(brand, access_token="secret-access-AAA", refresh_token="secret-refresh-BBB")
    for url in (
        reverse("admin:connections_platformconnection_changelist"),
        reverse("admin:connections_platformconnection_change", args=[x.pk]),
    ):
        body = staff_client.get(url).content.decode()
        assert "secret-access-AAA" not in body and "secret-refresh-BBB" not in body
