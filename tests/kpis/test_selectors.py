"""Roll-ups from facts: periods, rolling 12 months, rankings for other apps, scoping."""

import datetime as dt
from decimal import Decimal

import pandas as pd

from kpis import reports, selectors, services
from tests.factories import LeadFactory, local


def test_rolling_12_months_ends_today_and_spans_a_year():
    assert selectors.rolling_12_months(dt.date(2025, 3, 20)) == (dt.date(2024, 3, 21), dt.date(2025, 3, 20))
    assert selectors.rolling_12_months(dt.date(2024, 2, 29)) == (dt.date(2023, 3, 1), dt.date(2024, 2, 29))


def test_month_and_quarter_rollups_sum_daily_facts(rep, admin_user, log_call):
    lead = LeadFactory()
    for day in (dt.date(2025, 1, 31), dt.date(2025, 2, 1), dt.date(2025, 4, 2)):
        log_call(rep, lead, "sold", local(day), premium="100.00", margin_rate="0.1000")
    services.recompute_full()
    months = selectors.kpi_frame(admin_user, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), grain="month",
                                 by="company")
    assert list(zip(months["period"], months["customers_sold"], strict=True)) == [
        (dt.date(2025, 1, 1), 1), (dt.date(2025, 2, 1), 1), (dt.date(2025, 4, 1), 1)]
    quarters = selectors.kpi_frame(admin_user, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31),
                                   grain="quarter", by="rep")
    assert list(zip(quarters["period"], quarters["margin_amount"], strict=True)) == [
        (dt.date(2025, 1, 1), 20.0), (dt.date(2025, 4, 1), 10.0)]


def test_rep_ranking_orders_reps_by_margin_for_other_apps(rep, teammate, other_team_rep, log_call):
    day = dt.date(2025, 3, 3)
    log_call(rep, LeadFactory(), "sold", local(day), premium="1000.00", margin_rate="0.1000")
    log_call(teammate, LeadFactory(), "sold", local(day), premium="1000.00", margin_rate="0.3000")
    log_call(other_team_rep, LeadFactory(), "sold", local(day), premium="9000.00", margin_rate="0.9000")
    services.recompute_full()
    ranking = selectors.rep_ranking([rep.team_id], day, day)
    assert [(r["rep_id"], r["rank"], r["margin_amount"]) for r in ranking] == [
        (teammate.id, 1, Decimal("300.00")), (rep.id, 2, Decimal("100.00"))]


def test_rag_marks_drivers_against_the_median():
    df = pd.DataFrame({"key": [1, 2, 3], "label": ["a", "b", "c"], "customers_dialled": [100, 100, 100],
                       "customers_reached": [50, 45, 20], "customers_quoted": [10, 10, 10],
                       "customers_sold": [5, 5, 5], "premium": [500.0, 500.0, 500.0],
                       "margin_amount": [50.0, 50.0, 50.0], "calls_made": [1, 1, 1], "talk_seconds": [0, 0, 0]})
    rag = reports.rag_frame(df)
    assert list(rag["effective_connect_rate"]) == ["green", "green", "red"]
    assert list(rag["quote_success_rate"]) == ["amber", "green", "green"]  # 0.20 vs median 0.22
