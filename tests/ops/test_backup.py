"""Backup and restore (tools/backup.sh, tools/restore.sh) give back every row of every table."""

import subprocess
from pathlib import Path

import pytest
from django.db import connection

from calls.models import Call
from tests.factories import CallFactory, LeadFactory, PoolFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif("connection.vendor != 'postgresql'", reason="pg_dump / pg_restore")]
TOOLS = Path(__file__).resolve().parents[2] / "tools"


def url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"


def row_counts(database_url: str) -> dict[str, int]:
    sql = ("SELECT string_agg(format('SELECT %L, count(*) FROM %I', tablename, tablename), ' UNION ALL ') "
           "FROM pg_tables WHERE schemaname = 'public'")
    query = subprocess.run(["psql", "-tAc", sql, database_url], check=True, capture_output=True, text=True).stdout
    out = subprocess.run(["psql", "-tA", "-F", " ", "-c", query, database_url], check=True, capture_output=True,
                         text=True).stdout
    return {table: int(n) for table, n in (line.split() for line in out.splitlines() if line.strip())}


def test_a_dump_restored_into_an_empty_database_has_every_row(tmp_path):
    rep = UserFactory()
    pool = PoolFactory()
    for _ in range(5):
        CallFactory(rep=rep, lead=LeadFactory(pool=pool, owner=rep))
    source = url(connection.settings_dict["NAME"])
    copy = f"{connection.settings_dict['NAME']}_restore"
    dump = tmp_path / "backup.dump"
    subprocess.run([TOOLS / "backup.sh", dump], check=True, env={"DATABASE_URL": source, "PATH": "/usr/bin:/bin"})
    admin = url("postgres")
    subprocess.run(["psql", "-c", f'DROP DATABASE IF EXISTS "{copy}"', "-c", f'CREATE DATABASE "{copy}"', admin],
                   check=True, capture_output=True)
    try:
        subprocess.run([TOOLS / "restore.sh", dump], check=True, env={"DATABASE_URL": url(copy), "PATH": "/usr/bin:/bin"})
        before, after = row_counts(source), row_counts(url(copy))
        assert after == before and before["calls_call"] == Call.objects.count() == 5
    finally:
        subprocess.run(["psql", "-c", f'DROP DATABASE IF EXISTS "{copy}"', admin], check=True, capture_output=True)
