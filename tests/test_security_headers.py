"""Content-Security-Policy on every page, API docs from the app itself, static files with DEBUG off."""

import re

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def test_pages_and_api_carry_a_content_security_policy(client, rep, password):
    client.login(username=rep.username, password=password)
    for url in ("/login/", "/leads/", "/api/v1/me/", "/api/docs/"):
        csp = policy(client.get(url))
        assert csp["default-src"] == "default-src 'self'", url
        assert csp["object-src"] == "object-src 'none'"
        assert csp["frame-ancestors"] == "frame-ancestors 'none'"
        assert "http" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]


def test_api_docs_load_everything_from_this_site(client):
    html = client.get("/api/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in s for s in sources)
    assert all(s.startswith("/") for s in sources), sources
    assert "<script>" not in html  # the start-up script is a file too
    script = next(s for s in sources if "script" in s and "swagger" not in s)
    assert client.get(script).status_code == 200
    bundle = next(s for s in sources if "swagger-ui-bundle.js" in s)
    assert client.get(bundle).status_code == 200


def test_static_files_are_served_with_debug_off_without_collectstatic(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "never-collected"
    browser = Client()  # a new client builds the middleware under these settings
    for path in ("css/app.css", "js/htmx.min.js", "js/app.js"):
        response = browser.get(static(path))
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content)


def test_production_settings_serve_the_files_collectstatic_made(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.WHITENOISE_USE_FINDERS = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.STATICFILES_DIRS = [tmp_path / "src"]
    (tmp_path / "src" / "css").mkdir(parents=True)
    (tmp_path / "src" / "css" / "app.css").write_text("body{}")
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app not in (
        "django.contrib.admin", "rest_framework", "drf_spectacular", "drf_spectacular_sidecar")]
    call_command("collectstatic", "--noinput", verbosity=0)
    url = static("css/app.css")
    assert re.search(r"app\.[0-9a-f]{12}\.css$", url)
    assert Client().get(url).status_code == 200
