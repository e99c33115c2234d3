"""Calls partitioned by month (PostgreSQL declarative partitioning) with the dialer sync's statement.

A partitioned table's unique index must contain the partition key (started_at), so the sync's key
(source, external_id) cannot be a unique index of the partitioned calls table itself. The layout
measured here keeps it exact:
- calls: PARTITION BY RANGE (started_at), one partition a month; primary key (id, started_at);
  UNIQUE (source, external_id, started_at) WHERE external_id IS NOT NULL — the ON CONFLICT arbiter
  (a re-sent call carries the same started_at, so a re-send or an edit of its other fields still
  meets its own row) and, by its prefix, the index a lookup by (source, external_id) probes;
- calls_callkey (source, external_id) PRIMARY KEY, started_at: not partitioned, one narrow row per
  synced call. It is what makes (source, external_id) unique across partitions: the statement
  inserts the chunk's keys first (ON CONFLICT DO NOTHING RETURNING) and writes a call only for a
  key it just created, or whose stored started_at is the row's (then the arbiter above decides).
  A key held with another started_at (the dialer moved the call's start) or created by a
  concurrent batch a moment ago is left out, as the sync already leaves out a key another batch
  wrote first: the caller reads it back and updates that call by id (the row moves partition).
  The statement says "inserted" by the key being new: a partitioned table cannot return xmax.

The product's chunk statement (calls/sync_write.statement()) runs unchanged except for the
conflict target and the key CTE in front, on a partitioned copy of the calls table holding the
same history, next to the same statement on the unpartitioned table in the same run (ratio ≥ ~1:
partitioning must not slow the sync). Then: a re-send writes nothing; two connections sending the
same new batch at once store it once; a batch whose start times moved stores no second copy.

    .venv/bin/python bench/bench_partitioning.py
    BENCH_PART_HISTORY=10000000 .venv/bin/python bench/bench_partitioning.py   # 10M calls

Its own database (default postgres://postgres@127.0.0.1:5432/ts_partitioning_bench, recreated;
override with BENCH_DATABASE_URL)."""

import datetime as dt
import os
import statistics
import threading
import time
from types import SimpleNamespace

from _common import configure, record, recreate_database  # noqa: E402 (bench/ is on sys.path)

DB_URL = configure("ts_partitioning_bench")
os.environ["DEBUG"] = "false"

HISTORY = int(os.environ.get("BENCH_PART_HISTORY", 1_000_000))
SYNC = int(os.environ.get("BENCH_PART_SYNC", 20_000))
BATCH = 1000
N_LEADS = int(os.environ.get("BENCH_LEADS", 20_000))
N_REPS = 50
MONTHS = 24
START = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)  # synced calls from here; the history is older


def setup() -> tuple[int, dict, dict]:
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Role, Team, User
    from calls.models import Disposition
    from leads.models import Lead

    call_command("migrate", verbosity=0)
    team = Team.objects.create(name="Partitioning team")
    reps = User.objects.bulk_create([User(username=f"part-rep{i:02d}", role=Role.REP, team=team) for i in range(N_REPS)])
    Lead.objects.bulk_create([Lead(name=f"Lead {g}", phone=f"+86139{g:08d}", owner_id=reps[g % N_REPS].pk)
                              for g in range(1, N_LEADS + 1)], batch_size=5000)
    first = Lead.objects.order_by("id").values_list("id", flat=True).first()
    dispo = dict(Disposition.objects.values_list("code", "id"))
    owner = dict(Lead.objects.values_list("id", "owner_id"))
    hours = MONTHS * 30 * 24
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO calls_call (lead_id, rep_id, channel, started_at, duration_seconds, disposition_id, notes,
                   recording_url, source, external_id, created_at, updated_at)
               SELECT l.id, l.owner_id, 'phone', %s::timestamptz - (1 + g %% %s) * interval '1 hour', g %% 200,
                      CASE WHEN g %% 4 = 0 THEN %s ELSE %s END, '', '', 'old-dialer', 'h' || g, now(), now()
               FROM generate_series(1, %s) g JOIN leads_lead l ON l.id = %s + g %% %s""",
            [START, hours, dispo["reached"], dispo["no_answer"], HISTORY, first, N_LEADS])
        cur.execute("ANALYZE calls_call")
    return first, dispo, owner


def build_partitioned() -> int:
    """part.calls_call (monthly partitions, same columns, history and indexes) and part.calls_callkey."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA IF EXISTS part CASCADE; CREATE SCHEMA part")
        cur.execute("CREATE TABLE part.calls_call (LIKE public.calls_call INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
                    "PARTITION BY RANGE (started_at)")
        cur.execute("CREATE SEQUENCE part.call_id_seq; "
                    "ALTER TABLE part.calls_call ALTER COLUMN id SET DEFAULT nextval('part.call_id_seq'), "
                    "ADD PRIMARY KEY (id, started_at)")
        cur.execute("SELECT date_trunc('month', min(started_at)) FROM calls_call")
        month = cur.fetchone()[0]
        count = 0
        while month < START + dt.timedelta(days=120):
            nxt = (month + dt.timedelta(days=32)).replace(day=1)
            cur.execute(f"CREATE TABLE part.calls_call_{month:%Y_%m} PARTITION OF part.calls_call "
                        f"FOR VALUES FROM (%s) TO (%s)", [month, nxt])
            month, count = nxt, count + 1
        cur.execute("CREATE TABLE part.calls_call_default PARTITION OF part.calls_call DEFAULT")
        cur.execute("INSERT INTO part.calls_call SELECT * FROM public.calls_call")
        cur.execute("SELECT setval('part.call_id_seq', (SELECT max(id) FROM part.calls_call) + 1)")
        # The product's indexes (calls/models.py), partitioned; the unique key carries started_at.
        cur.execute("CREATE UNIQUE INDEX part_call_key ON part.calls_call (source, external_id, started_at) "
                    "WHERE external_id IS NOT NULL")
        cur.execute("CREATE INDEX ON part.calls_call (lead_id, started_at)")
        cur.execute("CREATE INDEX ON part.calls_call (rep_id, started_at) "
                    "INCLUDE (lead_id, disposition_id, duration_seconds, premium, margin_rate)")
        for column in ("disposition_id", "lead_id", "rep_id", "started_at", "updated_at"):
            cur.execute(f"CREATE INDEX ON part.calls_call ({column})")
        cur.execute("""CREATE TABLE part.calls_callkey (source varchar(50) NOT NULL, external_id varchar(100) NOT NULL,
                           started_at timestamptz NOT NULL, PRIMARY KEY (source, external_id))""")
        cur.execute("INSERT INTO part.calls_callkey SELECT source, external_id, started_at FROM public.calls_call "
                    "WHERE external_id IS NOT NULL")
        cur.execute("ANALYZE part.calls_call; ANALYZE part.calls_callkey")
    return count


