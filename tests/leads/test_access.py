"""Who may read, reveal, claim, reassign, create, import and search leads: pool membership and
the roles in accounts.access decide (issue 12, items 1, 2, 3, 5, 6 and 8)."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leads import imports, services
from leads.models import Appeal, Lead, OwnershipEvent, PhoneReveal, Pool
from telesales.errors import NotFound, PermissionDenied
from tests.factories import LeadFactory, PoolFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def integration(db):
    return UserFactory(username="dialer", role="integration", team=None)


@pytest.fixture
def other_pool(other_team):
    """Another team's public pool."""
    return PoolFactory(name="二组公海", team=other_team)


@pytest.fixture
def closed_pool(team):
    """The rep's own team's pool with browsing switched off (leads are only handed out)."""
    return PoolFactory(name="一组不可浏览", team=team, browsing_enabled=False)


def _ids(response) -> set[int]:
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


# ---- 1. masked numbers cannot be recovered by search ------------------------------------------
def test_extending_a_visible_prefix_never_narrows_the_masked_public_list(api, rep, pool):
    target = LeadFactory(pool=pool, phone="+8613812345678", name="甲", company="甲公司")
    for i in range(5):
        LeadFactory(pool=pool, phone=f"+86138{i}00000{i}0", name=f"乙{i}", company=f"乙公司{i}")
    client = api.as_user(rep)
    number = "13812345678"
    first = _ids(client.get("/api/v1/leads/public/", {"q": number[:4]}))
    for n in range(5, len(number)):
        assert _ids(client.get("/api/v1/leads/public/", {"q": number[:n]})) == first, number[:n]
    assert target.pk not in first
    # The whole number finds the lead, in any spelling.
    assert _ids(client.get("/api/v1/leads/public/", {"q": number})) == {target.pk}
    assert _ids(client.get("/api/v1/leads/public/", {"q": "+86 138-1234-5678"})) == {target.pk}


def test_the_pool_page_cannot_be_searched_by_hidden_digits(client, rep, pool):
    LeadFactory(pool=pool, phone="+8613812345678", name="目标客户")
    client.force_login(rep)
    assert "目标客户" not in client.get("/leads/pool/", {"q": "1381234"}).content.decode()
    assert "目标客户" in client.get("/leads/pool/", {"q": "13812345678"}).content.decode()


def test_partial_digits_still_find_numbers_the_viewer_sees_in_full(api, manager, rep, pool):
    held = LeadFactory(pool=pool, owner=rep, phone="+8613812345678")
    LeadFactory(pool=pool, owner=rep, phone="+8613900000000")
    assert _ids(api.as_user(manager).get("/api/v1/leads/", {"q": "2345"})) == {held.pk}
    assert _ids(api.as_user(rep).get("/api/v1/leads/", {"q": "1234567"})) == {held.pk}


# ---- 2. pool membership decides access ----------------------------------------------------------
@pytest.mark.parametrize("url", [
    "/api/v1/leads/{id}/", "/api/v1/leads/{id}/history/", "/leads/{id}/", "/calls/lead/{id}/",
    "/funnel/lead/{id}/grade/",
])
def test_a_lead_in_another_teams_pool_is_not_found(client, rep, other_pool, url):
    lead = LeadFactory(pool=other_pool)
    client.force_login(rep)
    assert client.get(url.format(id=lead.pk)).status_code == 404


def test_a_rep_reads_public_leads_only_where_browsing_is_on(api, rep, manager, pool, closed_pool):
    hidden, shown = LeadFactory(pool=closed_pool), LeadFactory(pool=pool)
    assert api.as_user(rep).get(f"/api/v1/leads/{hidden.pk}/").status_code == 404
    assert api.as_user(rep).get(f"/api/v1/leads/{shown.pk}/").status_code == 200
    assert api.as_user(manager).get(f"/api/v1/leads/{hidden.pk}/").status_code == 200


def test_a_manager_reveals_only_numbers_of_pools_they_work(api, client, manager, team, other_pool):
    outside = LeadFactory(pool=other_pool, phone="+8613812345678")
    own = LeadFactory(pool=PoolFactory(team=team), phone="+8613912345678")
    assert api.as_user(manager).post(f"/api/v1/leads/{outside.pk}/reveal/", {}).status_code == 404
    client.force_login(manager)
    page = client.post(f"/leads/{outside.pk}/reveal/")
    assert page.status_code == 200 and "13812345678" not in page.content.decode()
    assert not PhoneReveal.objects.filter(lead=outside).exists()
    r = api.as_user(manager).post(f"/api/v1/leads/{own.pk}/reveal/", {})
    assert r.status_code == 200 and r.json()["phone"] == "+8613912345678"


