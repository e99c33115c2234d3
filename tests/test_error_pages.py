"""Under /api/ every error is the API's one error body, also when no API view answers: a path no
route matches (an id like `1.5`), a method the view does not take, or a crash. Pages keep
Django's HTML error pages."""

import json

import pytest
from django.test import RequestFactory
from django.urls import get_resolver

from tests.factories import CallFactory


def _error(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    error = json.loads(response.content)["error"]
    assert isinstance(error["code"], str) and isinstance(error["message"], str)
    return error


@pytest.mark.parametrize("path", ["/api/v1/calls/1.38e-209/", "/api/v1/api-tokens/1.5/revoke/",
                                  "/api/v1/targets/-1.0/", "/api/v1/teams/x.y/", "/api/v1/nowhere/"])
def test_a_path_no_api_route_matches_is_the_json_404(api, admin_user, path):
    CallFactory()
    response = api.as_user(admin_user).get(path)
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_a_method_an_api_view_does_not_take_is_the_json_405(api, admin_user):
    response = api.as_user(admin_user).delete("/api/v1/me/")
    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"


def test_a_crash_under_the_api_is_the_json_500_and_a_page_keeps_the_html_one():
    handler = get_resolver().resolve_error_handler(500)
    response = handler(RequestFactory().get("/api/v1/leads/"))
    assert response.status_code == 500
    assert _error(response)["code"] == "server_error"
    page = handler(RequestFactory().get("/leads/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def test_pages_keep_the_html_404(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/leads/no/such/page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_page_a_role_may_not_open_and_a_missing_page_answer_in_the_readers_language(client, rep):
    client.force_login(rep)
    forbidden = client.get("/scoring/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert forbidden.status_code == 403 and "无权访问" in forbidden.content.decode()
    missing = client.get("/leads/999999999/", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert missing.status_code == 404 and "未找到" in missing.content.decode()
