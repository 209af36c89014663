"""JSON-lines logging through structlog, with a redaction step every record passes.

Every line carries the request id (bound by core.middleware) or the task and job ids (bound
by config.celery). Redaction runs last, after exceptions are formatted, so neither a message,
a field nor a traceback can carry a token or a configured secret out.
"""

from __future__ import annotations

import logging
import re
import sys
from functools import cache
from typing import Any

import structlog

REDACTED = "[REDACTED]"

# Field names whose values are secrets whatever they look like.
_SECRET_FIELD = re.compile(
    r"^(?:.*_)?(?:token|secret|password|passwd|authorization|api_key|code_verifier|cookie|"
    r"signature|signed_request|code)$",
    re.IGNORECASE,
)
# key=value pairs in URLs, query strings and form bodies.
_SECRET_PAIR = re.compile(
    r"(?i)\b((?:access_token|refresh_token|id_token|client_secret|code_verifier|code|"
    r"fb_exchange_token|input_token|token|password|secret|signed_request)=)[^&\s\"',;]+"
)
_AUTH_HEADER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*")
# Long opaque strings with letters and digits: access tokens, Fernet ciphertext, JWT parts.
_OPAQUE = re.compile(r"[A-Za-z0-9\-_~+/]{32,}={0,2}")
_SETTING_NAME = re.compile(r"(SECRET|KEY|TOKEN|PASSWORD)", re.IGNORECASE)
# Request, task and job ids are UUIDs; they are what makes logs useful, not secrets.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


@cache
def _configured_secrets() -> tuple[str, ...]:
    """Values of every setting named like a secret (client secrets, keys, verify tokens)."""
    from django.conf import settings

    if not settings.configured:
        return ()
    found: set[str] = set()
    for name in dir(settings):
        if not name.isupper() or not _SETTING_NAME.search(name):
            continue
        value = getattr(settings, name, None)
        values = value if isinstance(value, list | tuple) else [value]
        found.update(v for v in values if isinstance(v, str) and len(v) >= 8)
    return tuple(sorted(found, key=len, reverse=True))


def reset_secret_cache() -> None:
    _configured_secrets.cache_clear()


def _opaque(match: re.Match) -> str:
    text = match.group(0)
    if _UUID.fullmatch(text):
        return text
    has_letter = any(c.isalpha() for c in text)
    has_digit = any(c.isdigit() for c in text)
    return REDACTED if has_letter and has_digit and "/" not in text.strip("/") else text


def redact_text(text: str) -> str:
    for secret in _configured_secrets():
        if secret in text:
            text = text.replace(secret, REDACTED)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _SECRET_PAIR.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    return _OPAQUE.sub(_opaque, text)


def redact_value(value: Any, key: str | None = None) -> Any:
    if key is not None and _SECRET_FIELD.match(key) and value not in (None, "", True, False):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [redact_value(v) for v in value]
    return value


def redact(_logger: Any, _method: str, event_dict: dict) -> dict:
    return {k: redact_value(v, k if k != "event" else None) for k, v in event_dict.items()}


def configure_logging(*, level: str = "INFO", stream=None) -> None:
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact,
            structlog.processors.JSONRenderer(default=str),
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Django's own handlers would print a second, unredacted copy.
    for name in ("django", "django.server", "daphne", "celery"):
        named = logging.getLogger(name)
        named.handlers[:] = []
        named.propagate = True
