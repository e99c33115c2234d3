import random

import pytest

from calls import demo
from calls.models import Call, FollowUp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_calls_have_believable_rates(team, dispo):
    reps = [UserFactory(team=team) for _ in range(3)]
    demo.seed(random.Random(7), {"reps": reps, "small": False})
    calls = Call.objects.select_related("disposition")
    total = calls.count()
    reached = calls.filter(disposition__reached=True).count()
    quoted = calls.filter(disposition__quoted=True).count()
    sold = calls.filter(disposition__sold=True)
    assert total > 1000
    assert 0.15 < reached / total < 0.35 and quoted < reached and 0 < sold.count() < quoted
    assert all(c.premium > 0 and 0 <= c.margin_rate <= 1 for c in sold)
    assert FollowUp.objects.filter(done_at__isnull=True).exists()
