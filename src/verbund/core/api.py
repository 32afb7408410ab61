"""Shared API pieces: cursor pagination, an exception handler that names fields, bounded
``?search=``, and the router (ids in URLs are numbers; the root lists what the caller may use)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.urls import NoReverseMatch
from rest_framework import filters, pagination, permissions, routers, status
from rest_framework.exceptions import APIException, UnsupportedMediaType, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import exception_handler as drf_exception_handler

from verbund.core.errors import Conflict
from verbund.core.security import check_search

# A database id in a URL: digits, at most 18 of them (below the 64-bit limit). Anything else
# ("null,null", "abc", "0", "-1", "1.5", 19 digits or more) matches no route and is a 404,
# never a ValueError or a number the database cannot compare. The schema states it as a whole
# number from 1 to ID_PATH_MAX (core.schema.path_ids).
ID_PATTERN = "[1-9][0-9]{0,17}"
ID_PATH_MAX = 10**18 - 1


class IdConverter:
    """``<id:pk>`` in a route: an id as ``ID_PATTERN`` admits it (``<int:pk>`` takes "0" and
    any number of digits). Registered as ``id`` by ``CoreConfig.ready``."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(value)


class CursorPagination(pagination.CursorPagination):
    """Stable paging at any size: no COUNT, ordered by id unless the client orders otherwise."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "id"
    # DRF caps page_size rather than refusing it: the schema says so instead of stating bounds.
    page_size_query_description = (
        f"Rows per page (default {page_size}); more than {max_page_size} gives {max_page_size}, "
        f"a value that is not a whole number above 0 gives {page_size}."
    )

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        ordering = super().get_ordering(request, queryset, view)
        # A unique tie-breaker keeps the cursor stable when ordering by a non-unique field; in
        # the same direction, so that an index on (field, id) reads the page in either.
        if ordering and ordering[-1].lstrip("-") != "id":
            ordering = (*ordering, "-id" if ordering[-1].startswith("-") else "id")
        return ordering


def validation_error_detail(exc: DjangoValidationError) -> dict[str, Any] | list[str]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages]
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Django validation errors raised by actions become 400s naming the field, 409s when
    stored data refuses the write (``core.errors.Conflict``); a body of a
    media type the operation does not take is a 415 listing the ones it takes (``supported``).

    An API exception with a ``body`` attribute answers with that body as it is, keeping
    numbers as numbers (DRF would turn every value of ``detail`` into a string).
    """
    body = getattr(exc, "body", None)
    if isinstance(exc, APIException) and isinstance(body, dict):
        return Response(body, status=exc.status_code)
    if isinstance(exc, Conflict):
        # Refused because of stored data, not the request: 409, naming the field all the same.
        return Response(validation_error_detail(exc), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=validation_error_detail(exc))
    elif isinstance(exc, IntegrityError):
        return Response(
            {"non_field_errors": [str(exc).splitlines()[0]]}, status=status.HTTP_409_CONFLICT
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, UnsupportedMediaType):
        # A 415 says what the operation takes (application/json; a file upload multipart).
        parsers = getattr(context.get("request"), "parsers", None) or []
        response.data["supported"] = [parser.media_type for parser in parsers]
    if response is not None and isinstance(response.data, list):
        # Every error body is an object (the schema says so): messages without a field go
        # under non_field_errors, as a serializer's own would.
        response.data = {"non_field_errors": response.data}
    return response


class BoundedSearchFilter(filters.SearchFilter):
    """DRF's ``?search=``, refusing text no person types with a 400 naming ``search``. A view
    with ``search_words`` (queryset and text -> queryset) searches with it instead of with
    ``search_fields``' ``UPPER(field) LIKE``, which no index answers (the parties: the words in
    their folded search text, on its trigram indexes; 1.1 s at a million parties before)."""

    def filter_queryset(self, request: Request, queryset: Any, view: Any) -> Any:
        search = getattr(view, "search_words", None)
        if search is None:
            return super().filter_queryset(request, queryset, view)
        terms = self.get_search_terms(request)
        return search(queryset, " ".join(terms)) if terms else queryset

    def get_search_terms(self, request: Request) -> list[str]:
        raw = request.query_params.get(self.search_param, "")
        try:
            check_search(raw)
        except DjangoValidationError as exc:
            raise ValidationError({self.search_param: exc.messages}) from None
        return list(super().get_search_terms(request))


class APIRoot(routers.APIRootView):
    """The API's entry: the lists the caller may read, by name (an admin sees them all)."""

    permission_classes = [permissions.IsAuthenticated]
    registry: list[tuple[str, Any, str]] = []

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        viewsets = {basename: viewset for _prefix, viewset, basename in self.registry}
        listed = {}
        for key, url_name in (self.api_root_dict or {}).items():
            viewset = viewsets.get(url_name.removesuffix("-list"))
            if viewset is not None and not _may_list(request, viewset):
                continue
            try:
                listed[key] = reverse(url_name, request=request, format=kwargs.get("format"))
            except NoReverseMatch:
                continue
        return Response(listed)


def _may_list(request: Request, viewset: Any) -> bool:
    """Whether the caller passes the viewset's permissions for reading its list."""
    view = viewset(request=request, action="list", args=(), kwargs={}, format_kwarg=None)
    return all(p.has_permission(request, view) for p in view.get_permissions())


class Router(routers.DefaultRouter):
    APIRootView = APIRoot

    def get_api_root_view(self, api_urls: Any = None) -> Any:
        names = {
            prefix: self.routes[0].name.format(basename=basename)
            for prefix, _viewset, basename in self.registry
        }
        return self.APIRootView.as_view(api_root_dict=names, registry=list(self.registry))

    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        if getattr(viewset, "lookup_value_regex", None) is None and (
            getattr(viewset, "lookup_field", "pk") in ("pk", "id")
        ):
            viewset.lookup_value_regex = ID_PATTERN
        return str(super().get_lookup_regex(viewset, lookup_prefix))


def bad_request(request: Any, exception: Exception | None = None) -> Any:
    """400 for a request Django refuses before any view (too many form fields, a suspicious
    header): JSON under /api/, Django's page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import bad_request as page_bad_request

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return page_bad_request(request, exception)  # type: ignore[arg-type]


def not_found(request: Any, exception: Exception | None = None) -> Any:
    """404 for any path: JSON under /api/ (a path no route matched, such as an id that is no
    id), Django's page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)  # type: ignore[arg-type]
