"""core.channel_push: group sends from sync code reach the group's consumers, on one kept loop
per process, and a layer that is down fails the send instead of hanging."""

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer

from core import channel_push


def _subscribe(layer, group: str) -> str:
    async def join() -> str:
        channel = await layer.new_channel("test.")
        await layer.group_add(group, channel)
        return channel

    return async_to_sync(join)()


def test_pushes_from_sync_code_reach_the_group_in_order():
    layer = get_channel_layer()
    channel = _subscribe(layer, "push-test")

    for n in range(3):
        channel_push.group_send(layer, "push-test", {"type": "job.event", "event_id": n})

    async def drain() -> list[int]:
        return [(await layer.receive(channel))["event_id"] for _ in range(3)]

    assert async_to_sync(drain)() == [0, 1, 2]


def test_a_redis_layer_is_driven_from_one_kept_loop():
    layer = get_channel_layer()
    if not isinstance(layer, RedisChannelLayer):
        pytest.skip("the in-memory layer is called on the caller's loop")

    channel_push.group_send(layer, "push-test", {"type": "job.event", "event_id": 1})
    first = channel_push._push_loop()
    channel_push.group_send(layer, "push-test", {"type": "job.event", "event_id": 2})

    assert channel_push._push_loop() is first and first.is_running()


def test_an_unreachable_layer_raises_instead_of_hanging():
    # Nothing listens on port 1: a real connection failure.
    layer = RedisChannelLayer(hosts=["redis://127.0.0.1:1/0"])

    with pytest.raises(redis.exceptions.ConnectionError):
        channel_push.group_send(layer, "push-test", {"type": "job.event"}, timeout=5)
