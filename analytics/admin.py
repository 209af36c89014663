"""Staff views of the synced metrics (read-only) and the sync cursors (with "sync now")."""

from __future__ import annotations

from django.contrib import admin, messages

from analytics.models import AccountDailyMetrics, PostMetrics, SyncCursor
from analytics.services.schedule import cursor_sync_now
from audit.admin_tools import CappedCountPaginator, PlatformFilter, StaffBrandFilter, scope_to_staff


class _ReadOnly(admin.ModelAdmin):
    """Rows mirror the platforms; only a sync writes them."""

    show_full_result_count = False
    paginator = CappedCountPaginator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return scope_to_staff(super().get_queryset(request), request.user)


@admin.register(PostMetrics)
class PostMetricsAdmin(_ReadOnly):
    list_display = ("platform_post_id", "platform", "brand", "connection", "posted_at",
                    "views", "reach", "likes", "comments", "shares", "saves", "clicks",
                    "fetched_at")  # fmt: skip
    list_filter = (StaffBrandFilter, PlatformFilter)
    list_select_related = ("brand", "connection", "publish_job")
    search_fields = ("platform_post_id",)
    date_hierarchy = "posted_at"
    raw_id_fields = ("publish_job",)


@admin.register(AccountDailyMetrics)
class AccountDailyMetricsAdmin(_ReadOnly):
    list_display = ("day", "platform", "brand", "connection", "values", "fetched_at")
    list_filter = (StaffBrandFilter, PlatformFilter)
    list_select_related = ("brand", "connection")
    date_hierarchy = "day"


@admin.register(SyncCursor)
class SyncCursorAdmin(_ReadOnly):
    list_display = ("connection", "brand", "kind", "backfill_done_at", "synced_until",
                    "next_allowed_at", "last_outcome", "last_error", "last_run_at")  # fmt: skip
    list_filter = (StaffBrandFilter, "kind", "last_outcome")
    list_select_related = ("brand", "connection")
    actions = ("sync_now",)

    def has_manage_permission(self, request):
        return request.user.is_staff

    @admin.action(description="Sync selected connections now", permissions=["manage"])
    def sync_now(self, request, queryset):
        for cursor in queryset:
            cursor_sync_now(cursor=cursor)
        self.message_user(
            request,
            "Queued for the next sweep (connections waiting for a rate-limit reset keep waiting).",
            messages.SUCCESS,
        )
