"""Connection admin actions (verify, refresh, disconnect) for staff, through the connections
services, which call the platform outside any transaction and write the audit rows. Extends
the connections app's own admin by subclassing, so its fields (never a token) stay as they
are; imported from audit.admin."""

from __future__ import annotations

from django.contrib import admin, messages

import connections.admin as connections_admin
from audit.admin_tools import CappedCountPaginator, StaffBrandFilter, scope_to_staff
from connections.models import PlatformConnection
from connections.services.manage import (
    ConnectionActionError,
    connection_disconnect,
    connection_refresh,
    connection_verify,
)


class MonitoredConnectionAdmin(connections_admin.PlatformConnectionAdmin):
    list_display = ("__str__", "brand", "platform", "status", "token_expires_at",
                    "last_refreshed_at", "last_verified_at", "last_error")  # fmt: skip
    list_filter = (StaffBrandFilter, "platform", "status")
    list_select_related = ("brand",)
    show_full_result_count = False
    paginator = CappedCountPaginator
    actions = ("verify_connections", "refresh_connections", "disconnect_connections")

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("brand", "connected_by")
        return scope_to_staff(qs, request.user)

    def has_manage_permission(self, request):
        return request.user.is_staff

    def _run(self, request, queryset, verb: str, call) -> None:
        done, refused = 0, []
        for connection in queryset.select_related("brand"):
            try:
                note = call(connection)
                done += 1
                if note:
                    refused.append(f"{connection}: {note}")
            except ConnectionActionError as error:
                refused.append(f"{connection}: {error}")
        if done:
            self.message_user(request, f"{verb} {done} connection(s).", messages.SUCCESS)
        if refused:
            self.message_user(request, " ".join(refused), messages.WARNING)

    @admin.action(description="Verify selected connections", permissions=["manage"])
    def verify_connections(self, request, queryset):
        self._run(request, queryset, "Verified", lambda c: connection_verify(
            connection=c, actor=request.user, request=request) and "")  # fmt: skip

    @admin.action(description="Refresh tokens of selected connections", permissions=["manage"])
    def refresh_connections(self, request, queryset):
        self._run(request, queryset, "Refreshed", lambda c: connection_refresh(
            connection=c, actor=request.user, request=request) and "")  # fmt: skip

    @admin.action(description="Disconnect selected connections", permissions=["manage"])
    def disconnect_connections(self, request, queryset):
        self._run(request, queryset, "Disconnected", lambda c: connection_disconnect(
            connection=c, actor=request.user, request=request)[1])  # fmt: skip


if admin.site.is_registered(PlatformConnection):
    admin.site.unregister(PlatformConnection)
admin.site.register(PlatformConnection, MonitoredConnectionAdmin)
