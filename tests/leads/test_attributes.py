"""Lead attributes: admins define them (page and API, audited), leads carry them (API and form,
checked by one validation), the lead page shows them."""

import json

import pytest

from leads import services
from leads.models import AttributeDefinition, AttributeDefinitionChange, Lead
from telesales.errors import DomainError, PermissionDenied
from tests.factories import AttributeDefinitionFactory, LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def definitions(db):
    """One attribute of every kind."""
    return {
        d.key: d for d in [
            AttributeDefinitionFactory(key="previous_outcome", label="上次结果", position=1),
            AttributeDefinitionFactory(key="age", label="Age", kind="number", position=2),
            AttributeDefinitionFactory(key="birthday", label="Birthday", kind="date", position=3),
            AttributeDefinitionFactory(key="has_car", label="有车", kind="boolean", position=4),
            AttributeDefinitionFactory(key="age_band", label="年龄段", kind="choice", choices=["18-29", "30-39"],
                                       position=5),
        ]
    }


# ---- validation --------------------------------------------------------------------------------
def test_clean_attributes_normalises_every_kind(definitions):
    cleaned = services.clean_attributes({"previous_outcome": " 有意向 ", "age": "41.50", "birthday": "1985/1/9",
                                         "has_car": "是", "age_band": "30-39"})
    assert cleaned == {"previous_outcome": "有意向", "age": "41.5", "birthday": "1985-01-09", "has_car": True,
                       "age_band": "30-39"}


@pytest.mark.parametrize(("given", "says"), [
    ({"x": "1"}, "Unknown attribute 'x'"),
    ({"age": "forty"}, "Attribute 'age' must be a number. Got “forty”."),
    ({"birthday": "2026-02-30"}, "Attribute 'birthday' must be a date (YYYY-MM-DD)."),
    ({"has_car": "maybe"}, "Attribute 'has_car' must be yes or no"),
    ({"age_band": "40-49"}, "Attribute 'age_band' must be one of: 18-29, 30-39."),
    ({"previous_outcome": 7}, "Attribute 'previous_outcome' must be text."),
    ({"previous_outcome": "x" * 501}, "Attribute 'previous_outcome' is longer than 500 characters."),
])
def test_a_bad_attribute_is_refused_naming_the_key(definitions, given, says):
    with pytest.raises(DomainError) as caught:
        services.clean_attributes(given)
    assert says in caught.value.message and caught.value.code == "invalid_attribute"


def test_a_switched_off_attribute_is_not_accepted(admin_user, definitions):
    services.update_attribute_definition(actor=admin_user, definition_id=definitions["age"].pk, active=False)
    with pytest.raises(DomainError, match="Attribute 'age' is switched off"):
        services.clean_attributes({"age": "3"})


# ---- leads through the API ------------------------------------------------------------------------
def test_api_create_and_update_round_trip(api, rep, definitions):
    client = api.as_user(rep)
    r = client.post("/api/v1/leads/", {"name": "赵", "phone": "13800138000", "attributes": {
        "age": 41, "birthday": "1985-01-09", "has_car": True, "age_band": "30-39", "previous_outcome": ""}},
        format="json")
    assert r.status_code == 201, r.content
    assert r.json()["attributes"] == {"age": "41", "birthday": "1985-01-09", "has_car": True, "age_band": "30-39"}
    lead_id = r.json()["id"]
    # An update merges: a value sets a key, null removes one, keys not given stay.
    r = client.patch(f"/api/v1/leads/{lead_id}/", {"attributes": {"age": "42", "has_car": None,
                                                                  "previous_outcome": "要求回电"}}, format="json")
    assert r.status_code == 200, r.content
    expected = {"age": "42", "birthday": "1985-01-09", "age_band": "30-39", "previous_outcome": "要求回电"}
    assert r.json()["attributes"] == expected
    assert client.get(f"/api/v1/leads/{lead_id}/").json()["attributes"] == expected
    assert Lead.objects.get(pk=lead_id).attributes == expected


def test_a_bad_attribute_is_a_400_naming_the_key_and_nothing_is_written(api, rep, pool, definitions):
    client = api.as_user(rep)
    r = client.post("/api/v1/leads/", {"name": "赵", "phone": "13800138000", "attributes": {"age": "forty"}},
                    format="json")
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "invalid_attribute" and "'age' must be a number" in error["message"]
    assert error["details"] == {"attributes": [error["message"]]}
    assert not Lead.objects.exists()
    lead = LeadFactory(pool=pool, owner=rep, attributes={"age": "30"})
    r = client.patch(f"/api/v1/leads/{lead.pk}/", {"company": "华为", "attributes": {"shoe_size": "42"}},
                     format="json")
    assert r.status_code == 400 and "Unknown attribute 'shoe_size'" in r.json()["error"]["message"]
    lead.refresh_from_db()
    assert lead.attributes == {"age": "30"} and lead.company != "华为"


