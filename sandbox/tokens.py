"""Tokens the sandbox issues and checks. Publish endpoints (sandbox/<slug>/publish.py) call
`authenticate(request, platform)`; a failure raises TokenError, which the `endpoint`
decorator renders in the platform's own error format."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from sandbox.models import SandboxToken


class TokenError(Exception):
    """reason: "missing", "invalid", "expired" or "revoked"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def lifetime(platform: str, name: str) -> int | None:
    return settings.SANDBOX_LIFETIMES[platform].get(name)


def issue(
    platform: str,
    *,
    kind: str,
    subject: str,
    client_id: str,
    scopes: list[str],
    ttl: int | None,
    family: str | None = None,
    account_id: str = "",
) -> SandboxToken:
    now = timezone.now()
    return SandboxToken.objects.create(
        platform=platform,
        token=f"sbx-{platform}-{kind}-{secrets.token_urlsafe(24)}",
        kind=kind,
        family=family or uuid.uuid4().hex,
        subject=subject,
        account_id=account_id,
        scopes=scopes,
        client_id=client_id,
        created_at=now,
        expires_at=now + timedelta(seconds=ttl) if ttl is not None else None,
    )


def bearer_value(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    # Graph-style APIs also take ?access_token=.
    return request.GET.get("access_token", "") or request.POST.get("access_token", "")


def check(value: str, platform: str, *, kinds: tuple[str, ...]) -> SandboxToken:
    if not value:
        raise TokenError("missing")
    token = SandboxToken.objects.filter(platform=platform, token=value, kind__in=kinds).first()
    if token is None:
        raise TokenError("invalid")
    if token.revoked_at is not None:
        raise TokenError("revoked")
    if token.expires_at is not None and token.expires_at <= timezone.now():
        raise TokenError("expired")
    return token


def authenticate(
    request: HttpRequest,
    platform: str,
    *,
    kinds: tuple[str, ...] = (SandboxToken.ACCESS, SandboxToken.PAGE, SandboxToken.LONG),
) -> SandboxToken:
    """The live token the request carries (Bearer header, or ?access_token= for Graph)."""
    return check(bearer_value(request), platform, kinds=kinds)


def revoke_family(token: SandboxToken) -> int:
    return SandboxToken.objects.filter(family=token.family, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
