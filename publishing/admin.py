"""The job-monitoring admin: staff answer "what happened to this post, who did it, and why did
it fail" here. Every list stays a fixed number of queries however many jobs exist
(list_select_related, filters whose choices come from code, a capped count), and every action
goes through the same publishing services as the API, which write the audit rows."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import StreamingHttpResponse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from audit.admin_tools import (
    CappedCountPaginator,
    ErrorCodeFilter,
    PlatformFilter,
    StaffBrandFilter,
    scope_to_staff,
)
from publishing.models import (
    JobEvent,
    JobStatus,
    MediaAsset,
    Post,
    PublishAttempt,
    PublishJob,
    ReviewStatus,
)
from publishing.services.posts import PublishingError, job_cancel, job_retry
from publishing.services.review import post_approve
from publishing.state import post_status
from tenancy.permissions import Action, role_allows
from tenancy.selectors import role_of


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JobEventInline(ReadOnlyInline):
    """The job's timeline: every status change, oldest first, with who caused it."""

    model = JobEvent
    fields = ("created_at", "from_status", "status", "attempt", "error_code", "error_message",
              "actor")  # fmt: skip
    readonly_fields = fields
    ordering = ("id",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class PublishAttemptInline(ReadOnlyInline):
    model = PublishAttempt
    fields = ("number", "kind", "started_at", "finished_at", "outcome", "http_status",
              "error_code", "error_message", "duration_ms")  # fmt: skip
    readonly_fields = fields
    ordering = ("id",)


def _permalink(url: str):
    return format_html('<a href="{}" target="_blank" rel="noopener">live post ↗</a>', url)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublishJob)
class PublishJobAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "post_excerpt", "brand", "platform", "connection", "status",
                    "attempts", "last_error_code", "next_attempt_at", "published_at",
                    "live_post")  # fmt: skip
    list_filter = (
        StaffBrandFilter,
        PlatformFilter,
        "status",
        ErrorCodeFilter,
        ("created_at", admin.DateFieldListFilter),
        ("published_at", admin.DateFieldListFilter),
    )
    search_fields = ("post__text", "=platform_post_id")
    list_select_related = ("post", "brand", "connection")
    show_full_result_count = False
    paginator = CappedCountPaginator
    ordering = ("-id",)
    inlines = (JobEventInline, PublishAttemptInline)
    actions = ("retry_jobs", "cancel_jobs")
    fields = ("post", "brand", "connection", "platform", "status", "attempts",
              "next_attempt_at", "lease_expires_at", "last_error_code", "last_error_message",
              "platform_post_id", "live_post", "published_at", "saved_platform_ids",
              "refreshed_token", "created_at", "updated_at")  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("post", "brand", "connection")
        return scope_to_staff(qs, request.user)

    # Actions need "change" in Django's eyes; the services decide what is allowed.
    def has_retry_permission(self, request):
        return request.user.is_staff

    has_cancel_permission = has_retry_permission

    @admin.display(description="platform ids")
    def saved_platform_ids(self, job: PublishJob) -> dict:
        from publishing.selectors import shown_platform_ids

        return shown_platform_ids(job.platform_ids or {})

    @admin.display(description="post")
    def post_excerpt(self, job: PublishJob) -> str:
        return Truncator(job.post.text).chars(60) or f"Post #{job.post_id}"

    @admin.display(description="live post")
    def live_post(self, job: PublishJob):
        return _permalink(job.permalink) if job.permalink else "—"

    def _run(self, request, queryset, service, verb: str) -> None:
        done, refused = 0, []
        for job in queryset.select_related("brand"):
            try:
                service(job=job, actor=request.user, request=request)
                done += 1
            except PublishingError as error:
                refused.append(f"#{job.pk}: {error.message}")
        if done:
            self.message_user(request, f"{verb} {done} job(s).", messages.SUCCESS)
        if refused:
            self.message_user(request, "Refused " + "; ".join(refused), messages.WARNING)

    @admin.action(description="Retry selected failed jobs", permissions=["retry"])
    def retry_jobs(self, request, queryset):
        self._run(request, queryset, job_retry, "Retried")

    @admin.action(description="Cancel selected jobs", permissions=["cancel"])
    def cancel_jobs(self, request, queryset):
        self._run(request, queryset, job_cancel, "Cancelled")


