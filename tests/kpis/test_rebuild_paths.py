"""The KPI job's two ways to run its statement give the same facts, and the team-day sums the
company and team totals are read from equal the facts they add up."""

import datetime as dt
import random

import pytest
from django.db import connection

from kpis import selectors, services, sql
from kpis.models import DailyRepKpi, TeamDayKpi
from tests.factories import LeadFactory, UserFactory, local, random_calls

D = dt.date(2025, 1, 27)
DAYS = [D + dt.timedelta(days=i) for i in range(10)]  # across a month's end


def _ints(text):
    return [int(i) for i in text.split(",") if i]


def _facts(rows):
    """Statement rows comparable across runs: the calls (item, talk) and the sales as sorted lists."""
    return sorted((*row[:-3], sorted(zip(_ints(row[-3]), _ints(row[-2]), strict=True)),
                   sorted(zip(_ints(row[-1])[::2], _ints(row[-1])[1::2], strict=True))) for row in rows)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the local day per call needs PostgreSQL's time zones")
def test_one_statement_for_the_span_equals_one_statement_per_day(team, other_team, log_call):
    rng = random.Random(21)
    reps = [*UserFactory.create_batch(2, team=team), UserFactory(team=other_team), UserFactory(team=None)]
    random_calls(log_call, reps, DAYS, 150, rng)
    lead = LeadFactory()
    log_call(reps[0], lead, "sold", local(DAYS[3], 0, 1), premium="10.00", margin_rate="0.5000")  # just after midnight
    log_call(reps[0], lead, "reached", local(DAYS[2], 23, 59))  # just before
    with connection.cursor() as cursor:
        span = sql.rep_day_facts(cursor, DAYS[0], DAYS[-1], per_day=False)
        per_day = sql.rep_day_facts(cursor, DAYS[0], DAYS[-1], per_day=True)
        some = [reps[0].id, reps[3].id]
        chunk = sql.rep_day_facts(cursor, DAYS[0], DAYS[-1], sql.reps_sql("c.rep_id", some), some, per_day=False)
    assert _facts(span) == _facts(per_day)
    assert _facts(chunk) == [row for row in _facts(span) if row[0] in some]
    assert {row[2] for row in span} >= {DAYS[2], DAYS[3]}


def _ordered(rows):
    return sorted(rows, key=lambda r: (str(r["period"]), r["key"] is None, r["key"] or 0))


def _sums_table():
    return sorted(TeamDayKpi.objects.values_list("team_key", "day", *sql.SUMMED))


@pytest.mark.parametrize("grain", ["day", "week", "month", "total"])
def test_team_and_company_totals_from_the_team_day_sums_equal_the_facts(team, other_team, log_call, grain):
    rng = random.Random(22)
    reps = [*UserFactory.create_batch(2, team=team), UserFactory(team=other_team), UserFactory(team=None)]
    for _ in range(2):
        random_calls(log_call, reps, DAYS, 60, rng)
        services.recompute_incremental()
    incremental = _sums_table()
    services.recompute_full()
    assert _sums_table() == incremental and incremental

    every_fact = DailyRepKpi.objects.all()  # read from the team-day sums
    the_same_facts = DailyRepKpi.objects.filter(day__isnull=False)  # read from the facts themselves
    for by, team_ids in (("team", None), ("company", None), ("team", [team.id]), ("company", [other_team.id])):
        kwargs = {"start": DAYS[1], "end": DAYS[-2], "grain": grain, "by": by, "team_ids": team_ids, "complete": True}
        rolled = _ordered(selectors.aggregate_facts(every_fact, **kwargs))
        assert rolled == _ordered(selectors.aggregate_facts(the_same_facts, **kwargs)), (by, team_ids)
        assert rolled
    company = selectors.aggregate_facts(every_fact, start=DAYS[0], end=DAYS[-1], by="company", complete=True)[0]
    assert company["calls_made"] == sum(DailyRepKpi.objects.values_list("calls_made", flat=True))  # no-team rep included


def test_a_rebuild_since_a_day_after_the_last_call_keeps_the_month_whole(team, log_call):
    rep = UserFactory(team=team)
    log_call(rep, LeadFactory(), "sold", local(DAYS[5]), premium="10.00", margin_rate="0.5000")
    services.recompute_full()
    services.recompute_full(since=DAYS[7])
    month = selectors.aggregate_facts(DailyRepKpi.objects.all(), start=dt.date(2025, 2, 1),
                                      end=dt.date(2025, 2, 28), by="team", complete=True)  # the month's own sets
    assert [(r["key"], r["customers_dialled"], r["customers_sold"]) for r in month] == [(team.id, 1, 1)]