def test_a_rep_cannot_claim_a_lead_of_another_teams_pool_even_a_held_one(api, rep, other_team_rep, other_pool):
    free, held = LeadFactory(pool=other_pool), LeadFactory(pool=other_pool, owner=other_team_rep)
    for lead in (free, held):
        r = api.as_user(rep).post(f"/api/v1/leads/{lead.pk}/claim/")
        assert r.status_code == 404 and "张伟" not in r.content.decode()
    assert Lead.objects.get(pk=free.pk).owner is None


def test_claiming_from_a_closed_pool_needs_next_lead(api, rep, closed_pool):
    lead = LeadFactory(pool=closed_pool)
    assert api.as_user(rep).post(f"/api/v1/leads/{lead.pk}/claim/").status_code == 403
    r = api.as_user(rep).post("/api/v1/leads/next/", {"pool": closed_pool.pk}, format="json")
    assert r.status_code == 200 and r.json()["id"] == lead.pk


def test_nobody_creates_or_imports_into_another_teams_pool(api, rep, manager, other_pool):
    r = api.as_user(rep).post("/api/v1/leads/", {"name": "x", "phone": "13812345678", "pool": other_pool.pk,
                                                "to_public_pool": True})
    assert r.status_code == 404
    with pytest.raises(NotFound):
        imports.start_import(actor=manager, upload=SimpleUploadedFile("a.csv", b"name,phone\nx,13812345678\n"),
                             pool_id=other_pool.pk)
    assert not Lead.objects.exists()


def test_a_lead_nobody_holds_needs_a_pool_the_creator_belongs_to(api, manager, pool):
    r = api.as_user(manager).post("/api/v1/leads/", {"name": "x", "phone": "13812345678"})
    assert r.status_code == 400 and not Lead.objects.exists()
    r = api.as_user(manager).post("/api/v1/leads/", {"name": "x", "phone": "13812345678", "pool": pool.pk})
    assert r.status_code == 201 and r.json()["owner"] is None


def test_the_pool_lists_offer_only_the_users_pools(api, client, rep, pool, other_pool):
    assert [p["id"] for p in api.as_user(rep).get("/api/v1/pools/").json()["results"]] == [pool.pk]
    client.force_login(rep)
    html = client.get("/leads/new/").content.decode()
    assert pool.name in html and other_pool.name not in html


# ---- 3. the collision answer is rate-limited and logged -----------------------------------------
def test_collision_answers_stop_at_the_hourly_limit_and_leave_a_trace(api, rep, teammate, settings, caplog):
    settings.LEAD_COLLISION_LIMIT_PER_HOUR = 2
    held = [LeadFactory(owner=teammate, phone=f"+861380000000{i}") for i in range(3)]
    client = api.as_user(rep)
    caplog.set_level(logging.WARNING, logger="leads.services")
    for lead in held[:2]:
        r = client.post("/api/v1/leads/", {"name": "x", "phone": lead.phone})
        assert r.status_code == 409 and r.json()["error"]["owner_name"] == "李娜"
    r = client.post("/api/v1/leads/", {"name": "x", "phone": held[2].phone})
    assert r.status_code == 429 and 0 < int(r["Retry-After"]) <= 3600
    assert r.json()["error"]["code"] == "rate_limited" and "李娜" not in r.content.decode()
    assert Lead.objects.count() == 3
    logged = [rec.getMessage() for rec in caplog.records if rec.name == "leads.services"]
    assert len(logged) == 3
    assert all(f"user={rep.pk}" in m for m in logged) and f"lead={held[0].pk}" in logged[0]
    assert not any("1380000000" in m for m in logged)
    # Another user is not affected.
    r = api.as_user(UserFactory()).post("/api/v1/leads/", {"name": "x", "phone": held[2].phone})
    assert r.status_code == 409


def test_the_new_lead_page_says_when_the_limit_is_reached(client, rep, teammate, settings):
    settings.LEAD_COLLISION_LIMIT_PER_HOUR = 0
    lead = LeadFactory(owner=teammate, phone="+8613800000001")
    client.force_login(rep)
    html = client.post("/leads/new/", {"name": "x", "phone": lead.phone, "grade": "E"}, follow=True).content.decode()
    assert "Too many" in html and "李娜" not in html
    assert Lead.objects.count() == 1


def test_the_hold_limit_is_checked_before_the_collision(api, rep, teammate, pool):
    pool.max_held = 1
    pool.save()
    LeadFactory(pool=pool, owner=rep)
    taken = LeadFactory(pool=pool, owner=teammate)
    r = api.as_user(rep).post("/api/v1/leads/", {"name": "x", "phone": taken.phone, "pool": pool.pk})
    assert r.status_code == 400 and r.json()["error"]["code"] == "limit_reached"
    assert "李娜" not in r.content.decode()


