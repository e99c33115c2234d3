import pytest

from leads.models import Lead, OwnershipEvent
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_creating_an_existing_number_answers_409_with_the_lead_and_owner(api, rep, teammate):
    first = api.as_user(rep).post("/api/v1/leads/", {"name": "赵", "phone": "13800138000"})
    assert first.status_code == 201 and first.json()["phone"] == "+8613800138000"
    again = api.as_user(teammate).post("/api/v1/leads/", {"name": "赵", "phone": "138-0013-8000"})
    assert again.status_code == 409
    body = again.json()["error"]
    assert body["code"] == "collision" and body["lead_id"] == first.json()["id"] and body["owner"] == rep.pk
    assert "held by 王芳" in body["message"]


def test_bad_number_is_a_400_with_a_reason(api, rep):
    r = api.as_user(rep).post("/api/v1/leads/", {"name": "x", "phone": "abc"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_phone"


def test_public_pool_list_is_masked_and_claim_works_once(api, rep, teammate, pool):
    lead = LeadFactory(pool=pool, phone="+8613812345678")
    listed = api.as_user(rep).get("/api/v1/leads/public/").json()["results"]
    assert [row["phone"] for row in listed] == ["138****5678"]
    r = api.as_user(rep).post(f"/api/v1/leads/{lead.pk}/claim/")
    assert r.status_code == 200 and r.json()["phone"] == "+8613812345678"
    r = api.as_user(teammate).post(f"/api/v1/leads/{lead.pk}/claim/")
    assert r.status_code == 409 and "already claimed by 王芳" in r.json()["error"]["message"]


def test_reps_list_only_their_own_leads_and_teammates_see_detail_masked(api, rep, teammate, pool):
    mine = LeadFactory(pool=pool, owner=rep)
    LeadFactory(pool=pool, owner=teammate)
    ids = [row["id"] for row in api.as_user(rep).get("/api/v1/leads/").json()["results"]]
    assert ids == [mine.pk]
    assert api.as_user(teammate).get(f"/api/v1/leads/{mine.pk}/").status_code == 404


def test_manager_sees_team_numbers_in_full_and_can_reassign(api, manager, rep, teammate, pool):
    lead = LeadFactory(pool=pool, owner=rep, phone="+8613812345678")
    assert api.as_user(manager).get(f"/api/v1/leads/{lead.pk}/").json()["phone"] == "+8613812345678"
    r = api.as_user(manager).post(f"/api/v1/leads/{lead.pk}/reassign/", {"to_user": teammate.pk})
    assert r.status_code == 200 and r.json()["owner"] == teammate.pk
    assert OwnershipEvent.objects.filter(lead=lead, reason="reassign").count() == 1


def test_release_and_history(api, rep, pool):
    lead = LeadFactory(pool=pool, owner=rep)
    assert api.as_user(rep).post(f"/api/v1/leads/{lead.pk}/release/", {}).status_code == 400
    assert api.as_user(rep).post(f"/api/v1/leads/{lead.pk}/release/", {"reason": "空号"}).status_code == 200
    history = api.as_user(rep).get(f"/api/v1/leads/{lead.pk}/history/").json()
    assert history[-1]["reason"] == "release" and history[-1]["note"] == "空号"


def test_deactivate_preview_then_hand_over(api, admin_user, rep, teammate, pool):
    LeadFactory.create_batch(3, pool=pool, owner=rep)
    preview = api.as_user(admin_user).get(f"/api/v1/users/{rep.pk}/deactivate/").json()
    assert preview["active_leads"] == 3
    r = api.as_user(admin_user).post(f"/api/v1/users/{rep.pk}/deactivate/", {"mode": "user", "to_user": teammate.pk})
    assert r.status_code == 200 and r.json()["handed_over"] == 3
    assert Lead.objects.filter(owner=teammate).count() == 3
    assert api.as_user(rep).get(f"/api/v1/users/{teammate.pk}/deactivate/").status_code == 404


def test_distribute_round_robin_skips_opted_out_reps(api, admin_user, rep, teammate, pool):
    teammate.accepts_distribution = False
    teammate.save()
    LeadFactory.create_batch(4, pool=pool)
    r = api.as_user(admin_user).post("/api/v1/leads/distribute/", {"pool": pool.pk, "reps": [rep.pk, teammate.pk]})
    assert r.status_code == 200 and r.json()["per_rep"] == {str(rep.pk): 4}


def test_appeal_is_decided_by_the_manager(api, manager, rep, teammate, pool):
    lead = LeadFactory(pool=pool, owner=teammate)
    appeal = api.as_user(rep).post("/api/v1/lead-appeals/", {"lead": lead.pk, "reason": "my referral"}).json()
    assert api.as_user(teammate).post(f"/api/v1/lead-appeals/{appeal['id']}/decide/", {"approve": True}).status_code == 404
    r = api.as_user(manager).post(f"/api/v1/lead-appeals/{appeal['id']}/decide/", {"approve": True, "note": "ok"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert Lead.objects.get(pk=lead.pk).owner == rep
    assert OwnershipEvent.objects.filter(lead=lead, reason="appeal", actor=manager).exists()


def test_distribute_by_capacity_fills_the_emptiest_rep_first(api, admin_user, rep, teammate, pool):
    pool.max_held = 3
    pool.save()
    LeadFactory.create_batch(2, pool=pool, owner=rep)
    LeadFactory.create_batch(3, pool=pool)
    r = api.as_user(admin_user).post("/api/v1/leads/distribute/",
                                     {"pool": pool.pk, "reps": [rep.pk, teammate.pk], "mode": "by_capacity"})
    assert r.json()["per_rep"] == {str(rep.pk): 1, str(teammate.pk): 2}


def test_reps_cannot_distribute(api, rep, pool):
    r = api.as_user(rep).post("/api/v1/leads/distribute/", {"pool": pool.pk, "reps": [rep.pk]})
    assert r.status_code == 403


@pytest.mark.parametrize(("phone", "says"), [("1390000abcd", "contains letters"),
                                             ("13900001111 ext 12", "extensions are not supported")])
def test_a_number_with_letters_or_an_extension_is_a_400_and_nothing_is_created(api, rep, phone, says):
    r = api.as_user(rep).post("/api/v1/leads/", {"name": "x", "phone": phone})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_phone"
    assert says in r.json()["error"]["message"]
    assert not Lead.objects.exists()
