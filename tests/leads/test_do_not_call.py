import pytest

from leads import services
from leads.models import DoNotCallNumber, Lead
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_a_number_put_on_the_do_not_call_list_makes_its_lead_do_not_call(admin_user, rep, pool):
    lead = LeadFactory(pool=pool, owner=rep, phone="+8613800138000")
    entry = services.add_do_not_call(actor=admin_user, phone="138 0013 8000", reason="asked twice")
    assert (entry.phone, entry.reason, entry.added_by) == ("+8613800138000", "asked twice", admin_user)
    assert Lead.objects.get(pk=lead.pk).status == "dnc"
    services.add_do_not_call(actor=admin_user, phone="+8613800138000")
    assert DoNotCallNumber.objects.count() == 1
