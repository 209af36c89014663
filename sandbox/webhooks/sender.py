"""Meta's side of webhooks: build and send real, signed requests over HTTP to a callback URL,
as the Facebook and Instagram apps do (PLATFORMS.md §2.3, §6.6).

- Events: JSON `{"object", "entry": [{"id", "time", "changes": [{"field", "value"}]}]}`,
  header `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(body, app secret)>`. Facebook signs
  with the Facebook app's secret, Instagram (Instagram Login) with the Instagram app's.
- Deauthorize / data deletion: form POST `signed_request=<b64url(sig)>.<b64url(payload)>`,
  sig = HMAC-SHA256(payload segment, app secret), base64url without padding.
- Subscription handshake: GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=….

The app secrets are the sandbox apps' own (sandbox.platforms.CLIENTS). Tests and the control
endpoints pick the signature: "valid", "wrong" (a secret Meta never had), "missing", or
`sign_with` another app's secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.utils import timezone

from sandbox.models import SandboxToken
from sandbox.platforms import CLIENTS

OBJECTS = {"facebook": "page", "instagram": "instagram"}
WRONG_SECRET = "not-the-app-secret"
TIMEOUT = 10


def app_secret(platform: str) -> str:
    return CLIENTS[platform][1]


def callback_url(platform: str, path: str = "") -> str:
    """The callback URL configured in the app dashboard: our public address."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return f"{base}/webhooks/{platform}/{path}"


def hub_signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def signed_request(payload: dict, secret: str) -> str:
    segment = _b64url(json.dumps(payload, separators=(",", ":")).encode())
    sig = hmac.new(secret.encode(), segment.encode("ascii"), hashlib.sha256).digest()
    return f"{_b64url(sig)}.{segment}"


def _secret_for(platform: str, signature: str, sign_with: str | None) -> str | None:
    if signature == "missing":
        return None
    if signature == "wrong":
        return WRONG_SECRET
    if signature != "valid":
        raise ValueError("signature must be valid, wrong or missing")
    return app_secret(sign_with or platform)


# --- payload builders ------------------------------------------------------------------------


def envelope(platform: str, entry_id: str, changes: list[dict], *, at: int | None = None) -> dict:
    return {
        "object": OBJECTS[platform],
        "entry": [{"id": str(entry_id), "time": at or int(time.time()), "changes": changes}],
    }


def feed_change(
    *,
    item: str,
    verb: str,
    post_id: str,
    comment_id: str = "",
    message: str = "",
    author: dict | None = None,
    photo_id: str = "",
    created_time: int | None = None,
) -> dict:
    """A Page `feed` change: a post or photo added/removed, a comment added/edited/removed."""
    value: dict = {
        "item": item,
        "verb": verb,
        "post_id": post_id,
        "created_time": created_time or int(time.time()),
    }
    if comment_id:
        value["comment_id"] = comment_id
        value["parent_id"] = post_id
    if photo_id:
        value["photo_id"] = photo_id
    if message:
        value["message"] = message
    if author:
        value["from"] = author
    return {"field": "feed", "value": value}


def instagram_comment(*, media_id: str, comment_id: str, text: str, username: str) -> dict:
    return {
        "field": "comments",
        "value": {
            "id": comment_id,
            "text": text,
            "from": {"id": f"ig-{username}", "username": username},
            "media": {"id": media_id, "media_product_type": "FEED"},
        },
    }


def instagram_mention(*, media_id: str, comment_id: str = "") -> dict:
    value = {"media_id": media_id}
    if comment_id:
        value["comment_id"] = comment_id
    return {"field": "mentions", "value": value}


def new_id() -> str:
    return str(10**15 + secrets.randbelow(10**15))


# --- sending ---------------------------------------------------------------------------------


@dataclass
class Sent:
    """What went out and what came back."""

    status: int
    text: str
    sent_body: bytes
    headers: dict = field(default_factory=dict)  # what we sent
    content_type: str = ""  # what came back

    def json(self):
        return json.loads(self.text)


def send_event(
    platform: str,
    payload: dict | bytes,
    *,
    target: str | None = None,
    signature: str = "valid",
    sign_with: str | None = None,
) -> Sent:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "facebookexternalua"}
    secret = _secret_for(platform, signature, sign_with)
    if secret is not None:
        headers["X-Hub-Signature-256"] = hub_signature(body, secret)
    response = requests.post(
        target or callback_url(platform), data=body, headers=headers, timeout=TIMEOUT
    )
    return Sent(
        response.status_code, response.text, body, headers, response.headers.get("Content-Type", "")
    )


def verify_subscription(
    platform: str, *, verify_token: str, challenge: str = "", target: str | None = None
) -> Sent:
    """What the app dashboard does when the callback URL is saved."""
    challenge = challenge or str(secrets.randbelow(10**9))
    params = {"hub.mode": "subscribe", "hub.verify_token": verify_token, "hub.challenge": challenge}
    response = requests.get(target or callback_url(platform), params=params, timeout=TIMEOUT)
    return Sent(
        response.status_code,
        response.text,
        b"",
        {"challenge": challenge},
        response.headers.get("Content-Type", ""),
    )


def _send_signed_request(
    platform: str,
    path: str,
    user_id: str,
    *,
    target: str | None,
    signature: str,
    sign_with: str | None,
    algorithm: str,
) -> Sent:
    payload = {"algorithm": algorithm, "issued_at": int(time.time()), "user_id": str(user_id)}
    secret = _secret_for(platform, signature, sign_with)
    form = {} if secret is None else {"signed_request": signed_request(payload, secret)}
    response = requests.post(target or callback_url(platform, path), data=form, timeout=TIMEOUT)
    return Sent(
        response.status_code,
        response.text,
        json.dumps(form).encode(),
        content_type=response.headers.get("Content-Type", ""),
    )


def revoke_user_tokens(platform: str, user_id: str) -> int:
    """What removing the app does on the platform: every token of that user stops working."""
    return SandboxToken.objects.filter(
        platform=platform, subject=str(user_id), revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def send_deauthorize(
    platform: str,
    user_id: str,
    *,
    target: str | None = None,
    signature: str = "valid",
    sign_with: str | None = None,
    algorithm: str = "HMAC-SHA256",
    revoke_tokens: bool = True,
) -> Sent:
    """The user removed the app: the platform revokes their tokens, then calls us."""
    if revoke_tokens and signature == "valid":
        revoke_user_tokens(platform, user_id)
    return _send_signed_request(
        platform,
        "deauthorize/",
        user_id,
        target=target,
        signature=signature,
        sign_with=sign_with,
        algorithm=algorithm,
    )


def send_data_deletion(
    platform: str,
    user_id: str,
    *,
    target: str | None = None,
    signature: str = "valid",
    sign_with: str | None = None,
    algorithm: str = "HMAC-SHA256",
) -> Sent:
    return _send_signed_request(
        platform,
        "data-deletion/",
        user_id,
        target=target,
        signature=signature,
        sign_with=sign_with,
        algorithm=algorithm,
    )
