"""The scheduled checks: follow-ups falling due, leads about to return to their pool, check-ins
due. Each reminds the right person once; two overlapping runs send once (real connections)."""

import datetime as dt

import pytest
from django.utils import timezone

from calls import reminders as follow_up_check
from calls.models import FollowUp
from coaching import services as coaching
from coaching.services import reminders as check_in_check
from leads.services import reminders as return_check
from notifications.models import Kind, Notification
from tests.factories import LeadFactory

ITEMS = [{"what": f"Goal {i}", "measure": "connect rate", "target": ">= 35%", "due": dt.date(2026, 7, 1)}
         for i in range(3)]


def follow_up(lead, rep, minutes: int) -> FollowUp:
    return FollowUp.objects.create(lead=lead, assigned_to=rep, team=rep.team, due_at=timezone.now() + dt.timedelta(minutes=minutes))


def sent() -> list[tuple[int, str, int]]:
    return sorted(Notification.objects.values_list("recipient_id", "kind", "object_id"))


@pytest.mark.django_db
def test_follow_ups_due_soon_remind_their_rep_once(rep, teammate):
    lead = LeadFactory(owner=rep, name="钱先生")
    soon, later = follow_up(lead, rep, 10), follow_up(lead, rep, 90)
    FollowUp.objects.create(lead=lead, assigned_to=teammate, due_at=timezone.now() + dt.timedelta(minutes=5),
                            done_at=timezone.now())  # done: nothing
    assert follow_up_check.notify_due_follow_ups(minutes=15) == 1
    assert follow_up_check.notify_due_follow_ups(minutes=15) == 0
    assert sent() == [(rep.pk, Kind.FOLLOW_UP_DUE, soon.pk)]
    note = Notification.objects.get()
    assert note.url == f"/leads/{lead.pk}/" and note.occurrence == soon.due_at
    # moved to a new time: reminded again for the new time
    FollowUp.objects.filter(pk=soon.pk).update(due_at=soon.due_at + dt.timedelta(minutes=2))
    assert follow_up_check.notify_due_follow_ups(minutes=15) == 1
    assert later.pk not in {n.object_id for n in Notification.objects.all()}


@pytest.mark.django_db
def test_a_follow_up_left_to_the_team_reminds_every_active_rep_of_that_team_once(rep, teammate, other_team_rep):
    from tests.factories import UserFactory

    UserFactory(team=rep.team, is_active=False)  # left the company: not reminded
    lead = LeadFactory(owner=rep)
    anyone = FollowUp.objects.create(lead=lead, assigned_to=None, team=rep.team, scope="team",
                                     due_at=timezone.now() + dt.timedelta(minutes=5))
    assert follow_up_check.notify_due_follow_ups(minutes=15) == 2
    assert follow_up_check.notify_due_follow_ups(minutes=15) == 0
    assert sent() == sorted([(rep.pk, Kind.FOLLOW_UP_DUE, anyone.pk), (teammate.pk, Kind.FOLLOW_UP_DUE, anyone.pk)])


@pytest.mark.django_db
def test_a_lead_returning_within_the_hours_warns_its_holder_once(rep, teammate):
    now = timezone.now()
    # fresh claim rule: 48 h to make the first call; claimed 40 h ago and never called
    due = LeadFactory(owner=rep, claimed_at=now - dt.timedelta(hours=40), name="孙女士")
    LeadFactory(owner=teammate, claimed_at=now - dt.timedelta(hours=1))  # 47 h left
    assert return_check.notify_returning_leads(hours=24, now=now) == 1
    assert return_check.notify_returning_leads(hours=24, now=now) == 0
    assert sent() == [(rep.pk, Kind.LEAD_RETURNING, due.pk)]
    note = Notification.objects.get()
    assert note.occurrence == due.claimed_at + dt.timedelta(hours=48)


@pytest.mark.django_db
def test_a_check_in_due_tells_the_manager_and_the_rep_once(rep, manager, teammate):
    plan = coaching.start_plan(actor=manager, rep=rep, title="Lift connect rate", items=ITEMS,
                               start_date=dt.date(2026, 6, 1), check_in_every_days=7)
    assert check_in_check.notify_check_ins_due(today=dt.date(2026, 6, 5)) == 0
    assert check_in_check.notify_check_ins_due(today=dt.date(2026, 6, 7)) == 2
    assert check_in_check.notify_check_ins_due(today=dt.date(2026, 6, 8)) == 0
    assert sent() == sorted([(rep.pk, Kind.CHECK_IN_DUE, plan.pk), (manager.pk, Kind.CHECK_IN_DUE, plan.pk)])


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_runs_send_each_reminder_once(run_concurrently, rep):
    lead = LeadFactory(owner=rep)
    for minutes in range(1, 15):
        follow_up(lead, rep, minutes)
    results = run_concurrently(lambda i: follow_up_check.notify_due_follow_ups(minutes=15), 2)
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 14
    assert Notification.objects.count() == 14


@pytest.mark.django_db
def test_the_one_statement_write_and_its_portable_twin_send_the_same_reminders(rep, teammate):
    """PostgreSQL writes every reminder of a check in one INSERT … SELECT FROM unnest; the
    portable VALUES-in-chunks path sends the same rows, texts and links, and neither re-sends."""
    from leads.models import Lead

    leads = [LeadFactory(owner=owner, name=f"客户{i}") for i, owner in enumerate([rep, teammate] * 3)]
    for i, lead in enumerate(leads):
        follow_up(lead, lead.owner, 2 + i)
    Lead.objects.filter(pk__in=[lead.pk for lead in leads[:4]]).update(  # 8 h left to make the first call
        claimed_at=timezone.now() - dt.timedelta(hours=40), last_contacted_at=None, last_real_contact_at=None)
    now = timezone.now()
    results = []
    for portable in (True, False):
        Notification.objects.all().delete()
        counts = (follow_up_check.notify_due_follow_ups(minutes=15, now=now, portable=portable),
                  return_check.notify_returning_leads(hours=24, now=now, portable=portable))
        again = (follow_up_check.notify_due_follow_ups(minutes=15, now=now, portable=portable),
                 return_check.notify_returning_leads(hours=24, now=now, portable=portable))
        assert again == (0, 0)
        results.append((counts, sorted(Notification.objects.values_list(
            "recipient_id", "kind", "object_id", "occurrence", "params", "url", "read_at"))))
    assert results[0] == results[1]
    assert results[0][0] == (6, 4)
