"""Writes for coaching: scorecards (versioned), sampling runs, reviewer assignment, blind review
submission, improvement plans, one-to-one notes and their action items, team stage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.access import can_manage, can_manage_team, can_manage_user, is_admin, is_rep, sees_everything
from accounts.models import Role, Team, TeamStage, User
from calls.models import Call
from coaching import domain
from coaching.models import (
    ActionItem,
    CheckIn,
    Cohort,
    Criterion,
    ImprovementPlan,
    OneToOneNote,
    PlanItem,
    PlanOutcome,
    PlanSource,
    Review,
    ReviewAssignment,
    ReviewScore,
    SampledCall,
    SamplingPlan,
    SamplingRun,
    Scorecard,
    ScorecardVersion,
    Support,
)
from kpis.selectors import rep_ranking
from telesales.days import day_bounds, local_day
from telesales.errors import Conflict, DomainError, NotFound, PermissionDenied

PLAN_DAYS = 30


def _require_coach(actor: User, team_id: int | None = None) -> None:
    """Managers (of the team, when one is given) and admins run coaching."""
    if not can_manage(actor):
        raise PermissionDenied("Only managers and admins can do this.")
    if team_id is not None and not can_manage_team(actor, team_id):
        raise PermissionDenied("You do not manage this team.")


# ---- scorecards ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CriterionInput:
    key: str
    name: str
    weight: Decimal
    scale_max: int = 5
    critical: bool = False
    pass_score: int = 1
    description: str = ""


def _clean_criteria(criteria: Sequence[CriterionInput | dict]) -> list[CriterionInput]:
    cleaned: list[CriterionInput] = []
    for raw in criteria:
        c = raw if isinstance(raw, CriterionInput) else CriterionInput(**raw)
        try:
            weight = Decimal(c.weight)
        except (InvalidOperation, TypeError, ValueError):
            raise DomainError(f"Weight of “{c.name}” must be a number.") from None
        if not c.key or not c.name:
            raise DomainError("Every criterion needs a key and a name.")
        if weight <= 0:
            raise DomainError(f"Weight of “{c.name}” must be above zero.")
        if not 1 <= int(c.scale_max) <= 100:
            raise DomainError(f"Scale of “{c.name}” must be from 1 to 100.")
        if not 0 <= int(c.pass_score) <= int(c.scale_max):
            raise DomainError(f"Pass score of “{c.name}” must be within its scale.")
        cleaned.append(CriterionInput(c.key, c.name, weight, int(c.scale_max), bool(c.critical), int(c.pass_score),
                                      c.description or ""))
    if not cleaned:
        raise DomainError("Add at least one criterion.")
    keys = [c.key for c in cleaned]
    if len(set(keys)) != len(keys):
        raise DomainError("Criterion keys must be unique.")
    return cleaned


def _write_version(scorecard: Scorecard, number: int, criteria: list[CriterionInput], *, actor: User,
                   critical_cap: Decimal, calibration_threshold: Decimal) -> ScorecardVersion:
    version = ScorecardVersion.objects.create(
        scorecard=scorecard, number=number, critical_cap=critical_cap,
        calibration_threshold=calibration_threshold, created_by=actor,
    )
    Criterion.objects.bulk_create(
        Criterion(version=version, key=c.key, name=c.name, description=c.description, weight=c.weight,
                  scale_max=c.scale_max, critical=c.critical, pass_score=c.pass_score, position=i)
        for i, c in enumerate(criteria)
    )
    return version


def _check_cap(value, label: str) -> Decimal:
    try:
        d = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(f"{label} must be a number.") from None
    if not 0 <= d <= 100:
        raise DomainError(f"{label} must be from 0 to 100.")
    return d


@transaction.atomic
def create_scorecard(*, actor: User, name: str, criteria: Sequence[CriterionInput | dict], team: Team | None = None,
                     critical_cap: Decimal = Decimal(0), calibration_threshold: Decimal = Decimal(15)) -> Scorecard:
    """A new scorecard with its first version."""
    _require_coach(actor, team.pk if team else None)
    if team is None and not is_admin(actor):
        raise PermissionDenied("Only admins create scorecards for every team; pick your team.")
    cleaned = _clean_criteria(criteria)
    card = Scorecard.objects.create(name=name.strip() or "Scorecard", team=team, created_by=actor)
    _write_version(card, 1, cleaned, actor=actor, critical_cap=_check_cap(critical_cap, "Critical cap"),
                   calibration_threshold=_check_cap(calibration_threshold, "Calibration threshold"))
    return card


def current_version(scorecard: Scorecard) -> ScorecardVersion:
    return scorecard.versions.order_by("-number").first()


@transaction.atomic
def edit_scorecard(*, actor: User, scorecard_id: int, criteria: Sequence[CriterionInput | dict],
                   name: str | None = None, critical_cap: Decimal | None = None,
                   calibration_threshold: Decimal | None = None) -> ScorecardVersion:
    """Change a scorecard. Once a version is in use (a call was sampled with it) the change becomes
    a new version and old reviews keep theirs; an unused version is edited in place."""
    card = Scorecard.objects.select_for_update().filter(pk=scorecard_id).first()
    if card is None:
        raise NotFound("Scorecard not found.")
    _require_coach(actor, card.team_id)
    if card.team_id is None and not is_admin(actor):
        raise PermissionDenied("Only admins edit company-wide scorecards.")
    cleaned = _clean_criteria(criteria)
    latest = current_version(card)
    cap = _check_cap(latest.critical_cap if critical_cap is None else critical_cap, "Critical cap")
    threshold = _check_cap(
        latest.calibration_threshold if calibration_threshold is None else calibration_threshold, "Calibration threshold"
    )
    if name:
        card.name = name.strip()
        card.save(update_fields=["name"])
    if latest.samples.exists() or latest.reviews.exists():
        return _write_version(card, latest.number + 1, cleaned, actor=actor, critical_cap=cap,
                              calibration_threshold=threshold)
    latest.criteria.all().delete()
    latest.delete()
    return _write_version(card, latest.number, cleaned, actor=actor, critical_cap=cap, calibration_threshold=threshold)




# ---- sampling -----------------------------------------------------------------------------------
@transaction.atomic
def create_sampling_plan(*, actor: User, team: Team, scorecard: Scorecard, reviewers: Iterable[User] = (),
                         **settings) -> SamplingPlan:
    """A team's weekly sampling plan (rates per cohort, minimum per rep, preferences, seed)."""
    _require_coach(actor, team.pk)
    if scorecard.team_id not in (None, team.pk):
        raise DomainError("That scorecard belongs to another team.")
    for key in ("new_hire_rate", "top_rate", "regular_rate", "top_share"):
        if key in settings and not Decimal(0) <= Decimal(settings[key]) <= Decimal(1):
            raise DomainError(f"{key.replace('_', ' ').capitalize()} must be between 0 and 1.")
    plan = SamplingPlan.objects.create(team=team, scorecard=scorecard, **settings)
    plan.reviewers.set(list(reviewers))
    return plan


