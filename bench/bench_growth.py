"""Growth: the same work at two sizes of call history (default 100,000 and 1,000,000 calls on
20,000 leads), and the growth factor of each per-unit cost (goal: ~1.0, not growing with history).

At each size, in-process on PostgreSQL: dialer sync of BENCH_GROWTH_SYNC new calls through
calls.sync.sync_calls in batches of 1,000 (ms per call, next to raw batched `INSERT … ON CONFLICT
DO NOTHING` of the same shape into calls_call in the same run), a lead import of
BENCH_GROWTH_IMPORT rows (ms per row), the lead call panel of a lead with 300 calls, and the team
KPI and team funnel pages (ms per page; the KPI facts are rebuilt first).

    .venv/bin/python bench/bench_growth.py
    BENCH_GROWTH_SIZES=50000,200000 .venv/bin/python bench/bench_growth.py   # smaller

Its own database (default postgres://postgres@127.0.0.1:5432/ts_growth_bench, recreated; override
with BENCH_DATABASE_URL)."""

import datetime as dt
import os
import statistics
import time

from _common import configure, record, recreate_database  # noqa: E402 (bench/ is on sys.path)

DB_URL = configure("ts_growth_bench")
os.environ["DEBUG"] = "false"
os.environ.setdefault("MEDIA_ROOT", "/tmp/ts_growth_bench_media")

SIZES = [int(s) for s in os.environ.get("BENCH_GROWTH_SIZES", "100000,1000000").split(",")]
N_LEADS = int(os.environ.get("BENCH_LEADS", 20_000))
N_REPS = int(os.environ.get("BENCH_REPS", 50))
SYNC = int(os.environ.get("BENCH_GROWTH_SYNC", 5_000))
IMPORT = int(os.environ.get("BENCH_GROWTH_IMPORT", 2_000))
RUNS = int(os.environ.get("BENCH_RUNS", 7))
START = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)


def setup():
    from django.core.management import call_command

    from accounts.models import Role, Team, User
    from leads.models import Lead, Pool

    call_command("migrate", verbosity=0)
    team = Team.objects.create(name="Growth team")
    admin = User.objects.create_superuser("growth-admin", "g@example.com", "x", role=Role.ADMIN)
    manager = User.objects.create_user("growth-manager", role=Role.MANAGER, team=team)
    team.managers.add(manager)
    reps = User.objects.bulk_create([User(username=f"growth-rep{i:02d}", role=Role.REP, team=team)
                                     for i in range(N_REPS)])
    now = dt.datetime.now(dt.UTC)
    Lead.objects.bulk_create([Lead(name=f"Lead {g}", phone=f"+86139{g:08d}", owner_id=reps[g % N_REPS].pk,
                                   claimed_at=now) for g in range(1, N_LEADS + 1)], batch_size=5000)
    return admin, manager, team, Pool.objects.create(name="growth-import")


