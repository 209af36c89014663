"""Fault injection: "the next N matching calls to <platform> fail like this".

A fault kind is a function `(request, fault) -> HttpResponse | None`, registered with
`@fault_kind("name")`: return a response to answer with it instead of the real endpoint, or
None to let the real endpoint run (after a side effect, e.g. revoking tokens or sleeping).
Platform error bodies come from the platform's renderer (sandbox/<slug>/errors.py), so a 429
from "x" looks like X's and one from "facebook" like Facebook's.

Control API (JSON; see sandbox/control.py): POST /sandbox/_control/faults
{"platform": "x", "kind": "status", "count": 2, "scope": "oauth", "options": {"status": 503}}.
Any fault's options may hold `skip`: that many matching calls pass before it applies.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sandbox.client_socket import hold
from sandbox.models import SandboxFault, SandboxToken

FaultHandler = Callable[[HttpRequest, SandboxFault], HttpResponse | None]
FAULT_KINDS: dict[str, FaultHandler] = {}


def fault_kind(name: str) -> Callable[[FaultHandler], FaultHandler]:
    def register(handler: FaultHandler) -> FaultHandler:
        FAULT_KINDS[name] = handler
        return handler

    return register


def add_fault(
    *,
    platform: str,
    kind: str,
    count: int = 1,
    scope: str = "any",
    path_contains: str = "",
    options: dict | None = None,
) -> SandboxFault:
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(sorted(FAULT_KINDS))}")
    return SandboxFault.objects.create(
        platform=platform,
        kind=kind,
        remaining=count,
        scope=scope,
        path_contains=path_contains,
        options=options or {},
    )


def clear_faults(platform: str | None = None) -> None:
    faults = SandboxFault.objects.all()
    if platform:
        faults = faults.filter(platform=platform)
    faults.delete()


def claim(platform: str, scope: str, path: str) -> SandboxFault | None:
    """Take one use of the oldest matching fault, atomically (concurrent requests never both
    consume the last use)."""
    candidates = (
        SandboxFault.objects.filter(platform=platform, remaining__gt=0)
        .filter(Q(scope="any") | Q(scope=scope))
        .order_by("id")
    )
    for fault in candidates:
        if fault.path_contains and fault.path_contains not in path:
            continue
        if fault.options.get("skip"):
            # `skip`: let that many matching requests through first (e.g. fail the 2nd part
            # of a thread, not the 1st).
            with transaction.atomic():
                locked = SandboxFault.objects.select_for_update().get(pk=fault.pk)
                if locked.options.get("skip"):
                    locked.options["skip"] -= 1
                    locked.save(update_fields=["options"])
                    return None
        with transaction.atomic():
            taken = SandboxFault.objects.filter(pk=fault.pk, remaining__gt=0).update(
                remaining=F("remaining") - 1
            )
        if taken:
            return fault
    return None


def apply(request: HttpRequest, fault: SandboxFault) -> HttpResponse | None:
    return FAULT_KINDS[fault.kind](request, fault)


# --- Built-in kinds ----------------------------------------------------------------------


@fault_kind("status")
def _status(request: HttpRequest, fault: SandboxFault) -> HttpResponse:
    """Answer with an error status (429 or 5xx) in the platform's own body format."""
    from sandbox.platforms import renderer

    return renderer(fault.platform).status_error(int(fault.options.get("status", 503)))


@fault_kind("expire_token")
def _expire_token(request: HttpRequest, fault: SandboxFault) -> None:
    """The presented access token expires now; the request goes on to fail the platform's
    real way (401 expired), so the client must refresh."""
    from sandbox.tokens import bearer_value

    SandboxToken.objects.filter(token=bearer_value(request)).update(expires_at=timezone.now())
    return None


@fault_kind("timeout")
def _timeout(request: HttpRequest, fault: SandboxFault) -> HttpResponse:
    """Hold the request longer than the client waits (options.seconds), then give up with 504:
    the endpoint never runs, so nothing happened on the "platform"."""
    hold(float(fault.options.get("seconds", 25)))
    return HttpResponse("gateway timeout", status=504, content_type="text/plain")


@fault_kind("revoked")
def _revoked(request: HttpRequest, fault: SandboxFault) -> None:
    """The user revoked the app: every live token of the platform dies now, and the request
    goes on to fail the platform's real way."""
    SandboxToken.objects.filter(platform=fault.platform, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return None
