"""The analytics app's registry of insights clients: a literal dict, slug -> the module in
connections/providers/<slug>/insights.py. Each module provides:

- `page(provider, token, *, account, since, until, cursor, observe) -> PostPage`: one page
  of the account's posts in [since, until] with their metrics;
- optionally `lists_posts(account) -> bool` and `stats_for(provider, token, *, account,
  posts, observe)`: where an account's posts cannot be listed (LinkedIn members), the sync
  reads the posts we published and asks for their metrics by id;
- `ACCOUNT_DAILY` (bool), and when true `account_days(provider, token, *, account, since,
  until, observe) -> list[DayStats]` for a range of at most ACCOUNT_DAYS_PER_CALL days.

The provider classes are not touched: the clients take the provider instance (for its
settings and HTTP helper) as their first argument, like the publishing functions do.
"""

from __future__ import annotations

from types import ModuleType

from connections.providers.facebook import insights as facebook_insights
from connections.providers.google_business import insights as google_insights
from connections.providers.instagram import insights as instagram_insights
from connections.providers.linkedin import insights as linkedin_insights
from connections.providers.x import insights as x_insights

CLIENTS: dict[str, ModuleType] = {
    "x": x_insights,
    "facebook": facebook_insights,
    "instagram": instagram_insights,
    "linkedin": linkedin_insights,
    "google_business": google_insights,
}


def client_for(platform: str) -> ModuleType | None:
    return CLIENTS.get(platform)


def supported_platforms() -> tuple[str, ...]:
    return tuple(CLIENTS)
