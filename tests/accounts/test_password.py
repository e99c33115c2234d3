"""Self-service password change, and seed_demo kept off production."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db

NEW = "Harder-to-guess-42"


def test_every_page_links_to_the_password_change(client, rep):
    client.force_login(rep)
    assert 'href="/password/"' in client.get("/leads/").content.decode()


def test_wrong_old_password_is_refused(client, rep, password):
    client.login(username=rep.username, password=password)
    response = client.post("/password/", {"old_password": "nope", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    rep.refresh_from_db()
    assert rep.check_password(password)


def test_weak_new_password_is_refused(client, rep, password):
    client.login(username=rep.username, password=password)
    response = client.post("/password/", {"old_password": password, "new_password1": "12345678",
                                          "new_password2": "12345678"})
    assert "too common" in response.content.decode()


def test_new_password_works_and_the_session_stays_signed_in(client, rep, password):
    client.login(username=rep.username, password=password)
    response = client.post("/password/", {"old_password": password, "new_password1": NEW, "new_password2": NEW},
                           follow=True)
    assert 'id="password-changed"' in response.content.decode()
    assert client.get("/leads/").status_code == 200  # same session, still signed in
    assert not Client().login(username=rep.username, password=password)
    assert Client().login(username=rep.username, password=NEW)


def test_password_page_needs_sign_in(client):
    assert client.get("/password/")["Location"].startswith("/login/")


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo", "--small")


def test_seed_demo_still_runs_on_a_development_machine(settings, capsys):
    settings.DEBUG = True
    AdminFactory(username="admin")
    call_command("seed_demo")
    assert "already present" in capsys.readouterr().out
