"""API tokens: optional expiry, and only an admin signed in with a session manages them."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import create_api_token
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def dialer(db):
    return UserFactory(username="dialer", role="integration", team=None)


def test_token_with_expiry_works_until_then_and_is_refused_after(api, admin_user, dialer):
    expires = timezone.now() + dt.timedelta(days=30)
    created = api.as_user(admin_user).post(
        "/api/v1/api-tokens/", {"name": "Dialer", "user": dialer.id, "expires_at": expires.isoformat()}
    )
    assert created.status_code == 201, created.content
    assert created.json()["expires_at"] is not None
    client = token_client(created.json()["key"])
    assert client.get("/api/v1/me/").status_code == 200
    with time_machine.travel(expires + dt.timedelta(seconds=1)):
        refused = client.get("/api/v1/me/")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "authentication_failed"
    assert "expired" in refused.json()["error"]["message"]


def test_token_without_expiry_keeps_working(admin_user, dialer):
    _, key = create_api_token(actor=admin_user, name="BI", user=dialer)
    with time_machine.travel(timezone.now() + dt.timedelta(days=3650)):
        assert token_client(key).get("/api/v1/me/").status_code == 200


def test_expiry_in_the_past_is_refused(api, admin_user, dialer):
    response = api.as_user(admin_user).post(
        "/api/v1/api-tokens/",
        {"name": "Old", "user": dialer.id, "expires_at": (timezone.now() - dt.timedelta(hours=1)).isoformat()},
    )
    assert response.status_code == 400
    assert "future" in response.json()["error"]["message"]
    assert not ApiToken.objects.exists()


def test_an_admins_token_cannot_create_or_revoke_tokens(admin_user, dialer):
    other = AdminFactory(username="boss2")
    _, admin_key = create_api_token(actor=admin_user, name="Admin script", user=other)
    victim, _ = create_api_token(actor=admin_user, name="Dialer", user=dialer)
    client = token_client(admin_key)

    created = client.post("/api/v1/api-tokens/", {"name": "More", "user": dialer.id})
    assert created.status_code == 403
    assert created.json()["error"]["code"] == "permission_denied"
    assert client.post(f"/api/v1/api-tokens/{victim.pk}/revoke/").status_code == 403
    assert client.get("/api/v1/api-tokens/").status_code == 403
    victim.refresh_from_db()
    assert victim.revoked_at is None
    assert ApiToken.objects.count() == 2


def test_integration_token_cannot_manage_tokens(admin_user, dialer):
    _, key = create_api_token(actor=admin_user, name="Dialer", user=dialer)
    response = token_client(key).post("/api/v1/api-tokens/", {"name": "More", "user": dialer.id})
    assert response.status_code == 403


def test_admin_sets_an_expiry_on_the_tokens_page(client, admin_user, dialer, password):
    client.login(username=admin_user.username, password=password)
    html = client.post(
        "/accounts/tokens/", {"name": "Lead source", "user": dialer.pk, "expires_at": "2099-12-31T18:00"}
    ).content.decode()
    assert 'id="new-key"' in html
    token = ApiToken.objects.get(name="Lead source")
    assert timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M") == "2099-12-31 18:00"
    assert "2099-12-31 18:00" in html


def test_tokens_page_refuses_a_past_expiry_with_a_message(client, admin_user, dialer, password):
    client.login(username=admin_user.username, password=password)
    html = client.post(
        "/accounts/tokens/", {"name": "Old", "user": dialer.pk, "expires_at": "2001-01-01T00:00"}, follow=True
    ).content.decode()
    assert "future" in html
    assert 'id="new-key"' not in html
    assert not ApiToken.objects.exists()


def test_revoking_an_unknown_token_on_the_page_is_a_message_not_a_500(client, admin_user, password):
    client.login(username=admin_user.username, password=password)
    response = client.post("/accounts/tokens/999999/revoke/", follow=True)
    assert response.status_code == 200
    assert "No such API token" in response.content.decode()


def test_navigation_follows_the_access_rules(client, rep, manager, admin_user, dialer, password):
    def labels(user):
        client.force_login(user)
        return [str(item["label"]) for item in client.get("/accounts/team/").context["nav_items"]]

    assert "API tokens" in labels(admin_user)
    assert "Team" in labels(manager) and "API tokens" not in labels(manager)
    assert labels(dialer) == []
