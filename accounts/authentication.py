from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.models import ApiToken
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
        return (token.user, token)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": "Token <key>"}
