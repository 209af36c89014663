"""Live job status: `/ws/brands/<brand_id>/jobs/[?last_event_id=N]`.

Design: the stored JobEvent rows are the stream; the channel layer is only a doorbell.
Every send reads `JobEvent WHERE brand = ? AND id > last_sent ORDER BY id` and advances
`last_sent`, under one lock per socket. So:

- order is the event-id order, with no gaps and no duplicates, whatever order or how many
  doorbell messages arrive (several events can share one ring);
- a reconnect with `last_event_id` replays exactly what was missed (the same read);
- with Redis, state.broadcast_many rings the brand's group after each commit, from any
  process (web, worker, beat);
- in the embedded mode (no REDIS_URL) the channel layer is in-memory and cannot hear the
  worker process, so the socket also polls the table once a second. One indexed query per
  socket per second is cheap at the scale the embedded mode serves; with Redis there is no
  polling at all.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from publishing.selectors import events_after
from publishing.state import group_name
from tenancy.permissions import Action
from tenancy.selectors import brand_for_user

POLL_SECONDS = 1.0


class JobEventsConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.brand_id: int | None = None
        self.poller: asyncio.Task | None = None
        try:
            brand = await database_sync_to_async(brand_for_user)(
                user=self.scope.get("user"),
                brand_id=self.scope["url_route"]["kwargs"]["brand_id"],
                action=Action.VIEW,
            )
        except (Http404, PermissionDenied):
            await self.close(code=4403)  # refused before the handshake completes
            return
        self.brand_id = brand.pk
        self.last_sent = self._last_event_id_from_query()
        self.lock = asyncio.Lock()
        await self.channel_layer.group_add(group_name(brand.pk), self.channel_name)
        await self.accept()
        await self.flush()  # replay what was missed (or nothing, for a fresh client)
        if not settings.REDIS_URL:
            self.poller = asyncio.create_task(self._poll())

    def _last_event_id_from_query(self) -> int:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        try:
            return max(int((query.get("last_event_id") or ["0"])[0]), 0)
        except ValueError:
            return 0

    async def disconnect(self, code: int) -> None:
        if self.poller is not None:
            self.poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.poller
        if self.brand_id is not None:
            await self.channel_layer.group_discard(group_name(self.brand_id), self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        """Clients only listen; a message is treated as a request to flush."""
        await self.flush()

    async def job_event(self, message: dict) -> None:
        """The doorbell from state.broadcast_many."""
        await self.flush()

    async def flush(self) -> None:
        async with self.lock:
            while True:
                events = await database_sync_to_async(events_after)(
                    brand_id=self.brand_id, after_id=self.last_sent
                )
                for event in events:
                    await self.send_json(event)
                    self.last_sent = event["event_id"]
                if len(events) < 200:
                    return

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            await self.flush()
