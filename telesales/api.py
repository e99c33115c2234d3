"""Shared REST plumbing: query parameters, filters, pagination and one error body for every failure.

Every error answers `{"error": {"code": ..., "message": ..., "details": ...}}`.

Query parameters are validated in one way: an endpoint declares them as a `QueryParams`
serializer (read with `parse_query`) or, for a list, as django-filter filters (through
`FilterBackend`). Either way an unknown name or a value that cannot be used is a 400 naming the
parameter; dates must lie in the supported range (telesales.params)."""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.rest_framework.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, filters, pagination, serializers
from rest_framework.fields import empty
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from telesales import params
from telesales.errors import DomainError, NotFound, RateLimited, ServiceUnavailable, error_body

UNKNOWN_PARAMETER = _("Unknown query parameter.")
UNKNOWN_FIELD = _("Unknown field: this request body does not take it.")
EMPTY_PARAMETER = _("Give a value or leave the parameter out.")


def refuse_unknown(given, known, *, message=UNKNOWN_PARAMETER) -> None:
    """A 400 naming every query parameter or body field the endpoint does not take. A body that is
    not an object is left to the serializer, which answers its own 400 ("expected a dictionary")."""
    if not hasattr(given, "keys"):
        return
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise serializers.ValidationError({name: [message] for name in unknown})


def refuse_empty(given, names) -> None:
    """A 400 naming every parameter among `names` given with an empty value (`?page=`): only
    text may be empty, a number, date, flag or choice left empty is not "not given"."""
    empty = sorted(name for name in names if given.get(name) == "")
    if empty:
        raise serializers.ValidationError({name: [EMPTY_PARAMETER] for name in empty})


# ---- fields -------------------------------------------------------------------------------
MAX_ID = params.MAX_ID


def IdField(**kw):  # noqa: N802 - reads like a field class
    """The id of a record in a request body or query (1 .. the largest primary key)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kw)


def path_id(value) -> int:
    """An id from the URL path as an int; anything that cannot be an id (text, zero, beyond 64
    bits) names no record: a 404."""
    value = str(value)
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_ID:
        raise NotFound(_("Not found."))
    return int(value)


class DateField(serializers.DateField):
    """A date in the supported range (query parameters and request bodies)."""

    default_validators = [params.supported_date]


class DateTimeField(serializers.DateTimeField):
    default_validators = [params.supported_date]

    def enforce_timezone(self, value):
        # DRF checks a naive time at the edge of the calendar by converting it, which overflows.
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


class FlagField(serializers.BooleanField):
    """A yes/no query parameter: `true`/`1` or `false`/`0`, nothing else; left out, its default."""

    default_empty_html = empty

    def to_internal_value(self, data):
        try:
            return params.parse_flag(data)
        except DjangoValidationError:
            self.fail("invalid", input=data)


class Body(serializers.Serializer):
    """A request body; fields it does not declare are refused (a 400 naming each)."""

    def to_internal_value(self, data):
        refuse_unknown(data, [name for name, field in self.fields.items() if not field.read_only], message=UNKNOWN_FIELD)
        return super().to_internal_value(data)


class QueryParams(serializers.Serializer):
    """An endpoint's query parameters; names it does not declare are refused."""

    def to_internal_value(self, data):
        refuse_unknown(data, self.fields)
        refuse_empty(data, [name for name, field in self.fields.items() if not getattr(field, "allow_blank", False)])
        return super().to_internal_value(data)


class PagedQueryParams(QueryParams):
    """Query parameters of a paginated list (the page itself is checked by the pagination)."""

    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1)


def parse_query(request, serializer_class: type[QueryParams]) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def parse_body(request, serializer_class: type[serializers.Serializer], **kwargs) -> dict:
    """The request body as `serializer_class` validates it (`kwargs`: partial=True, context=…);
    a 400 that names each bad field otherwise."""
    body = serializer_class(data=request.data, **kwargs)
    body.is_valid(raise_exception=True)
    return body.validated_data


# ---- filters ------------------------------------------------------------------------------
class FlagFilter(django_filters.BooleanFilter):
    field_class = params.FlagField


