"""Independent checks of the KPI job: pandas from raw calls, and two runs at the same time."""

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from django.conf import settings
from django.db import connection

from calls.models import Call
from kpis import services
from kpis.models import DailyRepKpi
from tests.factories import UserFactory, facts_table, random_calls

D = dt.date(2025, 3, 3)  # a Monday


def pandas_facts_from_raw_calls() -> pd.DataFrame:
    """The same facts computed from the raw calls with pandas, not with the engine's SQL."""
    rows = Call.objects.values(
        "rep_id", "rep__team_id", "lead_id", "started_at", "duration_seconds", "premium", "margin_rate",
        "disposition__attempted", "disposition__reached", "disposition__quoted", "disposition__sold",
    )
    df = pd.DataFrame.from_records(rows)
    df["day"] = pd.to_datetime(df["started_at"], utc=True).dt.tz_convert(settings.TIME_ZONE).dt.date
    df["sold"] = df["disposition__sold"]
    df["quoted"] = df["disposition__quoted"] | df["sold"]
    df["reached"] = df["disposition__reached"] | df["quoted"]
    df["dialled"] = df["disposition__attempted"] | df["reached"]
    df["premium_sold"] = [(p or Decimal(0)) if s else Decimal(0) for p, s in zip(df["premium"], df["sold"], strict=True)]
    df["margin_sold"] = [
        ((p or Decimal(0)) * (r or Decimal(0))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if s else Decimal(0)
        for p, r, s in zip(df["premium"], df["margin_rate"], df["sold"], strict=True)
    ]
    per_lead = df.groupby(["rep_id", "rep__team_id", "day", "lead_id"]).agg(
        calls=("dialled", "sum"), reached_calls=("reached", "sum"), sales=("sold", "sum"), dialled=("dialled", "max"), reached=("reached", "max"), quoted=("quoted", "max"),
        sold=("sold", "max"), premium=("premium_sold", "sum"), margin=("margin_sold", "sum"),
        talk=("duration_seconds", "sum"),
    )
    return per_lead.groupby(level=["rep_id", "rep__team_id", "day"]).sum().reset_index()


def test_engine_equals_an_independent_pandas_computation_from_raw_calls(team, other_team, log_call):
    rng = random.Random(42)
    reps = [*UserFactory.create_batch(3, team=team), UserFactory(team=other_team)]
    days = [D + dt.timedelta(days=i) for i in range(4)]
    random_calls(log_call, reps, days, 150, rng)
    services.recompute_full()
    expected = sorted(
        (r.rep_id, r.rep__team_id, r.day, int(r.calls), int(r.reached_calls), int(r.sales), int(r.dialled), int(r.reached), int(r.quoted), int(r.sold),
         Decimal(r.premium).quantize(Decimal("0.01")), Decimal(r.margin).quantize(Decimal("0.01")), int(r.talk))
        for r in pandas_facts_from_raw_calls().itertuples()
    )
    assert facts_table() == expected


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent runs need PostgreSQL")
def test_two_concurrent_runs_do_not_double_count(team, log_call, run_concurrently):
    rng = random.Random(7)
    reps = UserFactory.create_batch(3, team=team)
    random_calls(log_call, reps, [D, D + dt.timedelta(days=1)], 60, rng)
    services.recompute_full()
    expected = facts_table()
    DailyRepKpi.objects.all().delete()
    random_calls(log_call, reps, [D], 0, rng)

    def run(i):
        return services.recompute_full() if i % 2 == 0 else services.recompute_incremental()

    for _ in range(2):
        results = run_concurrently(run, 4)
        assert not [r for r in results if isinstance(r, BaseException)]
        assert facts_table() == expected
