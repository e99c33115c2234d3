"""Rate limits for the API (sign-in on pages is limited by django-axes, see settings).

- `ClientRateThrottle`: per API token, or per user for a signed-in session;
- `AnonymousRateThrottle`: per client IP for requests without credentials;
- `TokenFailureThrottle`: per client IP, counts failed token authentications; once over its
  rate every token request from that IP is refused with 429 until the window passes, so guessing
  tokens stops (DRF's own throttles never see a request whose authentication failed).

Rates come from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`, read when a throttle is built (DRF reads
them once at import), so a settings override takes effect at once. The client IP honours
`REST_FRAMEWORK["NUM_PROXIES"]` (0: REMOTE_ADDR only, so X-Forwarded-For cannot be forged)."""

from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, BaseThrottle, SimpleRateThrottle

from accounts.models import ApiToken


def client_ip(request) -> str | None:
    """The client's address as the throttles see it (also django-axes' AXES_CLIENT_IP_CALLABLE)."""
    return BaseThrottle().get_ident(request)


class _SettingsRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class AnonymousRateThrottle(_SettingsRate, AnonRateThrottle):
    scope = "anon"


class ClientRateThrottle(_SettingsRate, SimpleRateThrottle):
    """One budget per API token, or per user for session requests."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None  # AnonymousRateThrottle's
        ident = f"token{request.auth.pk}" if isinstance(request.auth, ApiToken) else f"user{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenFailureThrottle(_SettingsRate, SimpleRateThrottle):
    scope = "token_failures"

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}

    def refuse_if_blocked(self, request) -> None:
        """Raise 429 when this IP has used up its failed attempts within the window."""
        if not self.allow_request(request, None):
            raise exceptions.Throttled(wait=self.wait())

    def throttle_success(self):
        return True  # a request only counts once it fails: see record_failure

    def record_failure(self) -> None:
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
