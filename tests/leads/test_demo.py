import random

import pytest

from accounts import demo as accounts_demo
from leads import demo, services
from leads.models import AttributeDefinition, Lead, OwnershipEvent
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


def test_demo_leads_carry_attributes_of_the_demo_definitions():
    ctx = {"small": True}
    accounts_demo.seed(random.Random(1), ctx)
    demo.seed(random.Random(1), ctx)
    assert list(AttributeDefinition.objects.values_list("key", "kind")) == [
        ("age_band", "choice"), ("previous_outcome", "text"), ("has_car", "boolean")]
    with_band = Lead.objects.filter(attributes__has_key="age_band").count()
    assert 0.6 < with_band / Lead.objects.count() < 0.95
    assert Lead.objects.filter(attributes__has_car=True).exists() and Lead.objects.filter(attributes__has_car=False).exists()
    # Every demo value is one the validation accepts as it is.
    for attributes in Lead.objects.values_list("attributes", flat=True)[:200]:
        assert services.clean_attributes(attributes) == attributes
