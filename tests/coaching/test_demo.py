import datetime as dt
import random

import pytest
from django.utils import timezone

from coaching import demo
from coaching.models import ImprovementPlan, OneToOneNote, Review, SampledCall
from tests.factories import AdminFactory, CallFactory, ManagerFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_has_reviewed_calls_with_two_reviewers_and_an_open_plan():
    team = TeamFactory()
    manager = ManagerFactory(team=team)
    reps = UserFactory.create_batch(4, team=team)
    now = timezone.now()
    for rep in reps:
        for days in range(1, 29):
            CallFactory(rep=rep, started_at=now - dt.timedelta(days=days), duration_seconds=120)
    ctx = {"admin": AdminFactory(), "teams": [team], "managers": [manager], "reps": reps}
    demo.seed(random.Random(1), ctx)
    complete = SampledCall.objects.filter(completed_at__isnull=False)
    assert complete.exists()
    assert all(Review.objects.filter(assignment__sampled_call=s).count() == 2 for s in complete)
    assert ImprovementPlan.objects.filter(closed_at__isnull=True).count() == 1
    assert OneToOneNote.objects.get().action_items.count() == 1


def test_demo_skips_without_calls():
    team = TeamFactory()
    demo.seed(random.Random(1), {"admin": AdminFactory(), "teams": [team], "managers": [ManagerFactory(team=team)]})
    assert not SampledCall.objects.exists()
