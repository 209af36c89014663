"""The one HTTP helper every provider uses: a requests.Session per provider, explicit
connect/read timeouts, transport failures mapped onto the closed error set, and log lines
that carry method, host, path, status and duration only (never a query string, a body or a
header, where tokens live)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
import structlog
from django.conf import settings
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from connections.providers.base import Transient, Unknown

log = structlog.get_logger(__name__)

_SESSIONS: dict[str, requests.Session] = {}


def session_for(slug: str) -> requests.Session:
    """One pooled session per provider for the process."""
    if slug not in _SESSIONS:
        session = requests.Session()
        session.headers["User-Agent"] = "brandpost/1.0"
        _SESSIONS[slug] = session
    return _SESSIONS[slug]


def _never_sent(exc: requests.ConnectionError) -> bool:
    """True when the connection failed before any byte of the request went out."""
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


class Http:
    def __init__(self, slug: str, raise_for_response: Callable[[requests.Response], None]):
        self.slug = slug
        self.raise_for_response = raise_for_response

    def request(
        self,
        method: str,
        url: str,
        *,
        bearer: str | None = None,
        auth: tuple[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        files: Any = None,
    ) -> requests.Response:
        """Send, classify failures, return a 2xx response (anything else raises)."""
        all_headers = dict(headers or {})
        if bearer:
            all_headers["Authorization"] = f"Bearer {bearer}"
        parts = urlsplit(url)
        where = {"platform": self.slug, "method": method, "host": parts.netloc, "path": parts.path}
        timeout = (settings.PLATFORM_CONNECT_TIMEOUT, settings.PLATFORM_READ_TIMEOUT)
        started = time.monotonic()
        try:
            response = session_for(self.slug).request(
                method,
                url,
                params=params,
                data=data,
                json=json,
                headers=all_headers,
                auth=auth,
                files=files,
                timeout=timeout,
            )
        except requests.ConnectTimeout:
            log.warning("platform_request_failed", reason="connect_timeout", **where)
            raise Transient(f"{self.slug}: could not connect in time") from None
        except requests.ReadTimeout:
            # The request went out: the platform may have acted on it.
            log.warning("platform_request_failed", reason="read_timeout", **where)
            raise Unknown(
                f"{self.slug}: no answer in time; the request may have succeeded"
            ) from None
        except requests.ConnectionError as exc:
            if _never_sent(exc):
                log.warning("platform_request_failed", reason="connect_error", **where)
                raise Transient(f"{self.slug}: could not connect") from None
            log.warning("platform_request_failed", reason="connection_lost", **where)
            raise Unknown(f"{self.slug}: connection lost after sending") from None
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError):
            # The answer started (the platform acted on the request) and broke off mid-body.
            log.warning("platform_request_failed", reason="answer_cut_off", **where)
            raise Unknown(
                f"{self.slug}: the answer was cut off; the request may have succeeded"
            ) from None
        log.info(
            "platform_request",
            status=response.status_code,
            duration_ms=round((time.monotonic() - started) * 1000),
            **where,
        )
        if response.status_code >= 400:
            self.raise_for_response(response)
            # A hook that did not raise for an error status is a bug; never pass it on as data.
            raise Transient(f"{self.slug}: unexpected HTTP {response.status_code}")
        return response


def json_body(response: requests.Response) -> dict[str, Any]:
    """The body as a dict, or {} when it is not JSON (error pages, empty bodies)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {"data": body}
