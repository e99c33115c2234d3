"""schemathesis over the targets endpoints with real targets and alerts in the database (the
shared schema test runs with none, so most target operations would only see 404s), in the same two
passes as tests/test_api_schema.py."""

import datetime as dt
from decimal import Decimal

import pytest
import schemathesis

from accounts.services import create_api_token
from targets import services
from tests.conftest import COVERAGE, FUZZING, takes_input
from tests.factories import (
    AdminFactory,
    AlertRuleFactory,
    DailyRepKpiFactory,
    ManagerFactory,
    TargetFactory,
    UserFactory,
)


@pytest.fixture
def token_with_targets(db):
    admin = AdminFactory(username="fuzz-admin")
    manager = ManagerFactory()
    reps = UserFactory.create_batch(2, team=manager.team)
    for start, end in ((dt.date(2026, 6, 1), dt.date(2026, 6, 30)), (dt.date(2026, 7, 1), dt.date(2026, 7, 31)),
                       (dt.date(2026, 8, 1), dt.date(2026, 8, 31))):
        TargetFactory(owner_kind="team", team=manager.team, value=Decimal("300000.00"), start=start, end=end)
    TargetFactory(owner_kind="rep", rep=reps[0], team=manager.team, value=Decimal("220000.00"))
    AlertRuleFactory()
    for day in (1, 2, 3):
        DailyRepKpiFactory(rep=reps[0], day=dt.date(2026, 6, day), premium=0)
    services.evaluate_alert_rules(as_of=dt.date(2026, 6, 3))
    _, key = create_api_token(actor=admin, name="fuzz", user=admin, scopes=["admin"])
    return key


schema = schemathesis.pytest.from_fixture("wsgi_schema").include(path_regex=r"/target(s|-alerts)/\{id\}/")


@schema.parametrize()
@FUZZING
def test_target_endpoints_never_fail_and_match_their_schema(case, token_with_targets):
    case.call_and_validate(headers={"Authorization": f"Token {token_with_targets}"})


@schema.exclude(takes_input).parametrize()
@COVERAGE
def test_target_boundary_values_and_unexpected_methods(case, token_with_targets):
    case.call_and_validate(headers={"Authorization": f"Token {token_with_targets}"})
