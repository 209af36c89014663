"""The live job stream: in order, replayable from a last event id, and closed to outsiders."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.authtoken.models import Token

from config.asgi import application
from publishing import state
from publishing.models import JobStatus, PublishJob

S = JobStatus
pytestmark = pytest.mark.django_db(transaction=True)


def _communicator(user, brand_id, query=""):
    token, _ = Token.objects.get_or_create(user=user)
    url = f"/ws/brands/{brand_id}/jobs/?token={token.key}{query}"
    return WebsocketCommunicator(application, url, headers=[(b"origin", b"http://testserver")])


def _walk(job_id, steps):
    events = []
    previous = PublishJob.objects.get(pk=job_id).status
    for status in steps:
        events.append(state.transition(job_id, expected=previous, to=status))
        previous = status
    return events


def test_events_arrive_in_order_as_jobs_move(make_post, viewer, brand):
    job = make_post().jobs.get()
    communicator = _communicator(viewer, brand.pk)

    async def scenario():
        connected, _ = await communicator.connect()
        assert connected
        await database_sync_to_async(_walk)(job.pk, [S.QUEUED, S.PUBLISHING, S.PUBLISHED])
        received = [await communicator.receive_json_from(timeout=5) for _ in range(3)]
        await communicator.disconnect()
        return received

    received = async_to_sync(scenario)()

    assert [m["status"] for m in received] == ["queued", "publishing", "published"]
    assert [m["event_id"] for m in received] == sorted(m["event_id"] for m in received)
    assert {m["job_id"] for m in received} == {job.pk}
    assert received[0]["post_id"] == job.post_id and received[0]["platform"] == "x"


def test_a_reconnect_with_the_last_event_id_receives_only_what_it_missed(make_post, viewer, brand):
    job = make_post().jobs.get()
    first, second, third = _walk(job.pk, [S.QUEUED, S.PUBLISHING, S.FAILED])
    communicator = _communicator(viewer, brand.pk, f"&last_event_id={first.pk}")

    async def scenario():
        connected, _ = await communicator.connect()
        assert connected
        received = [await communicator.receive_json_from(timeout=5) for _ in range(2)]
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()
        return received

    received = async_to_sync(scenario)()

    assert [m["event_id"] for m in received] == [second.pk, third.pk]
    assert received[1]["status"] == "failed"


def test_an_outsider_is_refused(make_post, outsider, brand):
    communicator = _communicator(outsider, brand.pk)

    async def scenario():
        connected, _ = await communicator.connect()
        return connected

    assert async_to_sync(scenario)() is False


def test_an_anonymous_socket_is_refused(brand):
    communicator = WebsocketCommunicator(
        application, f"/ws/brands/{brand.pk}/jobs/", headers=[(b"origin", b"http://testserver")]
    )

    async def scenario():
        connected, _ = await communicator.connect()
        return connected

    assert async_to_sync(scenario)() is False
