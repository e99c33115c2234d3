"""Writes for improvement plans (start, acknowledge, check-ins, outcome), one-to-one notes and
their action items, and the team stage override."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.access import can_manage_user, is_rep, sees_everything
from accounts.models import Team, TeamStage, User
from coaching.models import (
    ActionItem,
    CheckIn,
    ImprovementPlan,
    OneToOneNote,
    PlanItem,
    PlanOutcome,
    PlanSource,
    SampledCall,
    Support,
)
from coaching.services.common import require_coach
from telesales.errors import Conflict, DomainError, NotFound, PermissionDenied

PLAN_DAYS = 30


# ---- improvement plans --------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemInput:
    what: str
    measure: str
    target: str
    due: dt.date


def _clean_items(items: Sequence[ItemInput | dict], start: dt.date, review_date: dt.date) -> list[ItemInput]:
    cleaned = [i if isinstance(i, ItemInput) else ItemInput(**i) for i in items]
    if not 3 <= len(cleaned) <= 5:
        raise DomainError(gettext("An improvement plan has 3 to 5 SMART items."))
    for n, item in enumerate(cleaned, 1):
        if not (item.what.strip() and item.measure.strip() and item.target.strip()):
            raise DomainError(gettext("Item %(n)s: say what, how it is measured and the target (SMART).") % {"n": n})
        if not isinstance(item.due, dt.date) or not start <= item.due <= review_date:
            raise DomainError(gettext("Item %(n)s: the due date must fall within the plan (%(start)s – %(review_date)s).") % {"n": n, "start": start, "review_date": review_date})
    return cleaned


@transaction.atomic
def start_plan(*, actor: User, rep: User, title: str, items: Sequence[ItemInput | dict],
               support: Iterable[str] = (), source_kind: str = PlanSource.MANUAL, source_ref: str = "",
               check_in_every_days: int = 7, start_date: dt.date | None = None) -> ImprovementPlan:
    """Start a 30-day improvement plan with 3–5 SMART items; one open plan per rep."""
    if not can_manage_user(actor, rep) or actor.pk == rep.pk:
        raise PermissionDenied(gettext("Only the rep's manager or an admin can start an improvement plan."))
    if not is_rep(rep):
        raise DomainError(gettext("Improvement plans are for reps."))
    if source_kind not in PlanSource.values:
        raise DomainError(gettext("Source must be diagnosis, qa or manual."))
    support = list(dict.fromkeys(support))
    if any(s not in Support.values for s in support):
        raise DomainError(gettext("Support must be training, side_by_side or mentor."))
    if not 1 <= int(check_in_every_days) <= 30:
        raise DomainError(gettext("Check in every 1 to 30 days."))
    if not title.strip():
        raise DomainError(gettext("Give the plan a title."))
    start = start_date or timezone.localdate()
    review_date = start + dt.timedelta(days=PLAN_DAYS)
    cleaned = _clean_items(items, start, review_date)
    try:
        with transaction.atomic():
            plan = ImprovementPlan.objects.create(
                rep=rep, manager=actor, title=title.strip(), source_kind=source_kind, source_ref=source_ref,
                support=support, check_in_every_days=check_in_every_days, start_date=start, review_date=review_date,
            )
    except IntegrityError:
        raise Conflict(gettext("%(display_name)s already has an open improvement plan; close it first.") % {"display_name": rep.display_name}) from None
    PlanItem.objects.bulk_create(
        PlanItem(plan=plan, what=i.what.strip(), measure=i.measure.strip(), target=i.target.strip(), due=i.due,
                 position=n)
        for n, i in enumerate(cleaned)
    )
    return plan


def start_plan_from_qa(*, actor: User, sample: SampledCall, **kwargs) -> ImprovementPlan:
    """A plan started from a QA result keeps a pointer to the reviewed call."""
    return start_plan(actor=actor, rep=sample.rep, source_kind=PlanSource.QA, source_ref=f"sample:{sample.pk}", **kwargs)


def _plan_for_update(plan_id: int) -> ImprovementPlan:
    # Lock only the plan row; its rep is read after the lock (a joined row would be locked too, and
    # PostgreSQL does not re-read it after a wait).
    plan = ImprovementPlan.objects.select_for_update(of=("self",)).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(gettext("Improvement plan not found."))
    return plan


@transaction.atomic
def acknowledge_plan(*, actor: User, plan_id: int) -> ImprovementPlan:
    """The rep confirms they have read their plan."""
    plan = _plan_for_update(plan_id)
    if plan.rep_id != actor.pk:
        if can_manage_user(actor, plan.rep) or sees_everything(actor):
            raise PermissionDenied(gettext("Only the rep can acknowledge their own plan."))
        raise NotFound(gettext("Improvement plan not found."))
    if plan.acknowledged_at is None:
        plan.acknowledged_at = timezone.now()
        plan.save(update_fields=["acknowledged_at"])
    return plan


def _require_plan_manager(actor: User, plan: ImprovementPlan) -> None:
    if not can_manage_user(actor, plan.rep):
        if plan.rep_id == actor.pk or sees_everything(actor):
            raise PermissionDenied(gettext("Your manager records check-ins and the outcome."))
        raise NotFound(gettext("Improvement plan not found."))


@transaction.atomic
def record_check_in(*, actor: User, plan_id: int, progress_note: str, date: dt.date | None = None) -> CheckIn:
    plan = _plan_for_update(plan_id)
    _require_plan_manager(actor, plan)
    if not plan.is_open:
        raise Conflict(gettext("This plan is closed."))
    if not progress_note.strip():
        raise DomainError(gettext("Write a progress note."))
    date = date or timezone.localdate()
    if date < plan.start_date or date > timezone.localdate():
        raise DomainError(gettext("A check-in date lies between the plan's start and today."))
    return CheckIn.objects.create(plan=plan, date=date, progress_note=progress_note.strip(), author=actor)


@transaction.atomic
def record_outcome(*, actor: User, plan_id: int, outcome: str, note: str = "", extend_days: int = PLAN_DAYS
                   ) -> ImprovementPlan:
    """The 30-day review: met or not met closes the plan; extended moves the review date on."""
    plan = _plan_for_update(plan_id)
    _require_plan_manager(actor, plan)
    if not plan.is_open:
        raise Conflict(gettext("This plan is already closed."))
    if outcome not in PlanOutcome.values:
        raise DomainError(gettext("Outcome must be met, extended or not_met."))
    if timezone.localdate() < plan.review_date and outcome != PlanOutcome.MET:
        raise DomainError(gettext("The review is due on %(review_date)s; only “met” can be recorded earlier.") % {"review_date": plan.review_date})
    plan.outcome, plan.outcome_note = outcome, note
    fields = ["outcome", "outcome_note"]
    if outcome == PlanOutcome.EXTENDED:
        plan.review_date = max(plan.review_date, timezone.localdate()) + dt.timedelta(days=extend_days)
        fields.append("review_date")
    else:
        plan.closed_at = timezone.now()
        fields.append("closed_at")
    plan.save(update_fields=fields)
    return plan


# ---- one-to-ones --------------------------------------------------------------------------------
@transaction.atomic
def write_note(*, actor: User, rep: User, situation: str, behaviour: str, impact: str, agreed_actions: str = "",
               private: bool = False, held_on: dt.date | None = None) -> OneToOneNote:
    """Record a one-to-one in SBI form."""
    if actor.pk == rep.pk or not can_manage_user(actor, rep):
        raise PermissionDenied(gettext("Only the rep's manager or an admin writes one-to-one notes."))
    if not (situation.strip() and behaviour.strip() and impact.strip()):
        raise DomainError(gettext("Fill in situation, behaviour and impact."))
    return OneToOneNote.objects.create(
        rep=rep, author=actor, situation=situation.strip(), behaviour=behaviour.strip(), impact=impact.strip(),
        agreed_actions=agreed_actions.strip(), private=private, held_on=held_on or timezone.localdate(),
    )


@transaction.atomic
def add_action_item(*, actor: User, note_id: int, description: str, due_on: dt.date,
                    owner: User | None = None) -> ActionItem:
    """Turn an agreed action into a follow-up task (for the rep unless another owner is named)."""
    note = OneToOneNote.objects.select_related("rep").filter(pk=note_id).first()
    if note is None:
        raise NotFound(gettext("Note not found."))
    if not can_manage_user(actor, note.rep) or actor.pk == note.rep_id:
        if note.rep_id == actor.pk and not note.private:
            raise PermissionDenied(gettext("Your manager adds the follow-up tasks."))
        raise NotFound(gettext("Note not found."))
    if not description.strip():
        raise DomainError(gettext("Describe the action."))
    if due_on < note.held_on:
        raise DomainError(gettext("The due date cannot be before the one-to-one."))
    owner = owner or note.rep
    if owner.pk not in (note.rep_id, actor.pk) and not can_manage_user(actor, owner):
        raise DomainError(gettext("The owner must be the rep or one of their managers."))
    return ActionItem.objects.create(note=note, description=description.strip(), owner=owner, due_on=due_on)


@transaction.atomic
def complete_action_item(*, actor: User, item_id: int) -> ActionItem:
    item = ActionItem.objects.select_for_update(of=("self",)).filter(pk=item_id).first()
    if item is None:
        raise NotFound(gettext("Action item not found."))
    allowed = item.owner_id == actor.pk or can_manage_user(actor, item.note.rep)
    if not allowed:
        raise NotFound(gettext("Action item not found."))
    if item.done_at is None:
        item.done_at = timezone.now()
        item.save(update_fields=["done_at"])
    return item


# ---- team stage ---------------------------------------------------------------------------------
@transaction.atomic
def set_team_stage(*, actor: User, team_id: int, stage: str) -> Team:
    """Override the stage derived from the team's age (empty string: back to derived)."""
    require_coach(actor, team_id)
    if stage and stage not in TeamStage.values:
        raise DomainError(gettext("Stage must be forming, storming, norming or performing (or empty for automatic)."))
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound(gettext("Team not found."))
    team.stage_override = stage
    team.save(update_fields=["stage_override"])
    return team
