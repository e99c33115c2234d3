"""Shared REST plumbing: pagination and one error body for every failure.

Every error answers `{"error": {"code": ..., "message": ..., "details": ...}}`."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from telesales.errors import DomainError, RateLimited


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


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            msg = _first_message(value)
            return msg if key in ("detail", "non_field_errors") else f"{key}: {msg}"
        return "Invalid input."
    if isinstance(detail, list):
        return _first_message(detail[0]) if detail else "Invalid input."
    return str(detail)


def exception_handler(exc, context):
    """Map domain, Django and DRF errors to the single error body."""
    if isinstance(exc, RateLimited):
        return Response({"error": exc.as_dict()}, status=exc.status_code, headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, DomainError):
        return Response({"error": exc.as_dict()}, status=exc.status_code)
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
    response.data = {"error": body}
    return response


def error_response(message: str, *, code: str = "invalid", http_status: int = status.HTTP_400_BAD_REQUEST, **extra):
    """Build the standard error body for a view that answers an error itself."""
    return Response({"error": {"code": code, "message": message, **extra}}, status=http_status)
