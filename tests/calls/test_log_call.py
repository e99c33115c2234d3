import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from calls.models import Call, DirtyRepDay, FollowUp
from calls.services import MAX_UNANSWERED_ATTEMPTS, log_call, recycle_exhausted_leads, schedule_follow_up
from leads.models import DoNotCallNumber, GradeChange, LeadStatus, OwnershipEvent
from leads.selectors import is_do_not_call
from leads.services import add_do_not_call
from telesales.errors import DomainError, NotFound, PermissionDenied
from tests.factories import LeadFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_shipped_dispositions_carry_meaning_flags(dispo):
    assert set(dispo) >= {"no_answer", "busy", "invalid_number", "wrong_person", "reached", "quoted", "sold",
                          "refused", "callback", "dnc"}
    assert dispo["sold"].sold and dispo["sold"].quoted and dispo["sold"].reached
    assert not dispo["no_answer"].reached and dispo["no_answer"].attempted
    assert dispo["dnc"].dnc and dispo["callback"].callback and dispo["refused"].refused


def test_logging_a_reached_call_updates_the_lead_and_marks_the_rep_day(rep, lead, dispo):
    call = log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["reached"].pk, duration_seconds=95, notes="聊得不错")
    lead.refresh_from_db()
    assert call.rep == rep and call.source == "web"
    assert lead.last_contacted_at == call.started_at == lead.last_real_contact_at
    assert DirtyRepDay.objects.filter(rep=rep, day=timezone.localdate(call.started_at)).exists()


def test_rep_cannot_log_on_someone_elses_lead(teammate, lead, dispo):
    with pytest.raises(PermissionDenied):
        log_call(actor=teammate, lead_id=lead.pk, disposition_id=dispo["reached"].pk)
    assert not Call.objects.exists()


def test_manager_logs_for_team_but_not_for_other_teams(manager, lead, other_team_rep, dispo):
    call = log_call(actor=manager, lead_id=lead.pk, disposition_id=dispo["busy"].pk)
    assert call.rep == lead.owner  # attributed to the owner, logged by the manager
    foreign = LeadFactory(owner=other_team_rep)
    with pytest.raises(PermissionDenied):
        log_call(actor=manager, lead_id=foreign.pk, disposition_id=dispo["busy"].pk)


def test_admin_logs_anywhere_and_missing_lead_is_not_found(admin_user, lead, dispo):
    assert log_call(actor=admin_user, lead_id=lead.pk, disposition_id=dispo["busy"].pk).pk
    with pytest.raises(NotFound):
        log_call(actor=admin_user, lead_id=999999, disposition_id=dispo["busy"].pk)


def test_sale_needs_premium_and_margin_and_wins_the_lead(rep, lead, dispo):
    with pytest.raises(DomainError, match="premium"):
        log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["sold"].pk, margin_rate="0.2")
    with pytest.raises(DomainError, match="between 0 and 1"):
        log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["sold"].pk, premium="5000", margin_rate="1.5")
    assert not Call.objects.exists()
    call = log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["sold"].pk, premium="5000", margin_rate="0.18")
    lead.refresh_from_db()
    assert call.premium == Decimal("5000.00") and call.margin_rate == Decimal("0.1800")
    assert lead.status == LeadStatus.WON
    assert GradeChange.objects.get(lead=lead).call_id == call.pk


def test_quote_needs_an_amount_and_opens_the_quote_until_refused(rep, lead, dispo):
    with pytest.raises(DomainError, match="quoted amount"):
        log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["quoted"].pk)
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["quoted"].pk, quote_amount="3200")
    lead.refresh_from_db()
    assert lead.has_open_quote
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["refused"].pk)
    lead.refresh_from_db()
    assert not lead.has_open_quote


def test_grade_change_is_recorded_with_the_call(rep, lead, dispo):
    call = log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["reached"].pk, new_grade="C")
    lead.refresh_from_db()
    assert lead.grade == "C"
    change = GradeChange.objects.get(lead=lead)
    assert (change.from_grade, change.to_grade, change.call_id) == ("E", "C", call.pk)


def test_do_not_call_disposition_blocks_further_calls_and_closes_follow_ups(rep, lead, dispo):
    soon = timezone.now() + dt.timedelta(days=1)
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["callback"].pk, next_follow_up_at=soon,
             follow_up_purpose="报价")
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["dnc"].pk)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.DNC and lead.next_follow_up_at is None
    assert not FollowUp.objects.filter(lead=lead, done_at__isnull=True).exists()
    with pytest.raises(DomainError, match="do-not-call"):
        log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["no_answer"].pk)
    assert Call.objects.count() == 2


def test_follow_ups_keep_next_follow_up_at_on_the_earliest_open_one(rep, lead, dispo):
    now = timezone.now()
    later, sooner = now + dt.timedelta(days=3), now + dt.timedelta(days=1)
    schedule_follow_up(actor=rep, lead_id=lead.pk, due_at=later, purpose="寄资料")
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["no_answer"].pk)
    lead.refresh_from_db()
    assert lead.next_follow_up_at == later  # an unanswered attempt leaves the follow-up open
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["callback"].pk, next_follow_up_at=sooner,
             follow_up_purpose="确认需求", follow_up_scope="team")
    lead.refresh_from_db()
    open_ups = FollowUp.objects.filter(lead=lead, done_at__isnull=True)
    assert [f.due_at for f in open_ups] == [sooner] and open_ups[0].assigned_to is None
    assert lead.next_follow_up_at == sooner
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["reached"].pk)
    lead.refresh_from_db()
    assert lead.next_follow_up_at is None