# ---- 5. managers cannot take leads out of another team's pool -----------------------------------
def test_a_manager_cannot_reassign_a_lead_out_of_another_teams_pool(rep, manager, other_team, other_pool):
    lead = LeadFactory(pool=other_pool)
    with pytest.raises(NotFound):
        services.reassign_lead(actor=manager, lead_id=lead.pk, to_user_id=rep.pk)
    # Even a pool whose leads the manager may read (a member pool) is not theirs to hand out.
    member_pool = PoolFactory(team=other_team)
    member_pool.member_users.add(manager)
    lead = LeadFactory(pool=member_pool)
    with pytest.raises(PermissionDenied):
        services.reassign_lead(actor=manager, lead_id=lead.pk, to_user_id=rep.pk)
    assert not Lead.objects.filter(owner=rep).exists()
    assert not OwnershipEvent.objects.exists()


def test_a_manager_hands_out_leads_of_their_teams_pool(api, rep, manager, team):
    lead = LeadFactory(pool=PoolFactory(team=team))
    r = api.as_user(manager).post(f"/api/v1/leads/{lead.pk}/reassign/", {"to_user": rep.pk})
    assert r.status_code == 200 and r.json()["owner"] == rep.pk


# ---- 6. integrations read and write leads but make no management decision -----------------------
def test_an_integration_creates_and_reads_leads(api, integration, pool):
    r = api.as_user(integration).post("/api/v1/leads/", {"name": "x", "phone": "13812345678", "pool": pool.pk})
    assert r.status_code == 201
    assert api.as_user(integration).get(f"/api/v1/leads/{r.json()['id']}/").status_code == 200


