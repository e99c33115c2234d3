"""Test overrides: a fast password hasher (factories hash a password for every user)."""

from telesales.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Django's test client signs in without a request, which django-axes refuses; the lockout tests
# switch it on. API rates are high enough for the suite; the throttle tests lower them.
AXES_ENABLED = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "token_failures": "100000/hour"},
}
