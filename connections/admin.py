"""Staff see connection health; tokens are not editable fields, so no admin form shows them."""

from django.contrib import admin

from connections.models import OAuthState, PlatformConnection


@admin.register(PlatformConnection)
class PlatformConnectionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "brand", "platform", "status", "token_expires_at", "updated_at")
    list_filter = ("platform", "status")
    search_fields = ("display_name", "username", "account_id")
    readonly_fields = (
        "brand",
        "platform",
        "account_id",
        "granted_scopes",
        "token_expires_at",
        "refresh_due_at",
        "last_refreshed_at",
        "last_verified_at",
        "connected_by",
    )
    exclude = ("access_token", "refresh_token")


@admin.register(OAuthState)
class OAuthStateAdmin(admin.ModelAdmin):
    list_display = ("__str__", "brand", "user", "status", "created_at", "expires_at")
    list_filter = ("platform", "status")
    fields = ("brand", "user", "platform", "status", "redirect_uri", "created_at", "expires_at")
    readonly_fields = fields
