"""Prepare the load test's database (bench/load_test.sh): migrate, the users, team and pool of
bench/bench_requests.py, and an integration token for the dialer; prints the LOCUST_* variables
bench/locustfile.py reads, as shell `export` lines."""

import json
import os
import time
from pathlib import Path

from _common import configure, ensure_database  # noqa: E402 (bench/ is on sys.path)

DB_URL = configure("ts_locust_bench")
BASE = Path(__file__).resolve().parent


def session_for(user) -> str:
    """A signed-in session for `user`, made here: the load test then times the mix, not 34
    password hashes at the start (sign-in has its own cost and its own lockout rules)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # The backend that loads users (django-axes' comes first and only guards sign-ins).
    store[BACKEND_SESSION_KEY] = next(b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b.lower())
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def main():
    ensure_database(DB_URL)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench_requests import set_up

    from accounts.models import Role, User
    from accounts.services import create_api_token
    from leads.models import Lead

    team, manager, reps, pool = set_up()
    admin = User.objects.filter(username="bench-load-admin").first() or User.objects.create_superuser(
        "bench-load-admin", "load@example.com", os.environ.get("BENCH_PASSWORD", "bench-pass-123"), role=Role.ADMIN)
    dialer = User.objects.filter(username="bench-load-dialer").first() or User.objects.create_user(
        "bench-load-dialer", role=Role.INTEGRATION)
    _, key = create_api_token(actor=admin, name=f"load test {time.time():.0f}", user=dialer)
    lead = Lead.objects.filter(owner=reps[0]).first() or Lead.objects.filter(pool=pool, owner__isnull=True).first()
    if lead.owner_id is None:
        Lead.objects.filter(pk=lead.pk).update(owner=reps[0])
    sessions = BASE / "out" / "locust_sessions.json"
    sessions.parent.mkdir(exist_ok=True)
    sessions.write_text(json.dumps({u.username: session_for(u) for u in [*reps, manager]}))
    print(f"export LOCUST_SESSIONS={sessions} LOCUST_POOL={pool.pk} LOCUST_TEAM={team.pk} LOCUST_API_TOKEN={key} "
          f"LOCUST_SYNC_LEAD={lead.pk} LOCUST_SYNC_REP={reps[0].pk}")


if __name__ == "__main__":
    main()
