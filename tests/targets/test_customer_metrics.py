"""Customer targets count distinct customers over the target's period, and a policy target counts
sales: a customer called on three days is one customer dialled, a customer who bought twice two
policies (issue 14)."""

import datetime as dt
from decimal import Decimal

import pytest

from kpis import services as kpi_services
from targets import selectors
from tests.factories import CallFactory, DispositionFactory, LeadFactory, TargetFactory, UserFactory, local

JUNE = dt.date(2026, 6, 1)


@pytest.fixture
def june(team, manager):
    a, b = UserFactory(team=team), UserFactory(team=team)
    no_answer = DispositionFactory(code="t-no-answer", attempted=True)
    sold = DispositionFactory(code="t-sold", attempted=True, reached=True, quoted=True, sold=True)
    lead, other = LeadFactory(), LeadFactory()
    for day in (2, 9, 16):
        CallFactory(rep=a, lead=lead, disposition=no_answer, started_at=local(JUNE.replace(day=day)))
    CallFactory(rep=b, lead=lead, disposition=sold, started_at=local(JUNE.replace(day=17)), premium=Decimal("100"),
                margin_rate=Decimal("0.1"))
    CallFactory(rep=b, lead=lead, disposition=sold, started_at=local(JUNE.replace(day=18)), premium=Decimal("100"),
                margin_rate=Decimal("0.1"))
    CallFactory(rep=b, lead=other, disposition=no_answer, started_at=local(JUNE.replace(day=18)))
    kpi_services.recompute_full()
    return {"a": a, "b": b, "team": team, "manager": manager}


def _target(june, metric, **owner):
    return TargetFactory(metric=metric, value=Decimal(10), created_by=june["manager"], start=JUNE,
                         end=dt.date(2026, 6, 30), **owner)


def test_a_reps_customers_dialled_counts_a_customer_called_on_three_days_once(june):
    target = _target(june, "customers_dialled", owner_kind="rep", rep=june["a"], team=june["team"])
    assert selectors.actual_for(target) == 1
    assert selectors.actuals_for_many([target], until=dt.date(2026, 6, 30)) == {target.pk: 1}


def test_a_team_counts_a_customer_two_reps_called_once(june):
    dialled = _target(june, "customers_dialled", owner_kind="team", team=june["team"])
    reached = _target(june, "customers_reached", owner_kind="team", team=june["team"])
    assert selectors.actuals_for_many([dialled, reached], until=dt.date(2026, 6, 30)) == {dialled.pk: 2, reached.pk: 1}
    assert selectors.daily_actuals([dialled], start=JUNE, end=dt.date(2026, 6, 30))[dialled.pk][
        dt.date(2026, 6, 18)] == 2


def test_policies_are_sales_and_new_customers_are_people(june):
    policies = _target(june, "policies_sold", owner_kind="rep", rep=june["b"], team=june["team"])
    customers = _target(june, "new_customers", owner_kind="rep", rep=june["b"], team=june["team"])
    assert selectors.actual_for(policies) == 2
    assert selectors.actual_for(customers) == 1


def test_history_for_a_stretch_check_counts_distinct_customers_per_month(june):
    best, days = selectors.best_comparable_history(
        {"owner_kind": "rep", "owner_id": june["a"].id, "metric": "customers_dialled", "period_kind": "month"},
        before=dt.date(2026, 8, 1))
    assert (best, days) == (1, 30)
