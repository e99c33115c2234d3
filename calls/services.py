"""Writes on calls: logging a call, follow-ups, the lead's call facts and the KPI change marks."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.access import is_admin
from accounts.models import User
from calls import best_time, locks
from calls.lead_facts import (  # noqa: F401 (REAL_CONTACT_SECONDS re-exported)
    REAL_CONTACT_SECONDS,
    add_calls_to_lead_facts,
    refresh_lead_call_facts,
)
from calls.models import (
    Call,
    Channel,
    DirtyRepDay,
    Disposition,
    FollowUp,
    FollowUpScope,
    recording_url_validator,
)
from leads.models import GRADE_ORDER, DoNotCallNumber, Lead, LeadStatus
from leads.selectors import can_work_lead, is_do_not_call
from leads.services import add_do_not_call, recycle_leads
from telesales import events
from telesales.days import local_day
from telesales.errors import Conflict, DomainError, NotFound, PermissionDenied
from telesales.i18n import clean_labels
from telesales.numbers import parse_decimal

# After this many unanswered phone attempts in a row a lead is flagged for recycling.
MAX_UNANSWERED_ATTEMPTS = 8
VOICE_CHANNELS = (Channel.PHONE, Channel.SMS)


class LeadIsDoNotCall(Conflict):
    code = "do_not_call"


class OutsideCallingHours(DomainError):
    code = "outside_calling_hours"


def mark_rep_days(pairs: Iterable[tuple[int, dt.date]]) -> None:
    """Mark (rep, local day) pairs as changed for the KPI job (upsert: one row per pair)."""
    pairs = sorted(set(pairs))
    if not pairs:
        return
    now = timezone.now()
    DirtyRepDay.objects.bulk_create(
        [DirtyRepDay(rep_id=rep_id, day=day, marked_at=now) for rep_id, day in pairs],
        update_conflicts=True, unique_fields=["rep", "day"], update_fields=["marked_at"],
    )


def calling_hours_problem(*, team, channel: str, at: dt.datetime) -> str | None:
    """A message if a phone call or SMS at `at` falls outside the team's calling hours."""
    if team is None or channel not in VOICE_CHANNELS:
        return None
    local = timezone.localtime(at).time()
    start, end = team.calling_hours_start, team.calling_hours_end
    if isinstance(start, str):  # unsaved defaults
        start, end = dt.time.fromisoformat(start), dt.time.fromisoformat(end)
    if start <= local < end:
        return None
    return (
        f"Outside calling hours ({start:%H:%M}–{end:%H:%M}): no calls or SMS in customers' private time. "
        "Schedule a follow-up instead."
    )


def validate_amounts(*, disposition: Disposition, premium, margin_rate, quote_amount):
    """Check premium, margin rate and quote amount against the disposition; return them as Decimals."""
    premium = parse_decimal(premium, "Premium", optional=True)
    margin_rate = parse_decimal(margin_rate, "Margin rate", optional=True)
    quote_amount = parse_decimal(quote_amount, "Quote amount", optional=True)
    if premium is not None and (premium < 0 or premium >= Decimal("1e12")):
        raise DomainError("Premium must be zero or more (and below 1,000,000,000,000).")
    if quote_amount is not None and (quote_amount < 0 or quote_amount >= Decimal("1e12")):
        raise DomainError("Quote amount must be zero or more (and below 1,000,000,000,000).")
    if margin_rate is not None and not (0 <= margin_rate <= 1):
        raise DomainError("Margin rate is a fraction between 0 and 1 (e.g. 0.18 for 18%).")
    if disposition.sold:
        if premium is None or premium <= 0:
            raise DomainError("A sale needs the premium (more than 0).")
        if margin_rate is None:
            raise DomainError("A sale needs the margin rate (between 0 and 1).")
    elif disposition.quoted and (quote_amount is None or quote_amount <= 0):
        raise DomainError("A quote needs the quoted amount (more than 0).")
    if premium is not None:
        premium = premium.quantize(Decimal("0.01"))
    if quote_amount is not None:
        quote_amount = quote_amount.quantize(Decimal("0.01"))
    if margin_rate is not None:
        margin_rate = margin_rate.quantize(Decimal("0.0001"))
    return premium, margin_rate, quote_amount


def check_recording_url(url: str) -> None:
    """Refuse a recording link that is not http(s): reviewers open it from the QA pages."""
    if url:
        try:
            recording_url_validator(url)
        except ValidationError as exc:
            raise DomainError("The recording link must be an http:// or https:// URL.") from exc


