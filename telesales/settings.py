"""Settings, all from the environment (django-environ). Defaults run a laptop demo:
SQLite in the project folder and Celery tasks executed in-process."""

import datetime as dt
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from telesales.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-dev-only-change-me")
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "accounts",
    "notifications",
    "leads",
    "calls",
    "kpis",
    "funnel",
    "targets",
    "coaching",
    "scoring",
    "webhooks",
]

MIDDLEWARE = [
    # First: names the request for the logs, error bodies and the X-Request-ID header.
    "telesales.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "telesales.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Dashboards and exports read from the replica when DATABASE_REPLICA_URL is set (telesales/replica.py).
    "telesales.replica.ReplicaReadsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "telesales.urls"
WSGI_APPLICATION = "telesales.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Persistent connections, checked before each request reuses one (a restarted server is noticed).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL session limits (telesales/db.py): web requests never wait long on a row lock or a
# runaway statement (503 + Retry-After instead); jobs get longer ones; commands none.
# A PostgreSQL streaming replica for dashboards, exports and the KPI and funnel API
# (telesales/replica.py); writes, the calling loop and jobs stay on the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].update(CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"], CONN_HEALTH_CHECKS=True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["telesales.replica.ReplicaRouter"]
REPLICA_READ_PATHS = ["/kpis/", "/funnel/", "/leads/export.csv", "/api/v1/kpis/", "/api/v1/funnel/"]
REPLICA_READ_YOUR_WRITES_SECONDS = env.int("REPLICA_READ_YOUR_WRITES_SECONDS", default=5)
DB_WEB_STATEMENT_TIMEOUT_MS = env.int("DB_WEB_STATEMENT_TIMEOUT_MS", default=30_000)
DB_WEB_LOCK_TIMEOUT_MS = env.int("DB_WEB_LOCK_TIMEOUT_MS", default=5_000)
if "postgresql" in DATABASES["default"]["ENGINE"] and env.str("DB_RANDOM_PAGE_COST", default="1.1"):
    # The planner's price of a random page read. PostgreSQL's default (4) is for spinning disks;
    # on SSDs, or with the hot tables in memory, it makes the planner walk a whole primary key
    # (a merge join) where a few hundred index probes do (the work queue's follow-ups).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c random_page_cost={env.str('DB_RANDOM_PAGE_COST', default='1.1')}")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL and a busy timeout let the in-process demo serve while tasks write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    # Covering indexes (Index.include) are PostgreSQL's; SQLite builds the same index without
    # the extra columns, which is all the warning says.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve static files straight from the app folders when nobody ran collectstatic, also with
# DEBUG off; settings_production serves the collected, hashed files instead.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

PHONE_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", default="CN")
# How many "this number already exists, held by …" answers one user gets an hour (then 429).
LEAD_COLLISION_LIMIT_PER_HOUR = env.int("LEAD_COLLISION_LIMIT_PER_HOUR", default=30)

# Today, live: how often the team wallboard and the rep's today tiles on the call plan ask for
# fresh numbers (seconds). The dashboards' facts are refreshed by the KPI job every
# KPI_REFRESH_MINUTES (kpis/schedule.py).
KPI_LIVE_POLL_SECONDS = env.int("KPI_LIVE_POLL_SECONDS", default=15)
# A full KPI rebuild queued as a task fans out: one task per month in a Celery chord, so several
# workers divide the time (kpis/fanout.py). On by default when there are workers (REDIS_URL).
KPI_REBUILD_FAN_OUT = env.bool("KPI_REBUILD_FAN_OUT", default=False)  # needs REDIS_URL (a chord); see README
TODAY_TILES_POLL_SECONDS = env.int("TODAY_TILES_POLL_SECONDS", default=30)
NOTIFY_POLL_SECONDS = env.int("NOTIFY_POLL_SECONDS", default=30)  # the bell in the navigation
# The funnel snapshot job (funnel/schedule.py) keeps one snapshot per local day for this many
# days back; a funnel as of an older day starts from the oldest one.
FUNNEL_SNAPSHOT_DAYS = env.int("FUNNEL_SNAPSHOT_DAYS", default=400)

# Largest request body read into memory. The biggest is a call sync batch: 5,000 rows × about
# 5 KB for a row at every field's maximum (notes 4,000 + recording link 500 + keys, phone and
# codes ~250 + numbers, dates and JSON punctuation ~250) = 25 MB. Larger bodies answer 413;
# file uploads are not counted here.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=25 * 1024 * 1024)

# Redis: broker, result backend and cache when set. Otherwise tasks queued by a request run in a
# small pool of background threads in the web process (telesales/jobs.py), never in the request.
REDIS_URL = env.str("REDIS_URL", default="")
TASKS_IN_BACKGROUND_THREADS = not REDIS_URL
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # Tolerant of Redis going away (telesales/cache.py); short socket timeouts, so a stuck Redis
    # costs a request seconds, not its whole time.
    CACHES = {"default": {"BACKEND": "telesales.cache.TolerantRedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5}}}
else:
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TIMEZONE = TIME_ZONE
# Time limits (seconds): every task has the short ones unless it declares itself long
# (telesales/celery.py: KPI rebuilds, imports). The broker redelivers an unacknowledged task
# after the visibility timeout, so that is longer than the longest task may run.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
LONG_TASK_SOFT_TIME_LIMIT = env.int("LONG_TASK_SOFT_TIME_LIMIT", default=3300)
LONG_TASK_TIME_LIMIT = LONG_TASK_SOFT_TIME_LIMIT + 300
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": LONG_TASK_TIME_LIMIT * 2}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = CELERY_BROKER_TRANSPORT_OPTIONS
CELERY_RESULT_EXPIRES = dt.timedelta(days=1)
# Acknowledged on receipt by default; idempotent tasks opt in to acks_late (telesales/celery.py).
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = False
# Jobs' database limits: a job may wait for the KPI lock or run a long statement, never forever.
DB_JOB_STATEMENT_TIMEOUT_MS = env.int("DB_JOB_STATEMENT_TIMEOUT_MS", default=LONG_TASK_TIME_LIMIT * 1000)
DB_JOB_LOCK_TIMEOUT_MS = env.int("DB_JOB_LOCK_TIMEOUT_MS", default=LONG_TASK_TIME_LIMIT * 1000)
# A running job whose heartbeat is older than this is taken for dead (its worker stopped) and
# failed by the sweeper (telesales/jobs.py, every minute on beat).
JOB_STALE_AFTER_SECONDS = env.int("JOB_STALE_AFTER_SECONDS", default=300)
# /healthz: the Celery worker's heartbeat and the last good KPI run may be at most this old.
HEALTH_WORKER_MAX_AGE_SECONDS = env.int("HEALTH_WORKER_MAX_AGE_SECONDS", default=120)
_kpi_refresh = env.int("KPI_REFRESH_MINUTES", default=10)
HEALTH_KPI_MAX_AGE_MINUTES = env.int("HEALTH_KPI_MAX_AGE_MINUTES", default=3 * _kpi_refresh if _kpi_refresh else 26 * 60)
# Each app adds its periodic jobs here (see <app>/schedule.py in the README).
CELERY_BEAT_SCHEDULE: dict = {}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "accounts.authentication.TokenScopes"],
    # JSON in, JSON out; upload endpoints add MultiPartParser on their own view.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "telesales.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "telesales.api.FilterBackend",
        "telesales.api.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "telesales.schema.AutoSchema",
    "EXCEPTION_HANDLER": "telesales.api.exception_handler",
    # See accounts/throttles.py. Rates are "<count>/<s|min|hour|day>".
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttles.AnonymousRateThrottle",
        "accounts.throttles.ClientRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_RATE_ANON", default="60/min"),
        "user": env.str("API_RATE_USER", default="1200/min"),
        "token_failures": env.str("API_RATE_TOKEN_FAILURES", default="20/hour"),
    },
    # Reverse proxies in front of the app that append to X-Forwarded-For; 0 trusts REMOTE_ADDR only.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Telesales CRM API",
    "DESCRIPTION": "Leads, calls, KPIs, funnel, targets and coaching. Token auth: `Authorization: Token <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "telesales.schema.document_errors"],
    # Swagger UI's files are served from the app (drf-spectacular-sidecar), not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Sign-in lockout (django-axes): too many failed sign-ins for one username, or from one client
