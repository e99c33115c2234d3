import random

import pytest

from accounts import demo as accounts_demo
from leads import demo
from leads.models import Lead, OwnershipEvent
from leads.phones import normalize_phone

pytestmark = pytest.mark.django_db


def test_small_demo_has_public_and_private_leads_with_valid_numbers():
    ctx = {"small": True}
    accounts_demo.seed(random.Random(1), ctx)
    demo.seed(random.Random(1), ctx)
    assert len(ctx["pools"]) == 4 and len(ctx["leads"]) == Lead.objects.count()
    assert Lead.objects.filter(owner__isnull=True).count() == 160
    assert all(Lead.objects.filter(owner=r).exists() for r in ctx["reps"])
    sample = list(Lead.objects.values_list("phone", flat=True)[:50])
    assert all(normalize_phone(p) == p for p in sample)
    assert OwnershipEvent.objects.filter(reason="claim").count() == Lead.objects.filter(owner__isnull=False).count()