def _cohorts(plan: SamplingPlan, reps: list[User], today: dt.date) -> dict[int, str]:
    """Each rep's cohort: new hire by tenure, top performer by KPI ranking, else regular."""
    start = today - dt.timedelta(days=plan.top_window_days)
    ids = {r.pk for r in reps}
    sellers = [row["rep_id"] for row in rep_ranking([plan.team_id], start, today - dt.timedelta(days=1))
               if row["rep_id"] in ids and (row["margin_amount"] > 0 or row["premium"] > 0)]
    top = domain.top_performers(sellers, team_size=len(reps), share=plan.top_share)
    return {
        r.pk: domain.cohort_for(
            tenure_days=(today - r.hired_on).days if r.hired_on else None, is_top=r.pk in top,
            new_hire_days=plan.new_hire_days,
        )
        for r in reps
    }


@transaction.atomic
def run_sampling(*, plan_id: int, week: dt.date, actor: User | None = None) -> tuple[SamplingRun, bool]:
    """Draw the week's calls for review and assign reviewers. Returns (run, created); running the
    same plan and week again returns the first run (safe for beat retries and double clicks)."""
    plan = SamplingPlan.objects.select_related("scorecard", "team").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("Sampling plan not found.")
    if actor is not None:
        _require_coach(actor, plan.team_id)
    if not plan.active:
        raise DomainError("This sampling plan is paused; activate it first.")
    week = domain.week_start(week)
    run, created = SamplingRun.objects.get_or_create(plan=plan, week=week, defaults={"created_by": actor})
    if not created:
        return run, False
    version = current_version(plan.scorecard)
    reps = list(User.objects.filter(team_id=plan.team_id, role=Role.REP, is_active=True).order_by("pk"))
    cohorts = _cohorts(plan, reps, timezone.localdate())
    start, end = day_bounds(week, days=7)
    candidates = [
        domain.CandidateCall(c["pk"], c["rep_id"], c["duration_seconds"], bool(c["recording_url"]))
        for c in Call.objects.filter(rep__in=reps, started_at__gte=start, started_at__lt=end)
        .filter(qa_sample__isnull=True).values("pk", "rep_id", "duration_seconds", "recording_url")
    ]
    rules = domain.SamplingRules(
        rates={Cohort.NEW_HIRE: plan.new_hire_rate, Cohort.TOP: plan.top_rate, Cohort.REGULAR: plan.regular_rate},
        min_per_rep=plan.min_per_rep, prefer_recording=plan.prefer_recording,
        min_duration_seconds=plan.min_duration_seconds, seed=plan.seed,
    )
    picked = domain.select_sample(candidates, cohorts, rules, week=week)
    samples = SampledCall.objects.bulk_create(
        SampledCall(call_id=c.call_id, rep_id=c.rep_id, plan=plan, run=run, week=week,
                    cohort=cohorts.get(c.rep_id, Cohort.REGULAR), version=version)
        for c in picked
    )
    reviewers = [u for u in plan.reviewers.filter(is_active=True).order_by("pk")]
    if reviewers and plan.reviewers_per_call:
        assignments = []
        for i, sample in enumerate(samples):
            pool = [u for u in reviewers if u.pk != sample.rep_id]
            k = min(plan.reviewers_per_call, len(pool))
            # Round-robin so review work is shared evenly.
            for j in range(k):
                reviewer = pool[(i + j) % len(pool)]
                assignments.append(ReviewAssignment(sampled_call=sample, reviewer=reviewer, rep_id=sample.rep_id,
                                                    assigned_by=actor))
        ReviewAssignment.objects.bulk_create(assignments)
    run.sampled = len(samples)
    run.save(update_fields=["sampled"])
    return run, True


