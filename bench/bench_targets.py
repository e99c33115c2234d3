"""Targets benchmark on PostgreSQL: decomposition down to 1,000 reps, the nightly alert job over
a month of facts (first run and the idempotent re-run), and the progress list.

    .venv/bin/python bench/bench_targets.py                 # 1,000 reps in 50 teams, 1 month of facts
    BENCH_REPS=200 .venv/bin/python bench/bench_targets.py  # smaller

Uses its own database (default postgres://postgres@127.0.0.1:5432/ts_targets_bench, recreated
each run; override with BENCH_DATABASE_URL)."""

import datetime as dt
import os
from decimal import Decimal

from _common import configure, recreate_database, timed  # noqa: E402 (bench/ is on sys.path)

DB_URL = configure("ts_targets_bench")

N_REPS = int(os.environ.get("BENCH_REPS", 1000))
REPS_PER_TEAM = 20


def main():
    recreate_database(DB_URL)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from accounts.models import Role, Team, User
    from kpis.models import DailyRepKpi
    from targets import services
    from targets.models import AlertRule, Target
    from targets.selectors import progress_rows

    admin = User.objects.create_superuser("admin", "a@example.com", "x", role=Role.ADMIN)
    teams = Team.objects.bulk_create([Team(name=f"Team {i}") for i in range(N_REPS // REPS_PER_TEAM)])
    reps = User.objects.bulk_create([
        User(username=f"rep{i}", role=Role.REP, team=teams[i // REPS_PER_TEAM], hired_on=dt.date(2025, 1, 1))
        for i in range(N_REPS)
    ])
    june = [dt.date(2026, 6, d) for d in range(1, 31)]
    facts = [
        DailyRepKpi(rep=r, team_id=r.team_id, day=d, calls_made=60, customers_dialled=40, customers_reached=20,
                    customers_quoted=8, customers_sold=2, premium=Decimal(3000 + (i * 37 + d.day * 11) % 9000),
                    margin_amount=Decimal(500))
        for i, r in enumerate(reps) for d in june if d.weekday() < 5
    ]
    timed(f"insert {len(facts):,} KPI fact rows", lambda: DailyRepKpi.objects.bulk_create(facts, batch_size=5000))
    print(f"reps {N_REPS:,}, teams {len(teams)}, machine: {os.cpu_count()} cores")

    year = services.create_target(actor=admin, metric="premium", value=str(N_REPS * 2_000_000), owner_kind="company",
                                  period_kind="year", start=dt.date(2026, 1, 1))

    def down_to_months():
        team_years = services.decompose_over_people(actor=admin, target_id=year.pk, method="capacity")
        months = []
        for ty in team_years:
            for q in services.decompose_over_time(actor=admin, target_id=ty.pk):
                months += services.decompose_over_time(actor=admin, target_id=q.pk, method="working_days")
        return months

    months = timed("company year → teams → quarters → months (working days)", down_to_months)
    june_months = [m for m in months if m.start == dt.date(2026, 6, 1)]

    def to_reps():
        for m in june_months:
            services.decompose_over_people(actor=admin, target_id=m.pk, method="history")

    timed(f"{len(june_months)} team June targets → reps by history, +20% uplift", to_reps)
    print(f"targets in database: {Target.objects.count():,}")
    AlertRule.objects.create(name="3 days < 80%", metric="premium", threshold_percent=80, consecutive_days=3)
    first = timed("evaluate_alert_rules as of 30 June (first run)",
                  lambda: services.evaluate_alert_rules(as_of=dt.date(2026, 6, 30)))
    again = timed("evaluate_alert_rules again (idempotent)",
                  lambda: services.evaluate_alert_rules(as_of=dt.date(2026, 6, 30)))
    print(f"  first run {first}, second run {again}")
    rep_targets = list(Target.objects.filter(owner_kind="rep").select_related("team", "rep")[:300])
    with CaptureQueriesContext(connection) as ctx:
        timed("progress rows for 300 rep targets (list page)", lambda: progress_rows(rep_targets, dt.date(2026, 6, 15)))
    print(f"  queries: {len(ctx.captured_queries)}")


if __name__ == "__main__":
    main()