class TargetInline(ReadOnlyInline):
    """One row per target account, with its own status and live link."""

    model = PublishJob
    fields = ("connection", "platform", "status", "attempts", "last_error_code",
              "published_at", "live_post")  # fmt: skip
    readonly_fields = fields
    ordering = ("id",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("connection")

    @admin.display(description="live post")
    def live_post(self, job: PublishJob):
        return _permalink(job.permalink) if job.permalink else "—"


@admin.register(Post)
class PostAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "excerpt", "brand", "author", "scheduled_at", "review_status",
                    "created_at")  # fmt: skip
    list_filter = (StaffBrandFilter, "review_status", ("created_at", admin.DateFieldListFilter))
    search_fields = ("text",)
    list_select_related = ("brand", "author")
    show_full_result_count = False
    paginator = CappedCountPaginator
    ordering = ("-id",)
    inlines = (TargetInline,)
    actions = ("approve", "compliance_csv")
    fields = ("brand", "author", "status", "review_status", "approved_by", "approved_at",
              "text", "text_overrides", "link", "scheduled_at",
              "x_thread", "google_post_type", "google_details", "validation_findings",
              "created_at", "updated_at")  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("brand", "author", "approved_by")
        return scope_to_staff(qs, request.user)

    @admin.action(description="Approve the selected posts waiting for review")
    def approve(self, request, queryset):
        """Superusers, or staff who are admins or owners of the post's brand, approve through
        the same service as the API (audited there); the held publish or schedule then runs."""
        approved = 0
        for post in queryset.filter(review_status=ReviewStatus.PENDING).select_related("brand"):
            role = role_of(user=request.user, brand=post.brand)
            if not (request.user.is_superuser or role_allows(role, Action.MANAGE_POLICY)):
                self.message_user(
                    request, f"Post {post.pk}: only the brand's admins approve.", messages.ERROR
                )
                continue
            try:
                post_approve(post=post, actor=request.user, request=request)
                approved += 1
            except PublishingError as exc:
                self.message_user(request, f"Post {post.pk}: {exc}", messages.ERROR)
        self.message_user(request, f"Approved {approved} post(s).", messages.SUCCESS)

    def has_compliance_permission(self, request):
        return request.user.is_staff

    @admin.action(description="Compliance CSV of the selected published posts",
                  permissions=["compliance"])  # fmt: skip
    def compliance_csv(self, request, queryset):
        from audit import compliance

        published = queryset.filter(jobs__status=JobStatus.PUBLISHED).distinct().order_by("id")
        response = StreamingHttpResponse(
            compliance.csv_lines(compliance.report_rows(published)), content_type="text/csv"
        )
        response["Content-Disposition"] = 'attachment; filename="compliance-selected.csv"'
        return response

    @admin.display(description="text")
    def excerpt(self, post: Post) -> str:
        return Truncator(post.text).chars(80)

    @admin.display(description="status")
    def status(self, post: Post) -> str:
        return post_status(post.jobs.values_list("status", flat=True))

    @admin.display(description="validation findings (latest run)")
    def validation_findings(self, post: Post):
        from validation.models import ValidationRun

        run = ValidationRun.objects.filter(post_id=post.pk).order_by("-created_at").first()
        if run is None:
            return "No validation run stored for this post."
        if not run.findings:
            return f"{run.get_outcome_display()} — no findings ({run.created_at:%Y-%m-%d %H:%M})"
        rows = format_html_join(
            "",
            "<li><b>{}</b> [{}] {}</li>",
            ((f.get("rule", ""), f.get("severity", ""), f.get("message", ""))
             for f in run.findings),
        )  # fmt: skip
        return format_html("{} — policy {}<ul>{}</ul>", run.get_outcome_display(),
                           run.policy_version, rows)  # fmt: skip


class EventStatusFilter(admin.SimpleListFilter):
    """JobEvent.status has no choices of its own; list the job statuses instead of a
    SELECT DISTINCT over every event."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return JobStatus.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(JobEvent)
class JobEventAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "created_at", "brand", "job", "platform", "from_status", "status",
                    "attempt", "error_code", "actor")  # fmt: skip
    list_filter = (StaffBrandFilter, PlatformFilter, EventStatusFilter)
    list_select_related = ("brand", "job", "actor")
    show_full_result_count = False
    paginator = CappedCountPaginator
    ordering = ("-id",)
    raw_id_fields = ("job",)

    def get_queryset(self, request):
        return scope_to_staff(super().get_queryset(request), request.user)


class AttemptOutcomeFilter(admin.SimpleListFilter):
    """Outcomes the worker writes (publishing.services.execution), listed here rather than
    found with a SELECT DISTINCT over every attempt."""

    title = "outcome"
    parameter_name = "outcome"
    OUTCOMES = ("published", "rate_limited", "quota_exceeded", "auth_revoked", "rejected",
                "transient", "unknown", "found", "not_found", "lookup_failed")  # fmt: skip

    def lookups(self, request, model_admin):
        return [(o, o) for o in self.OUTCOMES]

    def queryset(self, request, queryset):
        return queryset.filter(outcome=self.value()) if self.value() else queryset


@admin.register(PublishAttempt)
class PublishAttemptAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "job", "number", "kind", "started_at", "outcome", "http_status",
                    "error_code", "duration_ms")  # fmt: skip
    list_filter = (AttemptOutcomeFilter,)
    list_select_related = ("job",)
    show_full_result_count = False
    paginator = CappedCountPaginator
    ordering = ("-id",)
    raw_id_fields = ("job",)

    def get_queryset(self, request):
        return scope_to_staff(super().get_queryset(request), request.user, "job__brand")


@admin.register(MediaAsset)
class MediaAssetAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "brand", "mime", "size_bytes", "created_at")
    list_select_related = ("brand",)
    show_full_result_count = False
    paginator = CappedCountPaginator
    ordering = ("-id",)

    def get_queryset(self, request):
        return scope_to_staff(super().get_queryset(request), request.user)
