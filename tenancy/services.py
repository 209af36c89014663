"""Writes on tenants, brands and memberships. Each change is audited in its transaction."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from audit.services import record_action
from tenancy.models import Brand, Membership, Role, Tenant


class MembershipError(Exception):
    """A member change that would leave the brand in a bad state."""


@transaction.atomic
def tenant_create(*, name: str, slug: str | None = None) -> Tenant:
    tenant = Tenant(name=name, slug=slug or slugify(name))
    tenant.full_clean()
    tenant.save()
    return tenant


@transaction.atomic
def brand_create(
    *, tenant: Tenant, name: str, timezone: str = "UTC", owner=None, slug: str | None = None
) -> Brand:
    brand = Brand(tenant=tenant, name=name, slug=slug or slugify(name), timezone=timezone)
    brand.full_clean()
    brand.save()
    if owner is not None:
        Membership.objects.create(user=owner, brand=brand, role=Role.OWNER)
    record_action(action="brand.create", actor=owner, brand=brand, target=brand)
    return brand


@transaction.atomic
def membership_set(*, brand: Brand, username: str, role: str, actor, request=None) -> Membership:
    """Add a user to the brand, or change their role."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise MembershipError(f"No active user named {username!r}.")
    membership = Membership.objects.select_for_update().filter(user=user, brand=brand).first()
    if membership is not None and membership.role == Role.OWNER and role != Role.OWNER:
        _ensure_another_owner(brand, membership)
    previous = membership.role if membership else None
    if membership is None:
        membership = Membership(user=user, brand=brand, role=role)
    membership.role = role
    membership.full_clean(validate_constraints=False)
    membership.save()
    record_action(
        action="member.add" if previous is None else "member.change_role",
        actor=actor,
        brand=brand,
        target=membership,
        request=request,
        details={"username": username, "from": previous, "to": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor, request=None) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.OWNER:
        _ensure_another_owner(membership.brand, membership)
    record_action(
        action="member.remove",
        actor=actor,
        brand=membership.brand,
        target=membership,
        request=request,
        details={"username": membership.user.username, "role": membership.role},
    )
    membership.delete()


def _ensure_another_owner(brand: Brand, membership: Membership) -> None:
    others = Membership.objects.filter(brand=brand, role=Role.OWNER).exclude(pk=membership.pk)
    if not others.exists():
        raise MembershipError("A brand needs at least one owner; appoint another one first.")
