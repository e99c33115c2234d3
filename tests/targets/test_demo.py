import random

import pytest

from accounts import demo as accounts_demo
from targets import demo
from targets.models import Alert, AlertRule, Target

pytestmark = pytest.mark.django_db


def test_demo_decomposes_the_seed_year_target_down_to_each_rep_with_uplift():
    ctx: dict = {"small": True}
    accounts_demo.seed(random.Random(1), ctx)
    demo.seed(random.Random(1), ctx)
    year = Target.objects.get(owner_kind="company", period_kind="year", metric="premium")
    assert str(year.value) == "50000000.00"
    assert sum(t.value for t in year.children.all()) == year.value
    rep_months = Target.objects.filter(owner_kind="rep", period_kind="month")
    assert rep_months.count() == 30 and all(t.uplift_percent == 20 for t in rep_months)
    assert AlertRule.objects.count() == 1 and not Alert.objects.exists()  # no KPI facts, no alerts
