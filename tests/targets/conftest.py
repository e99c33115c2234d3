import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import TargetFactory


@pytest.fixture
def team_month_target(team, manager):
    """Team One's June 2026 premium target: 300,000."""
    return TargetFactory(owner_kind="team", team=team, value=Decimal("300000.00"), created_by=manager,
                         start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Targets tests create many users; real password hashing would dominate their run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