@pytest.mark.parametrize("attributes", [
    ["age"], "age=3", {"\x00": "\ud800"}, {"age": {"years": 3}}, {f"k{i}": "1" for i in range(101)},
])
def test_attributes_that_are_not_a_small_object_are_a_400(api, rep, definitions, attributes):
    body = json.dumps({"name": "x", "phone": "13800138000", "attributes": attributes})  # \\ud800 stays escaped
    r = api.as_user(rep).post("/api/v1/leads/", body, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["message"]
    assert not Lead.objects.exists()


# ---- definitions: API ------------------------------------------------------------------------------
def test_admin_defines_an_attribute_everyone_reads_it(api, admin_user, rep, integration):
    r = api.as_user(admin_user).post("/api/v1/lead-attributes/", {
        "key": "age_band", "label": "年龄段", "kind": "choice", "choices": ["18-29", "30-39", "30-39"]}, format="json")
    assert r.status_code == 201, r.content
    assert r.json() | {"id": 0} == {"id": 0, "key": "age_band", "label": "年龄段", "kind": "choice",
                                    "choices": ["18-29", "30-39"], "active": True, "position": 1}
    for user in (rep, integration):
        listed = api.as_user(user).get("/api/v1/lead-attributes/").json()["results"]
        assert [d["key"] for d in listed] == ["age_band"]
    change = AttributeDefinitionChange.objects.get()
    assert change.actor == admin_user and change.before == {} and change.after["key"] == "age_band"


def test_reps_managers_and_integrations_cannot_define_attributes(api, rep, manager, integration):
    for user in (rep, manager, integration):
        r = api.as_user(user).post("/api/v1/lead-attributes/", {"key": "x", "label": "X"}, format="json")
        assert r.status_code == 403
    assert not AttributeDefinition.objects.exists()
    with pytest.raises(PermissionDenied):
        services.create_attribute_definition(actor=manager, key="x", label="X")


@pytest.mark.parametrize(("body", "field"), [
    ({"key": "Age Band", "label": "Age"}, "key"),
    ({"key": "age__band", "label": "Age"}, "key"),
    ({"key": "age", "label": "   "}, "label"),
    ({"key": "age", "label": "Age", "kind": "choice"}, "choices"),
    ({"key": "previous_outcome", "label": "Other"}, "key"),
    ({"key": "other", "label": "上次结果"}, "label"),
])
def test_a_bad_definition_is_a_400_naming_the_field(api, admin_user, definitions, body, field):
    r = api.as_user(admin_user).post("/api/v1/lead-attributes/", body, format="json")
    assert r.status_code == 400
    assert field in r.json()["error"]["details"]


def test_admin_relabels_and_switches_off_an_attribute_audited(api, admin_user, definitions):
    d = definitions["previous_outcome"]
    r = api.as_user(admin_user).patch(f"/api/v1/lead-attributes/{d.pk}/", {"label": "上次通话结果", "active": False},
                                      format="json")
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["label"] == "上次通话结果"
    change = d.changes.get()
    assert change.actor == admin_user
    assert change.before == {"label": "上次结果", "active": True}
    assert change.after == {"label": "上次通话结果", "active": False}
    assert api.as_user(admin_user).get("/api/v1/lead-attributes/?active=false").json()["count"] == 1


def test_the_key_never_changes_and_the_kind_only_while_no_lead_holds_a_value(api, admin_user, pool, definitions):
    client = api.as_user(admin_user)
    d = definitions["previous_outcome"]
    assert client.patch(f"/api/v1/lead-attributes/{d.pk}/", {"kind": "number"}, format="json").status_code == 200
    LeadFactory(pool=pool, attributes={"previous_outcome": "12"})
    r = client.patch(f"/api/v1/lead-attributes/{d.pk}/", {"kind": "text"}, format="json")
    assert r.status_code == 400 and "1 leads hold a value" in r.json()["error"]["message"]
    with pytest.raises(DomainError, match="key of an attribute cannot change"):
        services.update_attribute_definition(actor=admin_user, definition_id=d.pk, key="other")
    d.refresh_from_db()
    assert (d.key, d.kind) == ("previous_outcome", "number")


def test_a_choice_still_held_by_a_lead_cannot_be_removed(api, admin_user, pool, definitions):
    d = definitions["age_band"]
    LeadFactory(pool=pool, attributes={"age_band": "18-29"})
    client = api.as_user(admin_user)
    r = client.patch(f"/api/v1/lead-attributes/{d.pk}/", {"choices": ["30-39"]}, format="json")
    assert r.status_code == 400 and "18-29" in r.json()["error"]["message"]
    r = client.patch(f"/api/v1/lead-attributes/{d.pk}/", {"choices": ["18-29", "30-39", "40-49"]}, format="json")
    assert r.status_code == 200 and r.json()["choices"] == ["18-29", "30-39", "40-49"]


def test_patching_an_attribute_that_does_not_exist_is_a_404(api, admin_user):
    assert api.as_user(admin_user).patch("/api/v1/lead-attributes/999/", {"label": "x"}, format="json").status_code == 404


# ---- definitions: pages ----------------------------------------------------------------------------
def test_admin_adds_edits_and_switches_off_an_attribute_on_the_page(client, admin_user):
    client.force_login(admin_user)
    r = client.post("/leads/attributes/", {"key": "age_band", "label": "年龄段", "kind": "choice",
                                           "choices": "18-29\n30-39\n", "active": "on"})
    assert r.status_code == 302
    d = AttributeDefinition.objects.get(key="age_band")
    assert d.choices == ["18-29", "30-39"] and d.active
    html = client.get("/leads/attributes/").content.decode()
    assert "年龄段" in html and "18-29, 30-39" in html
    r = client.post(f"/leads/attributes/{d.pk}/", {"label": "Age band", "kind": "choice", "choices": "18-29\n30-39",
                                                   "position": "3"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert (d.label, d.active, d.position) == ("Age band", False, 3)
    html = client.get(f"/leads/attributes/{d.pk}/").content.decode()
    assert "陈总" in html and "active: False" in html


def test_a_refused_definition_is_shown_on_the_page_and_nothing_saved(client, admin_user, definitions):
    client.force_login(admin_user)
    r = client.post("/leads/attributes/", {"key": "age", "label": "Another age", "kind": "text"}, follow=True)
    assert "already exists" in r.content.decode()
    assert AttributeDefinition.objects.filter(key="age").count() == 1


def test_only_admins_see_the_attributes_page(client, manager):
    client.force_login(manager)
    assert client.get("/leads/attributes/").status_code == 404
    assert "/leads/attributes/" not in client.get("/leads/").content.decode()


# ---- leads: form and page ----------------------------------------------------------------------------
def test_the_lead_form_takes_attributes_and_the_lead_page_shows_them(client, rep, pool, definitions):
    client.force_login(rep)
    form = client.get("/leads/new/").content.decode()
    assert 'name="attr_age"' in form and 'name="attr_age_band"' in form and 'type="date"' in form
    r = client.post("/leads/new/", {"name": "赵先生", "phone": "13800138000", "grade": "E", "attr_age": "41",
                                    "attr_birthday": "1985-01-09", "attr_has_car": "true", "attr_age_band": "30-39",
                                    "attr_previous_outcome": ""})
    assert r.status_code == 302
    lead = Lead.objects.get()
    assert lead.attributes == {"age": "41", "birthday": "1985-01-09", "has_car": True, "age_band": "30-39"}
    html = client.get(f"/leads/{lead.pk}/").content.decode()
    assert 'id="lead-attributes"' in html
    for label, value in [("Age", "41"), ("Birthday", "1985-01-09"), ("有车", "Yes"), ("年龄段", "30-39")]:
        assert f"<dt>{label}:</dt> <dd>{value}</dd>" in html
    assert "上次结果" not in html


def test_a_bad_value_in_the_form_is_shown_and_no_lead_is_made(client, rep, definitions):
    client.force_login(rep)
    r = client.post("/leads/new/", {"name": "赵", "phone": "13800138000", "grade": "E", "attr_age": "forty"})
    assert r.status_code == 200 and "attr_age" in r.context["form"].errors
    assert not Lead.objects.exists()


def test_the_lead_page_hides_switched_off_attributes(client, rep, pool, definitions):
    lead = LeadFactory(pool=pool, owner=rep, attributes={"age": "41", "previous_outcome": "有意向"})
    definitions["age"].active = False
    definitions["age"].save()
    client.force_login(rep)
    html = client.get(f"/leads/{lead.pk}/").content.decode()
    assert "<dt>上次结果:</dt> <dd>有意向</dd>" in html and "<dt>Age:</dt>" not in html
