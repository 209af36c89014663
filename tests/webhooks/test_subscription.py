"""The subscription endpoints over real HTTP: the handshake, and signed deliveries verified
with the right app secret, each stored (valid or not) before anything else happens."""

from __future__ import annotations

import io
import json
import logging

import pytest
import requests

from core.logging import REDACTED
from sandbox.webhooks import sender
from tests.webhooks.conftest import IG_ACCOUNT_ID, PAGE_ID, process_pending
from webhooks.models import WebhookDelivery, WebhookProcessing
from webhooks.selectors import delivery_status

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def log_output():
    root = logging.getLogger()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(root.handlers[0].formatter)
    root.addHandler(handler)
    yield buffer
    root.removeHandler(handler)


def _feed(post_id="200000000001_1"):
    change = sender.feed_change(item="status", verb="remove", post_id=post_id)
    return sender.envelope("facebook", PAGE_ID, [change])


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
def test_the_handshake_echoes_the_raw_challenge_for_our_verify_token(sandbox, settings, platform):
    sent = sender.verify_subscription(
        platform, verify_token=settings.META_WEBHOOK_VERIFY_TOKEN, challenge="1158201444"
    )

    assert sent.status == 200
    assert sent.text == "1158201444"
    assert sent.content_type.startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "guessed", "hub.challenge": "42"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "sandbox-meta-verify-token"},
        {"hub.challenge": "42"},
    ],
)
def test_the_handshake_refuses_a_wrong_token_or_mode(sandbox, params):
    response = requests.get(f"{sandbox}/webhooks/facebook/", params=params, timeout=10)

    assert response.status_code == 403
    assert "42" not in response.text


def test_without_a_configured_verify_token_every_handshake_is_refused(sandbox, settings):
    settings.META_WEBHOOK_VERIFY_TOKEN = ""

    sent = sender.verify_subscription("facebook", verify_token="", challenge="7")

    assert sent.status == 403


def test_the_sandbox_control_endpoint_runs_the_handshake(sandbox):
    response = requests.post(
        f"{sandbox}/sandbox/_control/webhooks/subscribe",
        json={"platform": "instagram"},
        timeout=10,
    )

    assert response.status_code == 200
    assert response.json()["verified"] is True and response.json()["status"] == 200


def test_a_validly_signed_delivery_is_stored_then_processed(sandbox, log_output):
    sent = sender.send_event("facebook", _feed())

    assert sent.status == 200
    delivery = WebhookDelivery.objects.get()
    assert delivery.signature_valid and delivery.signature_error == ""
    assert bytes(delivery.body) == sent.sent_body  # byte for byte what was signed
    assert delivery.kind == "event" and delivery.platform == "facebook"
    # Stored before processing: nothing has run yet.
    assert delivery_status(delivery) == "pending"
    # The signature header is kept as "sent" but its value is not stored.
    assert delivery.headers["X-Hub-Signature-256"] == REDACTED
    assert delivery.headers["Content-Type"] == "application/json"

    assert process_pending() == ["ignored"]  # a well-formed change about no post of ours
    assert delivery_status(delivery) == "ignored"


@pytest.mark.parametrize(("signature", "reason"), [("wrong", "mismatch"), ("missing", "missing")])
def test_a_bad_or_missing_signature_is_refused_stored_as_invalid_and_logged(
    sandbox, log_output, signature, reason
):
    sent = sender.send_event("facebook", _feed(), signature=signature)

    assert sent.status == 403
    delivery = WebhookDelivery.objects.get()
    assert delivery.signature_valid is False and delivery.signature_error == reason
    assert bytes(delivery.body) == sent.sent_body
    assert delivery_status(delivery) == "rejected"
    lines = [json.loads(x) for x in log_output.getvalue().splitlines() if x.strip()]
    refused = [x for x in lines if x.get("event") == "webhook_signature_invalid"]
    assert refused and refused[-1]["delivery_id"] == delivery.pk
    assert refused[-1]["reason"] == reason
    # A refused delivery is never processed, even if a task is run for it.
    assert process_pending() == []
    assert WebhookProcessing.objects.count() == 0


def test_a_malformed_signature_header_is_refused(sandbox):
    body = json.dumps(_feed()).encode()
    digest = sender.hub_signature(body, sender.app_secret("facebook"))
    response = requests.post(
        f"{sandbox}/webhooks/facebook/",
        data=body,
        headers={
            "X-Hub-Signature-256": digest.replace("sha256=", "sha1="),
            "Content-Type": "application/json",
        },
        timeout=10,
    )

    assert response.status_code == 403
    assert WebhookDelivery.objects.get().signature_error == "malformed"


def test_an_instagram_delivery_signed_with_the_facebook_secret_is_refused(sandbox):
    payload = sender.envelope(
        "instagram", IG_ACCOUNT_ID, [sender.instagram_mention(media_id="18000000000000001")]
    )

    forged = sender.send_event("instagram", payload, sign_with="facebook")
    genuine = sender.send_event("instagram", payload)

    assert forged.status == 403 and genuine.status == 200
    rows = list(WebhookDelivery.objects.order_by("id").values_list("signature_valid", flat=True))
    assert rows == [False, True]


def test_a_facebook_delivery_signed_with_the_instagram_secret_is_refused(sandbox):
    sent = sender.send_event("facebook", _feed(), sign_with="instagram")

    assert sent.status == 403


def test_the_sandbox_control_endpoint_sends_a_wrongly_signed_delivery(sandbox):
    response = requests.post(
        f"{sandbox}/sandbox/_control/webhooks/deliveries",
        json={"platform": "facebook", "event": "post_removed", "post_id": "1_2",
              "signature": "wrong"},
        timeout=10,
    )  # fmt: skip

    assert response.status_code == 200 and response.json()["status"] == 403
    assert WebhookDelivery.objects.get().signature_valid is False


def test_an_unknown_platform_has_no_endpoint(sandbox):
    response = requests.post(f"{sandbox}/webhooks/linkedin/", data=b"{}", timeout=10)

    assert response.status_code == 404
    assert WebhookDelivery.objects.count() == 0