# IP, lock that username / IP out for the cool-off; every failure during it restarts the cool-off.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "accounts.throttles.client_ip"

# Content-Security-Policy (django-csp). Scripts only from files on this site: charts come as JSON
# data drawn by static/js/charts.js (telesales/charts.py), behaviour from static/js/app.js, never
# inline scripts or handlers. Styles keep 'unsafe-inline': plotly and Swagger UI set inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Webhooks (webhooks app): https only in production (settings_production), never to loopback,
# private or link-local addresses unless allowed here (tests, a local receiver); short timeouts;
# failed deliveries are retried with exponential backoff for WEBHOOKS_RETRY_HOURS, then given up.
WEBHOOKS_REQUIRE_HTTPS = env.bool("WEBHOOKS_REQUIRE_HTTPS", default=False)
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=False)
WEBHOOKS_CONNECT_TIMEOUT_SECONDS = env.float("WEBHOOKS_CONNECT_TIMEOUT_SECONDS", default=3.0)
WEBHOOKS_READ_TIMEOUT_SECONDS = env.float("WEBHOOKS_READ_TIMEOUT_SECONDS", default=5.0)
WEBHOOKS_RETRY_HOURS = env.float("WEBHOOKS_RETRY_HOURS", default=24.0)
# Connections one sender keeps open to an endpoint and uses at once (distinct objects only).
WEBHOOKS_SENDER_CONNECTIONS = env.int("WEBHOOKS_SENDER_CONNECTIONS", default=8)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="crm@localhost")

# One line per event with the request or task id; JSON with LOG_JSON=true (production's default).
LOGGING = logging_config(json=env.bool("LOG_JSON", default=False), level=env.str("LOG_LEVEL", default="WARNING"))

from telesales.schedule import beat_schedule  # noqa: E402

CELERY_BEAT_SCHEDULE.update(beat_schedule(env))

# Lead scoring (scoring/): nightly models of p(sale within SCORING_HORIZON_DAYS) and p(reached by
# hour); none below SCORING_MIN_SALES sold customers. "Next lead" hands out by expected value,
# except for SCORING_EXPLORATION of hand-outs, which follow the pool rules (unbiased data, no
# starving of new leads).
SCORING_HORIZON_DAYS = env.int("SCORING_HORIZON_DAYS", default=30)
SCORING_MIN_SALES = env.int("SCORING_MIN_SALES", default=500)
SCORING_MIN_ATTEMPTS = env.int("SCORING_MIN_ATTEMPTS", default=5000)
SCORING_HOLDOUT_DAYS = env.int("SCORING_HOLDOUT_DAYS", default=30)
SCORING_EXPLORATION = env.float("SCORING_EXPLORATION", default=0.1)
SCORING_CALL_HOURS = range(env.int("SCORING_FIRST_HOUR", default=9), env.int("SCORING_LAST_HOUR", default=20) + 1)
