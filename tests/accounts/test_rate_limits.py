"""Sign-in lockout (per username and per IP) and API throttles (per token/user, anonymous, failed tokens).

The test settings switch axes off and raise the API rates; these tests set the real limits."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import create_api_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


def rates(settings, **rates):
    merged = {"anon": "1000/min", "user": "1000/min", "token_failures": "1000/hour", **rates}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": merged}


def sign_in(client, username, password, ip="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_wrong_passwords_lock_the_account_even_for_the_right_one(lockout, rep, password):
    browser = Client()
    answers = [sign_in(browser, rep.username, "wrong").status_code for _ in range(5)]
    assert answers == [200] * 4 + [429]  # the fifth failure locks
    refused = sign_in(browser, rep.username, password)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert 'id="lockout"' in html and "Try again in 15 minutes" in html
    assert 'name="password"' in html  # still the sign-in page
    assert "_auth_user_id" not in browser.session
    # From another address too: the lock is on the account.
    assert sign_in(Client(), rep.username, password, ip="10.9.9.9").status_code == 429


def test_lock_ends_after_the_cool_off(lockout, rep, password):
    for _ in range(5):
        sign_in(Client(), rep.username, "wrong")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        response = sign_in(Client(), rep.username, password)
    assert response.status_code == 302


def test_guessing_many_accounts_from_one_address_locks_that_address(lockout, rep, password):
    for n in range(5):
        sign_in(Client(), f"nobody{n}", "wrong", ip="10.6.6.6")
    assert sign_in(Client(), rep.username, password, ip="10.6.6.6").status_code == 429
    assert sign_in(Client(), rep.username, password, ip="10.0.0.2").status_code == 302


def test_api_token_is_throttled_per_token_with_retry_after(settings, admin_user):
    rates(settings, user="3/min")
    dialer = UserFactory(username="dialer", role="integration", team=None)
    _, key_a = create_api_token(actor=admin_user, name="A", user=dialer)
    _, key_b = create_api_token(actor=admin_user, name="B", user=dialer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key_a}")
    assert [client.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/me/")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {key_b}")
    assert other.get("/api/v1/me/").status_code == 200


def test_session_user_is_throttled(settings, api, rep):
    rates(settings, user="2/min")
    client = api.as_user(rep)
    assert [client.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 429]


def test_guessing_tokens_is_stopped_per_address_even_for_a_valid_token(settings, admin_user):
    rates(settings, token_failures="5/hour")
    dialer = UserFactory(username="dialer", role="integration", team=None)
    _, key = create_api_token(actor=admin_user, name="A", user=dialer)
    guesser = APIClient(REMOTE_ADDR="10.6.6.6")
    answers = []
    for n in range(7):
        guesser.credentials(HTTP_AUTHORIZATION=f"Token {n:040x}")
        answers.append(guesser.get("/api/v1/me/").status_code)
    assert answers == [401] * 5 + [429] * 2
    guesser.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    blocked = guesser.get("/api/v1/me/")
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "throttled" and int(blocked["Retry-After"]) > 0
    elsewhere = APIClient(REMOTE_ADDR="10.0.0.2")
    elsewhere.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert elsewhere.get("/api/v1/me/").status_code == 200


def test_forged_forwarded_for_does_not_escape_the_address_limit(settings):
    rates(settings, token_failures="3/hour")
    answers = []
    for n in range(4):
        client = APIClient(REMOTE_ADDR="10.6.6.6", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        client.credentials(HTTP_AUTHORIZATION=f"Token {n:040x}")
        answers.append(client.get("/api/v1/me/").status_code)
    assert answers == [401, 401, 401, 429]


def test_anonymous_requests_are_throttled(settings):
    rates(settings, anon="2/min")
    client = APIClient()
    assert [client.get("/api/schema/").status_code for _ in range(3)] == [200, 200, 429]
