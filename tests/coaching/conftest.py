import pytest

from tests.factories import ManagerFactory, UserFactory


@pytest.fixture
def reviewer(team):
    """A second manager of the rep's team, the usual second QA reviewer."""
    return ManagerFactory(username="zhaomin", full_name="赵敏", team=team)


@pytest.fixture
def qa_peer(team):
    return UserFactory(username="sunli", full_name="孙丽", team=team)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas are created with a password; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
