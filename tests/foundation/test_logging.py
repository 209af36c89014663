import io
import json
import logging

import pytest
import structlog
from django.conf import settings

from core.logging import REDACTED, redact_text

TOKEN = "EAAGm0PX4ZCpsBAKZCZBx7d9ZBW3mZBg2l8ZCNr0fQ1ZA9zYx2ZC3hV"
FERNET_LIKE = "gAAAAABmZ3xQ1Vd0kP6m0x8d3yJp6nQ2rT5uW8zA1bC4dE7fG0hJ3kL6mN9pQ2sT5vW8yB1cD"


@pytest.fixture
def log_output():
    """A handler with the real formatter, so we read exactly what production would print."""
    root = logging.getLogger()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(root.handlers[0].formatter)
    root.addHandler(handler)
    yield buffer
    root.removeHandler(handler)


def lines(buffer) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def test_no_secret_reaches_a_log_line(log_output):
    log = structlog.get_logger("test")
    log.info("token refreshed", access_token=TOKEN, note=f"raw {TOKEN} inline")
    log.info("config", value=settings.SECRET_KEY, keys=settings.FIELD_ENCRYPTION_KEYS)
    logging.getLogger("requests").warning("GET /x?access_token=%s&fields=id", TOKEN)
    logging.getLogger("requests").warning("header Authorization: Bearer %s", TOKEN)
    logging.getLogger("db").info("ciphertext %s", FERNET_LIKE)
    try:
        raise ValueError(f"refresh failed for refresh_token={TOKEN}")
    except ValueError:
        logging.getLogger("worker").exception("boom")

    output = log_output.getvalue()
    for secret in (TOKEN, settings.SECRET_KEY, *settings.FIELD_ENCRYPTION_KEYS, FERNET_LIKE):
        assert secret not in output
    assert output.count(REDACTED) >= 8
    assert all("timestamp" in line and "level" in line for line in lines(log_output))


def test_redaction_keeps_ordinary_text():
    text = "Order 12345 shipped on 2026-11-25 to accounts/123/locations/456 for $19.99 (v2.3.1)"
    assert redact_text(text) == text


def test_every_request_line_carries_a_request_id(client, log_output):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abcdef12-request")
    assert response["X-Request-ID"] == "abcdef12-request"
    request_lines = [line for line in lines(log_output) if line.get("event") == "request"]
    assert request_lines and request_lines[-1]["request_id"] == "abcdef12-request"
    assert request_lines[-1]["path"] == "/healthz"
