"""Reply templates: create / change / delete (audited), pick one for a rating, fill it in."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from audit.services import record_action
from reviews.models import ResponseTemplate, Review

VARIABLES = ("reviewer_name", "brand", "location")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
FIELDS = {"name", "min_rating", "max_rating", "body"}


class TemplateError(Exception):
    def __init__(self, code: str, message: str, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.field, self.status = code, message, field, status


def check_body(body: str) -> None:
    unknown = [name for name in _PLACEHOLDER.findall(body) if name not in VARIABLES]
    if unknown:
        known = ", ".join("{" + name + "}" for name in VARIABLES)
        raise TemplateError(
            "unknown_variable", f"Unknown variable {{{unknown[0]}}}; use {known}.", field="body"
        )


def _save(template: ResponseTemplate) -> None:
    check_body(template.body)
    if template.min_rating > template.max_rating:
        raise TemplateError(
            "invalid_range", "min_rating must not be above max_rating.", field="min_rating"
        )
    template.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise TemplateError(
            "duplicate_name", "The brand already has a template with this name.", field="name"
        ) from None


@transaction.atomic
def template_create(*, brand, actor, request=None, **fields) -> ResponseTemplate:
    template = ResponseTemplate(brand=brand, created_by=actor, **fields)
    _save(template)
    record_action(
        action="review_template.create", actor=actor, brand=brand, target=template,
        request=request, details={"name": template.name},
    )  # fmt: skip
    return template


@transaction.atomic
def template_update(*, template: ResponseTemplate, actor, request=None, **fields):
    unknown = set(fields) - FIELDS
    if unknown:
        raise ValueError(f"Unknown template fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(template, name, value)
    _save(template)
    record_action(
        action="review_template.update", actor=actor, brand=template.brand, target=template,
        request=request, details={"fields": sorted(fields)},
    )  # fmt: skip
    return template


@transaction.atomic
def template_delete(*, template: ResponseTemplate, actor, request=None) -> None:
    record_action(
        action="review_template.delete", actor=actor, brand=template.brand, target=template,
        request=request, details={"name": template.name},
    )  # fmt: skip
    template.delete()


def template_for_rating(*, brand, rating: int | None) -> ResponseTemplate | None:
    """The brand's template for this rating: the narrowest range that covers it, then the
    least used (so equal templates take turns), then the oldest."""
    if rating is None:
        return None
    candidates = ResponseTemplate.objects.filter(
        brand=brand, min_rating__lte=rating, max_rating__gte=rating
    )
    return min(
        candidates,
        key=lambda t: (t.max_rating - t.min_rating, t.usage_count, t.pk),
        default=None,
    )


def fill(template: ResponseTemplate, review: Review) -> str:
    """The template's body with its variables filled in for this review. Only the three
    names are replaced (never str.format, which would let a body reach attributes)."""
    values = {
        "reviewer_name": review.reviewer_name or "there",
        "brand": review.brand.name,
        "location": review.connection.display_name,
    }
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template.body)
