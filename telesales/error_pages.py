"""Django's error pages, except under /api/: there a 400, 403, 404 or 500 that no API view
answered itself (a path no route matches, such as `/api/v1/calls/1.5/`, or a crash) is the API's
one error body, as every other API error is (telesales.api)."""

import sys

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from telesales import db
from telesales.errors import error_body

API_PREFIX = "/api/"


def _api_error(request, status: int, code: str, message) -> JsonResponse | None:
    if not request.path.startswith(API_PREFIX):
        return None
    return JsonResponse(error_body(code, message), status=status)


def bad_request(request, exception):
    return (_api_error(request, 400, "invalid", _("Bad request."))
            or defaults.bad_request(request, exception))


def permission_denied(request, exception):
    return (_api_error(request, 403, "permission_denied", _("You do not have permission to perform this action."))
            or defaults.permission_denied(request, exception))


def page_not_found(request, exception):
    return _api_error(request, 404, "not_found", _("Not found.")) or defaults.page_not_found(request, exception)


def server_error(request):
    # A database that could not serve (lock or statement timeout, a restart) is a 503 to retry,
    # also when it failed outside a view (in a middleware).
    exc = sys.exc_info()[1]
    if db.is_unavailable(exc):
        return db.unavailable_response(request, exc)
    return _api_error(request, 500, "server_error", _("A server error occurred.")) or defaults.server_error(request)
