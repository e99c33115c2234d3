"""schemathesis drives every operation in the OpenAPI schema against the app with all its checks
(status codes, response schemas, content types, negative data rejected, unsupported methods, ...;
see SCHEMATHESIS_CONFIG in conftest.py for the one check left out and why)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from accounts.services import create_api_token
from tests.factories import AdminFactory, LeadFactory, ManagerFactory, UserFactory


@pytest.fixture
def api_token(db):
    admin = AdminFactory(username="schema-admin")
    manager = ManagerFactory()
    rep = UserFactory(team=manager.team)
    LeadFactory.create_batch(3, owner=rep)
    LeadFactory.create_batch(3)
    _, key = create_api_token(actor=admin, name="schemathesis", user=admin)
    return key


schema = schemathesis.pytest.from_fixture("wsgi_schema")


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_matches_its_schema_under_every_check(case, api_token):
    case.call_and_validate(headers={"Authorization": f"Token {api_token}"})


def test_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
