"""Tokens carry scopes (issue 19): each endpoint needs its scope, `admin` includes all, a new token
is not an admin, a token is issued from the command line, and the last use is kept cheaply."""

import datetime as dt
import importlib
import io

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.scopes import INTEGRATION, scope_for
from accounts.services import create_api_token
from tests.factories import IntegrationFactory, api_token_for

pytestmark = pytest.mark.django_db


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_new_token_gets_the_integration_scopes_and_never_admin(api, admin_user):
    created = api.as_user(admin_user).post("/api/v1/api-tokens/", {"name": "BI"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["scopes"] == INTEGRATION
    assert User.objects.get(pk=created.json()["user"]).role == "integration"
    assert token_client(created.json()["key"]).post("/api/v1/teams/", {"name": "x"}).status_code == 403


def test_each_endpoint_needs_its_scope_and_the_refusal_names_it(admin_user, rep):
    dialer = token_client(api_token_for(IntegrationFactory(), actor=admin_user, scopes=["calls:write"]))
    refused = dialer.get("/api/v1/leads/")
    assert refused.status_code == 403 and "leads:read" in refused.json()["error"]["message"]
    assert dialer.post("/api/v1/calls/sync", {"calls": []}, format="json").status_code == 200
    assert dialer.get("/api/v1/me/").status_code == 200
    assert dialer.get("/api/v1/dispositions/").status_code == 200
    assert dialer.get("/api/v1/kpis/").status_code == 403


def test_scopes_follow_the_table_and_unlisted_endpoints_need_admin():
    assert scope_for("calls/sync", "POST") == "calls:write"
    assert scope_for("leads/1/", "GET") == "leads:read"
    assert scope_for("funnel/plan/", "POST") == "kpis:read"
    assert scope_for("webhooks/", "GET") == "admin"
    assert scope_for("leads/", "GET", declared="admin") == "admin"


def test_the_admin_scope_is_only_for_admins_and_integration_accounts(api, admin_user, rep):
    refused = api.as_user(admin_user).post("/api/v1/api-tokens/", {"name": "R", "user": rep.pk, "scopes": ["admin"]},
                                           format="json")
    assert refused.status_code == 400 and "admin scope" in refused.json()["error"]["message"]
    unknown = api.as_user(admin_user).post("/api/v1/api-tokens/", {"name": "U", "scopes": ["root"]}, format="json")
    assert unknown.status_code == 400
    extra = api.as_user(admin_user).post("/api/v1/api-tokens/", {"name": "E", "key": "mine"}, format="json")
    assert extra.status_code == 400 and "key" in extra.json()["error"]["details"]
    assert not ApiToken.objects.exists()


def test_create_api_token_prints_the_key_once_and_the_key_works():
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "--name", "dialer", "--scope", "calls:write", stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(name="dialer")
    assert token.scopes == ["calls:write"] and token.user.username == "api-dialer"
    assert token.key_hash == ApiToken.hash_key(key) and key not in err.getvalue()
    assert token_client(key).get("/api/v1/me/").json()["role"] == "integration"
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_api_token", "--name", "dialer", "--scope", "calls:write", stdout=io.StringIO(),
                     stderr=io.StringIO())


def test_create_api_token_for_a_named_user(admin_user):
    out = io.StringIO()
    call_command("create_api_token", "--name", "ops", "--scope", "admin", "--user", admin_user.username, stdout=out,
                 stderr=io.StringIO())
    assert token_client(out.getvalue().strip()).post("/api/v1/teams/", {"name": "Ops"}).status_code == 201
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "--name", "x", "--scope", "admin", "--user", "nobody",
                     stdout=io.StringIO(), stderr=io.StringIO())


def test_existing_tokens_keep_what_they_could_do(admin_user):
    integration = IntegrationFactory()
    old_admin, _ = create_api_token(actor=admin_user, name="old admin", user=admin_user)
    old_dialer, _ = create_api_token(actor=admin_user, name="old dialer", user=integration)
    ApiToken.objects.update(scopes=[])
    migration = importlib.import_module("accounts.migrations.0006_api_token_scopes")
    migration.keep_what_tokens_could_do(apps, None)
    old_admin.refresh_from_db()
    old_dialer.refresh_from_db()
    assert old_admin.scopes == [*INTEGRATION, "admin"]
    assert old_dialer.scopes == INTEGRATION


def test_last_use_is_shown_and_written_at_most_once_a_minute(api, admin_user, client, django_assert_num_queries):
    token, key = create_api_token(actor=admin_user, name="BI", user=IntegrationFactory())
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token_client(key).get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        token_client(key).get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at == start
    listed = api.as_user(admin_user).get("/api/v1/api-tokens/").json()["results"]
    assert listed[0]["last_used_at"] is not None and listed[0]["scopes"] == INTEGRATION
    client.force_login(admin_user)
    page = client.get("/accounts/tokens/").content.decode()
    assert "calls:write" in page and "Last used" in page
