import pytest
from django.test import Client

from accounts.services import revoke_access

pytestmark = pytest.mark.django_db


def test_login_page_renders_with_language_switcher(client):
    html = client.get("/login/").content.decode()
    assert 'name="username"' in html
    assert "简体中文" in html and "繁體中文" in html


def test_pages_require_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_chinese_interface_is_served_when_chosen(client, manager, password):
    client.login(username=manager.username, password=password)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/team/"})
    html = client.get("/accounts/team/").content.decode()
    assert 'lang="zh-hans"' in html
    assert "退出" in html  # "Sign out"
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    assert "登出" in client.get("/accounts/team/").content.decode()


def test_deactivation_ends_open_sessions_at_once(rep, password):
    browser = Client()
    assert browser.login(username=rep.username, password=password)
    assert browser.get("/leads/").status_code == 200
    revoke_access(user=rep)
    assert browser.get("/leads/").status_code == 302


def test_manager_team_page_lists_only_own_team(client, manager, rep, other_team_rep, password):
    client.login(username=manager.username, password=password)
    html = client.get("/accounts/team/").content.decode()
    assert rep.full_name in html
    assert other_team_rep.full_name not in html


def test_static_files_are_served_by_whitenoise(client):
    from django.conf import settings

    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE


def test_admin_creates_token_on_the_page_and_sees_the_key_once(client, admin_user, rep, password):
    client.login(username=admin_user.username, password=password)
    html = client.post("/accounts/tokens/", {"name": "Dialer", "user": rep.pk}, follow=True).content.decode()
    assert 'id="new-key"' in html
    assert 'id="new-key"' not in client.get("/accounts/tokens/").content.decode()
    token = rep.api_tokens.get()
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_page_is_forbidden_to_managers(client, manager, password):
    client.login(username=manager.username, password=password)
    assert client.get("/accounts/tokens/").status_code == 403