@transaction.atomic
def sample_call(*, actor: User, call_id: int, scorecard_id: int) -> SampledCall:
    """Put one call up for review by hand (a manager heard something worth scoring)."""
    call = Call.objects.select_related("rep").filter(pk=call_id).first()
    if call is None:
        raise NotFound("Call not found.")
    if not can_manage_user(actor, call.rep):
        raise PermissionDenied("You can only sample calls of reps you manage.")
    card = Scorecard.objects.filter(pk=scorecard_id).first()
    if card is None:
        raise NotFound("Scorecard not found.")
    try:
        with transaction.atomic():
            return SampledCall.objects.create(
                call=call, rep=call.rep, week=domain.week_start(local_day(call.started_at)),
                version=current_version(card),
            )
    except IntegrityError:
        raise Conflict("This call has already been sampled for review.") from None


@transaction.atomic
def assign_reviewer(*, actor: User, sample_id: int, reviewer: User) -> ReviewAssignment:
    """Add a reviewer to a sampled call; never the rep who made the call."""
    sample = SampledCall.objects.select_for_update(of=("self",)).filter(pk=sample_id).first()
    if sample is None:
        raise NotFound("Sampled call not found.")
    if not can_manage_user(actor, sample.rep):
        raise PermissionDenied("You can only assign reviewers for reps you manage.")
    if reviewer.pk == sample.rep_id:
        raise DomainError("A rep cannot review their own call; pick another reviewer.", code="self_review")
    if not reviewer.is_active:
        raise DomainError("That reviewer is deactivated.")
    if sample.completed_at:
        raise Conflict("All reviews are in for this call; it cannot take another reviewer.")
    try:
        with transaction.atomic():
            return ReviewAssignment.objects.create(sampled_call=sample, reviewer=reviewer, rep_id=sample.rep_id,
                                                   assigned_by=actor)
    except IntegrityError:
        raise Conflict("That reviewer is already assigned to this call.") from None


