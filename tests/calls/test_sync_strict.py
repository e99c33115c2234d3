"""The sync is strict and says so (issue 19): times without an offset are refused per row, a dry
run checks a batch and writes nothing, an unknown code lists the valid ones, and the schema gives
each kind of outcome its own row schema with the amounts it needs."""

import pytest

from calls.models import Call
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

T0 = "2026-03-10T10:15:00+08:00"


def row(lead, n, **extra):
    return {"source": "pbx", "external_id": f"s-{n}", "lead_id": lead.pk, "started_at": T0,
            "disposition": "no_answer", **extra}


def sync(client, rows, query=""):
    response = client.post(f"/api/v1/calls/sync{query}", {"calls": rows}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_time_without_an_offset_is_refused_for_its_row_alone(api, admin_user, rep, dispo):
    lead = LeadFactory(owner=rep)
    results = sync(api.as_user(admin_user), [row(lead, 1, started_at="2026-03-10T10:15:00"), row(lead, 2)])["results"]
    assert results[0]["status"] == "error"
    assert "no time zone offset" in results[0]["reason"]
    assert results[1]["status"] == "created"
    assert list(Call.objects.values_list("external_id", flat=True)) == ["s-2"]


def test_a_dry_run_answers_every_row_as_the_sync_would_and_writes_nothing(api, admin_user, rep, dispo):
    lead = LeadFactory(owner=rep)
    client = api.as_user(admin_user)
    sync(client, [row(lead, 1)])
    batch = [row(lead, 1, duration_seconds=99), row(lead, 2), row(lead, 3, disposition="sold")]
    dry = sync(client, batch, "?dry_run=true")
    assert dry["counts"] == {"created": 1, "updated": 1, "unchanged": 0, "error": 1}
    assert [r["id"] for r in dry["results"]][1] is None
    assert "premium" in dry["results"][2]["reason"]
    assert Call.objects.count() == 1
    assert Call.objects.get().duration_seconds == 0
    assert sync(client, batch)["counts"] == dry["counts"]


def test_an_unknown_disposition_lists_the_valid_codes(api, admin_user, rep, dispo):
    result = sync(api.as_user(admin_user), [row(LeadFactory(owner=rep), 1, disposition="contacted")])["results"][0]
    assert "contacted" in result["reason"]
    assert "no_answer, busy" in result["reason"] and "sold" in result["reason"]


def test_unknown_body_fields_and_dry_run_values_are_refused(api, admin_user, rep, dispo):
    client = api.as_user(admin_user)
    extra = client.post("/api/v1/calls/sync", {"calls": [], "dryrun": True}, format="json")
    assert extra.status_code == 400 and "dryrun" in extra.json()["error"]["details"]
    assert client.post("/api/v1/calls/sync?dry_run=maybe", {"calls": []}, format="json").status_code == 400


def test_the_schema_gives_each_outcome_its_row_with_the_amounts_it_needs(client, dispo):
    schema = client.get("/api/schema/?format=json").json()
    items = schema["paths"]["/api/v1/calls/sync"]["post"]["requestBody"]["content"]["application/json"][
        "schema"]
    rows = schema["components"]["schemas"][items["$ref"].rpartition("/")[2]]["properties"]["calls"]["items"]
    mapping = rows["discriminator"]["mapping"]
    assert rows["discriminator"]["propertyName"] == "disposition"
    assert mapping["sold"].endswith("/SyncSaleRow") and mapping["quoted"].endswith("/SyncQuoteRow")
    assert mapping["no_answer"].endswith("/SyncOtherRow")
    schemas = schema["components"]["schemas"]
    assert {"premium", "margin_rate"} <= set(schemas["SyncSaleRow"]["required"])
    assert "quote_amount" in schemas["SyncQuoteRow"]["required"]
    assert not {"premium", "quote_amount"} & set(schemas["SyncOtherRow"]["required"])
    assert schemas["SyncSaleRow"]["properties"]["disposition"]["enum"] == ["sold"]
    assert "dry_run" in {p["name"] for p in schema["paths"]["/api/v1/calls/sync"]["post"]["parameters"]}


def test_a_new_sale_disposition_appears_in_the_served_schema(client, api, admin_user, dispo):
    client.get("/api/schema/?format=json")
    api.as_user(admin_user).post("/api/v1/dispositions/", {"code": "renewal", "name": "Renewal", "reached": True,
                                                           "quoted": True, "sold": True}, format="json")
    schema = client.get("/api/schema/?format=json").json()
    assert schema["components"]["schemas"]["SyncSaleRow"]["properties"]["disposition"]["enum"] == ["renewal", "sold"]
