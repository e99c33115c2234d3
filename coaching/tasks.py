"""Coaching jobs: thin wrappers over services, safe to run twice (a plan samples a week once)."""

import datetime as dt

from django.utils import timezone

from coaching import domain, services
from coaching.models import SamplingPlan
from telesales.celery import job


@job("coaching.tasks.run_plan_sampling", idempotent=True)
def run_plan_sampling(plan_id: int, week_iso: str) -> int:
    """Sample one plan's week; returns the number of calls picked (0 when it already ran)."""
    run, created = services.run_sampling(plan_id=plan_id, week=dt.date.fromisoformat(week_iso))
    return run.sampled if created else 0


@job("coaching.tasks.run_weekly_sampling", idempotent=True)
def run_weekly_sampling(week_iso: str | None = None) -> int:
    """Sample last week (Monday to Sunday) for every active plan."""
    week = dt.date.fromisoformat(week_iso) if week_iso else domain.week_start(timezone.localdate()) - dt.timedelta(days=7)
    total = 0
    for plan_id in SamplingPlan.objects.filter(active=True).values_list("pk", flat=True):
        total += run_plan_sampling(plan_id, week.isoformat())
    return total


@job("coaching.tasks.notify_check_ins_due", idempotent=True)
def notify_check_ins_due() -> int:
    """Daily: tell managers and reps of improvement-plan check-ins due (each once)."""
    from coaching.services import reminders

    return reminders.notify_check_ins_due()