@transaction.atomic
def submit_review(*, actor: User, assignment_id: int, scores: dict[str, int], comment: str = "") -> Review:
    """Score a call blind. When the last assigned reviewer submits, the call's result becomes the
    mean of all totals, with the spread and a calibration flag."""
    assignment = ReviewAssignment.objects.select_related("sampled_call").filter(pk=assignment_id).first()
    if assignment is None or assignment.reviewer_id != actor.pk:
        raise NotFound("Review assignment not found.")
    if assignment.rep_id == actor.pk:
        raise PermissionDenied("You cannot review your own call.")
    # Lock the sample so two last reviewers cannot both skip (or both do) the completion.
    sample = SampledCall.objects.select_for_update(of=("self",)).get(pk=assignment.sampled_call_id)
    if Review.objects.filter(assignment=assignment).exists():
        raise Conflict("You have already scored this call.")
    version = sample.version
    criteria = list(version.criteria.all())
    specs = [domain.CriterionSpec(c.key, c.weight, c.scale_max, c.critical, c.pass_score) for c in criteria]
    try:
        result = domain.score_call(specs, scores, critical_cap=version.critical_cap)
    except domain.ScoringError as exc:
        raise DomainError(str(exc)) from None
    review = Review.objects.create(
        assignment=assignment, version=version, total=result.total, uncapped_total=result.uncapped_total,
        critical_failed=bool(result.critical_failed), comment=comment, submitted_at=timezone.now(),
    )
    ReviewScore.objects.bulk_create(
        ReviewScore(review=review, criterion=c, score=scores[c.key], lost_points=result.lost_points[c.key])
        for c in criteria
    )
    totals = list(Review.objects.filter(assignment__sampled_call=sample).values_list("total", flat=True))
    if len(totals) == sample.assignments.count():
        agreed = domain.consensus(totals, calibration_threshold=version.calibration_threshold)
        sample.result_total, sample.spread = agreed.mean, agreed.spread
        sample.needs_calibration, sample.completed_at = agreed.needs_calibration, timezone.now()
        sample.save(update_fields=["result_total", "spread", "needs_calibration", "completed_at"])
    return review


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
        raise DomainError("An improvement plan has 3 to 5 SMART items.")
    for n, item in enumerate(cleaned, 1):
        if not (item.what.strip() and item.measure.strip() and item.target.strip()):
            raise DomainError(f"Item {n}: say what, how it is measured and the target (SMART).")
        if not isinstance(item.due, dt.date) or not start <= item.due <= review_date:
            raise DomainError(f"Item {n}: the due date must fall within the plan ({start} – {review_date}).")
    return cleaned


@transaction.atomic
def start_plan(*, actor: User, rep: User, title: str, items: Sequence[ItemInput | dict],
               support: Iterable[str] = (), source_kind: str = PlanSource.MANUAL, source_ref: str = "",
               check_in_every_days: int = 7, start_date: dt.date | None = None) -> ImprovementPlan:
    """Start a 30-day improvement plan with 3–5 SMART items; one open plan per rep."""
    if not can_manage_user(actor, rep) or actor.pk == rep.pk:
        raise PermissionDenied("Only the rep's manager or an admin can start an improvement plan.")
    if not is_rep(rep):
        raise DomainError("Improvement plans are for reps.")
    if source_kind not in PlanSource.values:
        raise DomainError("Source must be diagnosis, qa or manual.")
    support = list(dict.fromkeys(support))
    if any(s not in Support.values for s in support):
        raise DomainError("Support must be training, side_by_side or mentor.")
    if not 1 <= int(check_in_every_days) <= 30:
        raise DomainError("Check in every 1 to 30 days.")
    if not title.strip():
        raise DomainError("Give the plan a title.")
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
        raise Conflict(f"{rep.display_name} already has an open improvement plan; close it first.") from None
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
        raise NotFound("Improvement plan not found.")
    return plan