def partitioned_statement() -> str:
    """The product's chunk statement for the partitioned layout (see the module docstring)."""
    from calls.sync_write import _TYPES, COLUMNS, statement

    sql = statement()
    source = "SELECT * FROM UNNEST(" + ", ".join(f"%(c{i})s::{ty}[]" for i, ty in enumerate(_TYPES)) + ")"
    assert source in sql and "ON CONFLICT (source, external_id) WHERE" in sql
    s, e, t = (f"u.{c}" for c in ("source", "external_id", "started_at"))
    keyed = ("SELECT u.* FROM UNNEST(" + ", ".join(f"%(c{i})s::{ty}[]" for i, ty in enumerate(_TYPES))
             + f") AS u({', '.join(COLUMNS)}) WHERE ({s}, {e}) IN (SELECT source, external_id FROM k) "
             f"OR EXISTS (SELECT 1 FROM calls_callkey x WHERE x.source = {s} AND x.external_id = {e} AND x.started_at = {t})")
    key_cte = ("WITH k AS (INSERT INTO calls_callkey (source, external_id, started_at) "
               "SELECT * FROM UNNEST(%(c11)s::varchar[], %(c12)s::varchar[], %(c3)s::timestamptz[]) "
               "ON CONFLICT (source, external_id) DO NOTHING RETURNING source, external_id), ins AS (")
    sql = sql.replace(source, keyed).replace("WITH ins AS (", key_cte, 1)
    # A partitioned table cannot return xmax (PostgreSQL: "cannot retrieve a system column in this
    # context"): a written call is new exactly when its key is.
    assert "(xmax = 0) AS inserted" in sql
    sql = sql.replace("(xmax = 0) AS inserted",
                      "(source, external_id) IN (SELECT k.source, k.external_id FROM k) AS inserted")
    return sql.replace("ON CONFLICT (source, external_id) WHERE", "ON CONFLICT (source, external_id, started_at) WHERE")


def make_rows(first: int, owner: dict, dispo: dict, tag: str, shift: dt.timedelta = dt.timedelta()) -> list:
    codes = ["no_answer"] * 6 + ["busy", "wrong_person", "reached", "callback"]
    rows = []
    for i in range(SYNC):
        lead = first + (i * 7919) % N_LEADS
        rows.append(SimpleNamespace(source="part-dialer", external_id=f"{tag}{i}", digest="", values={
            "lead_id": lead, "rep_id": owner[lead], "channel": "phone",
            "started_at": START + dt.timedelta(seconds=37 * i) + shift, "duration_seconds": 20 + i % 300,
            "disposition_id": dispo[codes[i % 10]], "premium": None, "margin_rate": None, "quote_amount": None,
            "notes": "", "recording_url": ""}))
    return rows


