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


@pytest.fixture
def row_locked(transactional_db):
    """`with row_locked(Model, pk):` holds a row lock from another connection while the body runs,
    the lock an UPDATE of that row takes (FOR NO KEY UPDATE: foreign-key checks still pass)."""
    import threading
    from contextlib import contextmanager

    from django.db import connections, transaction

    @contextmanager
    def hold(model, pk):
        locked, release = threading.Event(), threading.Event()

        def worker():
            try:
                with transaction.atomic():
                    model.objects.select_for_update(no_key=True).get(pk=pk)
                    locked.set()
                    release.wait(30)
            finally:
                connections.close_all()

        thread = threading.Thread(target=worker)
        thread.start()
        assert locked.wait(10)
        try:
            yield
        finally:
            release.set()
            thread.join()

    return hold