class FilterSet(django_filters.rest_framework.FilterSet):
    """Filters with strict yes/no values and dates in the supported range."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.BooleanField: {"filter_class": FlagFilter},
        models.DateField: {"filter_class": django_filters.DateFilter,
                           "extra": lambda f: {"validators": [params.supported_date]}},
    }


class OrderingFilter(filters.OrderingFilter):
    """`ordering` by a field the list cannot be sorted by is a 400, not ignored."""

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        if len(valid) != len(fields):
            allowed = ", ".join(name for name, _label in self.get_valid_fields(queryset, view, {"request": request}))
            raise serializers.ValidationError({self.ordering_param: [f"Order by one of: {allowed}."]})
        return valid


class FilterBackend(DjangoFilterBackend):
    """django-filter with the strict `FilterSet`; refuses query parameters the list does not take
    (its filters, its ordering and its pagination)."""

    filterset_base = FilterSet

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(filterset_class.base_filters) if filterset_class else set()
        if getattr(view, "action", None) == "list":
            known |= page_parameters(view)
            if OrderingFilter in view.filter_backends:
                known.add(OrderingFilter.ordering_param)
        refuse_unknown(request.query_params, known)
        if filterset_class:
            refuse_empty(request.query_params, [name for name, f in filterset_class.base_filters.items()
                                                if not issubclass(f.field_class, forms.CharField)])
        return super().filter_queryset(request, queryset, view)


# ---- pagination ---------------------------------------------------------------------------
def page_parameters(view) -> set[str]:
    paginator = view.paginator
    if paginator is None:
        return set()
    names = {getattr(paginator, "page_query_param", None), getattr(paginator, "cursor_query_param", None),
             paginator.page_size_query_param}
    return names - {None}


class StrictPageSize:
    """`page_size` outside 1..max_page_size is a 400 naming it, not silently replaced."""

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        field = serializers.IntegerField(min_value=1, max_value=self.max_page_size)
        try:
            return field.run_validation(raw)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({self.page_size_query_param: exc.detail}) from None

    def get_schema_operation_parameters(self, view):
        out = super().get_schema_operation_parameters(view)
        for parameter in out:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            elif parameter["name"] == getattr(self, "page_query_param", None):
                parameter["schema"].update(minimum=1)
        return out


class Pagination(StrictPageSize, pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, 1)
        try:
            return serializers.IntegerField(min_value=1).run_validation(raw)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({self.page_query_param: exc.detail}) from None


class CursorPagination(StrictPageSize, pagination.CursorPagination):
    page_size_query_param = "page_size"


class ScopedQuerysetMixin:
    """Viewsets whose rows depend on the caller: implement `scoped_queryset(user)` (a selector
    call) and set `model`; schema generation gets an empty queryset of that model."""

    model = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.scoped_queryset(self.request.user)

    def scoped_queryset(self, user):  # pragma: no cover - each viewset implements it
        raise NotImplementedError


class IdLookupMixin(ScopedQuerysetMixin):
    """A scoped viewset whose records are looked up by the id in the path. Every path segment
    reaches DRF (a malformed id answers the JSON 404, not Django's page) and is read with
    `path_id`; a record outside the caller's scope is NotFound(`not_found`)."""

    lookup_value_regex = "[^/]+"
    not_found = "Not found."

    def get_object(self):
        kwarg = self.lookup_url_kwarg or self.lookup_field
        self.kwargs[kwarg] = path_id(self.kwargs[kwarg])
        try:
            return super().get_object()
        except Http404:
            raise NotFound(self.not_found) from None


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            msg = _first_message(value)
            return msg if key in ("detail", "non_field_errors") else f"{key}: {msg}"
        return "Invalid input."
    if isinstance(detail, list):
        return _first_message(detail[0]) if detail else "Invalid input."
    return str(detail)


def _printable(value):
    """Lone surrogates echoed from the input cannot be encoded as UTF-8: show them escaped."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable(v) for v in value]
    return value


def exception_handler(exc, context):
    """Map domain, Django and DRF errors to the single error body."""
    if isinstance(exc, RateLimited | ServiceUnavailable):
        return Response(error_body(**exc.as_dict()), status=exc.status_code,
                        headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, DomainError):
        return Response(error_body(**exc.as_dict()), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
    body = {"code": code, "message": _first_message(detail)}
    if isinstance(detail, dict | list) and not (isinstance(detail, dict) and set(detail) == {"detail"}):
        body["details"] = detail
    response.data = error_body(**_printable(body))
    return response


@extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
class LabelsField(serializers.JSONField):
    """A label in other languages, {"zh-hans": "…", "zh-hant": "…"} (telesales.i18n): unknown
    language codes and non-text labels are a 400 naming them."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", 'Labels in other languages, e.g. {"zh-hans": "…", "zh-hant": "…"}.')
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        from telesales.i18n import clean_labels

        try:
            return clean_labels(super().to_internal_value(data))
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


@extend_schema_field({"type": "string", "readOnly": True})
class LocalizedField(serializers.Field):
    """The `name` of the object (or of `source`) in the language of the request (Accept-Language
    or the user's choice), falling back to the default name (telesales.i18n.localized)."""

    def __init__(self, field: str = "name", **kwargs):
        self.label_field = field
        kwargs["read_only"] = True
        kwargs.setdefault("source", "*")
        kwargs.setdefault("help_text", "The name in the language of the request.")
        super().__init__(**kwargs)

    def to_representation(self, value):
        from telesales.i18n import localized

        return localized(value, self.label_field)
