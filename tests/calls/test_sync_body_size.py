"""Request bodies are capped: a sync body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused with 413, unread."""

import json

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from calls.models import Call
from calls.sync import MAX_BATCH
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

T0 = "2026-03-10T10:15:00+08:00"


def batch(lead, n, notes=""):
    return {"calls": [{"source": "asterisk", "external_id": f"cdr-{i}", "lead_id": lead.pk, "started_at": T0,
                       "disposition": "no_answer", "notes": notes} for i in range(n)]}


def test_the_cap_holds_a_full_batch_of_rows_at_their_largest():
    widest = {"source": "s" * 50, "external_id": "e" * 100, "lead_id": 2**31 - 1, "phone": "1" * 40,
              "rep_id": 2**31 - 1, "channel": "email", "started_at": "2026-03-10T10:15:00.000000+08:00",
              "duration_seconds": 86400, "disposition": "d" * 40, "premium": "999999999999.99",
              "margin_rate": "0.9999", "quote_amount": "999999999999.99", "notes": "n" * 4000,
              "recording_url": "https://" + "r" * 492}
    assert len(json.dumps({"calls": [widest] * MAX_BATCH})) <= django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_body_over_the_cap_is_refused_with_413_before_it_is_read(api, admin_user, rep, dispo, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    lead = LeadFactory(owner=rep)
    client = api.as_user(admin_user)
    assert client.post("/api/v1/calls/sync", batch(lead, 10), format="json").status_code == 200
    response = client.post("/api/v1/calls/sync", batch(lead, 20, notes="x" * 1000), format="json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large" and "20,000" in response.json()["error"]["message"]
    assert Call.objects.count() == 10


def test_a_session_client_over_the_cap_is_refused_before_the_csrf_check_parses_the_body(
        admin_user, rep, dispo, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post("/api/v1/calls/sync", json.dumps(batch(LeadFactory(owner=rep), 20, notes="x" * 1000)),
                           content_type="application/json")
    assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"
    assert not Call.objects.exists()
