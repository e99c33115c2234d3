"""Registering endpoints (API and page), refusing unsafe URLs at registration and at delivery, the
audit, the delivery log and resending."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.factories import LeadFactory
from webhooks import services
from webhooks.addresses import UnsafeTarget, check_url
from webhooks.models import Delivery, DeliveryStatus, Endpoint, EndpointChange

pytestmark = pytest.mark.django_db

PUBLIC = "https://93.184.215.14/hook"  # an address literal: no DNS needed on the test machine


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/hook", "http://localhost/hook", "http://10.1.2.3/", "http://192.168.0.10/",
    "http://172.16.5.4/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[fd00::1]/",
    "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://100.64.0.1/", "http://224.0.0.1/",
])
def test_urls_into_our_own_network_are_refused(url):
    with pytest.raises(UnsafeTarget):
        check_url(url)


@pytest.mark.parametrize("url", ["ftp://93.184.215.14/", "file:///etc/passwd", "https://user:pw@93.184.215.14/",
                                 "https:///nohost", "https://93.184.215.14:99999/"])
def test_urls_that_are_not_plain_http_addresses_are_refused(url):
    with pytest.raises(UnsafeTarget):
        check_url(url)


def test_production_settings_refuse_plain_http(settings):
    check_url("http://93.184.215.14/hook")
    settings.WEBHOOKS_REQUIRE_HTTPS = True
    with pytest.raises(UnsafeTarget, match="https"):
        check_url("http://93.184.215.14/hook")
    check_url(PUBLIC)
    # Production settings insist, whatever the environment says (read in a process of their own:
    # importing them here would change this process's settings).
    env = {**os.environ, "SECRET_KEY": "a-real-secret-for-this-test-only-0123456789",
           "WEBHOOKS_REQUIRE_HTTPS": "false", "WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true"}
    out = subprocess.run(
        [sys.executable, "-c", "import telesales.settings_production as s; "
                               "print(s.WEBHOOKS_REQUIRE_HTTPS, s.WEBHOOKS_ALLOW_PRIVATE_TARGETS)"],
        env=env, capture_output=True, text=True, check=True, cwd=django_settings.BASE_DIR)
    assert out.stdout.split() == ["True", "False"]


def test_an_admin_registers_an_endpoint_over_the_api_and_the_secret_is_answered_once(api, admin_user):
    response = api.as_user(admin_user).post("/api/v1/webhooks/endpoints/", {
        "name": "Dialer", "url": PUBLIC, "event_types": ["lead.claimed", "sale.won"]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["secret"]) >= 32 and body["event_types"] == ["lead.claimed", "sale.won"]
    again = api.get(f"/api/v1/webhooks/endpoints/{body['id']}/").json()
    assert "secret" not in again and again["active"] is True
    change = EndpointChange.objects.get()
    assert change.action == "create" and change.actor == admin_user and change.after["secret"] == "(changed)"


@pytest.mark.parametrize(("body", "field"), [
    ({"url": "http://127.0.0.1/x"}, "url"),
    ({"url": "http://169.254.169.254/"}, "url"),
    ({"event_types": ["lead.exploded"]}, "event_types"),
    ({"event_types": []}, "event_types"),
    ({"secret": "short"}, "secret"),
    ({"colour": "red"}, "colour"),
])
def test_bad_registrations_are_a_400_naming_the_field(api, admin_user, body, field):
    payload = {"name": "X", "url": PUBLIC, "event_types": ["sale.won"], **body}
    response = api.as_user(admin_user).post("/api/v1/webhooks/endpoints/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in str(response.json()["error"]), response.json()
    assert not Endpoint.objects.exists()


def test_changes_are_audited_with_before_and_after(api, admin_user):
    endpoint = services.create_endpoint(actor=admin_user, name="A", url=PUBLIC, event_types=["sale.won"])
    response = api.as_user(admin_user).patch(f"/api/v1/webhooks/endpoints/{endpoint.pk}/",
                                             {"active": False, "name": "B"}, format="json")
    assert response.status_code == 200 and response.json()["active"] is False
    change = EndpointChange.objects.filter(action="update").get()
    assert change.before == {"active": True, "name": "A"} and change.after == {"active": False, "name": "B"}
    assert api.delete(f"/api/v1/webhooks/endpoints/{endpoint.pk}/").status_code == 204
    assert EndpointChange.objects.filter(action="delete", endpoint_name="B").exists()


def test_a_name_re_pointed_into_our_network_after_registration_is_not_delivered_to(
        endpoint, receiver, rep, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False  # the address is checked again at delivery time
    with django_capture_on_commit_callbacks(execute=True):
        from leads.services import claim_lead

        claim_lead(actor=rep, lead_id=LeadFactory().pk)
    assert receiver.requests == []
    d = Delivery.objects.get()
    assert d.status == DeliveryStatus.PENDING and d.attempts == 1 and "private" in d.error


def test_the_delivery_log_lists_attempts_and_resend_sends_the_same_event_again(
        api, endpoint, receiver, rep, admin_user, django_capture_on_commit_callbacks):
    from leads.services import claim_lead

    with django_capture_on_commit_callbacks(execute=True):
        claim_lead(actor=rep, lead_id=LeadFactory().pk)
    log = api.as_user(admin_user).get(f"/api/v1/webhooks/endpoints/{endpoint.pk}/deliveries/").json()
    [row] = log["results"]
    assert row["status"] == "delivered" and row["event_type"] == "lead.claimed" and row["response_status"] == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/webhooks/deliveries/{row['id']}/resend/")
    assert response.status_code == 202
    assert len(receiver.requests) == 2
    ids = {r["headers"]["X-Telesales-Event-Id"] for r in receiver.requests}
    assert ids == {row["event_id"]}  # the same event id: the receiver de-duplicates
    assert EndpointChange.objects.filter(action="resend").count() == 1
    assert api.get(f"/api/v1/webhooks/endpoints/{endpoint.pk}/deliveries/?colour=red").status_code == 400


def test_the_admin_page_registers_edits_and_resends(admin_user, receiver, rep, settings, secret,
                                                    django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(admin_user)
    response = client.post("/webhooks/", {"name": "Page hook", "url": receiver.url, "secret": secret,
                                          "event_types": ["lead.claimed", "call.logged"], "active": "on"})
    assert response.status_code == 200 and secret.encode() in response.content
    endpoint = Endpoint.objects.get()
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    refused = client.post("/webhooks/", {"name": "Bad", "url": "http://10.0.0.1/", "event_types": ["sale.won"]})
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    assert refused.status_code == 400 and b"private" in refused.content and Endpoint.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        from leads.services import claim_lead

        claim_lead(actor=rep, lead_id=LeadFactory().pk)
    page = client.get(f"/webhooks/{endpoint.pk}/")
    assert page.status_code == 200 and b"lead.claimed" in page.content
    assert client.get(f"/webhooks/{endpoint.pk}/?pg=2").status_code == 400
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/webhooks/deliveries/{delivery.pk}/resend/").status_code == 302
    assert len(receiver.requests) == 2
    edited = client.post(f"/webhooks/{endpoint.pk}/", {"name": "Renamed", "url": receiver.url,
                                                       "event_types": ["sale.won"]})
    assert edited.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.active, endpoint.secret) == ("Renamed", False, secret)
    assert client.post(f"/webhooks/{endpoint.pk}/delete/").status_code == 302
    assert not Endpoint.objects.exists()
