"""Recording links are http(s) only: the QA pages turn them into links reviewers click."""

import pytest
from django.core.exceptions import ValidationError

from calls.models import Call
from calls.sync import sync_calls
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

T0 = "2026-03-10T10:15:00+08:00"
NOT_WEB = ["javascript:alert(document.cookie)", "JAVASCRIPT:alert(1)", " javascript:alert(1)",
           "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "ftp://files.example.com/1.mp3",
           "//evil.example.com/x", "rec/1.mp3"]


@pytest.mark.parametrize("url", NOT_WEB)
def test_the_api_refuses_a_recording_link_that_is_not_http(api, rep, lead, dispo, url):
    response = api.as_user(rep).post("/api/v1/calls/", {"lead": lead.pk, "disposition": "busy", "recording_url": url},
                                     format="json")
    assert response.status_code == 400 and "recording_url" in response.json()["error"]["details"]
    assert not Call.objects.exists()


def test_the_api_keeps_an_https_recording_link(api, rep, lead, dispo):
    response = api.as_user(rep).post("/api/v1/calls/", {"lead": lead.pk, "disposition": "busy",
                                                        "recording_url": "https://rec.example.com/1.mp3"},
                                     format="json")
    assert response.status_code == 201 and response.json()["recording_url"] == "https://rec.example.com/1.mp3"


def test_sync_refuses_a_recording_link_that_is_not_http_in_its_row(admin_user, lead, dispo):
    rows = [{"source": "d", "external_id": f"r{n}", "lead_id": lead.pk, "started_at": T0, "disposition": "busy",
             "recording_url": url} for n, url in enumerate([*NOT_WEB, "https://rec.example.com/ok.mp3"])]
    results = sync_calls(actor=admin_user, rows=rows)
    assert [r["status"] for r in results] == ["error"] * len(NOT_WEB) + ["created"]
    assert all("http" in r["reason"] for r in results[:-1])
    assert list(Call.objects.values_list("recording_url", flat=True)) == ["https://rec.example.com/ok.mp3"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.com/1.mp3"])
def test_the_model_refuses_a_recording_link_that_is_not_http(lead, dispo, url):
    call = CallFactory(lead=lead, disposition=dispo["busy"], recording_url=url)
    with pytest.raises(ValidationError) as refused:
        call.full_clean()
    assert "recording_url" in refused.value.message_dict
