"""Races decided by the database: concurrent alert runs and concurrent revisions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from targets import services
from targets.models import Alert, Target, TargetRevision
from tests.factories import AlertRuleFactory, DailyRepKpiFactory, TargetFactory

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent sessions need PostgreSQL"),
]


def test_two_alert_runs_at_once_open_one_alert_per_streak(run_concurrently, rep):
    TargetFactory(owner_kind="rep", rep=rep, team=rep.team, value=Decimal("220000.00"))
    AlertRuleFactory()
    for day in (1, 2, 3):
        DailyRepKpiFactory(rep=rep, day=dt.date(2026, 6, day), premium=0)
    results = run_concurrently(lambda i: services.evaluate_alert_rules(as_of=dt.date(2026, 6, 3)), 4)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert Alert.objects.count() == 1
    assert sum(r["created"] for r in results) == 1


def test_concurrent_revisions_chain_their_old_values(run_concurrently, manager, team):
    target = TargetFactory(owner_kind="team", team=team, value=Decimal("300000.00"))
    values = ["310000", "320000", "330000"]
    results = run_concurrently(
        lambda i: services.revise_target(actor=manager, target_id=target.pk, new_value=values[i], reason="forecast_wrong"), 3
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    revisions = list(TargetRevision.objects.filter(target=target).order_by("id"))
    assert revisions[0].old_value == Decimal("300000.00")
    for before, after in zip(revisions, revisions[1:], strict=False):
        assert after.old_value == before.new_value  # every revision saw the previous one's value
    assert Target.objects.get(pk=target.pk).value == revisions[-1].new_value
