"""Coaching services lock only their own row, on PostgreSQL: a rep's user row or a scorecard
version being updated elsewhere never makes a review, a plan or an action item wait."""

import datetime as dt

import pytest
from django.db import connection, transaction

from accounts.models import User
from coaching import services
from coaching.models import ScorecardVersion
from tests import factories as f
from tests.factories import CallFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _without_waiting(fn):
    """Run a service with a short lock timeout: waiting on a row it does not need is an error."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '1s'")
        return fn()


def _plan(manager, rep):
    items = [{"what": f"Goal {i}", "measure": "connect rate", "target": "≥ 35%",
              "due": dt.date.today() + dt.timedelta(days=20)} for i in range(3)]  # noqa: DTZ011
    return services.start_plan(actor=manager, rep=rep, title="Lift connect rate", items=items)


def test_assigning_a_reviewer_does_not_wait_for_the_reps_row(row_locked, manager, reviewer, rep, team):
    sample = f.sample(manager, CallFactory(rep=rep), f.scorecard(manager, team))
    with row_locked(User, rep.pk):
        a = _without_waiting(lambda: services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=reviewer))
    assert a.reviewer == reviewer


def test_submitting_a_review_does_not_wait_for_the_scorecard_version(row_locked, manager, reviewer, rep, team):
    sample = f.sample(manager, CallFactory(rep=rep), f.scorecard(manager, team))
    a = services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=reviewer)
    with row_locked(ScorecardVersion, sample.version_id):
        review = _without_waiting(lambda: services.submit_review(actor=reviewer, assignment_id=a.pk, scores=f.scores()))
    assert review.total == 100


def test_plan_check_in_outcome_and_acknowledgement_do_not_wait_for_the_reps_row(row_locked, manager, rep):
    plan = _plan(manager, rep)
    with row_locked(User, rep.pk):
        _without_waiting(lambda: services.acknowledge_plan(actor=rep, plan_id=plan.pk))
        check_in = _without_waiting(lambda: services.record_check_in(actor=manager, plan_id=plan.pk,
                                                                     progress_note="Two calls reviewed"))
        closed = _without_waiting(lambda: services.record_outcome(actor=manager, plan_id=plan.pk, outcome="met"))
    assert check_in.plan_id == plan.pk and closed.outcome == "met" and closed.acknowledged_at is not None


def test_completing_an_action_item_does_not_wait_for_the_reps_row(row_locked, manager, rep):
    note = services.write_note(actor=manager, rep=rep, situation="Tuesday call", behaviour="Talked over",
                               impact="Lost the quote")
    item = services.add_action_item(actor=manager, note_id=note.pk, description="Listen to 3 top calls",
                                    due_on=note.held_on)
    with row_locked(User, rep.pk):
        done = _without_waiting(lambda: services.complete_action_item(actor=rep, item_id=item.pk))
    assert done.done_at is not None
