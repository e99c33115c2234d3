"""schemathesis drives every operation in the OpenAPI schema against the app with all its checks
(status codes, response schemas, content types, negative data rejected, unsupported methods, ...;
see SCHEMATHESIS_CONFIG in conftest.py for the one check left out and why).

Two deterministic passes (FUZZING and COVERAGE in conftest.py) keep the run to a few minutes:
- fuzzing: every operation, schema-valid and schema-violating data, a few examples each;
- coverage (schemathesis's boundary values and unexpected HTTP methods): the operations that take
  neither query parameters nor a body. Generating boundary cases for the large bodies and
  filter lists costs minutes; their parameters and fields get the hostile values of
  tests/test_fuzz.py instead."""

import json

import pytest
import schemathesis
import yaml

from accounts.services import create_api_token
from tests.conftest import COVERAGE, FUZZING, takes_input
from tests.factories import AdminFactory, LeadFactory, ManagerFactory, UserFactory


@pytest.fixture
def api_token(db):
    admin = AdminFactory(username="schema-admin")
    manager = ManagerFactory()
    rep = UserFactory(team=manager.team)
    LeadFactory.create_batch(3, owner=rep)
    LeadFactory.create_batch(3)
    _, key = create_api_token(actor=admin, name="schemathesis", user=admin, scopes=["admin"])
    return key


schema = schemathesis.pytest.from_fixture("wsgi_schema")


@schema.parametrize()
@FUZZING
def test_every_operation_matches_its_schema_when_fuzzed(case, api_token):
    case.call_and_validate(headers={"Authorization": f"Token {api_token}"})


@schema.exclude(takes_input).parametrize()
@COVERAGE
def test_boundary_values_and_unexpected_methods_are_answered_as_documented(case, api_token):
    case.call_and_validate(headers={"Authorization": f"Token {api_token}"})


def test_schema_and_docs_are_served(client, db):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_the_schema_documents_rate_limits_everywhere_and_the_body_cap_on_sync(client, db):
    schema = client.get("/api/schema/?format=json").json()
    operations = [op for methods in schema["paths"].values() for op in methods.values()]
    assert all(op["responses"]["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer" for op in operations)
    too_large = schema["paths"]["/api/v1/calls/sync"]["post"]["responses"]["413"]
    assert too_large["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


# The one other error body: the collision 409 of creating a lead says who holds the number.
OWN_ERROR_BODIES = {"CollisionError": {"POST /api/v1/leads/ 409"}}


def test_every_error_answer_is_documented_with_the_one_error_body(client, db):
    schema = client.get("/api/schema/?format=json").json()
    others = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            for code, response in operation["responses"].items():
                ref = response["content"]["application/json"]["schema"].get("$ref", "") if code.startswith("4") else ""
                if ref and ref != "#/components/schemas/Error":
                    others.setdefault(ref.rpartition("/")[2], set()).add(f"{method.upper()} {path} {code}")
    assert others == OWN_ERROR_BODIES
    create_lead = schema["paths"]["/api/v1/leads/"]["post"]["responses"]
    assert "collision" in create_lead["429"]["description"]
    assert create_lead["429"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_the_schema_is_generated_once_per_process_and_answers_the_same_document(client, db, monkeypatch):
    from drf_spectacular.generators import SchemaGenerator

    from telesales.schema_view import CachedSchemaView

    monkeypatch.setattr(CachedSchemaView, "_documents", {})
    fresh = SchemaGenerator().get_schema(request=None, public=True)
    calls = []
    original = SchemaGenerator.get_schema
    monkeypatch.setattr(SchemaGenerator, "get_schema", lambda self, **kw: calls.append(1) or original(self, **kw))
    first = client.get("/api/schema/?format=json")
    second = client.get("/api/schema/?format=json")
    yaml_answer = client.get("/api/schema/")
    assert first.status_code == second.status_code == yaml_answer.status_code == 200
    assert first.json() == second.json() == json.loads(json.dumps(fresh, default=str))
    assert yaml.safe_load(yaml_answer.content) == first.json()
    assert len(calls) == 1
