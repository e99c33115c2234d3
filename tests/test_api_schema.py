"""schemathesis drives every operation in the OpenAPI schema against the app: no 5xx, and every
response must match the documented schema."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth

from accounts.services import create_api_token
from telesales.wsgi import application
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


@pytest.fixture
def api_schema(db):
    # The real WSGI handler closes the connection after each request; inside the test's
    # transaction it must stay open, as Django's own test client arranges.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_has_no_server_errors_and_matches_its_schema(case, api_token):
    case.call_and_validate(
        headers={"Authorization": f"Token {api_token}"},
        excluded_checks=[ignored_auth],
    )


def test_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
