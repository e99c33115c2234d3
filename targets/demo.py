"""Demo targets: a company year premium target decomposed to teams, quarters and months, the
current month handed to each rep with the team's uplift, an alert rule and (when KPI facts
exist) the alerts it raises."""

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone

from kpis.models import DailyRepKpi
from targets import services
from targets.models import AlertRule, Holiday, Metric

# A few Chinese public holidays (month, day, name); weekends around them stay off.
HOLIDAYS = [(1, 1, "元旦"), (5, 1, "劳动节"), (5, 4, "劳动节"), (5, 5, "劳动节"), (10, 1, "国庆节"), (10, 2, "国庆节"),
            (10, 5, "国庆节"), (10, 6, "国庆节"), (10, 7, "国庆节")]
SEED_YEAR_TARGET = Decimal("50000000")  # seed 001: 5000万 a year


def _year_value(today: dt.date) -> Decimal:
    """The seed's 50,000,000, or — when demo KPI facts exist — recent premium annualised plus
    15%, so the demo shows a mix of green, amber and red."""
    since = today - dt.timedelta(days=90)
    recent = DailyRepKpi.objects.filter(day__gte=since, day__lt=today).aggregate(s=Sum("premium"))["s"]
    if not recent:
        return SEED_YEAR_TARGET
    days = DailyRepKpi.objects.filter(day__gte=since, day__lt=today).values("day").distinct().count() or 1
    value = Decimal(recent) / days * 250 * Decimal("1.15")
    return max(value.quantize(Decimal("100000"), rounding=ROUND_HALF_UP), Decimal("100000"))


def seed(rng: random.Random, ctx: dict) -> None:
    today = timezone.localdate()
    admin = ctx["admin"]
    for month, day, name in HOLIDAYS:
        Holiday.objects.get_or_create(day=dt.date(today.year, month, day), defaults={"name": name})

    year = services.create_target(
        actor=admin, metric=Metric.PREMIUM, value=_year_value(today), owner_kind="company", period_kind="year",
        start=today, note="年度目标",
    )
    team_years = services.decompose_over_people(actor=admin, target_id=year.pk, method="capacity")
    current_team_months = []
    for team_year in team_years:
        quarters = services.decompose_over_time(actor=admin, target_id=team_year.pk)
        for quarter in quarters:
            months = services.decompose_over_time(actor=admin, target_id=quarter.pk, method="working_days")
            current_team_months += [m for m in months if m.start <= today <= m.end]
    managers = {m.team_id: m for m in ctx.get("managers", [])}
    for team_month in current_team_months:
        manager = managers.get(team_month.team_id, admin)
        services.decompose_over_people(actor=manager, target_id=team_month.pk, method="history")
    # A company call target for the month, split evenly over weeks by working days.
    month_calls = services.create_target(
        actor=admin, metric=Metric.CALLS, value=Decimal(len(ctx.get("reps", [])) * 60 * 22 or 1000),
        owner_kind="company", period_kind="month", start=today,
    )
    services.decompose_over_time(actor=admin, target_id=month_calls.pk, method="working_days")

    AlertRule.objects.create(
        name="3 working days below 80% of pace", metric=Metric.PREMIUM,
        name_i18n={"zh-hans": "连续3个工作日低于日目标80%", "zh-hant": "連續3個工作日低於日目標80%"},
        threshold_percent=Decimal("80"), consecutive_days=3, created_by=admin,
    )
    result = None
    if DailyRepKpi.objects.exists():  # alerts only make sense over real facts
        result = services.evaluate_alert_rules(as_of=today - dt.timedelta(days=1))
    ctx["targets"] = {"company_year": year, "alerts": result}
