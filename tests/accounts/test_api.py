import pytest

from accounts.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_me_returns_the_signed_in_rep_with_role_and_team(api, rep):
    body = api.as_user(rep).get("/api/v1/me/").json()
    assert body["username"] == "wangfang"
    assert body["display_name"] == "王芳"
    assert body["role"] == "rep"
    assert body["team"] == rep.team_id


def test_anonymous_caller_gets_the_standard_error_body(api):
    response = api.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.json()["error"]["message"]


def test_rep_cannot_read_another_teams_user_list(api, rep, teammate, other_team_rep):
    ids = {u["id"] for u in api.as_user(rep).get("/api/v1/users/").json()["results"]}
    assert ids == {rep.id}
    assert api.as_user(rep).get(f"/api/v1/users/{other_team_rep.id}/").status_code == 404


def test_manager_sees_own_team_but_not_other_teams(api, manager, rep, teammate, other_team_rep):
    ids = {u["id"] for u in api.as_user(manager).get("/api/v1/users/").json()["results"]}
    assert {rep.id, teammate.id, manager.id} <= ids
    assert other_team_rep.id not in ids


def test_admin_sees_everyone(api, admin_user, rep, other_team_rep):
    ids = {u["id"] for u in api.as_user(admin_user).get("/api/v1/users/?page_size=500").json()["results"]}
    assert {rep.id, other_team_rep.id, admin_user.id} <= ids


def test_admin_creates_a_token_that_authenticates_and_can_be_revoked(api, admin_user):
    dialer = UserFactory(username="dialer", role="integration", team=None)
    created = api.as_user(admin_user).post("/api/v1/api-tokens/", {"name": "Dialer A", "user": dialer.id})
    assert created.status_code == 201, created.content
    key = created.json()["key"]
    assert not ApiToken.objects.filter(key_hash=key).exists()  # only the hash is stored

    from rest_framework.test import APIClient

    integration = APIClient()
    integration.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert integration.get("/api/v1/me/").json()["username"] == "dialer"

    api.as_user(admin_user).post(f"/api/v1/api-tokens/{created.json()['id']}/revoke/")
    refused = integration.get("/api/v1/me/")
    assert refused.status_code == 401
    assert "revoked" in refused.json()["error"]["message"]


def test_second_token_with_the_same_name_is_refused_clearly(api, admin_user, rep):
    api.as_user(admin_user).post("/api/v1/api-tokens/", {"name": "BI", "user": rep.id})
    again = api.as_user(admin_user).post("/api/v1/api-tokens/", {"name": "BI", "user": rep.id})
    assert again.status_code == 400
    assert "already exists" in again.json()["error"]["message"]


def test_rep_cannot_create_tokens(api, rep):
    response = api.as_user(rep).post("/api/v1/api-tokens/", {"name": "mine", "user": rep.id})
    assert response.status_code == 403
    assert ApiToken.objects.count() == 0


def test_deactivated_users_token_stops_working(api, admin_user):
    from accounts.services import create_api_token, revoke_access

    dialer = UserFactory(username="dialer2", role="integration", team=None)
    _, key = create_api_token(actor=admin_user, name="D2", user=dialer)
    revoke_access(user=dialer)
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/me/").status_code == 401