def ensure_callable(lead: Lead) -> None:
    """Refuse calls to a do-not-call lead or a number on the company list (`lead.listed_dnc`,
    when the lead was read with it, saves asking the list again)."""
    if lead.status == LeadStatus.DNC:
        raise LeadIsDoNotCall("This customer asked not to be called (do-not-call): no further calls on this lead.")
    listed = getattr(lead, "listed_dnc", None)
    if listed if listed is not None else is_do_not_call(lead.phone):
        raise LeadIsDoNotCall("This number is on the company do-not-call list: it must not be called.")


def _close_follow_ups(lead_id: int, *, before: dt.datetime | None = None) -> None:
    qs = FollowUp.objects.filter(lead_id=lead_id, done_at__isnull=True)
    if before is not None:
        qs = qs.filter(created_at__lte=before)
    qs.update(done_at=timezone.now())


def _lock_workable_lead(actor: User, lead_id: int, *, refusal: str) -> Lead:
    """Lock a lead the actor may work on and may call. Owner and pool are read after the lock
    (lazily): joined into it they could be stale after a wait."""
    on_list = Exists(DoNotCallNumber.objects.filter(phone=OuterRef("phone")))
    lead = Lead.objects.select_for_update(of=("self",)).annotate(listed_dnc=on_list).filter(pk=lead_id).first()
    if lead is None:
        raise NotFound("Lead not found.")
    if not can_work_lead(actor, lead):
        raise PermissionDenied(refusal)
    ensure_callable(lead)
    return lead


def _check_follow_up_scope(scope: str) -> None:
    if scope not in FollowUpScope.values:
        raise DomainError("Follow-up is for “mine” (me only) or “team” (anyone on the team).")


def _active_disposition(disposition_id: int, known: Disposition | None = None) -> Disposition:
    """The active disposition `disposition_id` (`known`: the same row, read as active in this request)."""
    if known is not None and known.pk == disposition_id and known.active:
        return known
    disposition = Disposition.objects.filter(pk=disposition_id, active=True).first()
    if disposition is None:
        raise DomainError("Choose an outcome (disposition) from the list.")
    return disposition


def _check_channel_and_duration(channel: str, duration_seconds: int | None) -> None:
    if channel not in Channel.values:
        raise DomainError(f"Unknown channel “{channel}”; use one of {', '.join(Channel.values)}.")
    if duration_seconds is None or duration_seconds < 0 or duration_seconds > 24 * 3600:
        raise DomainError("Duration is a number of seconds between 0 and 86,400.")


def _rep_for_call(lead: Lead, *, actor: User, rep_id: int | None) -> User:
    """Whose call it is: the lead's owner (the actor's, for a lead nobody holds), unless the
    caller names another rep (the dialer knows who dialled)."""
    rep = lead.owner if lead.owner_id and lead.owner_id != actor.pk else actor
    if rep_id and rep_id != rep.pk:
        rep = User.objects.filter(pk=rep_id).first()
        if rep is None:
            raise DomainError("Unknown rep.")
    return rep


def _calling_team(lead: Lead, *, rep: User, actor: User):
    """Whose calling hours apply: the lead owner's team, else the rep's, else the actor's."""
    owner = actor if lead.owner_id == actor.pk else lead.owner if lead.owner_id else None
    return (owner.team if owner is not None else None) or rep.team or actor.team


def _check_calling_hours(lead: Lead, *, rep: User, actor: User, channel: str, at: dt.datetime) -> None:
    problem = calling_hours_problem(team=_calling_team(lead, rep=rep, actor=actor), channel=channel, at=at)
    if problem:
        raise OutsideCallingHours(problem)


def _check_next_follow_up(disposition: Disposition, due_at: dt.datetime, scope: str, *, now: dt.datetime) -> None:
    if disposition.dnc:
        raise DomainError("A do-not-call customer gets no follow-up.")
    if due_at <= now:
        raise DomainError("The next follow-up must be in the future.")
    _check_follow_up_scope(scope)


def _follow_ups_after_call(
    call: Call, *, actor: User, next_follow_up_at: dt.datetime | None, purpose: str, scope: str
) -> None:
    """A contact (reached, final, or a rescheduled next step) completes the open follow-ups;
    the next step the rep scheduled becomes the lead's open follow-up."""
    disposition, lead, rep = call.disposition, call.lead, call.rep
    if disposition.reached or disposition.final or disposition.dnc or next_follow_up_at is not None:
        _close_follow_ups(lead.pk)
    if next_follow_up_at is not None:
        FollowUp.objects.create(
            lead=lead, assigned_to=None if scope == FollowUpScope.TEAM else rep, team=rep.team or actor.team,
            scope=scope, due_at=next_follow_up_at, purpose=(purpose or "")[:300], call=call, created_by=actor,
        )


