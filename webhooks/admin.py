"""Read-only admin: deliveries and processing runs are audit rows; deletion requests and
post activity are the platforms' word, not something staff edit."""

from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils.html import format_html

from audit.admin import ReadOnlyAdmin
from webhooks.models import (
    DataDeletionRequest,
    PostActivity,
    WebhookDelivery,
    WebhookProcessing,
)


class ProcessingInline(admin.TabularInline):
    model = WebhookProcessing
    fk_name = "delivery"
    extra = 0
    can_delete = False
    fields = ("created_at", "outcome", "changes_applied", "changes_ignored",
              "changes_duplicate", "records_changed", "error")  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "platform", "kind", "signature_valid",
                    "signature_error", "status")  # fmt: skip
    list_filter = ("platform", "kind", "signature_valid")
    search_fields = ("body_sha256",)
    date_hierarchy = "created_at"
    exclude = ("body",)
    readonly_fields = ("platform", "kind", "created_at", "signature_valid", "signature_error",
                       "remote_addr", "body_sha256", "headers", "body_preview")  # fmt: skip
    inlines = [ProcessingInline]

    def get_queryset(self, request):
        latest = WebhookProcessing.objects.filter(delivery_id=OuterRef("pk")).order_by("-id")
        return (
            super()
            .get_queryset(request)
            .defer("body")
            .annotate(latest_outcome=Subquery(latest.values("outcome")[:1]))
        )

    @admin.display(description="status")
    def status(self, obj):
        if not obj.signature_valid:
            return "rejected"
        return getattr(obj, "latest_outcome", None) or "pending"

    @admin.display(description="body")
    def body_preview(self, obj):
        return format_html("<pre style='white-space:pre-wrap'>{}</pre>", obj.body_text())


@admin.register(PostActivity)
class PostActivityAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "brand", "platform", "kind", "job", "author_name",
                    "removed_at")  # fmt: skip
    list_filter = ("platform", "kind", "brand")
    search_fields = ("item_id", "parent_id", "author_name")
    list_select_related = ("brand", "job")
    raw_id_fields = ("job", "connection")


@admin.register(DataDeletionRequest)
class DataDeletionRequestAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "platform", "confirmation_code", "status",
                    "connections_affected", "started_at", "completed_at")  # fmt: skip
    list_filter = ("platform", "status")
    search_fields = ("confirmation_code",)
    exclude = ("platform_user_id",)
