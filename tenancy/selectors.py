"""Reads that every brand-scoped view, API and page goes through."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from tenancy.models import Brand, Membership
from tenancy.permissions import Action, role_allows


def brands_for_user(*, user) -> QuerySet[Brand]:
    """The brands a user may see: those they are a member of."""
    if not getattr(user, "is_authenticated", False):
        return Brand.objects.none()
    return Brand.objects.filter(memberships__user=user)


def role_of(*, user, brand: Brand) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, brand=brand).values_list("role", flat=True).first()


def brand_for_user(*, user, brand_id, action: Action = Action.VIEW) -> Brand:
    """The brand, if the user may do `action` on it.

    A brand the user cannot see is a 404 (never confirm it exists); a brand they can see but
    whose role is too low for the action is a 403.
    """
    try:
        brand_pk = int(brand_id)
    except (TypeError, ValueError):
        raise Http404("No such brand.") from None
    membership = (
        Membership.objects.select_related("brand", "brand__tenant")
        .filter(user_id=getattr(user, "pk", None), brand_id=brand_pk)
        .first()
    )
    if membership is None:
        raise Http404("No such brand.")
    if not role_allows(membership.role, action):
        raise PermissionDenied(f"Your role ({membership.role}) cannot {action.value} here.")
    brand = membership.brand
    brand.current_role = membership.role
    return brand


def memberships_for_brand(*, brand: Brand) -> QuerySet[Membership]:
    return Membership.objects.filter(brand=brand).select_related("user").order_by("user__username")
