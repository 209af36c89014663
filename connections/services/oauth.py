"""The OAuth flow: start (state + PKCE), callback (state checks, code exchange, accounts), and
the account selection step for platforms with several accounts behind one login.

State is consumed with a conditional UPDATE before any network call, so a replayed or
concurrent callback finds nothing to consume. Nothing is stored for a rejected state.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from audit.services import record_action
from connections.models import OAuthState, OAuthStateStatus, PlatformConnection
from connections.providers import REGISTRY, get_provider
from connections.providers.base import AccountInfo, ProviderError, TokenSet
from connections.providers.common import code_challenge_s256, make_code_verifier
from connections.services.vault import connection_store
from tenancy.permissions import Action
from tenancy.selectors import brand_for_user

STATE_LIFETIME = timedelta(minutes=10)
# Platforms' ways of saying "the person said no".
CANCELLED_ERRORS = {"access_denied", "user_cancelled_authorize", "user_cancelled_login"}


class OAuthError(Exception):
    """The callback cannot go on. `reason` is stable (unknown_state, expired_state,
    reused_state, other_user, not_configured, platform_error, no_accounts, ...)."""

    def __init__(self, reason: str, message: str, *, state: OAuthState | None = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.state = state


@dataclass
class CallbackResult:
    state: OAuthState
    outcome: str  # "connected", "select", "cancelled"
    connections: list[PlatformConnection] = field(default_factory=list)
    accounts: list[AccountInfo] = field(default_factory=list)


def redirect_uri_for(platform: str) -> str:
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return base + reverse("connections:oauth_callback", kwargs={"platform": platform})


def oauth_start(
    *, user, brand, platform: str, popup: bool = False, request=None
) -> tuple[OAuthState, str]:
    """Create the single-use state and return it with the platform's authorization URL."""
    if platform not in REGISTRY:
        raise OAuthError("unknown_platform", f"Unknown platform {platform!r}.")
    provider = get_provider(platform)
    if not provider.is_configured():
        raise OAuthError(
            "not_configured",
            f"{provider.name} is not configured: set {platform.upper()}_CLIENT_ID and "
            f"{platform.upper()}_CLIENT_SECRET.",
        )
    verifier = make_code_verifier() if provider.pkce else ""
    redirect_uri = redirect_uri_for(platform)
    with transaction.atomic():
        state = OAuthState.objects.create(
            state=secrets.token_urlsafe(32),
            brand=brand,
            user=user,
            platform=platform,
            code_verifier=verifier,
            redirect_uri=redirect_uri,
            popup=popup,
            expires_at=timezone.now() + STATE_LIFETIME,
        )
        record_action(
            action="connection.oauth_started",
            actor=user,
            brand=brand,
            target=state,
            request=request,
            details={"platform": platform},
        )
    url = provider.authorization_url(
        state=state.state,
        redirect_uri=redirect_uri,
        code_challenge=code_challenge_s256(verifier) if verifier else None,
    )
    return state, url


def _consume(*, user, platform: str, state_value: str, status: str) -> OAuthState:
    state = (
        OAuthState.objects.select_related("brand")
        .filter(state=state_value, platform=platform)
        .first()
        if state_value
        else None
    )
    if state is None:
        raise OAuthError("unknown_state", "This sign-in link is not one we started. Start again.")
    if state.user_id != getattr(user, "pk", None):
        raise OAuthError("other_user", "This sign-in was started by someone else. Start your own.")
    try:  # still allowed to manage this brand's connections?
        brand_for_user(user=user, brand_id=state.brand_id, action=Action.MANAGE_CONNECTIONS)
    except (Http404, PermissionDenied):
        raise OAuthError(
            "other_user", "You can no longer manage this brand's connections."
        ) from None
    if state.used_at is not None:
        raise OAuthError(
            "reused_state", "This sign-in was already used (back button or reload?).", state=state
        )
    if state.is_expired:
        raise OAuthError("expired_state", "This sign-in took longer than 10 minutes. Start again.")
    taken = OAuthState.objects.filter(pk=state.pk, used_at__isnull=True).update(
        used_at=timezone.now(), status=status
    )
    if not taken:
        raise OAuthError("reused_state", "This sign-in was already used.", state=state)
    state.status = status
    return state


def _fail(state: OAuthState, reason: str, message: str) -> OAuthError:
    OAuthState.objects.filter(pk=state.pk).update(status=OAuthStateStatus.FAILED)
    state.status = OAuthStateStatus.FAILED
    return OAuthError(reason, message, state=state)


