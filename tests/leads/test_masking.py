import pytest

from leads import services
from leads.models import PhoneReveal
from leads.selectors import PhoneViewer
from telesales.errors import NotFound, PermissionDenied
from tests.factories import LeadFactory, ManagerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(rep, pool):
    return LeadFactory(pool=pool, owner=rep, phone="+8613812345678")


@pytest.mark.parametrize(
    ("who", "full"),
    [("rep", True), ("manager", True), ("admin_user", True), ("teammate", False), ("other_team_rep", False)],
)
def test_full_number_only_for_owner_their_managers_and_admins(request, held, who, full):
    viewer = PhoneViewer(request.getfixturevalue(who))
    assert viewer.phone(held) == ("+8613812345678" if full else "138****5678")


def test_manager_of_another_team_sees_it_masked(held, other_team):
    assert PhoneViewer(ManagerFactory(team=other_team)).phone(held) == "138****5678"


def test_public_pool_numbers_are_masked_for_reps_and_managers(rep, manager, pool):
    lead = LeadFactory(pool=pool, phone="+8613912345678")
    assert PhoneViewer(rep).phone(lead) == "139****5678"
    assert PhoneViewer(manager).phone(lead) == "139****5678"


def test_manager_reveal_is_audited(manager, pool):
    lead = LeadFactory(pool=pool, phone="+8613912345678")
    assert services.reveal_phone(actor=manager, lead_id=lead.pk, reason="callback") == "+8613912345678"
    assert PhoneReveal.objects.filter(lead=lead, actor=manager, reason="callback").exists()


def test_reps_cannot_reveal_and_managers_cannot_reveal_other_teams_leads(rep, other_team_rep, pool, other_team):
    with pytest.raises(PermissionDenied):
        services.reveal_phone(actor=rep, lead_id=LeadFactory(pool=pool).pk)
    lead = LeadFactory(pool=pool, owner=other_team_rep)
    with pytest.raises(NotFound):  # a lead the rep cannot see at all
        services.reveal_phone(actor=rep, lead_id=lead.pk)
    mine = LeadFactory(pool=pool, owner=rep)
    with pytest.raises(NotFound):
        services.reveal_phone(actor=ManagerFactory(team=other_team), lead_id=mine.pk)
    assert not PhoneReveal.objects.exists()
