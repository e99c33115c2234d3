"""The demo company (`seed_demo`) opens on a bell with unread notifications and a list of
several kinds, fresh ones unread and older ones read, for reps and managers alike."""

import re

import pytest
from django.core.management import call_command
from django.db.models import F

from accounts.models import Role, User
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--small", verbosity=0)


def test_a_seeded_rep_sees_unread_notifications_of_several_kinds_and_managers_too(demo, client):
    rep = User.objects.get(username="rep01")
    mine = Notification.objects.filter(recipient=rep)
    unread = mine.filter(read_at__isnull=True).count()
    assert unread > 0
    client.force_login(rep)
    bell = client.get("/notifications/bell/").content.decode()
    assert re.search(rf'data-count="{unread}">{unread}<', bell)
    page = client.get("/notifications/").content.decode()
    shown = set(re.findall(r'class="notification[^"]*" data-kind="(\w+)"', page))
    assert shown == set(mine.values_list("kind", flat=True)) and len(shown) >= 2
    assert f"{unread} unread" in page
    # Each one opens its record.
    note = mine.filter(read_at__isnull=True).first()
    assert client.get(f"/notifications/{note.pk}/").status_code == 302
    assert client.get(note.url).status_code == 200
    # Every kind the demo company's records allow, for reps and managers alike (one seed: it is slow).
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {Kind.FOLLOW_UP_DUE, Kind.LEAD_RETURNING, Kind.LEAD_REASSIGNED, Kind.QA_REVIEW_COMPLETE,
            Kind.TARGET_ALERT} <= kinds
    for role in (Role.REP, Role.MANAGER):
        with_unread = User.objects.filter(role=role, notifications__read_at__isnull=True).distinct().count()
        assert with_unread == User.objects.filter(role=role).count(), role
    assert Notification.objects.filter(read_at__isnull=False).count() >= Notification.objects.count() // 5
    assert not Notification.objects.filter(read_at__lt=F("created_at")).exists()
