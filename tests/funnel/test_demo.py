"""The demo company shows every one of the four funnel shapes."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from funnel import demo
from funnel.domain import Shape, classify_shape
from funnel.selectors import funnel_counts_by_owner, stage_stats_by_owner
from leads.models import GradeChange, Lead

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("shape", list(demo.TEMPLATES))
def test_each_template_draws_its_shape_even_with_few_leads(shape):
    for total in (8, 12, 40, 60):
        assert classify_shape(demo.grade_counts(total, demo.TEMPLATES[shape])).shape == shape


def test_demo_reps_show_all_four_shapes_with_history():
    rng = random.Random(7)
    ctx = {"small": True}
    accounts_demo.seed(rng, ctx)
    demo.seed(rng, ctx)
    owner_ids = [r.pk for r in ctx["reps"]]
    counts = funnel_counts_by_owner(owner_ids)
    shapes = {classify_shape(c).shape for c in counts.values()}
    assert {Shape.HEALTHY, Shape.PILE_UP_AT_C, Shape.THIN_MIDDLE, Shape.DEPLETED} <= shapes
    assert set(ctx["funnel_shapes"].values()) == shapes
    # the history agrees with the current grades, and there is movement in the last 30 days
    now = timezone.now()
    assert funnel_counts_by_owner(owner_ids, now - dt.timedelta(seconds=1)) == counts
    stats = stage_stats_by_owner(owner_ids, now - dt.timedelta(days=30), now)
    assert sum(s.reached["E"] for s in stats.values()) > 0
    assert GradeChange.objects.filter(lead__in=Lead.objects.filter(owner__in=owner_ids)).exists()
