"""Our own media bytes, streamed for the chunked uploads (X video and GIF, LinkedIn video), and
the settings that bound the wait for a platform to process them.

The asset is read from its URL one piece at a time, so memory stays at one chunk whatever the
file's size; a resumed upload reads past the bytes already sent (without keeping them) instead
of holding the whole file. Failing to read our own media is never the platform's fault: a
missing file is Rejected, a network failure is Transient (nothing was sent to the platform).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import requests
from django.conf import settings

from connections.providers import base as pb
from connections.providers.http import session_for

MiB = 1024 * 1024
_READ = 64 * 1024


def poll_max_seconds() -> float:
    """The longest single wait between processing-status reads (a platform's check_after_secs
    is capped to it): settings.PUBLISH_VIDEO_POLL_MAX_SECONDS."""
    return float(settings.PUBLISH_VIDEO_POLL_MAX_SECONDS)


def max_wait_seconds() -> float:
    """How long one attempt waits for processing before it gives up (Transient); the next
    attempt reads the same checkpointed upload again. Shared with the other video flows."""
    return float(settings.PUBLISH_VIDEO_MAX_WAIT_SECONDS)


class MediaStream:
    """Sequential reads of byte ranges from one open download."""

    def __init__(self, chunks: Iterator[bytes], size: int, where: str):
        # `where` names the platform and the URL in error messages.
        self.size = size
        self._chunks = chunks
        self._buffer = b""
        self._position = 0
        self._where = where

    def read_range(self, first: int, last: int) -> bytes:
        """Bytes first..last inclusive; ranges must come in increasing order."""
        if first < self._position:
            raise ValueError("ranges must be read in order")
        self._skip(first - self._position)
        return self._take(last - first + 1)

    def _next(self) -> bytes:
        try:
            piece = next(self._chunks, b"")
        except requests.RequestException:
            raise pb.Transient(f"{self._where} could not be read to the end") from None
        if not piece:
            raise pb.Transient(f"{self._where} ended before its {self.size} bytes")
        return piece

    def _skip(self, count: int) -> None:
        while count:
            if not self._buffer:
                self._buffer = self._next()
            dropped = min(count, len(self._buffer))
            self._buffer = self._buffer[dropped:]
            self._position += dropped
            count -= dropped

    def _take(self, count: int) -> bytes:
        out = bytearray()
        while len(out) < count:
            if not self._buffer:
                self._buffer = self._next()
            need = count - len(out)
            out += self._buffer[:need]
            self._buffer = self._buffer[need:]
        self._position += count
        return bytes(out)


def _file_chunks(handle: IO[bytes]) -> Iterator[bytes]:
    while piece := handle.read(_READ):
        yield piece


@contextmanager
def open_media(item: pb.MediaItem, *, platform: str) -> Iterator[MediaStream]:
    """Stream `item` from its URL. The size is the answer's Content-Length; an answer without
    one (a remote source that streams) is spooled to a temporary file first to learn it."""
    timeout = (settings.PLATFORM_CONNECT_TIMEOUT, settings.PLATFORM_READ_TIMEOUT)
    where = f"{platform}: media {item.url}"
    try:
        response = session_for("media").get(
            item.url, stream=True, timeout=timeout, headers={"Accept-Encoding": "identity"}
        )
    except requests.RequestException:
        raise pb.Transient(f"{where} could not be read") from None
    try:
        if response.status_code >= 500:
            raise pb.Transient(f"{where} could not be read ({response.status_code})")
        if response.status_code != 200:
            raise pb.Rejected(f"{where} could not be read ({response.status_code})")
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > 0:
            yield MediaStream(response.iter_content(_READ), int(length), where)
            return
        with tempfile.TemporaryFile() as spool:
            try:
                for piece in response.iter_content(_READ):
                    spool.write(piece)
            except requests.RequestException:
                raise pb.Transient(f"{where} could not be read to the end") from None
            size = spool.tell()
            if not size:
                raise pb.Rejected(f"{where} is empty")
            spool.seek(0)
            yield MediaStream(_file_chunks(spool), size, where)
    finally:
        response.close()
