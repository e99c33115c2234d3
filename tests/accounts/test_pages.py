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
