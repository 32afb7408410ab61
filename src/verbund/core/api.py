"""Shared API pieces: cursor pagination and an exception handler that names fields."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import pagination, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class CursorPagination(pagination.CursorPagination):
    """Stable paging at any size: no COUNT, ordered by id unless the client orders otherwise."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "id"

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        ordering = super().get_ordering(request, queryset, view)
        # A unique tie-breaker keeps the cursor stable when ordering by a non-unique field.
        if ordering and ordering[-1].lstrip("-") != "id":
            ordering = (*ordering, "id")
        return ordering


def validation_error_detail(exc: DjangoValidationError) -> dict[str, Any] | list[str]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages]
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Django validation errors raised by actions become 400s naming the field.

    An API exception with a ``body`` attribute answers with that body as it is, keeping
    numbers as numbers (DRF would turn every value of ``detail`` into a string).
    """
    body = getattr(exc, "body", None)
    if isinstance(exc, APIException) and isinstance(body, dict):
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=validation_error_detail(exc))
    elif isinstance(exc, IntegrityError):
        return Response(
            {"non_field_errors": [str(exc).splitlines()[0]]}, status=status.HTTP_409_CONFLICT
        )
    return drf_exception_handler(exc, context)
