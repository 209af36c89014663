"""Liveness of what the product depends on: the database, the Celery broker and the
channel layer. Each check raises on failure; `run_checks` turns that into a report."""

from __future__ import annotations

import asyncio
import os
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection

TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_broker() -> None:
    from config.celery import app

    if app.conf.broker_url.startswith("filesystem"):
        folder = app.conf.broker_transport_options["data_folder_in"]
        if not os.access(folder, os.W_OK):
            raise RuntimeError(f"broker folder {folder} is not writable")
        return
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
        conn.default_channel.client.ping()


async def _layer_roundtrip() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel("healthz.")
    marker = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz.ping", "marker": marker})
    message = await asyncio.wait_for(layer.receive(channel), TIMEOUT_SECONDS)
    if message.get("marker") != marker:
        raise RuntimeError("channel layer returned another message")


def check_channel_layer() -> None:
    async_to_sync(_layer_roundtrip)()


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "channel_layer": check_channel_layer,
}


def run_checks() -> tuple[bool, dict[str, str]]:
    report: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
            report[name] = "ok"
        except Exception as exc:  # any failure is "down"; the kind is enough for operators
            report[name] = f"error: {type(exc).__name__}"
    return all(v == "ok" for v in report.values()), report


def ensure_runtime_folders() -> None:
    """The filesystem broker needs its folders before any process publishes or consumes;
    whitenoise warns on every start when STATIC_ROOT is missing."""
    os.makedirs(settings.STATIC_ROOT, exist_ok=True)
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        for key in ("data_folder_in", "control_folder"):
            os.makedirs(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key], exist_ok=True)
