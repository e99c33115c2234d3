"""Read-only pages and API answers from a PostgreSQL streaming replica (`DATABASE_REPLICA_URL`).

When the setting is present, settings add a `replica` database and `ReplicaRouter`. Only GET and
HEAD requests to the read-heavy paths in `REPLICA_READ_PATHS` (dashboards, exports, the KPI and
funnel API) read from the replica, and only inside the view: the session and the signed-in user
are read from the primary first. Everything else stays on the primary: every write, every read
inside a transaction (a lock or a read-then-write), the rep's calling loop, Celery jobs and
management commands.

Read-your-writes: a request that changed something (any other method that did not fail) marks its
client — the session cookie, or the API token — for `REPLICA_READ_YOUR_WRITES_SECONDS`; while the
mark lasts, that client reads everything from the primary, so a manager who just set a target sees
it on the dashboard even when the replica is a moment behind. The mark lives in the cache, which is
Redis in production, so every web process sees it."""

from __future__ import annotations

import hashlib
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD"})
# Who is signed in and with what: read from the primary always (a new token or session works at once).
PRIMARY_APPS = frozenset({"accounts", "auth", "sessions", "axes", "contenttypes"})
_reads_from_replica: ContextVar[bool] = ContextVar("reads_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    """Reads go to the replica only while a request allowed it and no transaction is open."""

    def db_for_read(self, model, **hints):
        if (_reads_from_replica.get() and model._meta.app_label not in PRIMARY_APPS
                and not connections["default"].in_atomic_block and replica_configured()):
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: objects from either may be related

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def client_key(request) -> str | None:
    """Who made a request, without authenticating it: its session cookie or its API token."""
    return _mark_key(request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.META.get("HTTP_AUTHORIZATION"))


def _mark_key(credential: str | None) -> str | None:
    if not credential:
        return None
    return "replica:wrote:" + hashlib.sha256(credential.encode()).hexdigest()[:32]


def may_read_replica(request) -> bool:
    if request.method not in SAFE_METHODS or not replica_configured():
        return False
    if not request.path.startswith(tuple(settings.REPLICA_READ_PATHS)):
        return False
    key = client_key(request)
    return key is None or cache.get(key) is None


class ReplicaReadsMiddleware:
    """Turns replica reads on for the view of an eligible request; marks clients that wrote."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.replica_reads = may_read_replica(request)
        try:
            response = self.get_response(request)
        finally:
            token = getattr(request, "_replica_token", None)
            if token is not None:
                _reads_from_replica.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 400 and replica_configured():
            key = client_key(request) or client_key_from_response(response)
            if key:
                cache.set(key, 1, settings.REPLICA_READ_YOUR_WRITES_SECONDS)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.replica_reads:
            # The session and the signed-in user come from the primary (a new sign-in may not
            # have reached the replica yet); only the view's own reads go to the replica.
            getattr(request, "user", None) and request.user.is_authenticated
            request._replica_token = _reads_from_replica.set(True)


def client_key_from_response(response) -> str | None:
    """A sign-in sets its session cookie on the response: the new session reads the primary too."""
    morsel = response.cookies.get(settings.SESSION_COOKIE_NAME)
    return _mark_key(morsel.value if morsel is not None else None)
