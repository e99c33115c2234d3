"""Each event notifies exactly the right people, once; a rolled-back change notifies nobody;
repeats within the window merge; mail goes out after commit and never inside quiet hours."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from coaching import services as coaching
from leads import services as leads
from leads.models import Appeal
from notifications import services
from notifications.models import Kind, Notification
from targets import services as targets
from tests import factories as f
from tests.factories import (
    AlertRuleFactory,
    CallFactory,
    DailyRepKpiFactory,
    LeadFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def notified() -> list[tuple[int, str]]:
    return sorted(Notification.objects.values_list("recipient_id", "kind"))


def test_a_reassigned_lead_notifies_the_new_rep_only(manager, rep, teammate, other_team_rep):
    lead = LeadFactory(owner=rep, name="李先生")
    leads.reassign_lead(actor=manager, lead_id=lead.pk, to_user_id=teammate.pk)
    assert notified() == [(teammate.pk, Kind.LEAD_REASSIGNED)]
    note = Notification.objects.get()
    assert note.url == f"/leads/{lead.pk}/"
    assert services.kinds.text(note.kind, note.params) == "李先生 was assigned to you"


def test_a_decided_appeal_notifies_the_rep_who_asked_only(manager, rep, teammate):
    lead = LeadFactory(owner=teammate, pool=f.PoolFactory(team=rep.team))
    appeal = leads.create_appeal(actor=rep, lead_id=lead.pk, reason="I called first")
    assert notified() == []
    leads.decide_appeal(actor=manager, appeal_id=appeal.pk, approve=True)
    assert notified() == [(rep.pk, Kind.APPEAL_DECIDED)]
    note = Notification.objects.get()
    assert "approved" in services.kinds.text(note.kind, note.params)
    assert Appeal.objects.get().status == "approved"


def test_a_complete_qa_review_notifies_the_reviewed_rep_once(manager, rep, teammate, team):
    sampled = f.sample(manager, CallFactory(rep=rep), f.scorecard(manager, team))
    a1 = coaching.assign_reviewer(actor=manager, sample_id=sampled.pk, reviewer=manager)
    a2 = coaching.assign_reviewer(actor=manager, sample_id=sampled.pk, reviewer=teammate)
    coaching.submit_review(actor=manager, assignment_id=a1.pk, scores=f.scores())
    assert notified() == []  # not complete yet
    coaching.submit_review(actor=teammate, assignment_id=a2.pk, scores=f.scores())
    assert notified() == [(rep.pk, Kind.QA_REVIEW_COMPLETE)]
    assert Notification.objects.get().url == f"/coaching/samples/{sampled.pk}/"


def test_a_target_alert_notifies_the_team_managers_and_a_streak_that_goes_on_stays_one(
    rep, manager, other_manager, teammate
):
    TargetFactory(owner_kind="rep", rep=rep, team=rep.team, value=Decimal("220000.00"))
    AlertRuleFactory()
    for day, value in [(1, 10000), (2, 7000), (3, 7000), (4, 7000), (5, 7000)]:
        DailyRepKpiFactory(rep=rep, day=dt.date(2026, 6, day), premium=Decimal(value))
    with time_machine.travel(dt.datetime(2026, 6, 5, 2, tzinfo=dt.UTC), tick=False):
        targets.evaluate_alert_rules(as_of=dt.date(2026, 6, 4))
    assert notified() == [(manager.pk, Kind.TARGET_ALERT)]
    with time_machine.travel(dt.datetime(2026, 6, 6, 2, tzinfo=dt.UTC), tick=False):
        targets.evaluate_alert_rules(as_of=dt.date(2026, 6, 5))  # the streak goes on: merged
    note = Notification.objects.get()
    assert note.count == 2 and note.read_at is None and note.params["days"] == 4


def test_a_repeat_within_the_window_merges_quietly_and_after_it_is_raised_again(rep, manager):
    lead = LeadFactory(owner=rep)
    with time_machine.travel(dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC), tick=False):
        assert len(services.notify(recipient=rep, kind=Kind.LEAD_REASSIGNED, obj=lead)) == 1
        services.mark_all_read(actor=rep)
    with time_machine.travel(dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC), tick=False):
        assert services.notify(recipient=rep, kind=Kind.LEAD_REASSIGNED, obj=lead) == []  # merged, stays read
    note = Notification.objects.get()
    assert note.count == 2 and note.read_at is not None
    with time_machine.travel(dt.datetime(2026, 6, 2, 8, tzinfo=dt.UTC), tick=False):
        assert services.notify(recipient=rep, kind=Kind.LEAD_REASSIGNED, obj=lead) == [note.pk]
    note.refresh_from_db()
    assert note.count == 1 and note.read_at is None and Notification.objects.count() == 1


def test_a_rolled_back_change_notifies_and_mails_nobody(manager, rep, teammate, django_capture_on_commit_callbacks):
    services.save_preferences(actor=teammate, muted=[], email=[Kind.LEAD_REASSIGNED], daily_digest=False,
                              quiet_start=None, quiet_end=None)
    teammate.email = "lina@example.com"
    teammate.save()
    lead = LeadFactory(owner=rep)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            leads.reassign_lead(actor=manager, lead_id=lead.pk, to_user_id=teammate.pk)
            raise RuntimeError("the caller fails after the service")
    assert notified() == [] and callbacks == [] and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        leads.reassign_lead(actor=manager, lead_id=lead.pk, to_user_id=teammate.pk)
    assert [m.to for m in mail.outbox] == [["lina@example.com"]]
    assert Notification.objects.get().emailed_at is not None


def test_a_muted_kind_is_not_written(manager, rep, teammate):
    services.save_preferences(actor=teammate, muted=[Kind.LEAD_REASSIGNED], email=[], daily_digest=False,
                              quiet_start=None, quiet_end=None)
    leads.reassign_lead(actor=manager, lead_id=LeadFactory(owner=rep).pk, to_user_id=teammate.pk)
    assert notified() == []


@pytest.mark.parametrize(("local_hour", "mailed"), [(23, False), (6, False), (7, True), (12, True)])
def test_quiet_hours_hold_immediate_mail(manager, rep, teammate, local_hour, mailed, django_capture_on_commit_callbacks):
    """Quiet 22:00–07:00 local (Asia/Shanghai): the notification is in the app, the mail is not sent."""
    services.save_preferences(actor=teammate, muted=[], email=[Kind.LEAD_REASSIGNED], daily_digest=False,
                              quiet_start=dt.time(22), quiet_end=dt.time(7))
    teammate.email = "lina@example.com"
    teammate.save()
    local = dt.datetime(2026, 6, 1, local_hour, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with time_machine.travel(local, tick=False), django_capture_on_commit_callbacks(execute=True):
        leads.reassign_lead(actor=manager, lead_id=LeadFactory(owner=rep).pk, to_user_id=teammate.pk)
    assert notified() == [(teammate.pk, Kind.LEAD_REASSIGNED)]
    assert len(mail.outbox) == (1 if mailed else 0)


def test_a_refused_mail_is_logged_and_raised_for_the_retry(rep, manager, caplog, monkeypatch):
    services.save_preferences(actor=rep, muted=[], email=[Kind.LEAD_REASSIGNED], daily_digest=False,
                              quiet_start=None, quiet_end=None)
    rep.email = "wang@example.com"
    rep.save()
    [nid] = services.notify(recipient=rep, kind=Kind.LEAD_REASSIGNED, obj=LeadFactory(owner=rep))

    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("notifications.mail.send_mail", refuse)
    from notifications import mail as notify_mail

    with pytest.raises(OSError):
        notify_mail.send_notification_email(notification_id=nid)
    assert "could not be sent" in caplog.text
    assert Notification.objects.get().emailed_at is None  # the retry will send it
    monkeypatch.undo()
    assert notify_mail.send_notification_email(notification_id=nid) is True
    assert notify_mail.send_notification_email(notification_id=nid) is False  # once
    assert len(mail.outbox) == 1


def test_the_daily_digest_goes_once_a_day(rep, manager):
    services.save_preferences(actor=rep, muted=[], email=[], daily_digest=True, quiet_start=None, quiet_end=None)
    rep.email = "wang@example.com"
    rep.save()
    services.notify(recipient=rep, kind=Kind.LEAD_REASSIGNED, obj=LeadFactory(owner=rep, name="赵女士"))
    from notifications import tasks

    assert tasks.send_digests() == 1
    assert tasks.send_digests() == 0
    assert len(mail.outbox) == 1 and "赵女士" in mail.outbox[0].body


def test_preferences_refuse_unknown_kinds_and_half_quiet_hours(rep):
    from telesales.errors import DomainError

    with pytest.raises(DomainError):
        services.save_preferences(actor=rep, muted=["bogus"], email=[], daily_digest=False, quiet_start=None,
                                  quiet_end=None)
    with pytest.raises(DomainError):
        services.save_preferences(actor=rep, muted=[], email=[], daily_digest=False, quiet_start=dt.time(22),
                                  quiet_end=None)
    assert UserFactory  # personas only
