import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from leads import selectors, services
from leads.models import Lead, OwnershipEvent
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


def held(pool, owner, **kw):
    kw.setdefault("claimed_at", T0)
    kw.setdefault("last_contacted_at", T0 + dt.timedelta(hours=1))
    return LeadFactory(pool=pool, owner=owner, **kw)


@pytest.fixture
def rules(pool):
    pool.return_days_by_grade = {"E": 7, "D": 10, "C": 15, "B": 20, "A": 30}
    pool.no_progress_days = 0
    pool.fresh_claim_hours = 0
    pool.save()
    return pool


def run_at(when):
    with time_machine.travel(when):
        return services.auto_return_neglected()


def test_lead_without_real_contact_returns_after_its_grade_days(rep, rules):
    e = held(rules, rep, grade="E")
    a = held(rules, rep, grade="A")
    assert run_at(T0 + dt.timedelta(days=6)) == 0
    assert run_at(T0 + dt.timedelta(days=7, minutes=1)) == 1
    e.refresh_from_db(), a.refresh_from_db()
    assert e.owner is None and a.owner == rep
    event = OwnershipEvent.objects.get(lead=e)
    assert event.reason == "auto_return" and event.from_owner == rep and "no real contact" in event.note


def test_a_note_or_unanswered_dial_does_not_reset_the_clock_but_a_real_contact_does(rep, rules):
    touched = held(rules, rep, grade="E", last_contacted_at=T0 + dt.timedelta(days=6))
    reached = held(rules, rep, grade="E", last_real_contact_at=T0 + dt.timedelta(days=6))
    run_at(T0 + dt.timedelta(days=8))
    touched.refresh_from_db(), reached.refresh_from_db()
    assert touched.owner is None
    assert reached.owner == rep


def test_won_locked_and_quoted_leads_are_exempt(rep, rules):
    won = held(rules, rep, status="won")
    locked = held(rules, rep, locked=True)
    quoted = held(rules, rep, has_open_quote=True)
    assert run_at(T0 + dt.timedelta(days=60)) == 0
    rules.exempt_open_quote = False
    rules.exempt_won = False
    rules.save()
    assert run_at(T0 + dt.timedelta(days=60)) == 2
    assert Lead.objects.get(pk=locked.pk).owner == rep
    assert Lead.objects.get(pk=won.pk).owner is None and Lead.objects.get(pk=quoted.pk).owner is None


def test_no_grade_progress_returns_a_lead_even_with_real_contacts(rep, rules):
    rules.no_progress_days = 20
    rules.return_days_by_grade = {"E": 0}
    rules.save()
    lead = held(rules, rep, last_real_contact_at=T0 + dt.timedelta(days=19))
    assert run_at(T0 + dt.timedelta(days=19)) == 0
    assert run_at(T0 + dt.timedelta(days=20, hours=1)) == 1
    assert "no grade progress" in OwnershipEvent.objects.get(lead=lead).note


def test_fresh_claim_never_called_goes_back_after_h_hours(rep, rules):
    rules.fresh_claim_hours = 24
    rules.save()
    fresh = held(rules, rep, last_contacted_at=None)
    called = held(rules, rep)
    assert run_at(T0 + dt.timedelta(hours=23)) == 0
    assert run_at(T0 + dt.timedelta(hours=25)) == 1
    assert Lead.objects.get(pk=fresh.pk).owner is None and Lead.objects.get(pk=called.pk).owner == rep


def test_auto_return_is_idempotent(rep, rules):
    held(rules, rep)
    assert run_at(T0 + dt.timedelta(days=30)) == 1
    assert run_at(T0 + dt.timedelta(days=30)) == 0
    assert OwnershipEvent.objects.count() == 1


def test_countdown_and_warning_match_the_rule(rep, rules):
    lead = held(rules, rep, grade="D")
    due, why = selectors.return_due_for(lead)
    assert due == T0 + dt.timedelta(days=10)
    assert "grade D" in why


def test_management_command_returns_neglected_leads(rep, rules, capsys):
    held(rules, rep)
    with time_machine.travel(T0 + dt.timedelta(days=30)):
        call_command("return_neglected_leads")
    assert "1" in capsys.readouterr().out
    assert not Lead.objects.filter(owner=rep).exists()


@pytest.mark.skipif(__import__("django.db").db.connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_auto_return_runs_at_once_return_each_lead_once(run_concurrently):
    from tests.factories import PoolFactory, UserFactory

    pool = PoolFactory(no_progress_days=0, fresh_claim_hours=0)
    owner = UserFactory()
    for _ in range(300):
        held(pool, owner)
    results = run_concurrently(lambda i: run_at(T0 + dt.timedelta(days=30)), 2)
    assert sum(results) == 300, results
    assert OwnershipEvent.objects.filter(reason="auto_return").count() == 300
    assert not Lead.objects.filter(owner=owner).exists()
