import pytest

from tests.factories import PoolFactory


@pytest.fixture
def pool(db):
    """An open public pool with default rules."""
    return PoolFactory(name="公海 Public")
