"""Group sends from sync code (Celery workers, beat's dispatcher, sync views).

`async_to_sync(layer.group_send)` runs each call on a fresh event loop, and channels_redis
keeps its Redis connections per loop, so every push paid for a new loop, a new thread and a
new Redis connection: 2.7 ms of a worker's time, twice per published job. Each process keeps
one loop in a daemon thread for its pushes instead (0.3 ms a push; docs/PERFORMANCE.md).

The in-memory layer is the exception: it reaches only consumers of this process, whose queues
belong to the server's loop, so it is still called through async_to_sync.
"""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import TimeoutError as FutureTimeout

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer

TIMEOUT_SECONDS = 5.0

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_loop_pid: int | None = None


def _push_loop() -> asyncio.AbstractEventLoop:
    """This process's push loop, started on first use (a forked child starts its own: the
    parent's thread did not survive the fork)."""
    global _loop, _loop_pid
    with _lock:
        if _loop is None or _loop_pid != os.getpid() or _loop.is_closed():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="channel-push", daemon=True).start()
            _loop, _loop_pid = loop, os.getpid()
        return _loop


def group_send(layer, group: str, message: dict, *, timeout: float = TIMEOUT_SECONDS) -> None:
    """Send and wait until the layer has it (raises what the layer raised, or TimeoutError)."""
    if isinstance(layer, InMemoryChannelLayer):
        async_to_sync(layer.group_send)(group, message)
        return
    future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), _push_loop())
    try:
        future.result(timeout)
    except FutureTimeout:
        future.cancel()
        raise TimeoutError(f"group_send to {group} took over {timeout} s") from None
