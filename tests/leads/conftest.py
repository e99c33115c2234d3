import pytest

from tests.factories import PoolFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests here create dozens of users (50 concurrent claimants, the demo company)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def pool(db):
    """An open public pool with default rules."""
    return PoolFactory(name="公海 Public")
