"""Pieces the job-monitoring admin pages share: a paginator whose count never scans the whole
table, list filters whose choices come from code instead of a `SELECT DISTINCT` over the
table, and the brands a staff user may watch."""

from __future__ import annotations

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from connections.providers import base as pb
from connections.providers import platform_choices
from tenancy.models import Brand

# The closed error vocabulary the providers map every platform error onto, plus the code the
# worker writes when our own code raised mid-call.
ERROR_CODES: tuple[str, ...] = tuple(
    sorted(
        {
            cls.code
            for cls in (
                pb.RateLimited,
                pb.AuthExpired,
                pb.AuthRevoked,
                pb.Transient,
                pb.Unknown,
                pb.Rejected,
                pb.Duplicate,
            )
        }
        | {"internal_error"}
    )
)


class CappedCountPaginator(Paginator):
    """Counts at most `COUNT_CAP` rows (`SELECT COUNT(*) FROM (... LIMIT cap)`), so a page of
    a 100,000-job list costs the same as one of a 100-job list. Past the cap the admin shows
    the cap as the total; filters and search narrow the list below it."""

    COUNT_CAP = 5000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.COUNT_CAP].count()


def staff_brands(user) -> QuerySet[Brand]:
    """Superusers watch every brand; other staff only the brands they are members of (the
    same membership rule as tenancy.selectors.brands_for_user)."""
    if getattr(user, "is_superuser", False):
        return Brand.objects.all()
    if not getattr(user, "is_staff", False):
        return Brand.objects.none()
    return Brand.objects.filter(memberships__user=user)


def scope_to_staff(queryset: QuerySet, user, brand_field: str = "brand") -> QuerySet:
    if getattr(user, "is_superuser", False):
        return queryset
    return queryset.filter(**{f"{brand_field}__in": staff_brands(user).values("pk")})


class PlatformFilter(admin.SimpleListFilter):
    title = "platform"
    parameter_name = "platform"

    def lookups(self, request, model_admin):
        return platform_choices()

    def queryset(self, request, queryset):
        return queryset.filter(platform=self.value()) if self.value() else queryset


class ErrorCodeFilter(admin.SimpleListFilter):
    title = "error code"
    parameter_name = "error"
    field = "last_error_code"

    def lookups(self, request, model_admin):
        return [("none", "No error"), *((code, code) for code in ERROR_CODES)]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(**{self.field: "" if value == "none" else value})


class StaffBrandFilter(admin.SimpleListFilter):
    """Brands the user may watch (one small query), filtering on `brand_id`."""

    title = "brand"
    parameter_name = "brand"

    def lookups(self, request, model_admin):
        return [(str(b.pk), b.name) for b in staff_brands(request.user).order_by("name")]

    def queryset(self, request, queryset):
        return queryset.filter(brand_id=self.value()) if self.value() else queryset
