"""Writes for QA: scorecards (versioned), sampling plans and weekly sampling runs, calls sampled
by hand, reviewer assignment and blind review submission."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import can_manage_user, is_admin
from accounts.models import Role, Team, User
from calls.models import Call
from coaching import domain
from coaching.models import (
    Cohort,
    Criterion,
    Review,
    ReviewAssignment,
    ReviewScore,
    SampledCall,
    SamplingPlan,
    SamplingRun,
    Scorecard,
    ScorecardVersion,
)
from coaching.services.common import require_coach
from kpis.selectors import rep_ranking
from notifications.models import Kind
from notifications.services import notify
from telesales.days import day_bounds, local_day
from telesales.errors import Conflict, DomainError, NotFound, PermissionDenied
from telesales.i18n import clean_labels


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
    name_i18n: dict = field(default_factory=dict)  # the name in other languages (telesales.i18n)


def _clean_criteria(criteria: Sequence[CriterionInput | dict]) -> list[CriterionInput]:
    cleaned: list[CriterionInput] = []
    for raw in criteria:
        c = raw if isinstance(raw, CriterionInput) else CriterionInput(**raw)
        try:
            weight = Decimal(c.weight)
        except (InvalidOperation, TypeError, ValueError):
            raise DomainError(_("Weight of “%(name)s” must be a number.") % {"name": c.name}) from None
        if not c.key or not c.name:
            raise DomainError(_("Every criterion needs a key and a name."))
        if weight <= 0:
            raise DomainError(_("Weight of “%(name)s” must be above zero.") % {"name": c.name})
        if not 1 <= int(c.scale_max) <= 100:
            raise DomainError(_("Scale of “%(name)s” must be from 1 to 100.") % {"name": c.name})
        if not 0 <= int(c.pass_score) <= int(c.scale_max):
            raise DomainError(_("Pass score of “%(name)s” must be within its scale.") % {"name": c.name})
        cleaned.append(CriterionInput(c.key, c.name, weight, int(c.scale_max), bool(c.critical), int(c.pass_score),
                                      c.description or "", _labels(c.name_i18n)))
    if not cleaned:
        raise DomainError(_("Add at least one criterion."))
    keys = [c.key for c in cleaned]
    if len(set(keys)) != len(keys):
        raise DomainError(_("Criterion keys must be unique."))
    return cleaned


def _write_version(scorecard: Scorecard, number: int, criteria: list[CriterionInput], *, actor: User,
                   critical_cap: Decimal, calibration_threshold: Decimal) -> ScorecardVersion:
    version = ScorecardVersion.objects.create(
        scorecard=scorecard, number=number, critical_cap=critical_cap,
        calibration_threshold=calibration_threshold, created_by=actor,
    )
    Criterion.objects.bulk_create(
        Criterion(version=version, key=c.key, name=c.name, name_i18n=c.name_i18n, description=c.description, weight=c.weight,
                  scale_max=c.scale_max, critical=c.critical, pass_score=c.pass_score, position=i)
        for i, c in enumerate(criteria)
    )
    return version


def _labels(labels) -> dict[str, str]:
    try:
        return clean_labels(labels)
    except ValueError as exc:
        raise DomainError(_("Names in other languages: %(problem)s.") % {"problem": exc}) from None


def _check_cap(value, label: str) -> Decimal:
    try:
        d = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("%(label)s must be a number.") % {"label": label}) from None
    if not 0 <= d <= 100:
        raise DomainError(_("%(label)s must be from 0 to 100.") % {"label": label})
    return d


@transaction.atomic
def create_scorecard(*, actor: User, name: str, criteria: Sequence[CriterionInput | dict], team: Team | None = None,
                     critical_cap: Decimal = Decimal(0), calibration_threshold: Decimal = Decimal(15),
                     name_i18n: dict | None = None) -> Scorecard:
    """A new scorecard with its first version."""
    require_coach(actor, team.pk if team else None)
    if team is None and not is_admin(actor):
        raise PermissionDenied(_("Only admins create scorecards for every team; pick your team."))
    cleaned = _clean_criteria(criteria)
    card = Scorecard.objects.create(name=name.strip() or "Scorecard", name_i18n=_labels(name_i18n), team=team,
                                    created_by=actor)
    _write_version(card, 1, cleaned, actor=actor, critical_cap=_check_cap(critical_cap, "Critical cap"),
                   calibration_threshold=_check_cap(calibration_threshold, "Calibration threshold"))
    return card


def current_version(scorecard: Scorecard) -> ScorecardVersion:
    return scorecard.versions.order_by("-number").first()


@transaction.atomic
def edit_scorecard(*, actor: User, scorecard_id: int, criteria: Sequence[CriterionInput | dict],
                   name: str | None = None, critical_cap: Decimal | None = None,
                   calibration_threshold: Decimal | None = None, name_i18n: dict | None = None) -> ScorecardVersion:
    """Change a scorecard. Once a version is in use (a call was sampled with it) the change becomes
    a new version and old reviews keep theirs; an unused version is edited in place."""
    card = Scorecard.objects.select_for_update().filter(pk=scorecard_id).first()
    if card is None:
        raise NotFound(_("Scorecard not found."))
    require_coach(actor, card.team_id)
    if card.team_id is None and not is_admin(actor):
        raise PermissionDenied(_("Only admins edit company-wide scorecards."))
    cleaned = _clean_criteria(criteria)
    latest = current_version(card)
    cap = _check_cap(latest.critical_cap if critical_cap is None else critical_cap, "Critical cap")
    threshold = _check_cap(
        latest.calibration_threshold if calibration_threshold is None else calibration_threshold, "Calibration threshold"
    )
    if name:
        card.name = name.strip()
        card.save(update_fields=["name"])
    if name_i18n is not None:
        card.name_i18n = _labels(name_i18n)
        card.save(update_fields=["name_i18n"])
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
    require_coach(actor, team.pk)
    if scorecard.team_id not in (None, team.pk):
        raise DomainError(_("That scorecard belongs to another team."))
    for key in ("new_hire_rate", "top_rate", "regular_rate", "top_share"):
        if key in settings and not Decimal(0) <= Decimal(settings[key]) <= Decimal(1):
            raise DomainError(_("%(capitalize)s must be between 0 and 1.") % {"capitalize": key.replace('_', ' ').capitalize()})
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
        raise NotFound(_("Sampling plan not found."))
    if actor is not None:
        require_coach(actor, plan.team_id)
    if not plan.active:
        raise DomainError(_("This sampling plan is paused; activate it first."))
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
        raise NotFound(_("Call not found."))
    if not can_manage_user(actor, call.rep):
        raise PermissionDenied(_("You can only sample calls of reps you manage."))
    card = Scorecard.objects.filter(pk=scorecard_id).first()
    if card is None:
        raise NotFound(_("Scorecard not found."))
    try:
        with transaction.atomic():
            return SampledCall.objects.create(
                call=call, rep=call.rep, week=domain.week_start(local_day(call.started_at)),
                version=current_version(card),
            )
    except IntegrityError:
        raise Conflict(_("This call has already been sampled for review.")) from None


@transaction.atomic
def assign_reviewer(*, actor: User, sample_id: int, reviewer: User) -> ReviewAssignment:
    """Add a reviewer to a sampled call; never the rep who made the call."""
    sample = SampledCall.objects.select_for_update(of=("self",)).filter(pk=sample_id).first()
    if sample is None:
        raise NotFound(_("Sampled call not found."))
    if not can_manage_user(actor, sample.rep):
        raise PermissionDenied(_("You can only assign reviewers for reps you manage."))
    if reviewer.pk == sample.rep_id:
        raise DomainError(_("A rep cannot review their own call; pick another reviewer."), code="self_review")
    if not reviewer.is_active:
        raise DomainError(_("That reviewer is deactivated."))
    if sample.completed_at:
        raise Conflict(_("All reviews are in for this call; it cannot take another reviewer."))
    try:
        with transaction.atomic():
            return ReviewAssignment.objects.create(sampled_call=sample, reviewer=reviewer, rep_id=sample.rep_id,
                                                   assigned_by=actor)
    except IntegrityError:
        raise Conflict(_("That reviewer is already assigned to this call.")) from None


@transaction.atomic
def submit_review(*, actor: User, assignment_id: int, scores: dict[str, int], comment: str = "") -> Review:
    """Score a call blind. When the last assigned reviewer submits, the call's result becomes the
    mean of all totals, with the spread and a calibration flag."""
    assignment = ReviewAssignment.objects.select_related("sampled_call").filter(pk=assignment_id).first()
    if assignment is None or assignment.reviewer_id != actor.pk:
        raise NotFound(_("Review assignment not found."))
    if assignment.rep_id == actor.pk:
        raise PermissionDenied(_("You cannot review your own call."))
    # Lock the sample so two last reviewers cannot both skip (or both do) the completion.
    sample = SampledCall.objects.select_for_update(of=("self",)).get(pk=assignment.sampled_call_id)
    if Review.objects.filter(assignment=assignment).exists():
        raise Conflict(_("You have already scored this call."))
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
        notify(recipient=sample.rep_id, kind=Kind.QA_REVIEW_COMPLETE, obj=sample)
    return review
