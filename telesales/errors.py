"""Domain errors raised by services; pages and the API map them to messages and status codes
in one place (telesales.api.exception_handler, accounts.views for pages). `error_body` builds
the API's one error body, which names the request (`request_id`, also the `X-Request-ID`
header and in every log line of the request), so a user's report finds its log lines."""

from telesales import logs


def error_body(code: str, message, **extra) -> dict:
    """`{"error": {"code", "message", …extra, "request_id"}}` (request_id when serving a request)."""
    body = {"code": code, "message": str(message), **extra}
    request_id = logs.current("request_id")
    if request_id:
        body["request_id"] = request_id
    return {"error": body}


class DomainError(Exception):
    """A refused action with a message the user can act on."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, **extra):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, **self.extra}


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status_code = 403
    code = "permission_denied"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class RateLimited(DomainError):
    """Too many answers of one kind; the API adds `Retry-After: retry_after` (seconds)."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, **extra):
        super().__init__(message, **extra)
        self.retry_after = retry_after


class ServiceUnavailable(DomainError):
    """A service the action needs is down (the job queue); the API adds `Retry-After`."""

    status_code = 503
    code = "unavailable"
    retry_after = 30


def first_or_not_found(queryset, message: str):
    """The first row of a queryset already scoped to the actor (a selector's one record), or
    NotFound(message) when there is none the actor may see."""
    row = queryset.first()
    if row is None:
        raise NotFound(message)
    return row