def _apply_call_outcome(call: Call, *, actor: User, new_grade: str | None) -> None:
    """What the outcome does to the lead: do-not-call, its call facts, a new grade or a sale."""
    disposition, lead = call.disposition, call.lead
    if disposition.dnc:
        lead.status = LeadStatus.DNC
        lead.save(update_fields=["status", "updated_at"])
        add_do_not_call(actor=actor, phone=lead.phone, reason=f"Customer asked (call {call.pk})")
    add_calls_to_lead_facts([call.pk], lead_ids=[call.lead_id])
    if disposition.sold or (new_grade and new_grade != lead.grade):
        from leads.grading import change_grade

        change_grade(
            actor=actor, lead_id=lead.pk, to_grade=new_grade or None,
            to_status=LeadStatus.WON if disposition.sold else None, call=call, at=call.started_at,
        )


@transaction.atomic
def log_call(
    *,
    actor: User,
    lead_id: int,
    disposition_id: int,
    duration_seconds: int = 0,
    channel: str = Channel.PHONE,
    started_at: dt.datetime | None = None,
    notes: str = "",
    premium=None,
    margin_rate=None,
    quote_amount=None,
    new_grade: str | None = None,
    next_follow_up_at: dt.datetime | None = None,
    follow_up_purpose: str = "",
    follow_up_scope: str = FollowUpScope.MINE,
    recording_url: str = "",
    rep_id: int | None = None,
    enforce_calling_hours: bool = True,
    disposition: Disposition | None = None,
) -> Call:
    """Log one call on a lead and keep the lead, its follow-ups and the KPI marks consistent.
    `disposition`: the row of `disposition_id` when the caller already read it as active (a form).
    `next_follow_up_at` may be a best_time.OnDay: that day at the customer's best calling hour."""
    lead = _lock_workable_lead(
        actor, lead_id, refusal="You can log calls only on leads you own (managers: on their team's leads)."
    )
    disposition = _active_disposition(disposition_id, disposition)
    _check_channel_and_duration(channel, duration_seconds)
    premium, margin_rate, quote_amount = validate_amounts(
        disposition=disposition, premium=premium, margin_rate=margin_rate, quote_amount=quote_amount
    )
    if new_grade and new_grade not in GRADE_ORDER:
        raise DomainError(f"Unknown grade “{new_grade}”; use one of E, D, C, B, A.")
    check_recording_url(recording_url)
    now = timezone.now()
    started_at = started_at or now
    if started_at > now + dt.timedelta(minutes=5):
        raise DomainError("A call cannot start in the future.")
    rep = _rep_for_call(lead, actor=actor, rep_id=rep_id)
    if enforce_calling_hours:
        _check_calling_hours(lead, rep=rep, actor=actor, channel=channel, at=started_at)
    if next_follow_up_at is not None:  # a day: at the lead's best hour within the calling hours that apply
        next_follow_up_at = best_time.resolve(next_follow_up_at, lead, _calling_team(lead, rep=rep, actor=actor))
        _check_next_follow_up(disposition, next_follow_up_at, follow_up_scope, now=now)

    call = Call.objects.create(
        lead=lead, rep=rep, channel=channel, started_at=started_at, duration_seconds=duration_seconds,
        disposition=disposition, premium=premium, margin_rate=margin_rate, quote_amount=quote_amount,
        notes=notes or "", recording_url=recording_url or "", source="web",
    )
    _follow_ups_after_call(call, actor=actor, next_follow_up_at=next_follow_up_at, purpose=follow_up_purpose,
                           scope=follow_up_scope)
    _apply_call_outcome(call, actor=actor, new_grade=new_grade)
    events.publish("call.logged", call, actor=actor)
    events.publish("sale.won", call if disposition.sold else None, actor=actor)
    mark_rep_days([(rep.pk, local_day(started_at))])
    # The call is logged: the rep is off the line, another rep may now open the number.
    locks.release_line(phone=lead.phone, user=actor)
    return call


