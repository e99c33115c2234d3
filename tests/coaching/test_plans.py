import datetime as dt

import pytest
import time_machine

from coaching import selectors, services
from coaching.models import PlanOutcome
from telesales.errors import Conflict, DomainError, NotFound, PermissionDenied
from tests.factories import ManagerFactory, TeamFactory

pytestmark = pytest.mark.django_db

START = dt.date(2026, 11, 2)


def items(n=3, start=START):
    return [{"what": f"Goal {i}", "measure": "connect rate", "target": "≥ 35%", "due": start + dt.timedelta(days=20)}
            for i in range(n)]


@pytest.fixture
def plan(manager, rep):
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC), tick=False):
        return services.start_plan(actor=manager, rep=rep, title="Lift connect rate", items=items(),
                                   support=["training", "mentor"], source_kind="diagnosis",
                                   source_ref='{"driver": "connect_rate"}')


@pytest.mark.parametrize("n", [2, 6])
def test_a_plan_needs_three_to_five_items(manager, rep, n):
    with pytest.raises(DomainError, match="3 to 5"):
        services.start_plan(actor=manager, rep=rep, title="x", items=items(n, dt.date.today()))  # noqa: DTZ011


def test_items_must_be_smart_and_due_within_the_plan(manager, rep):
    bad = items()
    bad[0]["measure"] = ""
    with pytest.raises(DomainError, match="SMART"):
        services.start_plan(actor=manager, rep=rep, title="x", items=bad, start_date=START)
    late = items()
    late[1]["due"] = START + dt.timedelta(days=60)
    with pytest.raises(DomainError, match="due date"):
        services.start_plan(actor=manager, rep=rep, title="x", items=late, start_date=START)


def test_plan_runs_thirty_days_with_weekly_check_ins_by_default(plan):
    assert plan.review_date == START + dt.timedelta(days=30)
    assert plan.check_in_every_days == 7 and plan.items.count() == 3
    assert plan.support == ["training", "mentor"]


def test_only_the_reps_manager_starts_a_plan(rep, teammate, other_team_rep):
    outsider = ManagerFactory(team=TeamFactory())
    with pytest.raises(PermissionDenied):
        services.start_plan(actor=outsider, rep=rep, title="x", items=items(start=dt.date.today()))  # noqa: DTZ011
    with pytest.raises(PermissionDenied):
        services.start_plan(actor=teammate, rep=rep, title="x", items=items(start=dt.date.today()))  # noqa: DTZ011


def test_one_open_plan_per_rep(plan, manager, rep):
    with time_machine.travel(dt.datetime(2026, 11, 3, 2, tzinfo=dt.UTC), tick=False), pytest.raises(Conflict):
        services.start_plan(actor=manager, rep=rep, title="again", items=items(start=dt.date(2026, 11, 3)))


def test_rep_acknowledges_own_plan_only(plan, rep, manager, teammate):
    with pytest.raises(PermissionDenied):
        services.acknowledge_plan(actor=manager, plan_id=plan.pk)
    with pytest.raises(NotFound):
        services.acknowledge_plan(actor=teammate, plan_id=plan.pk)
    assert services.acknowledge_plan(actor=rep, plan_id=plan.pk).acknowledged_at is not None


def test_check_in_becomes_overdue_and_shows_on_the_managers_page(plan, manager, rep):
    with time_machine.travel(dt.datetime(2026, 11, 9, 4, tzinfo=dt.UTC), tick=False):
        assert selectors.overdue_check_ins(manager) == []
    with time_machine.travel(dt.datetime(2026, 11, 10, 4, tzinfo=dt.UTC), tick=False):
        assert selectors.overdue_check_ins(manager) == [plan]
        services.record_check_in(actor=manager, plan_id=plan.pk, progress_note="Connect rate 31%, on track")
        assert selectors.overdue_check_ins(manager) == []
    with time_machine.travel(dt.datetime(2026, 11, 18, 4, tzinfo=dt.UTC), tick=False):
        assert selectors.overdue_check_ins(manager) == [plan]


def test_rep_cannot_record_own_check_in(plan, rep):
    with pytest.raises(PermissionDenied):
        services.record_check_in(actor=rep, plan_id=plan.pk, progress_note="I did great")


def test_thirty_day_review_outcomes(plan, manager, rep):
    with time_machine.travel(dt.datetime(2026, 11, 20, 4, tzinfo=dt.UTC), tick=False), \
            pytest.raises(DomainError, match="review is due"):
        services.record_outcome(actor=manager, plan_id=plan.pk, outcome=PlanOutcome.NOT_MET)
    with time_machine.travel(dt.datetime(2026, 12, 2, 4, tzinfo=dt.UTC), tick=False):
        extended = services.record_outcome(actor=manager, plan_id=plan.pk, outcome=PlanOutcome.EXTENDED)
        assert extended.is_open and extended.review_date == dt.date(2027, 1, 1)
    with time_machine.travel(dt.datetime(2027, 1, 2, 4, tzinfo=dt.UTC), tick=False):
        closed = services.record_outcome(actor=manager, plan_id=plan.pk, outcome=PlanOutcome.MET, note="Done")
        assert not closed.is_open and closed.outcome == "met"
        with pytest.raises(Conflict):
            services.record_check_in(actor=manager, plan_id=plan.pk, progress_note="late")
        # a closed plan frees the rep for a new one
        services.start_plan(actor=manager, rep=rep, title="Next", items=items(start=dt.date(2027, 1, 2)))