@transaction.atomic
def acknowledge_plan(*, actor: User, plan_id: int) -> ImprovementPlan:
    """The rep confirms they have read their plan."""
    plan = _plan_for_update(plan_id)
    if plan.rep_id != actor.pk:
        if can_manage_user(actor, plan.rep):
            raise PermissionDenied("Only the rep can acknowledge their own plan.")
        raise NotFound("Improvement plan not found.")
    if plan.acknowledged_at is None:
        plan.acknowledged_at = timezone.now()
        plan.save(update_fields=["acknowledged_at"])
    return plan


def _require_plan_manager(actor: User, plan: ImprovementPlan) -> None:
    if not can_manage_user(actor, plan.rep):
        if plan.rep_id == actor.pk or sees_everything(actor):
            raise PermissionDenied("Your manager records check-ins and the outcome.")
        raise NotFound("Improvement plan not found.")


@transaction.atomic
def record_check_in(*, actor: User, plan_id: int, progress_note: str, date: dt.date | None = None) -> CheckIn:
    plan = _plan_for_update(plan_id)
    _require_plan_manager(actor, plan)
    if not plan.is_open:
        raise Conflict("This plan is closed.")
    if not progress_note.strip():
        raise DomainError("Write a progress note.")
    date = date or timezone.localdate()
    if date < plan.start_date or date > timezone.localdate():
        raise DomainError("A check-in date lies between the plan's start and today.")
    return CheckIn.objects.create(plan=plan, date=date, progress_note=progress_note.strip(), author=actor)


@transaction.atomic
def record_outcome(*, actor: User, plan_id: int, outcome: str, note: str = "", extend_days: int = PLAN_DAYS
                   ) -> ImprovementPlan:
    """The 30-day review: met or not met closes the plan; extended moves the review date on."""
    plan = _plan_for_update(plan_id)
    _require_plan_manager(actor, plan)
    if not plan.is_open:
        raise Conflict("This plan is already closed.")
    if outcome not in PlanOutcome.values:
        raise DomainError("Outcome must be met, extended or not_met.")
    if timezone.localdate() < plan.review_date and outcome != PlanOutcome.MET:
        raise DomainError(f"The review is due on {plan.review_date}; only “met” can be recorded earlier.")
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
        raise PermissionDenied("Only the rep's manager or an admin writes one-to-one notes.")
    if not (situation.strip() and behaviour.strip() and impact.strip()):
        raise DomainError("Fill in situation, behaviour and impact.")
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
        raise NotFound("Note not found.")
    if not can_manage_user(actor, note.rep) or actor.pk == note.rep_id:
        if note.rep_id == actor.pk and not note.private:
            raise PermissionDenied("Your manager adds the follow-up tasks.")
        raise NotFound("Note not found.")
    if not description.strip():
        raise DomainError("Describe the action.")
    if due_on < note.held_on:
        raise DomainError("The due date cannot be before the one-to-one.")
    owner = owner or note.rep
    if owner.pk not in (note.rep_id, actor.pk) and not can_manage_user(actor, owner):
        raise DomainError("The owner must be the rep or one of their managers.")
    return ActionItem.objects.create(note=note, description=description.strip(), owner=owner, due_on=due_on)


@transaction.atomic
def complete_action_item(*, actor: User, item_id: int) -> ActionItem:
    item = ActionItem.objects.select_for_update(of=("self",)).filter(pk=item_id).first()
    if item is None:
        raise NotFound("Action item not found.")
    allowed = item.owner_id == actor.pk or can_manage_user(actor, item.note.rep)
    if not allowed:
        raise NotFound("Action item not found.")
    if item.done_at is None:
        item.done_at = timezone.now()
        item.save(update_fields=["done_at"])
    return item


# ---- team stage ---------------------------------------------------------------------------------
@transaction.atomic
def set_team_stage(*, actor: User, team_id: int, stage: str) -> Team:
    """Override the stage derived from the team's age (empty string: back to derived)."""
    _require_coach(actor, team_id)
    if stage and stage not in TeamStage.values:
        raise DomainError("Stage must be forming, storming, norming or performing (or empty for automatic).")
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound("Team not found.")
    team.stage_override = stage
    team.save(update_fields=["stage_override"])
    return team

