"""Production overrides: `DJANGO_SETTINGS_MODULE=telesales.settings_production`.
Passes `manage.py check --deploy` when SECRET_KEY is a real secret."""

from telesales.logs import logging_config
from telesales.settings import *  # noqa: F403
from telesales.settings import env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS is an explicit choice. true (the default, what `check --deploy` wants): plain HTTP is
# redirected to https, cookies are Secure and HSTS is sent, so a TLS proxy must stand in front
# (docs in the README). false: a plain-HTTP deployment (compose's default, a private network).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The health probes answer on plain HTTP inside the container network in either case.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_SSL_REDIRECT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=SECURE_SSL_REDIRECT)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Hashed, compressed files collected into STATIC_ROOT by `collectstatic` under these settings:
# the Docker image does it at build time, `make serve-prod` before it starts gunicorn.
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = False
# Webhooks go out over https only, and never into our own network, whatever the environment says.
WEBHOOKS_REQUIRE_HTTPS = True
WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
LOGGING = logging_config(json=env.bool("LOG_JSON", default=True), level=env.str("LOG_LEVEL", default="INFO"))
