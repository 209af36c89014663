"""What every API view shares: one error shape, cursor pagination, brand scoping."""

from __future__ import annotations

import structlog
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from core.converters import MAX_ID
from tenancy.permissions import Action
from tenancy.selectors import brand_for_user


class IdField(serializers.IntegerField):
    """An object id in a request body or query: a number the database can hold (ids past
    64 bits would fail inside the query), else a 400 like any other bad value."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class ApiError(exceptions.APIException):
    """A domain error with a stable code, e.g. ApiError("job_in_progress", "...", 409)."""

    def __init__(self, code: str, message: str, status_code: int = 400, details=None):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code
        self.details = details or {}


def exception_handler(exc, context):
    """Every error is `{"code", "message", "details"}`; details holds per-field messages."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        code, message, details = exc.error_code, str(exc.detail), exc.details
    elif isinstance(exc, exceptions.ValidationError):
        code, message = "invalid", "The request has invalid fields."
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
    else:
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        message, details = str(exc.detail), {}
    response.data = {"code": code, "message": message, "details": details}
    return response


class IdCursorPagination(CursorPagination):
    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200


class BrandScopedMixin:
    """Resolves `brand_id` from the URL through the one brand selector.

    Reads need `read_action`, writes `write_action`; a brand the user is not a member of
    is a 404, so other tenants cannot even confirm it exists.
    """

    read_action = Action.VIEW
    write_action = Action.EDIT_POSTS

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        action = self.read_action if request.method in SAFE_METHODS else self.write_action
        self.brand = brand_for_user(
            user=request.user, brand_id=kwargs.get("brand_id"), action=action
        )
        # The request's log line (core.middleware) and any line logged below carry the brand.
        structlog.contextvars.bind_contextvars(brand_id=self.brand.pk)
