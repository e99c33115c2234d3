from decimal import Decimal

import pytest
from django.db import IntegrityError

from coaching import selectors, services
from coaching.models import ReviewAssignment
from telesales.errors import Conflict, DomainError, NotFound
from tests import factories as f
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sampled(manager, rep, team):
    return f.sample(manager, CallFactory(rep=rep), f.scorecard(manager, team))


def test_result_is_the_mean_once_all_reviewers_submitted(sampled, manager, reviewer):
    a1 = services.assign_reviewer(actor=manager, sample_id=sampled.pk, reviewer=manager)
    a2 = services.assign_reviewer(actor=manager, sample_id=sampled.pk, reviewer=reviewer)
    services.submit_review(actor=manager, assignment_id=a1.pk, scores=f.scores())
    sampled.refresh_from_db()
    assert sampled.result_total is None and not sampled.is_complete
    services.submit_review(actor=reviewer, assignment_id=a2.pk, scores=f.scores(closing=0, objections=0))
    sampled.refresh_from_db()
    assert sampled.result_total == Decimal("80.0")
    assert sampled.spread == Decimal("40.0") and sampled.needs_calibration


def test_close_scores_are_not_flagged_for_calibration(sampled, manager, reviewer):
    a1 = services.assign_reviewer(actor=manager, sample_id=sampled.pk, reviewer=manager)
    a2 = services.assign_reviewer(actor=manager, sample_id=sampled.pk, reviewer=reviewer)
    services.submit_review(actor=manager, assignment_id=a1.pk, scores=f.scores())
    services.submit_review(actor=reviewer, assignment_id=a2.pk, scores=f.scores(closing=4))
    sampled.refresh_from_db()
    assert sampled.result_total == Decimal("98.0") and not sampled.needs_calibration


def test_a_rep_cannot_be_assigned_to_review_their_own_call(sampled, manager, rep):
    with pytest.raises(DomainError, match="own call"):
        services.assign_reviewer(actor=manager, sample_id=sampled.pk, reviewer=rep)


def test_the_database_refuses_a_self_review_too(sampled, rep):
    with pytest.raises(IntegrityError):
        ReviewAssignment.objects.create(sampled_call=sampled, reviewer=rep, rep=rep)


def test_a_reviewer_scores_only_their_own_assignment_and_only_once(sampled, manager, reviewer):
    a1 = services.assign_reviewer(actor=manager, sample_id=sampled.pk, reviewer=manager)
    with pytest.raises(NotFound):
        services.submit_review(actor=reviewer, assignment_id=a1.pk, scores=f.scores())
    services.submit_review(actor=manager, assignment_id=a1.pk, scores=f.scores())
    with pytest.raises(Conflict):
        services.submit_review(actor=manager, assignment_id=a1.pk, scores=f.scores())


def test_out_of_scale_scores_are_refused(sampled, manager):
    a1 = services.assign_reviewer(actor=manager, sample_id=sampled.pk, reviewer=manager)
    with pytest.raises(DomainError, match="whole number from 0 to 5"):
        services.submit_review(actor=manager, assignment_id=a1.pk, scores=f.scores(closing=9))


def test_nobody_sees_another_score_before_submitting_their_own(sampled, manager, reviewer, rep, admin_user):
    a1 = services.assign_reviewer(actor=manager, sample_id=sampled.pk, reviewer=manager)
    a2 = services.assign_reviewer(actor=manager, sample_id=sampled.pk, reviewer=reviewer)
    first = services.submit_review(actor=manager, assignment_id=a1.pk, scores=f.scores())

    assert selectors.reviews_of_sample(reviewer, sampled) == []
    assert selectors.reviews_of_sample(rep, sampled) == []
    assert selectors.reviews_of_sample(admin_user, sampled) == []
    assert selectors.reviews_of_sample(manager, sampled) == [first]

    second = services.submit_review(actor=reviewer, assignment_id=a2.pk, scores=f.scores())
    assert selectors.reviews_of_sample(reviewer, sampled) == [first, second]
    assert selectors.reviews_of_sample(rep, sampled) == [first, second]


def test_a_reviewer_on_another_team_sees_only_what_they_review(sampled, manager, other_team_rep):
    services.assign_reviewer(actor=manager, sample_id=sampled.pk, reviewer=other_team_rep)
    assert list(selectors.samples_visible_to(other_team_rep)) == [sampled]
    assert list(selectors.completed_samples(other_team_rep)) == []


def test_a_call_cannot_be_sampled_twice(sampled, manager):
    with pytest.raises(Conflict):
        services.sample_call(actor=manager, call_id=sampled.call_id, scorecard_id=sampled.version.scorecard_id)
