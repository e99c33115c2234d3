"""Reads for coaching, always scoped through accounts.access. Blindness lives here: an individual
review is visible only to its author, to a reviewer of the same call after they submitted their
own, and to everyone else who may see the call once every review is in."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts.access import (
    is_admin,
    is_manager,
    is_rep,
    managed_team_ids,
    scope_by_user,
    scope_teams,
    sees_everything,
    visible_users,
)
from accounts.models import Role, Team, User
from coaching import domain, reports
from coaching.models import (
    ActionItem,
    ImprovementPlan,
    OneToOneNote,
    Review,
    ReviewAssignment,
    ReviewScore,
    SampledCall,
    SamplingPlan,
    Scorecard,
)
from telesales.errors import first_or_not_found
from telesales.i18n import pick


# ---- scorecards and plans -----------------------------------------------------------------------
def scorecards_visible_to(user: User) -> QuerySet[Scorecard]:
    qs = Scorecard.objects.select_related("team").prefetch_related("versions__criteria")
    if sees_everything(user):
        return qs
    return qs.filter(Q(team__isnull=True) | Q(team_id__in=scope_teams(Team.objects.all(), user).values("id")))


def scorecard_for(*, actor: User, scorecard_id: int) -> Scorecard:
    return first_or_not_found(scorecards_visible_to(actor).filter(pk=scorecard_id), gettext("Scorecard not found."))


def sampling_plans_visible_to(user: User) -> QuerySet[SamplingPlan]:
    qs = SamplingPlan.objects.select_related("team", "scorecard").prefetch_related("reviewers")
    return qs if sees_everything(user) else qs.filter(team_id__in=managed_team_ids(user))


def sampling_plan_for(*, actor: User, plan_id: int) -> SamplingPlan:
    return first_or_not_found(sampling_plans_visible_to(actor).filter(pk=plan_id), gettext("Sampling plan not found."))


# ---- samples, assignments, reviews --------------------------------------------------------------
def samples_visible_to(user: User) -> QuerySet[SampledCall]:
    """Samples of calls the user may see (own / managed team's / all) plus those they review."""
    qs = SampledCall.objects.select_related("call", "rep", "version__scorecard", "call__lead")
    if sees_everything(user):
        return qs
    mine = ReviewAssignment.objects.filter(sampled_call=OuterRef("pk"), reviewer=user)
    return qs.filter(Q(pk__in=scope_by_user(SampledCall.objects.all(), user, "rep").values("pk")) | Q(Exists(mine)))


def sample_for(*, actor: User, sample_id: int) -> SampledCall:
    return first_or_not_found(samples_visible_to(actor).filter(pk=sample_id), gettext("Sampled call not found."))


def review_queue(user: User) -> QuerySet[ReviewAssignment]:
    """Calls waiting for this reviewer's score."""
    return (
        ReviewAssignment.objects.filter(reviewer=user, review__isnull=True)
        .select_related("sampled_call__call__lead", "sampled_call__rep", "sampled_call__version__scorecard")
        .order_by("assigned_at", "id")
    )


def assignments_for(user: User) -> QuerySet[ReviewAssignment]:
    """The user's own review assignments, scored or not (nobody sees another reviewer's)."""
    return ReviewAssignment.objects.filter(reviewer=user).select_related("review").order_by("assigned_at", "id")


def assignment_for(*, actor: User, assignment_id: int) -> ReviewAssignment:
    """The actor's own assignment (nobody scores on another reviewer's behalf)."""
    assignments = ReviewAssignment.objects.filter(pk=assignment_id, reviewer=actor).select_related(
        "sampled_call__call__lead", "sampled_call__rep", "sampled_call__version")
    return first_or_not_found(assignments, gettext("Review assignment not found."))


def reviews_visible_to(user: User) -> QuerySet[Review]:
    """Individual reviews the user may read without breaking blindness."""
    qs = Review.objects.select_related(
        "assignment__reviewer", "assignment__sampled_call", "version__scorecard"
    ).prefetch_related("scores__criterion")
    own = Q(assignment__reviewer=user)
    submitted_own = Exists(
        Review.objects.filter(assignment__sampled_call=OuterRef("assignment__sampled_call"), assignment__reviewer=user)
    )
    complete = Q(assignment__sampled_call__completed_at__isnull=False)
    visible_samples = samples_visible_to(user).values("pk")
    return qs.filter(own | Q(submitted_own) | (complete & Q(assignment__sampled_call__in=visible_samples)))


def reviews_of_sample(user: User, sample: SampledCall) -> list[Review]:
    return list(reviews_visible_to(user).filter(assignment__sampled_call=sample).order_by("submitted_at", "id"))


# ---- results ------------------------------------------------------------------------------------
def completed_samples(user: User, *, rep_id: int | None = None, team_id: int | None = None,
                      since: dt.date | None = None) -> QuerySet[SampledCall]:
    qs = samples_visible_to(user).filter(completed_at__isnull=False)
    if is_rep(user):
        qs = qs.filter(rep=user)  # a rep reviewing a teammate's call still sees only own results here
    if rep_id:
        qs = qs.filter(rep_id=rep_id)
    if team_id:
        qs = qs.filter(rep__team_id=team_id)
    if since:
        qs = qs.filter(week__gte=since)
    return qs.order_by("week", "id")


def criterion_scores(samples: QuerySet[SampledCall]) -> QuerySet[ReviewScore]:
    """Per-criterion scores of every review of these (completed) samples, for charts."""
    return ReviewScore.objects.filter(review__assignment__sampled_call__in=samples.values("pk")).values(
        "review__assignment__sampled_call__week",
        "review__assignment__sampled_call__rep_id",
        "criterion__key",
        "criterion__name",
        "criterion__name_i18n",
        "criterion__scale_max",
        "score",
        "lost_points",
    )


def pareto_for(samples: QuerySet[SampledCall]) -> list[domain.ParetoRow]:
    rows = criterion_scores(samples)
    names: dict[str, str] = {}
    per_review: list[dict[str, Decimal]] = []
    for r in rows:
        names[r["criterion__key"]] = pick(r["criterion__name"], r["criterion__name_i18n"])
        per_review.append({r["criterion__key"]: r["lost_points"]})
    return [domain.ParetoRow(key=names.get(p.key, p.key), lost=p.lost, share=p.share, cumulative=p.cumulative)
            for p in domain.pareto(per_review)]


@dataclass(frozen=True)
class QaReport:
    """QA results over a look-back: the per-call table and the frames the pages, charts and API
    show from it."""

    totals: pd.DataFrame
    by_week: pd.DataFrame
    by_criterion: pd.DataFrame
    teams: pd.DataFrame
    reps: pd.DataFrame
    pareto: list[domain.ParetoRow]

    @property
    def count(self) -> int:
        return len(self.totals)

    @property
    def average(self) -> float | None:
        return round(float(self.totals["result_total"].mean()), 1) if self.count else None


def qa_report(user: User, *, weeks: int, rep_id: int | None = None, team_id: int | None = None,
              today: dt.date | None = None) -> QaReport:
    """Completed QA results the user may see over the last `weeks` weeks (a rep: own calls only),
    per rep by week, per criterion by week, per team, per rep, and the Pareto of lost points."""
    since = domain.week_start(today or timezone.localdate()) - dt.timedelta(weeks=weeks)
    qs = completed_samples(user, rep_id=rep_id, team_id=team_id, since=since)
    totals = reports.totals_frame([
        {"week": r["week"], "rep_id": r["rep_id"], "rep": r["rep__full_name"] or r["rep__username"],
         "team": r["rep__team__name"] or "—", "result_total": r["result_total"]}
        for r in qs.values("week", "rep_id", "rep__full_name", "rep__username", "rep__team__name", "result_total")
    ])
    crit = [
        {"week": r["review__assignment__sampled_call__week"], "rep_id": r["review__assignment__sampled_call__rep_id"],
         "criterion": pick(r["criterion__name"], r["criterion__name_i18n"]), "score": r["score"], "scale_max": r["criterion__scale_max"]}
        for r in criterion_scores(qs)
    ]
    return QaReport(totals=totals, by_week=reports.weekly_by_rep(totals), by_criterion=reports.criterion_weekly(crit),
                    teams=reports.team_averages(totals), reps=reports.rep_averages(totals), pareto=pareto_for(qs))


# ---- improvement plans --------------------------------------------------------------------------
def plans_visible_to(user: User) -> QuerySet[ImprovementPlan]:
    qs = ImprovementPlan.objects.select_related("rep", "manager").prefetch_related("items", "check_ins")
    return scope_by_user(qs, user, "rep").annotate(last_check_in=Max("check_ins__date"))


def plan_for(*, actor: User, plan_id: int) -> ImprovementPlan:
    return first_or_not_found(plans_visible_to(actor).filter(pk=plan_id), gettext("Improvement plan not found."))


def overdue_check_ins(user: User, *, today: dt.date | None = None) -> list[ImprovementPlan]:
    """Open plans whose next check-in date has passed, for the manager's page."""
    today = today or timezone.localdate()
    plans = plans_visible_to(user).filter(closed_at__isnull=True).exclude(rep=user)
    due = []
    for plan in plans:
        plan.next_check_in = domain.next_check_in_due(
            start=plan.start_date, last_check_in=plan.last_check_in, every_days=plan.check_in_every_days
        )
        if today > plan.next_check_in:
            due.append(plan)
    return due


def coachable_reps(user: User) -> QuerySet[User]:
    """Active reps the user may see, for the pickers of plans and one-to-ones."""
    return (visible_users(user).filter(role=Role.REP, is_active=True).select_related("team")
            .order_by("team__name", "username"))


# ---- one-to-ones --------------------------------------------------------------------------------
def notes_visible_to(user: User) -> QuerySet[OneToOneNote]:
    """Only the rep (not private ones), the rep's managers and admins; integrations do not read
    one-to-ones."""
    qs = OneToOneNote.objects.select_related("rep", "author").prefetch_related("action_items")
    if is_admin(user):
        return qs
    if is_manager(user):
        return qs.filter(Q(rep__team_id__in=managed_team_ids(user)) | Q(author=user))
    if is_rep(user):
        return qs.filter(rep=user, private=False)
    return qs.none()


def action_items_visible_to(user: User) -> QuerySet[ActionItem]:
    """Follow-up tasks of the one-to-ones the user may see, and the user's own."""
    notes = notes_visible_to(user).values("pk")
    return ActionItem.objects.filter(Q(note__in=notes) | Q(owner=user))


def open_action_items(user: User) -> QuerySet[ActionItem]:
    """The follow-up tasks the user still has to do."""
    return ActionItem.objects.filter(owner=user, done_at__isnull=True).select_related("note").order_by("due_on")


def note_for(*, actor: User, note_id: int) -> OneToOneNote:
    return first_or_not_found(notes_visible_to(actor).filter(pk=note_id), gettext("Note not found."))


# ---- team stage ---------------------------------------------------------------------------------
def scope_teams_for(user: User) -> QuerySet[Team]:
    """Teams the user may see (a rep: their own)."""
    return scope_teams(Team.objects.all(), user).order_by("name")


def team_stages(user: User, *, today: dt.date | None = None) -> list[tuple[Team, domain.StageInfo]]:
    today = today or timezone.localdate()
    teams = scope_teams(Team.objects.all(), user).order_by("name")
    return [(t, domain.stage_for_age(founded_on=t.founded_on, today=today, override=t.stage_override)) for t in teams]
