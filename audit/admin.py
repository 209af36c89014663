from django.contrib import admin

from audit.models import ActionLog, PlatformSyncRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit rows are evidence: staff read them, nobody edits or deletes them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActionLog)
class ActionLogAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "action",
        "brand",
        "actor",
        "target_type",
        "target_id",
        "ip_address",
    )
    list_filter = ("action", "brand")
    search_fields = ("action", "target_id", "actor__username")
    list_select_related = ("brand", "actor")
    date_hierarchy = "created_at"


@admin.register(PlatformSyncRun)
class PlatformSyncRunAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "kind",
        "platform",
        "brand",
        "connection",
        "outcome",
        "records",
        "error_code",
    )
    list_filter = ("kind", "platform", "outcome", "brand")
    search_fields = ("error_code", "error_message")
    list_select_related = ("brand", "connection")
    date_hierarchy = "created_at"


# Staff actions on connections (verify, refresh, disconnect) extend the connections admin.
from audit import admin_connections  # noqa: E402,F401