def test_follow_up_in_the_past_is_refused_and_nothing_is_saved(rep, lead, dispo):
    with pytest.raises(DomainError, match="future"):
        log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["callback"].pk,
                 next_follow_up_at=timezone.now() - dt.timedelta(hours=1))
    assert not Call.objects.exists() and not FollowUp.objects.exists()


def test_unanswered_attempts_count_up_and_reset_when_reached(rep, lead, dispo):
    for _ in range(MAX_UNANSWERED_ATTEMPTS):
        log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["no_answer"].pk)
    lead.refresh_from_db()
    assert lead.unanswered_attempts == MAX_UNANSWERED_ATTEMPTS
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["reached"].pk, duration_seconds=30)
    lead.refresh_from_db()
    assert lead.unanswered_attempts == 0


def test_long_call_without_reach_counts_as_real_contact(rep, lead, dispo):
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["wrong_person"].pk, duration_seconds=20)
    lead.refresh_from_db()
    assert lead.last_contacted_at and lead.last_real_contact_at is None
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["wrong_person"].pk, duration_seconds=75)
    lead.refresh_from_db()
    assert lead.last_real_contact_at == lead.last_contacted_at


def test_the_pools_rule_decides_how_long_a_call_must_be_to_count_as_real_contact(rep, lead, dispo):
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["wrong_person"].pk, duration_seconds=50)
    lead.refresh_from_db()
    assert lead.last_real_contact_at is None  # the default is 60 seconds
    lead.pool.real_contact_min_seconds = 45
    lead.pool.save()
    log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["wrong_person"].pk, duration_seconds=50)
    lead.refresh_from_db()
    assert lead.last_real_contact_at == lead.last_contacted_at


def test_phone_calls_outside_calling_hours_are_refused_but_email_is_fine(dispo):
    team = TeamFactory(calling_hours_start=dt.time(9), calling_hours_end=dt.time(20))
    rep = UserFactory(team=team)
    lead = LeadFactory(owner=rep)
    late = dt.datetime(2026, 3, 10, 21, 30, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(late, tick=False):
        with pytest.raises(DomainError, match="calling hours"):
            log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["no_answer"].pk, channel="sms")
        assert log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["reached"].pk, channel="email").pk
    with time_machine.travel(late.replace(hour=10), tick=False):
        assert log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["no_answer"].pk).pk


def test_handed_over_leads_take_their_open_follow_ups_along(rep, teammate, dispo):
    from leads.signals import leads_handed_over

    kept, pooled = LeadFactory(owner=rep), LeadFactory(owner=rep)
    due = timezone.now() + dt.timedelta(days=2)
    for lead in (kept, pooled):
        schedule_follow_up(actor=rep, lead_id=lead.pk, due_at=due, purpose="回访")
    leads_handed_over.send(sender=None, from_user=rep, assignments={kept.pk: teammate.pk, pooled.pk: None})
    assert FollowUp.objects.get(lead=kept).assigned_to == teammate
    moved_to_team = FollowUp.objects.get(lead=pooled)
    assert moved_to_team.assigned_to is None and moved_to_team.scope == "team"


def test_number_on_company_do_not_call_list_is_refused(rep, admin_user, lead, dispo):
    add_do_not_call(actor=admin_user, phone=lead.phone, reason="complained")
    with pytest.raises(DomainError, match="do-not-call"):
        log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["reached"].pk)
    assert not Call.objects.exists()


def test_do_not_call_disposition_puts_the_number_on_the_company_list(rep, lead, dispo):
    call = log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["dnc"].pk)
    assert is_do_not_call(lead.phone)
    entry = DoNotCallNumber.objects.get(phone=lead.phone)
    assert entry.added_by == rep and entry.reason == f"Customer asked (call {call.pk})"


def test_lead_with_too_many_unanswered_attempts_is_recycled_to_the_pool_by_the_system(rep, lead, dispo):
    keep = LeadFactory(owner=rep)
    for _ in range(MAX_UNANSWERED_ATTEMPTS):
        log_call(actor=rep, lead_id=lead.pk, disposition_id=dispo["no_answer"].pk)
    log_call(actor=rep, lead_id=keep.pk, disposition_id=dispo["no_answer"].pk)
    schedule_follow_up(actor=rep, lead_id=lead.pk, due_at=timezone.now() + dt.timedelta(days=1))
    assert recycle_exhausted_leads() == 1
    follow_up = FollowUp.objects.get(lead=lead)
    assert follow_up.assigned_to is None and follow_up.scope == "team"
    lead.refresh_from_db()
    keep.refresh_from_db()
    assert lead.owner is None and keep.owner == rep
    event = OwnershipEvent.objects.filter(lead=lead).latest("id")
    # The rule returned the lead, not the rep: no person is recorded as having given it up.
    assert (event.actor, event.from_owner, event.to_owner, event.reason) == (None, rep, None, "auto_return")
    assert event.note == f"Recycled by rule: {MAX_UNANSWERED_ATTEMPTS} unanswered attempts in a row"
    assert recycle_exhausted_leads() == 0