def test_an_integration_gets_403_for_management_decisions(api, integration, rep, teammate, manager, pool):
    client = api.as_user(integration)
    free = LeadFactory(pool=pool)
    held = LeadFactory(pool=pool, owner=teammate)
    appeal = Appeal.objects.create(lead=held, requested_by=rep, holder_at_request=teammate, reason="mine")
    refused = [
        client.post("/api/v1/leads/distribute/", {"pool": pool.pk, "reps": [rep.pk]}, format="json"),
        client.post(f"/api/v1/leads/{free.pk}/reassign/", {"to_user": rep.pk}),
        client.post(f"/api/v1/leads/{held.pk}/reassign/", {"to_user": rep.pk}),
        client.post(f"/api/v1/lead-appeals/{appeal.pk}/decide/", {"approve": True}),
        client.post(f"/api/v1/users/{rep.pk}/deactivate/", {"mode": "pool"}, format="json"),
        client.patch(f"/api/v1/pools/{pool.pk}/", {"max_held": 1}, format="json"),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert Lead.objects.get(pk=free.pk).owner is None and Lead.objects.get(pk=held.pk).owner == teammate
    assert Appeal.objects.get(pk=appeal.pk).status == "pending"
    assert Pool.objects.get(pk=pool.pk).max_held != 1


def test_a_manager_distributes_their_teams_pool_but_not_another_teams(api, rep, manager, team, other_pool):
    own = PoolFactory(team=team)
    LeadFactory(pool=own)
    LeadFactory(pool=other_pool)
    client = api.as_user(manager)
    assert client.post("/api/v1/leads/distribute/", {"pool": other_pool.pk, "reps": [rep.pk]},
                       format="json").status_code == 404
    r = client.post("/api/v1/leads/distribute/", {"pool": own.pk, "reps": [rep.pk]}, format="json")
    assert r.status_code == 200 and r.json()["assigned"] == 1


def test_an_integration_never_takes_gives_back_locks_or_appeals_for_a_lead(api, integration, rep, teammate,
                                                                          pool):
    client = api.as_user(integration)
    free, held = LeadFactory(pool=pool), LeadFactory(pool=pool, owner=rep)
    refused = [
        client.post(f"/api/v1/leads/{free.pk}/claim/"),
        client.post("/api/v1/leads/claim/", {"lead_ids": [free.pk]}, format="json"),
        client.post("/api/v1/leads/next/", {"pool": pool.pk}, format="json"),
        client.post(f"/api/v1/leads/{held.pk}/release/", {"reason": "not reachable"}),
        client.post(f"/api/v1/leads/{held.pk}/lock/", {"locked": True}, format="json"),
        client.post("/api/v1/lead-appeals/", {"lead": held.pk, "reason": "mine"}, format="json"),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert Lead.objects.get(pk=free.pk).owner is None
    held = Lead.objects.get(pk=held.pk)
    assert held.owner == rep and not held.locked
    assert not Appeal.objects.exists() and not OwnershipEvent.objects.exists()


def test_a_pool_appeal_or_user_the_actor_cannot_see_is_not_found(api, rep, teammate, manager, other_manager,
                                                                 other_team_rep, team):
    pool = PoolFactory(team=team)
    held = LeadFactory(pool=pool, owner=teammate)
    appeal = Appeal.objects.create(lead=held, requested_by=rep, holder_at_request=teammate, reason="mine")
    distribute = {"pool": pool.pk, "reps": [rep.pk]}
    for outsider in (other_team_rep, other_manager):
        client = api.as_user(outsider)
        assert client.post("/api/v1/leads/distribute/", distribute, format="json").status_code == 404
        assert client.post(f"/api/v1/lead-appeals/{appeal.pk}/decide/", {"approve": True},
                           format="json").status_code == 404
    for stranger in (teammate, other_team_rep, other_manager):
        client = api.as_user(stranger)
        assert client.get(f"/api/v1/users/{rep.pk}/deactivate/").status_code == 404
        assert client.post(f"/api/v1/users/{rep.pk}/deactivate/", {"mode": "pool"}, format="json").status_code == 404
    # Hand-over is for admins: the rep's own manager sees the rep and is refused.
    client = api.as_user(manager)
    assert client.get(f"/api/v1/users/{rep.pk}/deactivate/").status_code == 403
    assert client.post(f"/api/v1/users/{rep.pk}/deactivate/", {"mode": "pool"}, format="json").status_code == 403
    rep.refresh_from_db()
    appeal.refresh_from_db()
    assert rep.is_active and appeal.status == "pending" and Lead.objects.get(pk=held.pk).owner == teammate


def test_the_appeal_list_shows_a_rep_their_own_appeals_and_a_manager_those_of_their_reps(
        api, rep, teammate, other_team_rep, manager, other_manager, admin_user, pool):
    mine = Appeal.objects.create(lead=LeadFactory(pool=pool, owner=teammate), requested_by=rep,
                                 holder_at_request=teammate, reason="my referral")
    from_outside = Appeal.objects.create(lead=LeadFactory(pool=pool, owner=teammate), requested_by=other_team_rep,
                                         holder_at_request=teammate, reason="I called first")
    seen = {user.username: _ids(api.as_user(user).get("/api/v1/lead-appeals/"))
            for user in (rep, teammate, other_team_rep, manager, other_manager, admin_user)}
    assert seen == {
        rep.username: {mine.pk},
        teammate.username: set(),
        other_team_rep.username: {from_outside.pk},
        manager.username: {mine.pk, from_outside.pk},  # asked by their rep, or against a lead their rep holds
        other_manager.username: {from_outside.pk},
        admin_user.username: {mine.pk, from_outside.pk},
    }


@pytest.mark.parametrize("which", ["open to all", "own team's"])
def test_a_manager_distributes_only_to_reps_they_manage(api, rep, other_team_rep, manager, team, which):
    pool = PoolFactory(name="公海") if which == "open to all" else PoolFactory(team=team)
    leads = LeadFactory.create_batch(2, pool=pool)
    r = api.as_user(manager).post("/api/v1/leads/distribute/", {"pool": pool.pk, "reps": [rep.pk, other_team_rep.pk]},
                                  format="json")
    assert r.status_code == 403 and "reps you manage" in r.json()["error"]["message"]
    assert not Lead.objects.filter(pk__in=[lead.pk for lead in leads], owner__isnull=False).exists()
    assert not OwnershipEvent.objects.filter(lead__in=leads).exists()


def test_leads_pages_show_admin_links_by_role(client, rep, manager, integration):
    client.force_login(manager)
    html = client.get("/leads/").content.decode()
    assert "/leads/import/" in html and "/leads/staff/" not in html
    client.force_login(integration)
    assert client.get("/leads/staff/").status_code == 404


# ---- 8. no open redirect after a failed claim ---------------------------------------------------
@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "https:/evil.example"])
def test_a_failed_claim_does_not_redirect_off_site(client, rep, teammate, pool, target):
    lead = LeadFactory(pool=pool, owner=teammate)
    client.force_login(rep)
    r = client.post(f"/leads/{lead.pk}/claim/", {"next": target})
    assert r.status_code == 302 and r["Location"] == "/leads/pool/"


def test_a_failed_claim_returns_to_the_page_it_came_from(client, rep, teammate, pool):
    lead = LeadFactory(pool=pool, owner=teammate)
    client.force_login(rep)
    r = client.post(f"/leads/{lead.pk}/claim/", {"next": "/leads/pool/?grade=A"})
    assert r["Location"] == "/leads/pool/?grade=A"

