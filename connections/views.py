"""The connection wizard (server-rendered). Reads need Action.VIEW, changes
Action.MANAGE_CONNECTIONS; another tenant's brand is a 404 (tenancy.selectors)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from connections import selectors, services
from connections.providers import REGISTRY, get_provider
from tenancy.permissions import Action, role_allows
from tenancy.selectors import brand_for_user


def _list_url(brand_id: int) -> str:
    return reverse("connections:list", kwargs={"brand_id": brand_id})


@login_required
@require_GET
def connection_list(request: HttpRequest, brand_id: int) -> HttpResponse:
    brand = brand_for_user(user=request.user, brand_id=brand_id, action=Action.VIEW)
    context = {
        "brand": brand,
        "cards": selectors.platform_cards(brand=brand),
        "can_manage": role_allows(brand.current_role, Action.MANAGE_CONNECTIONS),
        # Set by the opener script after the popup reports back.
        "oauth_outcome": request.GET.get("oauth", ""),
    }
    return render(request, "connections/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def connection_start(request: HttpRequest, brand_id: int, platform: str) -> HttpResponse:
    """GET: what will be asked and why. POST: create the state, go to the consent page."""
    brand = brand_for_user(user=request.user, brand_id=brand_id, action=Action.MANAGE_CONNECTIONS)
    if platform not in REGISTRY:
        raise Http404("No such platform.")
    provider = get_provider(platform)
    if request.method == "GET":
        context = {
            "brand": brand,
            "provider": provider,
            "scopes": [(s, provider.scope_reasons.get(s, "")) for s in provider.scopes],
        }
        return render(request, "connections/start.html", context)
    try:
        _, url = services.oauth_start(
            user=request.user,
            brand=brand,
            platform=platform,
            popup=request.POST.get("popup") == "1",
            request=request,
        )
    except services.OAuthError as exc:
        messages.error(request, exc.message)
        return redirect(_list_url(brand.pk))
    return redirect(url)


def _finish(request: HttpRequest, *, state, outcome: str, message: str, status: int = 200):
    """The page the platform (or the selection step) lands on: in a popup it tells the opener
    and closes; in a full page it links back to the brand's connections."""
    context = {
        "outcome": outcome,
        "message": message,
        "popup": bool(state and state.popup),
        "back_url": _list_url(state.brand_id) if state else reverse("home"),
        # postMessage goes to exactly our own origin, never "*".
        "target_origin": f"{request.scheme}://{request.get_host()}",
    }
    return render(request, "connections/callback.html", context, status=status)


@login_required
@require_GET
def oauth_callback(request: HttpRequest, platform: str) -> HttpResponse:
    if platform not in REGISTRY:
        raise Http404("No such platform.")
    try:
        result = services.oauth_callback(
            user=request.user, platform=platform, params=request.GET.dict(), request=request
        )
    except services.OAuthError as exc:
        friendly = exc.reason == "reused_state"
        return _finish(
            request,
            state=exc.state if friendly else None,
            outcome="already_done" if friendly else "error",
            message=exc.message,
            status=200 if friendly else 400,
        )
    if result.outcome == "select":
        return redirect(
            reverse(
                "connections:select",
                kwargs={"brand_id": result.state.brand_id, "state_id": result.state.pk},
            )
        )
    if result.outcome == "cancelled":
        return _finish(
            request,
            state=result.state,
            outcome="cancelled",
            message="You cancelled the connection. Nothing was connected.",
        )
    names = ", ".join(c.display_name for c in result.connections)
    if not result.state.popup:
        messages.success(request, f"Connected {names}.")
        return redirect(_list_url(result.state.brand_id))
    return _finish(request, state=result.state, outcome="connected", message=f"Connected {names}.")


@login_required
@require_http_methods(["GET", "POST"])
def oauth_select(request: HttpRequest, brand_id: int, state_id: int) -> HttpResponse:
    brand = brand_for_user(user=request.user, brand_id=brand_id, action=Action.MANAGE_CONNECTIONS)
    try:
        state, accounts = services.pending_accounts(user=request.user, state_id=state_id)
        if state.brand_id != brand.pk:
            raise Http404("No such choice.")
        if request.method == "POST":
            connections = services.oauth_select(
                user=request.user,
                state_id=state.pk,
                account_ids=request.POST.getlist("account"),
                request=request,
            )
            names = ", ".join(c.display_name for c in connections)
            if not state.popup:
                messages.success(request, f"Connected {names}.")
                return redirect(_list_url(brand.pk))
            return _finish(request, state=state, outcome="connected", message=f"Connected {names}.")
    except services.OAuthError as exc:
        if exc.reason == "nothing_chosen":
            messages.error(request, exc.message)
            return redirect(request.path)
        friendly = exc.reason == "reused_state"
        return _finish(
            request,
            state=exc.state,
            outcome="already_done" if friendly else "error",
            message=exc.message,
            status=200 if friendly else 400,
        )
    provider = get_provider(state.platform)
    context = {"brand": brand, "provider": provider, "accounts": accounts, "state": state}
    return render(request, "connections/select.html", context)


def _act(request, connection, action: str) -> None:
    try:
        if action == "verify":
            services.connection_verify(connection=connection, actor=request.user, request=request)
            messages.success(request, f"{connection.display_name}: verified.")
        elif action == "refresh":
            services.connection_refresh(connection=connection, actor=request.user, request=request)
            messages.success(request, f"{connection.display_name}: token refreshed.")
        elif action == "disconnect":
            _, note = services.connection_disconnect(
                connection=connection, actor=request.user, request=request
            )
            messages.success(request, f"{connection.display_name}: disconnected. {note}".strip())
    except services.ConnectionActionError as exc:
        messages.error(request, f"{connection.display_name}: {exc}")


@login_required
@require_POST
def connection_action(request: HttpRequest, brand_id: int, connection_id: int, action: str):
    brand = brand_for_user(user=request.user, brand_id=brand_id, action=Action.MANAGE_CONNECTIONS)
    connection = selectors.connection_for_brand(brand=brand, connection_id=connection_id)
    if action not in ("verify", "refresh", "disconnect"):
        raise Http404("No such action.")
    _act(request, connection, action)
    return redirect(_list_url(brand.pk))


@login_required
@require_POST
def connection_bulk(request: HttpRequest, brand_id: int) -> HttpResponse:
    brand = brand_for_user(user=request.user, brand_id=brand_id, action=Action.MANAGE_CONNECTIONS)
    action = request.POST.get("action", "")
    if action not in ("refresh", "disconnect"):
        messages.error(request, "Choose Refresh or Disconnect.")
        return redirect(_list_url(brand.pk))
    ids = [i for i in request.POST.getlist("connection") if i.isdigit()]
    for connection in selectors.connections_for_brand(brand=brand).filter(pk__in=ids):
        _act(request, connection, action)
    return redirect(_list_url(brand.pk))
