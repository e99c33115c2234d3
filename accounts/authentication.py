from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission

from accounts.access import token_may
from accounts.models import ApiToken
from accounts.scopes import scope_for
from accounts.throttles import TokenFailureThrottle


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>` for integrations; revoked or expired tokens and inactive users are
    refused, and an IP that fails too often is refused with 429 before its token is even looked at."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        guard = TokenFailureThrottle()
        guard.refuse_if_blocked(request)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            guard.record_failure()
            raise

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(_("Token expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        # What the request may do is the token's scopes (accounts.access reads them from the user).
        token.user.api_scopes = frozenset(token.scopes or ())
        return (token.user, token)


class TokenScopes(BasePermission):
    """A request made with a token needs its endpoint's scope (accounts.scopes.scope_for); a
    session request needs none. In DEFAULT_PERMISSION_CLASSES, so every endpoint has it."""

    def has_permission(self, request, view):
        token = request.auth
        method = request.method.lower()
        if not isinstance(token, ApiToken) or method not in view.http_method_names or not hasattr(view, method):
            return True  # a session; or a method the endpoint lacks, which answers 405
        action = getattr(view, getattr(view, "action", None) or "", None)
        declared = getattr(action, "required_scope", None) or getattr(view, "required_scope", None)
        path = request.path.split("/api/v1/", 1)[-1]
        needed = scope_for(path, request.method, declared)
        if token_may(request.user, token.scopes or (), needed):
            return True
        self.message = _("This token lacks the “%(scope)s” scope; an admin can issue one that has it.") % {
            "scope": needed}
        return False


def requires_scope(scope):
    """Name the token scope an endpoint needs, over accounts.scopes.BY_PATH: decorate a view class,
    a viewset action (above `@action`), or an `@api_view` function (above `@api_view`). `scope` is
    one scope or a (read, write) pair, e.g. `@requires_scope("admin")`."""

    def decorate(view):
        target = getattr(view, "cls", view)
        target.required_scope = scope
        return view

    return decorate


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": "Token <key>"}
