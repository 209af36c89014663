"""Staff see synced metrics read-only, with a fixed number of queries, and can ask for a sync."""

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.models import PostMetrics, SyncCursor
from analytics.services import schedule
from tests.sandbox_accounts import sandbox_connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("staff", "s@example.com", "pw-staff-1")


def _rows(connection, n, start=0):
    PostMetrics.objects.bulk_create(
        PostMetrics(brand=connection.brand, connection=connection, platform="x",
                    platform_post_id=str(start + i), posted_at=timezone.now(), likes=i,
                    fetched_at=timezone.now())
        for i in range(n)
    )  # fmt: skip


def test_post_metrics_list_is_read_only_with_a_fixed_query_count(client, staff, brand):
    connection = sandbox_connection(brand, "x")
    client.force_login(staff)
    _rows(connection, 5)
    with CaptureQueriesContext(db) as few:
        assert client.get("/admin/analytics/postmetrics/").status_code == 200
    _rows(connection, 50, start=100)
    with CaptureQueriesContext(db) as many:
        response = client.get("/admin/analytics/postmetrics/")

    assert response.status_code == 200 and b"Add post metrics" not in response.content
    assert len(many) == len(few)
    row = PostMetrics.objects.first()
    assert client.post(f"/admin/analytics/postmetrics/{row.pk}/change/", {}).status_code == 403


def test_sync_now_makes_a_scheduled_cursor_due_but_not_one_waiting_for_a_reset(
    client, staff, brand
):
    scheduled = sandbox_connection(brand, "x")
    limited = sandbox_connection(brand, "x", account_id="2", subject="2")
    schedule.cursors_create_missing()
    later = timezone.now() + timezone.timedelta(hours=3)
    SyncCursor.objects.filter(connection=scheduled).update(next_allowed_at=later)
    SyncCursor.objects.filter(connection=limited).update(next_allowed_at=later,
                                                         last_outcome="partial")  # fmt: skip
    client.force_login(staff)

    response = client.post("/admin/analytics/synccursor/", {
        "action": "sync_now", "_selected_action": list(
            SyncCursor.objects.values_list("pk", flat=True))})  # fmt: skip

    assert response.status_code == 302
    assert schedule.cursors_due() == [scheduled.pk]
