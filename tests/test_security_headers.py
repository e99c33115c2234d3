"""Content-Security-Policy on every page, API docs from the app itself, static files with DEBUG off."""

import json
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

from telesales.charts import chart

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


def test_scripts_run_only_from_files_of_this_site(client, manager, password):
    client.login(username=manager.username, password=password)
    for url in ("/login/", "/kpis/company/", f"/kpis/team/{manager.team_id}/", "/funnel/", "/targets/",
                "/coaching/results/", "/api/docs/"):
        assert policy(client.get(url))["script-src"] == "script-src 'self'", url


def test_no_template_has_an_inline_script_or_event_handler():
    """The policy refuses them, so one would silently stop working in the browser."""
    inline_script = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>")
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
    root = Path(django_settings.BASE_DIR)
    templates = [p for p in root.glob("*/templates/**/*.html") if ".venv" not in p.parts]
    templates += list(root.glob("templates/**/*.html"))
    assert len(templates) > 50
    for template in templates:
        text = template.read_text()
        assert not inline_script.search(text), template
        assert not handler.search(text), template


def test_a_chart_is_data_for_the_static_script_and_its_text_cannot_close_the_element():
    fragment = chart({"data": [{"type": "bar", "x": ["</script><script>alert(1)</script>"], "y": [1]}],
                  "layout": {"height": 300}}, "chart-x", {"displaylogo": False})
    container, data = re.fullmatch(
        r'(<div id="chart-x" class="chart" data-figure="chart-x-figure" data-config="[^"]*"></div>)'
        r'<script type="application/json" id="chart-x-figure">(.*)</script>', fragment).groups()
    assert "<" not in data and ">" not in data
    assert json.loads(data)["data"][0]["x"] == ["</script><script>alert(1)</script>"]
    config = json.loads(unescape(re.search(r'data-config="([^"]*)"', container)[1]))
    assert config == {"responsive": True, "displaylogo": False}


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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_api_docs_render_under_the_content_security_policy(page, console_errors):
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_chart_in_a_fragment_htmx_swaps_in_is_drawn_too(sign_in, open_charts, rep):
    sign_in(rep)
    page = open_charts("/funnel/", "funnel-chart")
    fragment = chart({"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}], "layout": {"height": 200}}, "swapped")
    page.evaluate("html => htmx.swap('#counts', html, {swapStyle: 'afterend'})", str(fragment))
    page.locator("#swapped.js-plotly-plot .main-svg").first.wait_for()
