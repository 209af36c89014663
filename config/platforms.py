"""Platform endpoints, client credentials and token lifetimes: one block, imported by
config/settings.py through `platform_settings()`.

Every URL is a setting with an env override (`X_TOKEN_URL`, `GOOGLE_BUSINESS_USERINFO_URL`,
...), so the same provider code talks to the real platform, to the sandbox, or to any
standards-compliant OAuth server. With SANDBOX_PLATFORMS on, the defaults point at
`{SANDBOX_BASE_URL}/sandbox/<slug>/...` and sandbox client credentials are filled in, so
`make run` works with nothing configured. Tests call `platform_settings()` again with the
live server's URL.
"""

from __future__ import annotations

from typing import Any

from config import env

# slug -> setting suffix -> (real URL, sandbox path under /sandbox/<slug>)
PLATFORM_URLS: dict[str, dict[str, tuple[str, str]]] = {
    "x": {
        "AUTHORIZE_URL": ("https://x.com/i/oauth2/authorize", "i/oauth2/authorize"),
        "TOKEN_URL": ("https://api.x.com/2/oauth2/token", "2/oauth2/token"),
        "REVOKE_URL": ("https://api.x.com/2/oauth2/revoke", "2/oauth2/revoke"),
        "API_BASE": ("https://api.x.com/2", "2"),
    },
    "facebook": {
        "AUTHORIZE_URL": ("https://www.facebook.com/v25.0/dialog/oauth", "dialog/oauth"),
        "TOKEN_URL": (
            "https://graph.facebook.com/v25.0/oauth/access_token",
            "graph/oauth/access_token",
        ),
        "API_BASE": ("https://graph.facebook.com/v25.0", "graph"),
        # Page video uploads go to the video host (the sandbox serves both under "graph").
        "VIDEO_API_BASE": ("https://graph-video.facebook.com/v25.0", "graph"),
    },
    "instagram": {
        "AUTHORIZE_URL": ("https://www.instagram.com/oauth/authorize", "oauth/authorize"),
        "TOKEN_URL": ("https://api.instagram.com/oauth/access_token", "oauth/access_token"),
        # Unversioned host for ig_exchange_token / ig_refresh_token.
        "GRAPH_URL": ("https://graph.instagram.com", "graph"),
        "API_BASE": ("https://graph.instagram.com/v21.0", "graph"),
    },
    "linkedin": {
        "AUTHORIZE_URL": (
            "https://www.linkedin.com/oauth/v2/authorization",
            "oauth/v2/authorization",
        ),
        "TOKEN_URL": ("https://www.linkedin.com/oauth/v2/accessToken", "oauth/v2/accessToken"),
        "REVOKE_URL": ("https://www.linkedin.com/oauth/v2/revoke", "oauth/v2/revoke"),
        "API_BASE": ("https://api.linkedin.com", "api"),
    },
    "google_business": {
        "AUTHORIZE_URL": ("https://accounts.google.com/o/oauth2/v2/auth", "o/oauth2/v2/auth"),
        "TOKEN_URL": ("https://oauth2.googleapis.com/token", "token"),
        "REVOKE_URL": ("https://oauth2.googleapis.com/revoke", "revoke"),
        "USERINFO_URL": ("https://openidconnect.googleapis.com/v1/userinfo", "userinfo"),
        "ACCOUNTS_API_BASE": (
            "https://mybusinessaccountmanagement.googleapis.com/v1",
            "accountmanagement/v1",
        ),
        "LOCATIONS_API_BASE": (
            "https://mybusinessbusinessinformation.googleapis.com/v1",
            "businessinformation/v1",
        ),
        "API_BASE": ("https://mybusiness.googleapis.com/v4", "mybusiness/v4"),
        "PERFORMANCE_API_BASE": (
            "https://businessprofileperformance.googleapis.com/v1",
            "performance/v1",
        ),
    },
}

# Access/refresh lifetimes the sandbox issues, in seconds (None: no expiry / not issued).
# The real platforms' values (PLATFORMS.md §7); env `SANDBOX_<SLUG>_ACCESS_TTL` etc. override.
SANDBOX_LIFETIME_DEFAULTS: dict[str, dict[str, int | None]] = {
    "x": {"ACCESS_TTL": 7200, "REFRESH_TTL": None},
    "facebook": {"ACCESS_TTL": 3600, "LONG_LIVED_TTL": 5183944},
    "instagram": {"ACCESS_TTL": 3600, "LONG_LIVED_TTL": 5184000, "MIN_REFRESH_AGE": 86400},
    "linkedin": {"ACCESS_TTL": 5183999, "REFRESH_TTL": 31536000},
    "google_business": {"ACCESS_TTL": 3599, "REFRESH_TTL": None},
}


def platform_settings(*, sandbox: bool, sandbox_base_url: str) -> dict[str, Any]:
    """Every platform setting, as NAME -> value, for settings.py (or a test) to apply."""
    values: dict[str, Any] = {
        "PLATFORM_CONNECT_TIMEOUT": env.integer("PLATFORM_CONNECT_TIMEOUT", 5, minimum=1),
        "PLATFORM_READ_TIMEOUT": env.integer("PLATFORM_READ_TIMEOUT", 20, minimum=1),
    }
    base = sandbox_base_url.rstrip("/")
    for slug, urls in PLATFORM_URLS.items():
        prefix = slug.upper()
        for suffix, (real, sandbox_path) in urls.items():
            default = f"{base}/sandbox/{slug}/{sandbox_path}" if sandbox else real
            values[f"{prefix}_{suffix}"] = env.url(
                f"{prefix}_{suffix}", default, schemes=("http", "https")
            )
        values[f"{prefix}_CLIENT_ID"] = env.raw(
            f"{prefix}_CLIENT_ID", f"sandbox-{slug}-client" if sandbox else ""
        )
        values[f"{prefix}_CLIENT_SECRET"] = env.raw(
            f"{prefix}_CLIENT_SECRET", f"sandbox-{slug}-secret" if sandbox else ""
        )
    # Meta webhook subscriptions (Facebook Pages, Instagram): the token entered in the app
    # dashboard, echoed back in the hub.challenge handshake. Empty: every handshake is refused.
    values["META_WEBHOOK_VERIFY_TOKEN"] = env.raw(
        "META_WEBHOOK_VERIFY_TOKEN", "sandbox-meta-verify-token" if sandbox else ""
    )
    values["SANDBOX_LIFETIMES"] = {
        slug: {
            name: env.integer(f"SANDBOX_{slug.upper()}_{name}", default, minimum=0)
            if default is not None
            else None
            for name, default in lifetimes.items()
        }
        for slug, lifetimes in SANDBOX_LIFETIME_DEFAULTS.items()
    }
    return values
