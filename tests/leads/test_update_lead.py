"""Editing a lead's data (update_lead) through the service and the API, on PostgreSQL."""

import pytest

from leads import services
from leads.models import Lead
from leads.phones import InvalidPhone
from telesales.errors import DomainError, PermissionDenied
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def _snapshot(lead: Lead) -> dict:
    lead.refresh_from_db()
    return {f: getattr(lead, f) for f in ("name", "phone", "phone2", "company", "region", "tags", "updated_at")}


def test_owner_edits_a_leads_data(rep, pool):
    lead = LeadFactory(pool=pool, owner=rep, name="赵先生")
    edited = services.update_lead(actor=rep, lead_id=lead.pk, name="赵总", company="华为", phone2="139 0013 9000",
                                  tags=["vip"])
    lead.refresh_from_db()
    assert (lead.name, lead.company, lead.phone2, lead.tags) == ("赵总", "华为", "+8613900139000", ["vip"])
    assert edited.owner == rep and edited.pool == pool


def test_manager_edits_a_team_lead_but_a_teammate_may_not(manager, rep, teammate, pool):
    lead = LeadFactory(pool=pool, owner=rep)
    services.update_lead(actor=manager, lead_id=lead.pk, region="上海")
    before = _snapshot(lead)
    with pytest.raises(PermissionDenied):
        services.update_lead(actor=teammate, lead_id=lead.pk, region="北京")
    assert _snapshot(lead) == before and before["region"] == "上海"


def test_bad_edit_changes_nothing(rep, pool):
    lead = LeadFactory(pool=pool, owner=rep)
    before = _snapshot(lead)
    with pytest.raises(InvalidPhone):
        services.update_lead(actor=rep, lead_id=lead.pk, company="新公司", phone2="not a number")
    with pytest.raises(DomainError, match="needs a name"):
        services.update_lead(actor=rep, lead_id=lead.pk, company="新公司", name="  ")
    assert _snapshot(lead) == before


def test_api_patch_edits_the_lead(api, rep, pool):
    lead = LeadFactory(pool=pool, owner=rep)
    r = api.as_user(rep).patch(f"/api/v1/leads/{lead.pk}/", {"company": "阿里", "phone": "13900139001"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["company"] == "阿里" and r.json()["phone"] == "+8613900139001"
    lead.refresh_from_db()
    assert lead.company == "阿里" and lead.phone == "+8613900139001"


def test_api_patch_with_bad_input_is_a_400_and_changes_nothing(api, rep, pool):
    lead = LeadFactory(pool=pool, owner=rep)
    before = _snapshot(lead)
    client = api.as_user(rep)
    r = client.patch(f"/api/v1/leads/{lead.pk}/", {"company": "阿里", "phone": "1390000abcd"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_phone"
    r = client.patch(f"/api/v1/leads/{lead.pk}/", {"company": "阿里", "tags": "vip"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid" and "tags" in r.json()["error"]["details"]
    assert _snapshot(lead) == before


def test_api_patch_to_a_taken_number_is_a_409_naming_the_holder(api, rep, teammate, pool):
    LeadFactory(pool=pool, owner=teammate, phone="+8613900139002")
    lead = LeadFactory(pool=pool, owner=rep)
    before = _snapshot(lead)
    r = api.as_user(rep).patch(f"/api/v1/leads/{lead.pk}/", {"name": "新名", "phone": "13900139002"}, format="json")
    assert r.status_code == 409 and "held by 李娜" in r.json()["error"]["message"]
    assert _snapshot(lead) == before