@transaction.atomic
def schedule_follow_up(
    *, actor: User, lead_id: int, due_at, purpose: str = "", scope: str = FollowUpScope.MINE
) -> FollowUp:
    """Schedule a next contact without logging a call (`due_at` a moment, or a best_time.OnDay:
    that day at the customer's best hour within the owner's team's calling hours)."""
    lead = _lock_workable_lead(
        actor, lead_id, refusal="You can schedule follow-ups only on leads you own (managers: their team's)."
    )
    due_at = best_time.resolve(due_at, lead, (lead.owner or actor).team)
    if due_at <= timezone.now():
        raise DomainError("The follow-up must be in the future.")
    _check_follow_up_scope(scope)
    owner = lead.owner or actor
    follow_up = FollowUp.objects.create(
        lead=lead, assigned_to=None if scope == FollowUpScope.TEAM else owner, team=owner.team, scope=scope,
        due_at=due_at, purpose=purpose[:300], created_by=actor,
    )
    refresh_lead_call_facts([lead.pk])
    return follow_up


@transaction.atomic
def hand_over_follow_ups(*, from_user_id: int, assignments: dict) -> int:
    """Move a leaving rep's open follow-ups to each lead's new owner (or the team when the lead
    went back to the pool). Returns how many moved."""
    moved = 0
    by_new_owner: dict = {}
    for lead_id, new_owner_id in assignments.items():
        by_new_owner.setdefault(new_owner_id, []).append(int(lead_id))
    owners = User.objects.in_bulk([o for o in by_new_owner if o])
    leaver = User.objects.filter(pk=from_user_id).first()
    for new_owner_id, lead_ids in sorted(by_new_owner.items(), key=lambda kv: kv[0] or 0):
        qs = FollowUp.objects.filter(lead_id__in=lead_ids, assigned_to_id=from_user_id, done_at__isnull=True)
        new_owner = owners.get(new_owner_id)
        if new_owner is not None:
            moved += qs.update(assigned_to=new_owner, team=new_owner.team, scope=FollowUpScope.MINE)
        else:
            moved += qs.update(assigned_to=None, scope=FollowUpScope.TEAM, team=getattr(leaver, "team", None))
    return moved


def recycle_exhausted_leads(*, max_attempts: int = MAX_UNANSWERED_ATTEMPTS, limit: int = 1000) -> int:
    """Recycling rule: an active held lead with `max_attempts` unanswered phone attempts in a row
    (and no open quote, not locked) goes back to its public pool, returned by the system, and its
    owner's open follow-ups go to the team. Safe to run twice."""
    with transaction.atomic():
        returned = recycle_leads(
            condition=Q(status=LeadStatus.ACTIVE, unanswered_attempts__gte=max_attempts, has_open_quote=False,
                        locked=False),
            note=lambda lead: f"Recycled by rule: {lead.unanswered_attempts} unanswered attempts in a row",
            limit=limit,
        )
        if returned:
            owned = Q(pk__in=[])
            for lead_id, owner_id in returned.items():
                owned |= Q(lead_id=lead_id, assigned_to_id=owner_id)
            FollowUp.objects.filter(owned, done_at__isnull=True).update(assigned_to=None, scope=FollowUpScope.TEAM)
    return len(returned)


# ---- dispositions (admins) ---------------------------------------------------------------------
DISPOSITION_FIELDS = ("name", "name_i18n", "attempted", "reached", "quoted", "sold", "refused", "callback", "dnc",
                      "final", "active", "position")


@transaction.atomic
def save_disposition(*, actor, disposition_id: int | None = None, code: str | None = None, **fields) -> Disposition:
    """Create a disposition (with its code) or change one (the code, which dialers send, stays):
    names, flags, order, on/off (admins). A sale is a quote, and a quote reaches the customer."""
    if not is_admin(actor):
        raise PermissionDenied(gettext("Only admins edit dispositions."))
    if disposition_id is None:
        if Disposition.objects.filter(code=code).exists():
            raise DomainError(gettext("A disposition with the code “%(code)s” exists.") % {"code": code},
                              details={"code": [gettext("Taken.")]})
        disposition = Disposition(code=code)
    else:
        disposition = Disposition.objects.select_for_update().filter(pk=disposition_id).first()
        if disposition is None:
            raise NotFound(gettext("Disposition not found."))
    if "name_i18n" in fields:
        try:
            fields["name_i18n"] = clean_labels(fields["name_i18n"])
        except ValueError as exc:
            raise DomainError(str(exc), details={"name_i18n": [str(exc)]}) from None
    for name, value in fields.items():
        if name in DISPOSITION_FIELDS:
            setattr(disposition, name, value)
    if (disposition.sold and not disposition.quoted) or (disposition.quoted and not disposition.reached):
        message = gettext("A sale is also a quote, and a quote also reached the customer: set those flags too.")
        raise DomainError(message, details={"sold" if disposition.sold else "quoted": [message]})
    disposition.save()
    return disposition
