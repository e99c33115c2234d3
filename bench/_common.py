"""Shared set-up for the benchmark scripts: environment, a database of their own, timing."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(default_db: str) -> str:
    """Point Django at the benchmark's own PostgreSQL database (BENCH_DATABASE_URL overrides),
    with Celery in-process; return the database URL."""
    sys.path.insert(0, str(ROOT))
    url = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{default_db}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telesales.settings")
    os.environ.pop("REDIS_URL", None)
    return url


def _admin_connection(url: str):
    import psycopg2

    conn = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    return conn


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database (never the app's own)."""
    name = url.rsplit("/", 1)[1]
    conn = _admin_connection(url)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def ensure_database(url: str) -> None:
    """Create the benchmark database if it does not exist yet (keeps generated data)."""
    name = url.rsplit("/", 1)[1]
    conn = _admin_connection(url)
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def timed(label: str, fn):
    """Run fn, print its wall time next to the label, return its result."""
    t0 = time.perf_counter()
    result = fn()
    print(f"{label:<62} {time.perf_counter() - t0:8.2f} s")
    return result
