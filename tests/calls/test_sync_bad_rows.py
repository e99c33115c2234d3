"""Bad rows are their own errors: every row gets a result, the good ones are written exactly once."""

import json
from urllib.parse import urlencode

import pytest

from calls.models import Call
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

T0 = "2026-03-10T10:15:00+08:00"


def row(lead, n, **extra):
    return {"source": "asterisk", "external_id": f"cdr-{n}", "lead_id": lead.pk, "started_at": T0,
            "duration_seconds": n % 600, "disposition": "no_answer", **extra}


BAD = {
    "NUL in notes": {"notes": "before\x00after"},
    "NUL in external_id": {"external_id": "cdr\x00x"},
    "NUL in source": {"source": "aster\x00isk"},
    "NUL in disposition": {"disposition": "no_answer\x00"},
    "NUL in started_at": {"started_at": "2026-03-10T10:15:00\x00"},
    "NUL in phone": {"lead_id": None, "phone": "1391234\x005678"},
    "lone surrogate in notes": {"notes": "x\ud800y"},
    "lone surrogate in external_id": {"external_id": "cdr-\udfff"},
    "lone surrogate in recording_url": {"recording_url": "https://r.example.com/\ud800"},
    "list channel": {"channel": ["phone"]},
    "object channel": {"channel": {"kind": "phone"}},
    "number channel": {"channel": 7},
    "boolean channel": {"channel": True},
    "list lead_id": {"lead_id": [1]},
    "object rep_id": {"rep_id": {"id": 1}},
    "list started_at": {"started_at": [T0]},
    "object notes": {"notes": {"text": "hi"}},
    "list premium": {"disposition": "sold", "premium": [1], "margin_rate": "0.2"},
    "over-long notes": {"notes": "x" * 4001},
    "over-long external_id": {"external_id": "e" * 101},
    "over-long recording_url": {"recording_url": "https://r.example.com/" + "a" * 500},
    "year 1": {"started_at": "0001-01-01T00:00:00+08:00"},
    "year 9999": {"started_at": "9999-12-31T23:59:59-12:00"},
    "30 February": {"started_at": "2026-02-30T10:00:00+08:00"},
    "huge duration": {"duration_seconds": 10**30},
}


def post(client, body, path="/api/v1/calls/sync"):
    """Send JSON as a dialer would: non-ASCII escaped, so lone surrogates travel as \\ud800."""
    return client.post(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("bad", BAD.values(), ids=BAD.keys())
def test_a_bad_field_is_a_row_error_and_the_answer_is_json(api, admin_user, rep, dispo, bad):
    lead = LeadFactory(owner=rep, phone="+8613912345678")
    response = post(api.as_user(admin_user), {"calls": [row(lead, 1), row(lead, 2, **bad)]})
    assert response.status_code == 200
    body = json.loads(response.content.decode("utf-8"))
    assert [r["status"] for r in body["results"]] == ["created", "error"]
    assert body["results"][1]["code"] == "invalid" and body["results"][1]["reason"]
    assert Call.objects.count() == 1


def test_a_1500_row_batch_with_bad_rows_anywhere_answers_every_row_and_writes_the_good_ones_once(
        api, admin_user, rep, dispo):
    leads = [LeadFactory(owner=rep) for _ in range(5)]
    rows = [row(leads[n % 5], n) for n in range(1500)]
    kinds = list(BAD.values())
    bad_at = {0: 0, 1: 1, 998: 2, 999: 3, 1000: 4, 1001: 6, 1200: 9, 1337: 11, 1498: 18, 1499: 21}
    for position, kind in bad_at.items():
        rows[position] = {**rows[position], **kinds[kind]}
    client = api.as_user(admin_user)

    first = post(client, {"calls": rows})
    assert first.status_code == 200
    results = first.json()["results"]
    assert [r["index"] for r in results] == list(range(1500))
    assert {r["index"] for r in results if r["status"] == "error"} == set(bad_at)
    assert first.json()["counts"] == {"created": 1490, "updated": 0, "unchanged": 0, "error": 10}
    assert Call.objects.count() == 1490

    again = post(client, {"calls": rows})
    assert again.json()["counts"] == {"created": 0, "updated": 0, "unchanged": 1490, "error": 10}
    assert Call.objects.count() == 1490


def test_a_bad_source_parameter_is_a_400_that_names_it(api, admin_user, rep, dispo):
    lead = LeadFactory(owner=rep)
    body = {"calls": [{k: v for k, v in row(lead, 1).items() if k != "source"}]}
    for source in ("dial\x00er", "s" * 51):
        response = post(api.as_user(admin_user), body, "/api/v1/calls/sync?" + urlencode({"source": source}))
        assert response.status_code == 400
        assert set(response.json()["error"]) >= {"code", "message"} and "source" in response.json()["error"]["details"]
    assert not Call.objects.exists()