def fill(total: int, start_id: int):
    """Calls up to `total`, before START, spread over the leads; every fourth one reached."""
    from django.db import connection

    from calls.models import Call, Disposition

    missing = max(0, total - Call.objects.count())
    no_answer, reached = (Disposition.objects.get(code=c).pk for c in ("no_answer", "reached"))
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO calls_call (lead_id, rep_id, channel, started_at, duration_seconds, disposition_id, notes,
                   recording_url, source, created_at, updated_at)
               SELECT l.id, l.owner_id, 'phone', %s::timestamptz - (1 + g %% 2000) * interval '1 hour', g %% 200,
                      CASE WHEN g %% 4 = 0 THEN %s ELSE %s END, '', '', 'gen', now(), now()
               FROM generate_series(1, %s) g JOIN leads_lead l ON l.id = %s + g %% %s""",
            [START, reached, no_answer, missing, start_id, N_LEADS])
        cur.execute("ANALYZE calls_call")
    from calls.lead_facts import refresh_lead_call_facts
    from leads.models import Lead

    refresh_lead_call_facts(Lead.objects.values_list("pk", flat=True))


def sync_rows(first_lead: int, tag: str) -> list[dict]:
    codes = ["no_answer"] * 6 + ["busy", "wrong_person", "reached", "callback"]
    return [{"source": "growth", "external_id": f"{tag}-{i}", "lead_id": first_lead + (i * 7919) % N_LEADS,
             "started_at": (START + dt.timedelta(seconds=37 * i)).isoformat(), "duration_seconds": 20 + i % 300,
             "disposition": codes[i % len(codes)]} for i in range(SYNC)]


def time_sync(admin, rows) -> float:
    from calls.sync import sync_calls

    t0 = time.perf_counter()
    for i in range(0, len(rows), 1000):
        results = sync_calls(actor=admin, rows=rows[i:i + 1000])
        assert all(r["status"] == "created" for r in results), results[:3]
    return (time.perf_counter() - t0) * 1000 / len(rows)


def time_raw_sync(rows) -> float:
    import psycopg2
    from psycopg2.extras import execute_values

    from calls.models import Disposition
    from leads.models import Lead

    owner = dict(Lead.objects.values_list("id", "owner_id"))
    dispo = dict(Disposition.objects.values_list("code", "id"))
    now = dt.datetime.now(dt.UTC)
    values = [(r["lead_id"], owner[r["lead_id"]], "phone", r["started_at"], r["duration_seconds"],
               dispo[r["disposition"]], "", "", "raw-" + r["source"], r["external_id"], now, now) for r in rows]
    sql = ("INSERT INTO calls_call (lead_id, rep_id, channel, started_at, duration_seconds, disposition_id, notes, "
           "recording_url, source, external_id, created_at, updated_at) VALUES %s "
           "ON CONFLICT (source, external_id) WHERE external_id IS NOT NULL DO NOTHING")
    conn = psycopg2.connect(DB_URL)
    t0 = time.perf_counter()
    with conn.cursor() as cur:
        for i in range(0, len(values), 1000):
            execute_values(cur, sql, values[i:i + 1000], page_size=1000)
            conn.commit()
    elapsed = (time.perf_counter() - t0) * 1000 / len(rows)
    with conn.cursor() as cur:
        cur.execute("DELETE FROM calls_call WHERE source = 'raw-growth'")
    conn.commit()
    conn.close()
    return elapsed


def time_import(admin, pool, tag: str) -> float:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leads import imports

    lines = ["姓名,手机,公司,地区"] + [f"客户{i},+86136{tag}{i:07d},公司{i % 97},上海" for i in range(IMPORT)]
    t0 = time.perf_counter()
    job = imports.start_import(actor=admin, upload=SimpleUploadedFile("g.csv", "\n".join(lines).encode()),
                               pool_id=pool.pk)
    job = imports.run_import(job_id=job.pk)
    assert job.status == "done", job.error
    return (time.perf_counter() - t0) * 1000 / IMPORT


def page_ms(client, url) -> float:
    client.get(url)
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        assert client.get(url).status_code == 200, url
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(size, admin, manager, team, pool, busy) -> dict:
    from django.test import Client

    from calls.models import Call
    from kpis.services import recompute_full
    from leads.models import Lead

    first = Lead.objects.order_by("id").values_list("id", flat=True).first()
    fill(size, first)
    rows = sync_rows(first, f"s{size}")
    out = {"calls": Call.objects.count(), "raw sync": time_raw_sync(rows), "sync": time_sync(admin, rows),
           "import": time_import(admin, pool, str(size % 10))}
    recompute_full()
    boss, client = Client(), Client()
    boss.force_login(manager)
    client.force_login(admin)
    out["lead panel (300 calls)"] = page_ms(client, f"/calls/lead/{busy.pk}/panel/")
    out["team KPI page"] = page_ms(boss, f"/kpis/team/{team.pk}/")
    out["team funnel page"] = page_ms(boss, f"/funnel/team/?team={team.pk}")
    return out


def main():
    recreate_database(DB_URL)
    import django

    django.setup()
    from calls.models import Call, Disposition
    from leads.models import Lead

    admin, manager, team, pool = setup()
    busy = Lead.objects.order_by("id").first()
    reached = Disposition.objects.get(code="reached")
    Call.objects.bulk_create([Call(lead=busy, rep=admin, started_at=START - dt.timedelta(minutes=i), duration_seconds=90,
                                   disposition=reached) for i in range(300)])
    results = []
    for size in SIZES:
        r = measure(size, admin, manager, team, pool, busy)
        results.append(r)
        print(f"{r['calls']:,} calls: " + ", ".join(f"{k} {v:.2f} ms" for k, v in r.items() if k != "calls"),
              flush=True)
    small, large = results[0], results[-1]
    for r in results:
        record(f"sync at {r['calls']:,} calls (raw: batched INSERT … ON CONFLICT, same run)", r["sync"], r["raw sync"],
               "ms/call")
    print(f"per-unit cost growth, history {small['calls']:,} → {large['calls']:,} calls "
          f"({large['calls'] / small['calls']:.1f}×; goal ≈ 1.0, not growing with history), load {os.getloadavg()[0]:.1f}:")
    for key, unit in (("sync", "ms/call"), ("raw sync", "ms/call"), ("import", "ms/row"),
                      ("lead panel (300 calls)", "ms/page"), ("team KPI page", "ms/page"),
                      ("team funnel page", "ms/page")):
        print(f"  {key:24s} {small[key]:9.2f} → {large[key]:9.2f} {unit:8s} growth {large[key] / small[key]:.2f}")

if __name__ == "__main__":
    main()
