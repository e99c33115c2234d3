"""Coaching benchmark on PostgreSQL: one weekly sampling run over a big team's week of calls
(first run and the idempotent re-run), blind review submission, and the QA results queries.

    .venv/bin/python bench/bench_coaching.py                       # 200 reps × 300 calls in the week
    BENCH_REPS=50 BENCH_CALLS=100 .venv/bin/python bench/bench_coaching.py

Uses its own database (default postgres://postgres@127.0.0.1:5432/ts_coaching_bench, recreated
each run; override with BENCH_DATABASE_URL)."""

import datetime as dt
import os
import time
from decimal import Decimal

from _common import configure, recreate_database, timed  # noqa: E402 (bench/ is on sys.path)

DB_URL = configure("ts_coaching_bench")

N_REPS = int(os.environ.get("BENCH_REPS", 200))
N_CALLS = int(os.environ.get("BENCH_CALLS", 300))


def main():
    recreate_database(DB_URL)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from accounts.models import Role, Team, User
    from calls.models import Call, Disposition
    from coaching import selectors, services
    from coaching.domain import week_start
    from coaching.models import ReviewAssignment
    from kpis.models import DailyRepKpi
    from leads.models import Lead, Pool

    today = timezone.localdate()
    week = week_start(today) - dt.timedelta(days=7)
    team = Team.objects.create(name="Bench", founded_on=today - dt.timedelta(days=300))
    admin = User.objects.create(username="admin", role=Role.ADMIN, is_superuser=True)
    manager = User.objects.create(username="m1", role=Role.MANAGER, team=team)
    team.managers.add(manager)
    reps = User.objects.bulk_create(
        User(username=f"r{i}", role=Role.REP, team=team, hired_on=today - dt.timedelta(days=30 if i % 5 == 0 else 400))
        for i in range(N_REPS)
    )
    DailyRepKpi.objects.bulk_create(DailyRepKpi(rep=r, team=team, day=today - dt.timedelta(days=2),
                                                margin_amount=Decimal(i * 10), premium=Decimal(i * 50))
                                    for i, r in enumerate(reps))
    pool = Pool.objects.create(name="bench")
    leads = Lead.objects.bulk_create(Lead(name=f"L{r.pk}", phone=f"+8613{r.pk:09d}", pool=pool, owner=r) for r in reps)
    dispo = Disposition.objects.create(code="reached-bench", name="reached", reached=True)
    start = dt.datetime.combine(week, dt.time(9), tzinfo=timezone.get_current_timezone())
    timed(f"insert {N_REPS * N_CALLS:,} calls", lambda: Call.objects.bulk_create(
        (Call(lead=lead, rep=rep, started_at=start + dt.timedelta(minutes=10 * n), disposition=dispo,
              duration_seconds=20 + (n * 37) % 400, recording_url="https://r/x" if n % 7 == 0 else "")
         for rep, lead in zip(reps, leads, strict=True) for n in range(N_CALLS)), batch_size=5000))
    card = services.create_scorecard(actor=admin, name="QA", criteria=[
        {"key": k, "name": k, "weight": 20} for k in ("script", "attitude", "needs", "objections", "closing")])
    plan = services.create_sampling_plan(actor=admin, team=team, scorecard=card, reviewers=[manager, admin],
                                         regular_rate="0.02", new_hire_rate="0.1", top_rate="0.01", seed=1)
    run, _ = timed("run_sampling (first run: cohorts, draw, assign 2 reviewers)",
                   lambda: services.run_sampling(plan_id=plan.pk, week=week))
    print(f"  sampled {run.sampled:,} calls")
    timed("run_sampling again (idempotent)", lambda: services.run_sampling(plan_id=plan.pk, week=week))
    assignments = list(ReviewAssignment.objects.order_by("id").select_related("reviewer")[:400])
    scores = {"script": 4, "attitude": 5, "needs": 3, "objections": 2, "closing": 3}
    t0 = time.perf_counter()
    for a in assignments:
        services.submit_review(actor=a.reviewer, assignment_id=a.pk, scores=scores)
    per = (time.perf_counter() - t0) / max(1, len(assignments)) * 1000
    print(f"{'submit_review (mean per review, ' + str(len(assignments)) + ' reviews)':<62} {per:8.2f} ms")
    qs = selectors.completed_samples(manager)
    timed("results: completed samples + criterion scores + Pareto",
          lambda: (list(qs.values("week", "rep_id", "result_total")), list(selectors.criterion_scores(qs)),
                   selectors.pareto_for(qs)))


if __name__ == "__main__":
    main()
