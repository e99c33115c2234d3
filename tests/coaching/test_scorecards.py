from decimal import Decimal

import pytest

from coaching import services
from coaching.models import Review
from telesales.errors import DomainError, PermissionDenied
from tests import factories as f
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def test_editing_an_unused_scorecard_changes_it_in_place(manager, team):
    card = f.scorecard(manager, team)
    version = services.edit_scorecard(actor=manager, scorecard_id=card.pk, criteria=f.STANDARD_CRITERIA[:3])
    assert version.number == 1
    assert card.versions.count() == 1
    assert [c.key for c in version.criteria.all()] == ["script", "attitude", "needs"]


def test_editing_a_scorecard_in_use_creates_a_new_version_and_old_reviews_keep_theirs(manager, reviewer, rep, team):
    card = f.scorecard(manager, team)
    sample = f.sample(manager, CallFactory(rep=rep), card)
    assignment = services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=reviewer)
    services.submit_review(actor=reviewer, assignment_id=assignment.pk, scores=f.scores())

    new = services.edit_scorecard(actor=manager, scorecard_id=card.pk,
                                  criteria=[*f.STANDARD_CRITERIA, {"key": "empathy", "name": "Empathy", "weight": 10}])

    assert new.number == 2
    review = Review.objects.get()
    assert review.version.number == 1
    assert "empathy" not in [s.criterion.key for s in review.scores.all()]
    assert services.current_version(card).criteria.filter(key="empathy").exists()


def test_critical_cap_applies_to_submitted_reviews(manager, reviewer, rep, team):
    card = f.scorecard(manager, team, critical_cap=Decimal(40))
    sample = f.sample(manager, CallFactory(rep=rep), card)
    assignment = services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=reviewer)
    review = services.submit_review(actor=reviewer, assignment_id=assignment.pk, scores=f.scores(compliance=0))
    assert review.total == Decimal("40.0") and review.uncapped_total == Decimal("90.0") and review.critical_failed


@pytest.mark.parametrize(
    "criteria",
    [[], [{"key": "a", "name": "A", "weight": 0}], [{"key": "a", "name": "A", "weight": 1}] * 2,
     [{"key": "a", "name": "A", "weight": 1, "scale_max": 3, "pass_score": 4}]],
)
def test_invalid_criteria_are_refused_with_a_message(manager, team, criteria):
    with pytest.raises(DomainError):
        f.scorecard(manager, team, criteria=criteria)


def test_reps_cannot_create_scorecards(rep, team):
    with pytest.raises(PermissionDenied):
        f.scorecard(rep, team)