def send(sql: str, rows: list, search_path: str) -> tuple[float, int]:
    """The statement over the rows in chunks of BATCH, one transaction a chunk; (seconds, rows written)."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from calls.sync_write import COLUMNS, _values

    written = 0
    t0 = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        chunk = rows[i:i + BATCH]
        now = timezone.now()
        values = _values(chunk, now)
        params = {f"c{j}": [v[j] for v in values] for j in range(len(COLUMNS))}
        params.update(now=now, tz=settings.TIME_ZONE, leads=sorted({r.values["lead_id"] for r in chunk}))
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"SET LOCAL search_path = {search_path}")
            cur.execute(sql, params)
            written += len(cur.fetchall())
    return time.perf_counter() - t0, written


def duplicate_keys(cur, table: str) -> int:
    cur.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE external_id IS NOT NULL "
                f"GROUP BY source, external_id HAVING count(*) > 1) d")
    return cur.fetchone()[0]


def reuse() -> tuple[int, dict, dict]:
    """BENCH_PART_REUSE=1: the database and partitioned copy a previous run built."""
    from calls.models import Disposition
    from leads.models import Lead

    return (Lead.objects.order_by("id").values_list("id", flat=True).first(),
            dict(Disposition.objects.values_list("code", "id")), dict(Lead.objects.values_list("id", "owner_id")))


def main():
    again = bool(os.environ.get("BENCH_PART_REUSE"))
    if not again:
        recreate_database(DB_URL)
    import django

    django.setup()
    from django.db import connection

    from calls.sync_write import statement

    t0 = time.perf_counter()
    if again:
        first, dispo, owner = reuse()
    else:
        first, dispo, owner = setup()
        months = build_partitioned()
        print(f"{HISTORY:,} calls of history over {MONTHS} months, copied into {months} monthly partitions "
              f"in {time.perf_counter() - t0:.0f} s; load {os.getloadavg()[0]:.1f}", flush=True)
    plain_sql, part_sql = statement(), partitioned_statement()
    # Interleaved, so both layouts see the same load: new calls, then the same calls re-sent.
    run = f"{int(time.time())}-" if again else ""
    plain_rows, part_rows = make_rows(first, owner, dispo, f"p{run}"), make_rows(first, owner, dispo, f"q{run}")
    plain, part = [], []
    for i in range(0, SYNC, 5 * BATCH):
        plain.append(send(plain_sql, plain_rows[i:i + 5 * BATCH], "public"))
        part.append(send(part_sql, part_rows[i:i + 5 * BATCH], "part, public"))
    plain_s, part_s = sum(p[0] for p in plain), sum(p[0] for p in part)
    assert sum(p[1] for p in plain) == SYNC == sum(p[1] for p in part)
    record(f"sync statement, {SYNC:,} new calls, partitioned by month (raw: unpartitioned, same statement)",
           SYNC / part_s, SYNC / plain_s, "calls/s", "≥ 0.9", higher_is_better=True)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM part.calls_call")
        before = cur.fetchone()[0]
    again_plain, _ = send(plain_sql, plain_rows, "public")
    again_part, updated = send(part_sql, part_rows, "part, public")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM part.calls_call")
        after = cur.fetchone()[0]
        print(f"re-send of the same {SYNC:,} calls: rows written {updated}, calls {before:,} → {after:,}", flush=True)
        assert after == before
    record(f"sync statement, re-send of {SYNC:,} calls, partitioned (raw: unpartitioned)", SYNC / again_part,
           SYNC / again_plain, "calls/s", "≥ 0.9", higher_is_better=True)
    # Two connections send the same new batch at once; then the same keys with moved start times.
    race = make_rows(first, owner, dispo, f"race{run}")[:BATCH]
    moved = make_rows(first, owner, dispo, f"race{run}", shift=dt.timedelta(days=40))[:BATCH]  # another month
    results = []

    def worker(rows):  # each thread has its own connection
        try:
            results.append(send(part_sql, rows, "part, public")[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(rows,)) for rows in (race, race, moved)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM part.calls_call WHERE external_id LIKE %s", [f"race{run}%"])
        stored = cur.fetchone()[0]
        dups = duplicate_keys(cur, "part.calls_call")
        cur.execute("SELECT count(*) FROM part.calls_call c JOIN part.calls_callkey k USING (source, external_id) "
                    "WHERE c.started_at <> k.started_at")
        astray = cur.fetchone()[0]
    print(f"three connections at once (the same {BATCH:,} new calls twice, and again moved 40 days): rows written "
          f"{sorted(results)}, stored {stored:,}, keys held twice {dups}, calls astray from their key {astray}")
    assert stored == BATCH and dups == 0 and astray == 0
    # The lead panel's read (a lead's latest calls) on both layouts.
    timings = {}
    for label, path in (("unpartitioned", "public"), ("partitioned", "part, public")):
        times = []
        with connection.cursor() as cur:
            cur.execute(f"SET search_path = {path}")
            for lead in range(first, first + 50):
                t = time.perf_counter()
                cur.execute("SELECT id, started_at, disposition_id FROM calls_call WHERE lead_id = %s "
                            "ORDER BY started_at DESC LIMIT 300", [lead])
                cur.fetchall()
                times.append((time.perf_counter() - t) * 1000)
            cur.execute("SET search_path = public")
        timings[label] = statistics.median(times)
    record("a lead's latest 300 calls, partitioned (raw: unpartitioned)", timings["partitioned"],
           timings["unpartitioned"], "ms")


if __name__ == "__main__":
    main()
