"""The API and the pages show a user their own notifications only, in their language, with the
unread filter, the updated_since cursor, mark read and preferences; the bell is one cheap request."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import Kind, Notification
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(rep):
    lead = LeadFactory(owner=rep, name="周先生")
    services.notify(recipient=rep, kind=Kind.LEAD_REASSIGNED, obj=lead)
    return Notification.objects.get(recipient=rep)


@pytest.fixture
def theirs(teammate):
    services.notify(recipient=teammate, kind=Kind.LEAD_REASSIGNED, obj=LeadFactory(owner=teammate))
    return Notification.objects.get(recipient=teammate)


def test_the_api_lists_only_the_callers_own_notifications_in_their_language(api, rep, mine, theirs):
    """The text is written when read, in the request's language."""
    client = api.as_user(rep)
    body = client.get("/api/v1/notifications/").json()
    assert [r["id"] for r in body["results"]] == [mine.pk]
    assert body["results"][0]["text"] == "周先生 was assigned to you"
    zh = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert zh["results"][0]["text"] == "周先生已分配给你"
    tw = client.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hant").json()
    assert tw["results"][0]["text"] == "周先生已分配給你"
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404


def test_unread_filter_mark_read_and_the_updated_since_cursor(api, rep, mine):
    client = api.as_user(rep)
    before = (timezone.now() - dt.timedelta(seconds=1)).isoformat()
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    read = client.post(f"/api/v1/notifications/{mine.pk}/read/").json()
    assert read["read"] is True
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["results"] == []
    assert [r["id"] for r in client.get("/api/v1/notifications/", {"updated_since": before}).json()["results"]] == [mine.pk]
    later = (timezone.now() + dt.timedelta(seconds=1)).isoformat()
    assert client.get("/api/v1/notifications/", {"updated_since": later}).json()["results"] == []
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


@pytest.mark.parametrize(("query", "name"), [({"unread": "maybe"}, "unread"), ({"kind": "bogus"}, "kind"),
                                             ({"colour": "red"}, "colour"), ({"updated_since": "0001-01-01T00:00:00Z"}, "updated_since")])
def test_a_bad_query_is_a_400_naming_it(api, rep, query, name):
    response = api.as_user(rep).get("/api/v1/notifications/", query)
    assert response.status_code == 400
    assert name in str(response.json()["error"])


def test_read_all_and_preferences_through_the_api(api, rep, mine):
    client = api.as_user(rep)
    assert client.post("/api/v1/notifications/read-all/", {"kind": "bogus"}, format="json").status_code == 400
    assert client.post("/api/v1/notifications/read-all/", {"colour": 1}, format="json").status_code == 400
    assert client.get("/api/v1/notifications/unread-count/", {"x": "1"}).status_code == 400
    assert client.post("/api/v1/notifications/read-all/", {}, format="json").json() == {"marked": 1}
    assert client.get("/api/v1/notification-preferences/").json() == {
        "muted": [], "email": [], "daily_digest": False, "quiet_start": None, "quiet_end": None}
    body = {"muted": ["target_alert"], "email": ["follow_up_due"], "daily_digest": True, "quiet_start": "22:00",
            "quiet_end": "07:00"}
    assert client.put("/api/v1/notification-preferences/", body, format="json").json()["quiet_start"] == "22:00:00"
    assert client.put("/api/v1/notification-preferences/", {**body, "muted": ["nope"]}, format="json").status_code == 400
    assert client.put("/api/v1/notification-preferences/", {**body, "x": 1}, format="json").status_code == 400
    assert client.put("/api/v1/notification-preferences/", {**body, "quiet_end": None}, format="json").status_code == 400


def test_the_bell_counts_unread_in_constant_queries(client, rep, django_assert_max_num_queries):
    client.force_login(rep)
    lead = LeadFactory(owner=rep)
    services.notify(recipient=rep, kind=Kind.LEAD_REASSIGNED, obj=lead)
    with django_assert_max_num_queries(6) as few:
        page = client.get("/notifications/bell/").content.decode()
    assert 'data-count="1"' in page
    for _ in range(30):
        services.notify(recipient=rep, kind=Kind.LEAD_REASSIGNED, obj=LeadFactory(owner=rep))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/notifications/bell/").content.decode()
    assert 'data-count="31"' in page


def test_the_list_filters_by_kind_marks_read_and_opens_the_record(client, rep, mine, theirs):
    client.force_login(rep)
    page = client.get("/notifications/").content.decode()
    assert "周先生 was assigned to you" in page and f"/notifications/{theirs.pk}/" not in page
    assert "周先生" not in client.get("/notifications/", {"kind": "target_alert"}).content.decode()
    assert client.get("/notifications/", {"kind": "bogus"}).status_code == 400
    assert client.get("/notifications/", {"colour": "red"}).status_code == 400
    opened = client.get(f"/notifications/{mine.pk}/")
    assert opened.status_code == 302 and opened["Location"] == mine.url
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(f"/notifications/{theirs.pk}/").status_code == 404
    services.notify(recipient=mine.recipient, kind=Kind.LEAD_REASSIGNED, obj=LeadFactory(owner=mine.recipient))
    client.post("/notifications/read-all/", {"kind": "bogus"})  # refused: nothing marked
    assert Notification.objects.filter(recipient=mine.recipient, read_at__isnull=True).count() == 1
    client.post("/notifications/read-all/", {"kind": "lead_reassigned"})
    assert not Notification.objects.filter(recipient=mine.recipient, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404


def test_preferences_page_saves_the_choices(client, manager):
    client.force_login(manager)
    page = client.get("/notifications/preferences/").content.decode()
    assert "Team events" in page
    shown = [k for k in Kind.values if k != Kind.TARGET_ALERT]
    response = client.post("/notifications/preferences/", {"shown": shown, "email": ["follow_up_due"],
                                                           "quiet_start": "22:00", "quiet_end": "07:00"})
    assert response.status_code == 302
    pref = manager.notification_preference
    assert pref.muted == [Kind.TARGET_ALERT] and pref.email == ["follow_up_due"] and pref.quiet_end == dt.time(7)
    bad = client.post("/notifications/preferences/", {"shown": shown, "quiet_start": "22:00"})
    assert bad.status_code == 200 and "both ends" in bad.content.decode()
