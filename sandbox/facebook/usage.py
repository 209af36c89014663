"""Call budgets for the sandbox Graph API (PLATFORMS.md §2.4): a per-Page budget (the BUC
"pages" limit that Page tokens meet) and an app budget, both counted from the request log, and
the `X-App-Usage` / `X-Business-Use-Case-Usage` headers every answer carries.

Settings (environment, read on every call so a test can change them):
- SANDBOX_FACEBOOK_PAGE_CALLS per SANDBOX_FACEBOOK_PAGE_WINDOW_SECONDS (default 4800 per 24 h:
  "4800 x engaged users", with one engaged user);
- SANDBOX_FACEBOOK_APP_CALLS per hour (default 20000);
- SANDBOX_FACEBOOK_THROTTLE_CODE (80001 Pages BUC, or 32 Page-level) and
  SANDBOX_FACEBOOK_THROTTLE_STATUS (400; Meta documents 400/403, some SDKs describe 429).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sandbox.meta import app_usage_header, buc_usage_header, throttle_error
from sandbox.models import SandboxRequest

P = "facebook"
APP_WINDOW = timedelta(hours=1)


def _env(name: str, default: int) -> int:
    return int(os.environ.get(name, "") or default)


@dataclass(frozen=True)
class Usage:
    page_id: str
    page_percent: int
    app_percent: int
    regain_minutes: int  # > 0 only when the Page is over its budget
    app_over: bool

    @property
    def throttled(self) -> bool:
        return self.regain_minutes > 0 or self.app_over

    def apply(self, response: HttpResponse) -> HttpResponse:
        response["X-App-Usage"] = app_usage_header(self.app_percent)
        if self.page_id:
            response["X-Business-Use-Case-Usage"] = buc_usage_header(
                self.page_id, "pages", self.page_percent, self.regain_minutes
            )
        return response

    def error(self) -> HttpResponse:
        status = _env("SANDBOX_FACEBOOK_THROTTLE_STATUS", 400)
        if self.app_over:
            return throttle_error(4, status=status)
        return throttle_error(_env("SANDBOX_FACEBOOK_THROTTLE_CODE", 80001), status=status)


def _graph_prefix(request: HttpRequest) -> str:
    path = request.path
    marker = "/graph/"
    return path[: path.index(marker) + len(marker)] if marker in path else path


def _percent(used: int, budget: int) -> int:
    return min(100, used * 100 // max(budget, 1))


def measure(request: HttpRequest, page_id: str) -> Usage:
    """This call's standing. The `endpoint` decorator logged the call before the view ran, so
    the counts include it; a throttled call counts too."""
    now = timezone.now()
    app_budget = _env("SANDBOX_FACEBOOK_APP_CALLS", 20000)
    app_used = SandboxRequest.objects.filter(platform=P, created_at__gt=now - APP_WINDOW).count()
    regain, page_percent = 0, 0
    if page_id:
        budget = _env("SANDBOX_FACEBOOK_PAGE_CALLS", 4800)
        window = timedelta(seconds=_env("SANDBOX_FACEBOOK_PAGE_WINDOW_SECONDS", 86400))
        # Calls on the Page's edges (/{page}/feed, /{page}/photos) and its posts ({page}_{id}).
        prefix = _graph_prefix(request) + page_id
        calls = SandboxRequest.objects.filter(
            Q(path__startswith=prefix + "/") | Q(path__startswith=prefix + "_"),
            platform=P,
            created_at__gt=now - window,
        )
        used = calls.count()
        page_percent = _percent(used, budget)
        if used > budget:
            # A call passes again once at most budget-1 of these are left in the window.
            index = used - budget
            moments = calls.order_by("created_at").values_list("created_at", flat=True)
            expires_first = list(moments[index : index + 1]) or [now]
            seconds = (expires_first[0] + window - now).total_seconds()
            regain = max(1, math.ceil(seconds / 60))
    return Usage(
        page_id=page_id,
        page_percent=page_percent,
        app_percent=_percent(app_used, app_budget),
        regain_minutes=regain,
        app_over=app_used > app_budget,
    )
