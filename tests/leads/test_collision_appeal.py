"""The collision path a rep can act on (issue 15, item 5): the number's holder is named once,
the answer leads to a page the rep may open (the lead masked, the appeal form), the appeal is
sent from it, and a manager sees and decides it."""

import re

import pytest

from leads.collisions import collision_pass
from leads.models import Appeal, Lead
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

NUMBER = "+8613812345678"


@pytest.fixture
def held(rep, pool):
    """王芳 (rep, team one) holds the customer."""
    return LeadFactory(pool=pool, owner=rep, phone=NUMBER, name="赵先生", company="赵氏贸易")


def _collision_link(html: str) -> str:
    links = re.findall(r'href="(/leads/collision/[^"]+/)"', html)
    assert len(links) == 1, html
    return links[0]


def test_new_lead_form_names_the_holder_once_and_links_a_page_the_rep_may_open(client, held, other_team_rep):
    client.force_login(other_team_rep)
    html = client.post("/leads/new/", {"name": "赵总", "phone": "138 1234 5678", "grade": "E"}).content.decode()
    assert html.count("held by 王芳") == 1
    link = _collision_link(html)
    assert client.get(f"/leads/{held.pk}/").status_code == 404  # the lead page stays shut to them
    page = client.get(link)
    assert page.status_code == 200
    body = page.content.decode()
    assert "赵先生" in body and "王芳" in body and "138****5678" in body
    assert NUMBER not in body and "13812345678" not in body
    assert 'id="appeal-form"' in body


def test_appeal_from_the_collision_page_reaches_the_manager_who_approves_it(
        client, held, other_team_rep, rep, manager):
    client.force_login(other_team_rep)
    link = _collision_link(client.post("/leads/new/", {"name": "赵总", "phone": NUMBER, "grade": "E"}).content.decode())
    sent = client.post(f"/leads/{held.pk}/appeal/", {"reason": "他上周打给我", "next": link})
    assert sent.status_code == 302 and sent.url == link
    after = client.get(link).content.decode()
    assert 'id="appeal-pending"' in after and 'id="appeal-form"' not in after
    appeal = Appeal.objects.get()
    assert (appeal.lead, appeal.requested_by, appeal.holder_at_request, appeal.status) == (
        held, other_team_rep, rep, "pending")

    client.force_login(manager)  # manages the holder's team
    listing = client.get("/leads/appeals/").content.decode()
    assert "他上周打给我" in listing and "张伟" in listing and f'action="/leads/appeals/{appeal.pk}/decide/"' in listing
    decided = client.post(f"/leads/appeals/{appeal.pk}/decide/", {"decision": "approve", "note": "ok"})
    assert decided.status_code == 302
    assert Lead.objects.get(pk=held.pk).owner == other_team_rep

    client.force_login(other_team_rep)
    assert client.get(link).url == f"/leads/{held.pk}/"  # now theirs: the page opens the lead itself


def test_a_rep_sees_only_their_own_appeals_and_cannot_decide(client, held, other_team_rep, teammate):
    Appeal.objects.create(lead=held, requested_by=other_team_rep, holder_at_request=held.owner, reason="mine")
    client.force_login(teammate)
    html = client.get("/leads/appeals/").content.decode()
    assert "mine" not in html
    client.force_login(other_team_rep)
    html = client.get("/leads/appeals/").content.decode()
    assert "mine" in html and "/decide/" not in html
    appeal = Appeal.objects.get()
    client.post(f"/leads/appeals/{appeal.pk}/decide/", {"decision": "approve"})
    assert Appeal.objects.get().status == "pending" and Lead.objects.get(pk=held.pk).owner == held.owner


def test_the_collision_page_opens_only_for_the_rep_it_was_given_to(client, held, other_team_rep, teammate):
    token = collision_pass(lead_id=held.pk, user_id=other_team_rep.pk)
    client.force_login(teammate)
    assert client.get(f"/leads/collision/{token}/").status_code == 404
    client.force_login(other_team_rep)
    assert client.get(f"/leads/collision/{token}x/").status_code == 404
    assert client.get(f"/leads/collision/{token}/").status_code == 200


def test_api_collision_answer_points_to_the_page(api, client, held, other_team_rep):
    r = api.as_user(other_team_rep).post("/api/v1/leads/", {"name": "赵", "phone": NUMBER})
    assert r.status_code == 409
    body = r.json()["error"]
    assert body["owner_name"] == "王芳" and body["page"].startswith("/leads/collision/")
    client.force_login(other_team_rep)
    assert client.get(body["page"]).status_code == 200


def test_a_public_pool_collision_offers_the_claim(client, pool, rep):
    lead = LeadFactory(pool=pool, phone=NUMBER)
    client.force_login(rep)
    link = _collision_link(client.post("/leads/new/", {"name": "赵", "phone": NUMBER, "grade": "E"}).content.decode())
    html = client.get(link).content.decode()
    assert f'action="/leads/{lead.pk}/claim/"' in html and 'id="appeal-form"' not in html


def test_appeals_page_refuses_an_unknown_filter(client, rep):
    client.force_login(rep)
    r = client.get("/leads/appeals/?stauts=pending")
    assert r.status_code == 400 and "stauts" in r.content.decode()
