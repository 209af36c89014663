"""Staff view of posts and jobs. Read-only: statuses change only through publishing.state."""

from django.contrib import admin

from publishing.models import JobEvent, MediaAsset, Post, PublishAttempt, PublishJob


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttemptInline(admin.TabularInline):
    model = PublishAttempt
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in PublishAttempt._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(AttemptInline):
    model = JobEvent
    readonly_fields = [f.name for f in JobEvent._meta.fields]


@admin.register(PublishJob)
class PublishJobAdmin(ReadOnlyAdmin):
    list_display = ["id", "post", "platform", "connection", "status", "attempts", "next_attempt_at",
                    "last_error_code", "published_at"]  # fmt: skip
    list_filter = ["status", "platform"]
    search_fields = ["=id", "=post__id", "platform_post_id"]
    list_select_related = ["post", "connection"]
    inlines = [AttemptInline, EventInline]


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["id", "brand", "author", "scheduled_at", "review_status", "created_at"]
    list_filter = ["review_status"]
    list_select_related = ["brand", "author"]


@admin.register(MediaAsset)
class MediaAssetAdmin(ReadOnlyAdmin):
    list_display = ["id", "brand", "mime", "size_bytes", "created_at"]
