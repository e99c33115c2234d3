"""Test overrides: a fast password hasher (factories hash a password for every user)."""

import os

from telesales.settings import *  # noqa: F403

# Tasks run where they are queued, so a test sees their effect (tests of telesales/jobs.py turn
# the background job threads on themselves).
TASKS_IN_BACKGROUND_THREADS = False

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Django's test client signs in without a request, which django-axes refuses; the lockout tests
# switch it on. API rates are high enough for the suite; the throttle tests lower them.
AXES_ENABLED = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "token_failures": "100000/hour"},
}

# Parallel test workers (pytest-xdist) each get their own Redis database: the suite clears the
# cache before every test, and a shared database would let one worker wipe another's counters.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _worker.startswith("gw"):  # noqa: F405
    _base, _, _db = REDIS_URL.rpartition("/")  # noqa: F405
    _db = (int(_db or 0) - int(_worker[2:])) % 16
    CACHES = {"default": {**CACHES["default"], "LOCATION": f"{_base}/{_db}"}}  # noqa: F405

# The suite reads and writes one database: a replica (DATABASE_REPLICA_URL) would be a second
# connection that cannot see a test's uncommitted rows. tests/ops/test_replica.py adds the real
# replica itself (TEST_DATABASE_REPLICA_URL).
DATABASES.pop("replica", None)  # noqa: F405
DATABASE_ROUTERS = []

# On SQLite the test database is in memory with a shared cache, where a reader's table lock makes a
# writer on another connection fail at once ("database table is locked") instead of waiting, as
# the file database of `make run` (WAL and a busy timeout) does. Readers that take no table locks
# let the tests of background job threads see what `make run` does.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}),  # noqa: F405
                                       "init_command": "PRAGMA read_uncommitted=1;"}