def oauth_callback(*, user, platform: str, params: dict[str, str], request=None) -> CallbackResult:
    state = _consume(
        user=user,
        platform=platform,
        state_value=params.get("state", ""),
        status=OAuthStateStatus.PENDING,
    )
    provider = get_provider(platform)
    error = params.get("error", "")
    if error:
        cancelled = error in CANCELLED_ERRORS
        status = OAuthStateStatus.CANCELLED if cancelled else OAuthStateStatus.FAILED
        with transaction.atomic():
            OAuthState.objects.filter(pk=state.pk).update(status=status)
            record_action(
                action="connection.oauth_cancelled" if cancelled else "connection.oauth_failed",
                actor=user,
                brand=state.brand,
                target=state,
                request=request,
                details={"platform": platform, "error": error[:64]},
            )
        state.status = status
        if cancelled:
            return CallbackResult(state=state, outcome="cancelled")
        raise OAuthError("platform_error", f"{provider.name} said: {error}", state=state)
    try:
        token = provider.exchange_code(
            code=params.get("code", ""),
            redirect_uri=state.redirect_uri,
            code_verifier=state.code_verifier or None,
        )
        accounts = [a for a in provider.fetch_accounts(token) if a.account_id]
        if not token.scopes:
            token = TokenSet(
                access_token=token.access_token,
                refresh_token=token.refresh_token,
                expires_at=token.expires_at,
                refresh_expires_at=token.refresh_expires_at,
                scopes=provider.granted_scopes(token),
            )
    except ProviderError as exc:
        raise _fail(
            state, "platform_error", f"{provider.name} refused the sign-in: {exc.message}"
        ) from None
    if not accounts:
        raise _fail(state, "no_accounts", f"No {provider.name} account that can publish was found.")
    if provider.multi_account and len(accounts) > 1:
        payload = {"token": _token_json(token), "accounts": [_account_json(a) for a in accounts]}
        OAuthState.objects.filter(pk=state.pk).update(
            status=OAuthStateStatus.SELECTING,
            pending_selection=json.dumps(payload),
            expires_at=timezone.now() + STATE_LIFETIME,
        )
        state.status = OAuthStateStatus.SELECTING
        return CallbackResult(state=state, outcome="select", accounts=accounts)
    connection = connection_store(
        brand=state.brand,
        platform=platform,
        account=accounts[0],
        token=token,
        actor=user,
        request=request,
    )
    OAuthState.objects.filter(pk=state.pk).update(status=OAuthStateStatus.DONE)
    state.status = OAuthStateStatus.DONE
    return CallbackResult(state=state, outcome="connected", connections=[connection])


def pending_accounts(*, user, state_id: int) -> tuple[OAuthState, list[AccountInfo]]:
    state = _selecting_state(user=user, state_id=state_id)
    payload = json.loads(state.pending_selection)
    return state, [_account_from(a) for a in payload["accounts"]]


def _selecting_state(*, user, state_id: int) -> OAuthState:
    state = (
        OAuthState.objects.select_related("brand")
        .filter(pk=state_id, user_id=getattr(user, "pk", None))
        .first()
    )
    if state is None:
        raise OAuthError("unknown_state", "There is no account choice waiting for you.")
    if state.status != OAuthStateStatus.SELECTING:
        raise OAuthError("reused_state", "These accounts were already chosen.", state=state)
    if state.is_expired:
        raise OAuthError("expired_state", "This choice took longer than 10 minutes. Start again.")
    return state


def oauth_select(
    *, user, state_id: int, account_ids: list[str], request=None
) -> list[PlatformConnection]:
    state = _selecting_state(user=user, state_id=state_id)
    payload = json.loads(state.pending_selection)
    chosen = [
        a
        for a in (_account_from(x) for x in payload["accounts"])
        if a.account_id in set(account_ids)
    ]
    if not chosen:
        raise OAuthError("nothing_chosen", "Pick at least one account to connect.", state=state)
    taken = OAuthState.objects.filter(pk=state.pk, status=OAuthStateStatus.SELECTING).update(
        status=OAuthStateStatus.DONE, pending_selection=""
    )
    if not taken:
        raise OAuthError("reused_state", "These accounts were already chosen.", state=state)
    token = _token_from(payload["token"])
    return [
        connection_store(
            brand=state.brand,
            platform=state.platform,
            account=account,
            token=token,
            actor=user,
            request=request,
        )
        for account in chosen
    ]


# --- Serialising the pending choice (stored encrypted in OAuthState.pending_selection) -------


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _token_json(token: TokenSet) -> dict:
    return {
        **asdict(token),
        "expires_at": _dt(token.expires_at),
        "refresh_expires_at": _dt(token.refresh_expires_at),
        "scopes": list(token.scopes),
    }


def _token_from(data: dict) -> TokenSet:
    return TokenSet(
        access_token=data["access_token"],
        refresh_token=data.get("refresh_token", ""),
        expires_at=_parse_dt(data.get("expires_at")),
        refresh_expires_at=_parse_dt(data.get("refresh_expires_at")),
        scopes=tuple(data.get("scopes") or ()),
        token_type=data.get("token_type", "bearer"),
    )


def _account_json(account: AccountInfo) -> dict:
    return {
        "account_id": account.account_id,
        "display_name": account.display_name,
        "username": account.username,
        "avatar_url": account.avatar_url,
        "kind": account.kind,
        "extra": account.extra,
        "token": _token_json(account.token) if account.token else None,
    }


def _account_from(data: dict) -> AccountInfo:
    return AccountInfo(
        account_id=data["account_id"],
        display_name=data["display_name"],
        username=data.get("username", ""),
        avatar_url=data.get("avatar_url", ""),
        kind=data.get("kind", ""),
        extra=data.get("extra") or {},
        token=_token_from(data["token"]) if data.get("token") else None,
    )
