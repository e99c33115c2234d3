"""Provisioning over the API (issue 19): users, teams, pools, lost reasons and dispositions, by
admins and by tokens with the admin scope; unknown fields are refused, pool writes are audited."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from calls.dispositions import ensure_standard
from calls.models import Disposition
from leads.models import LostReason, Pool, PoolRuleChange
from tests.factories import PoolFactory, api_token_for

pytestmark = pytest.mark.django_db


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_admin_creates_a_team_with_settings_and_a_manager_then_changes_them(api, admin_user, manager):
    client = api.as_user(admin_user)
    created = client.post("/api/v1/teams/", {
        "name": "三组", "managers": [manager.pk], "calling_hours_start": "10:00", "calling_hours_end": "19:30",
        "daily_calling_hours": "5.5", "avg_calls_per_customer": "3", "dialer_url_template": "sip:{e164}"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["managers"] == [manager.pk]
    assert (body["calling_hours_start"], body["calling_hours_end"]) == ("10:00:00", "19:30:00")
    changed = client.patch(f"/api/v1/teams/{body['id']}/", {"managers": [], "working_days_per_month": 20})
    assert changed.status_code == 200, changed.content
    assert changed.json()["managers"] == []
    assert changed.json()["working_days_per_month"] == 20


def test_team_settings_are_checked_and_unknown_fields_refused(api, admin_user, team, rep):
    client = api.as_user(admin_user)
    backwards = client.patch(f"/api/v1/teams/{team.pk}/", {"calling_hours_start": "21:00"})
    assert backwards.status_code == 400
    assert "calling_hours_end" in backwards.json()["error"]["details"]
    unknown = client.patch(f"/api/v1/teams/{team.pk}/", {"colour": "red"})
    assert unknown.status_code == 400 and "colour" in unknown.json()["error"]["details"]
    rep_as_manager = client.patch(f"/api/v1/teams/{team.pk}/", {"managers": [rep.pk]})
    assert rep_as_manager.status_code == 400
    assert client.post("/api/v1/teams/", {"name": team.name.upper()}).status_code in (400, 201)


def test_a_manager_sets_the_dialer_but_not_the_other_settings(api, manager, team):
    client = api.as_user(manager)
    assert client.patch(f"/api/v1/teams/{team.pk}/", {"dialer_url_template": "tel:{e164}"}).status_code == 200
    assert client.patch(f"/api/v1/teams/{team.pk}/", {"daily_calling_hours": "8"}).status_code == 403
    assert client.post("/api/v1/teams/", {"name": "Mine"}).status_code == 403


def test_admin_creates_a_rep_who_can_sign_in_and_moves_them_to_another_team(api, admin_user, team, other_team,
                                                                           client):
    created = api.as_user(admin_user).post("/api/v1/users/", {
        "username": "newrep", "full_name": "新人", "role": "rep", "team": team.pk, "password": "Long-enough-9x"})
    assert created.status_code == 201, created.content
    assert client.login(username="newrep", password="Long-enough-9x")
    moved = api.as_user(admin_user).patch(f"/api/v1/users/{created.json()['id']}/",
                                          {"team": other_team.pk, "role": "manager"})
    assert moved.status_code == 200
    assert (moved.json()["team"], moved.json()["role"]) == (other_team.pk, "manager")


def test_user_writes_refuse_taken_names_weak_passwords_own_role_changes_and_non_admins(api, admin_user, rep,
                                                                                      manager):
    client = api.as_user(admin_user)
    assert client.post("/api/v1/users/", {"username": rep.username.upper()}).status_code == 400
    weak = client.post("/api/v1/users/", {"username": "weak", "password": "123"})
    assert weak.status_code == 400 and "password" in weak.json()["error"]["details"]
    assert client.patch(f"/api/v1/users/{admin_user.pk}/", {"role": "rep"}).status_code == 400
    assert client.post("/api/v1/users/", {"username": "x", "is_superuser": True}).status_code == 400
    assert api.as_user(manager).patch(f"/api/v1/users/{rep.pk}/", {"team": None}).status_code == 403
    assert not User.objects.filter(username__in=["weak", "x"]).exists()


def test_admin_creates_a_pool_with_members_and_rules_and_every_change_is_audited(api, admin_user, team, rep):
    client = api.as_user(admin_user)
    created = client.post("/api/v1/pools/", {
        "name": "华东公海", "team": team.pk, "region": "华东", "admins": [rep.pk], "max_held": 50,
        "name_i18n": {"zh-hant": "華東公海"}})
    assert created.status_code == 201, created.content
    pool = Pool.objects.get(pk=created.json()["id"])
    assert (pool.max_held, list(pool.admins.all())) == (50, [rep])
    changed = client.patch(f"/api/v1/pools/{pool.pk}/", {"region": "华南", "admins": [], "max_claims_per_day": 5})
    assert changed.status_code == 200, changed.content
    audit = list(PoolRuleChange.objects.filter(pool=pool).order_by("id").values_list("before", "after"))
    assert audit[-2] == ({"region": "华东", "admins": [rep.pk]}, {"region": "华南", "admins": []})
    assert audit[-1][1] == {"max_claims_per_day": 5}
    assert client.post("/api/v1/pools/", {"name": "华东公海"}).status_code == 400
    assert client.post("/api/v1/pools/", {"name": "x", "owner": 1}).status_code == 400


def test_a_pools_own_admin_edits_its_rules_but_not_its_members(api, rep):
    pool = PoolFactory()
    pool.admins.add(rep)
    client = api.as_user(rep)
    assert client.patch(f"/api/v1/pools/{pool.pk}/", {"max_held": 10}).status_code == 200
    assert client.patch(f"/api/v1/pools/{pool.pk}/", {"member_users": [rep.pk]}).status_code == 403
    assert client.post("/api/v1/pools/", {"name": "mine"}).status_code == 403


def test_lost_reasons_are_listed_for_everyone_and_edited_by_admins(api, admin_user, rep):
    created = api.as_user(admin_user).post("/api/v1/lost-reasons/", {"name": "Budget frozen",
                                                                     "name_i18n": {"zh-hans": "太贵"}})
    assert created.status_code == 201, created.content
    reason = LostReason.objects.get(pk=created.json()["id"])
    off = api.as_user(admin_user).patch(f"/api/v1/lost-reasons/{reason.pk}/", {"active": False})
    assert off.json()["active"] is False
    listed = api.as_user(rep).get("/api/v1/lost-reasons/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"]
    assert [r["label"] for r in listed if r["id"] == reason.pk] == ["太贵"]
    assert api.as_user(rep).post("/api/v1/lost-reasons/", {"name": "no"}).status_code == 403


def test_dispositions_are_listed_with_their_flags_and_admins_add_one(api, admin_user, rep):
    ensure_standard()
    listed = api.as_user(rep).get("/api/v1/dispositions/?page_size=100").json()["results"]
    sold = next(d for d in listed if d["code"] == "sold")
    assert (sold["sold"], sold["quoted"], sold["reached"]) == (True, True, True)
    created = api.as_user(admin_user).post("/api/v1/dispositions/", {
        "code": "voicemail", "name": "Voicemail", "name_i18n": {"zh-hans": "语音信箱"}, "position": 15})
    assert created.status_code == 201, created.content
    bad_flags = api.as_user(admin_user).patch(f"/api/v1/dispositions/{created.json()['id']}/", {"sold": True})
    assert bad_flags.status_code == 400
    assert "quote" in bad_flags.json()["error"]["message"]
    assert api.as_user(admin_user).patch(f"/api/v1/dispositions/{created.json()['id']}/",
                                         {"code": "vm"}).status_code == 400
    assert api.as_user(rep).post("/api/v1/dispositions/", {"code": "mine", "name": "Mine"}).status_code == 403
    assert Disposition.objects.get(code="voicemail").name_i18n == {"zh-hans": "语音信箱"}


def test_a_token_with_the_admin_scope_provisions_and_one_without_cannot(admin_user, team):
    integration = User.objects.create(username="setup-bot", role="integration")
    admin_token = token_client(api_token_for(integration, actor=admin_user, name="setup", scopes=["admin"]))
    plain_token = token_client(api_token_for(admin_user, actor=admin_user, name="admin-default"))
    assert admin_token.post("/api/v1/teams/", {"name": "Bot team"}).status_code == 201
    refused = plain_token.post("/api/v1/teams/", {"name": "Other"})
    assert refused.status_code == 403
    assert "admin" in refused.json()["error"]["message"]
    # An admin's token without the admin scope reads like an integration, and decides nothing.
    assert plain_token.get("/api/v1/leads/").status_code == 200
    assert plain_token.get(f"/api/v1/users/{admin_user.pk}/deactivate/").status_code == 403
