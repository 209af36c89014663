"""Connection services (writes). Import from here; modules are split by concern."""

from connections.services.manage import (
    ConnectionActionError,
    connection_disconnect,
    connection_refresh,
    connection_sweep_one,
    connection_verify,
)
from connections.services.oauth import (
    CallbackResult,
    OAuthError,
    oauth_callback,
    oauth_select,
    oauth_start,
    pending_accounts,
)
from connections.services.vault import (
    connection_store,
    get_valid_token,
    mark_needs_reauth,
    token_of,
)

__all__ = [
    "CallbackResult",
    "ConnectionActionError",
    "OAuthError",
    "connection_disconnect",
    "connection_refresh",
    "connection_store",
    "connection_sweep_one",
    "connection_verify",
    "get_valid_token",
    "mark_needs_reauth",
    "oauth_callback",
    "oauth_select",
    "oauth_start",
    "pending_accounts",
    "token_of",
]
