"""Coaching pages: review queue and blind scoring form, QA results, scorecards, sampling plans,
improvement plans, one-to-one notes, team stage. Views parse (coaching.forms), call a service
or selector, render; a refused form or write comes back as a message with nothing written."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import can_manage, can_manage_user, is_admin, is_rep, scope_teams, visible_users
from accounts.models import Team, TeamStage
from coaching import charts, domain, forms, selectors, services
from telesales.errors import DomainError
from telesales.pages import found
from telesales.params import bad_query


def require_coach(request) -> None:
    if not can_manage(request.user):
        raise Http404


def refused(request, form: forms.PageForm) -> None:
    for line in form.error_lines():
        messages.error(request, line)


# ---- hub ----------------------------------------------------------------------------------------
@login_required
def index(request):
    """Coaching start page: my review queue; reps see their results and plan; managers see
    overdue check-ins, open plans, calls needing calibration and each team's stage."""
    user = request.user
    ctx = {"queue": list(selectors.review_queue(user)[:50]), "is_coach": can_manage(user), "is_rep": is_rep(user),
           "today": timezone.localdate()}
    if ctx["is_rep"]:
        ctx["my_results"] = list(selectors.completed_samples(user).filter(rep=user).order_by("-completed_at")[:20])
        ctx["my_plan"] = selectors.plans_visible_to(user).filter(rep=user, closed_at__isnull=True).first()
        ctx["my_actions"] = list(selectors.open_action_items(user))
    if ctx["is_coach"]:
        ctx["overdue"] = selectors.overdue_check_ins(user)
        ctx["open_plans"] = list(selectors.plans_visible_to(user).filter(closed_at__isnull=True).exclude(rep=user)[:50])
        ctx["calibration"] = list(
            selectors.samples_visible_to(user).filter(needs_calibration=True).order_by("-completed_at")[:20]
        )
        ctx["stages"] = [(team, info, TeamStage(info.stage).label) for team, info in selectors.team_stages(user)]
        ctx["stage_choices"] = TeamStage.choices
    return render(request, "coaching/index.html", ctx)


@login_required
@require_POST
def team_stage(request, team_id: int):
    form = forms.TeamStageForm(request.POST)
    if not form.is_valid():
        refused(request, form)
        return redirect("coaching:index")
    try:
        team = services.set_team_stage(actor=request.user, team_id=team_id, stage=form.cleaned_data["stage"])
        messages.success(request, _("Stage of %(team)s saved.") % {"team": team.name})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("coaching:index")


# ---- reviewing ----------------------------------------------------------------------------------
@login_required
def review(request, assignment_id: int):
    """The blind scoring form: the call and the scorecard, never another reviewer's scores."""
    assignment = found(selectors.assignment_for, actor=request.user, assignment_id=assignment_id)
    sample = assignment.sampled_call
    if hasattr(assignment, "review"):
        return redirect("coaching:sample", sample_id=sample.pk)
    criteria = list(sample.version.criteria.all())
    form = forms.ReviewForm(request.POST or None, criteria=criteria)
    if form.is_bound and not form.is_valid():
        refused(request, form)
    elif form.is_bound:
        try:
            services.submit_review(actor=request.user, assignment_id=assignment.pk, scores=form.scores(),
                                   comment=form.cleaned_data["comment"].strip())
            messages.success(request, _("Your review is saved."))
            return redirect("coaching:sample", sample_id=sample.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    rows = [{"c": c, "value": form.data.get(f"score-{c.key}", ""), "range": range(c.scale_max + 1)} for c in criteria]
    return render(request, "coaching/review.html", {"assignment": assignment, "sample": sample, "rows": rows})


@login_required
def sample(request, sample_id: int):
    """One sampled call: its result once complete and the reviews the viewer may see (blind)."""
    s = found(selectors.sample_for, actor=request.user, sample_id=sample_id)
    if request.method == "POST":
        _assign_reviewer(request, s)
        return redirect("coaching:sample", sample_id=s.pk)
    assignments = list(s.assignments.select_related("reviewer").order_by("id"))
    reviews = selectors.reviews_of_sample(request.user, s)
    table = [{"c": c, "scores": [next((x.score for x in r.scores.all() if x.criterion_id == c.pk), None)
                                 for r in reviews]} for c in s.version.criteria.all()]
    manages = can_manage_user(request.user, s.rep)
    mine = next((a for a in assignments if a.reviewer_id == request.user.pk), None)
    return render(request, "coaching/sample.html", {
        "s": s, "assignments": assignments, "reviews": reviews, "table": table, "mine": mine,
        "my_pending": mine is not None and not any(r.assignment_id == mine.pk for r in reviews),
        "show_result": s.is_complete and (request.user.pk == s.rep_id or manages or mine is not None),
        "can_manage": manages, "candidates": _reviewer_candidates(request.user, s) if manages else [],
        "submitted": len(reviews) if s.is_complete else None,
        "pending_count": len(assignments) - (len(reviews) if s.is_complete else 0),
    })


def _reviewer_candidates(user, s):
    return visible_users(user).filter(is_active=True).exclude(pk=s.rep_id).order_by("username")


def _assign_reviewer(request, s) -> None:
    form = forms.AssignReviewerForm(request.POST, people=_reviewer_candidates(request.user, s))
    if not form.is_valid():
        refused(request, form)
        return
    try:
        services.assign_reviewer(actor=request.user, sample_id=s.pk, reviewer=form.cleaned_data["reviewer"])
        messages.success(request, _("Reviewer assigned."))
    except DomainError as exc:
        messages.error(request, exc.message)


@login_required
def samples(request):
    """Sampled calls of the teams the manager runs, newest week first."""
    require_coach(request)
    qs = selectors.samples_visible_to(request.user).prefetch_related("assignments__reviewer", "assignments__review")
    query = forms.SamplesQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    week = query.cleaned_data["week"]
    if week:
        qs = qs.filter(week=domain.week_start(week))
    return render(request, "coaching/samples.html", {"samples": list(qs.order_by("-week", "id")[:200])})


# ---- results ------------------------------------------------------------------------------------
@login_required
def results(request):
    """QA results over time per rep and per criterion, team averages, Pareto of lost points.
    A rep sees only their own calls; a manager their teams."""
    user = request.user
    query = forms.ResultsQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    weeks = query.cleaned_data["weeks"] or 12
    rep_id, team_id = query.cleaned_data["rep"], query.cleaned_data["team"]
    report = selectors.qa_report(user, weeks=weeks, rep_id=rep_id, team_id=team_id)
    ctx = {
        "count": report.count, "weeks": weeks, "rep_id": rep_id, "team_id": team_id,
        "reps": selectors.coachable_reps(user) if can_manage(user) else [],
        "teams_list": scope_teams(Team.objects.all(), user) if can_manage(user) else [],
        "team_rows": report.teams.to_dict("records"), "rep_rows": report.reps.to_dict("records"),
        "pareto": report.pareto,
    }
    if report.count:
        ctx["chart_reps"] = charts.results_over_time(report.by_week, _("QA result per rep by week"))
        ctx["chart_criteria"] = charts.criteria_over_time(report.by_criterion, _("Criteria (% of scale) by week"))
        ctx["chart_teams"] = charts.team_bars(report.teams, _("Team averages"))
        ctx["chart_pareto"] = charts.pareto_chart(report.pareto, _("Where points are lost (Pareto)"))
    return render(request, "coaching/results.html", ctx)


# ---- scorecards ---------------------------------------------------------------------------------
def _criterion_rows(criteria=(), form: forms.ScorecardForm | None = None) -> list[dict]:
    """The criteria table: what was typed when a form comes back, else the saved criteria."""
    if form is not None and form.is_bound:
        return [{"i": i, **{f: row.data.get(row.add_prefix(f), "") for f in forms.CriterionForm.base_fields}}
                for i, row in enumerate(form.rows)]
    rows = [{"key": c.key, "name": c.name, "weight": c.weight, "scale_max": c.scale_max, "critical": c.critical,
             "pass_score": c.pass_score} for c in criteria]
    blank = {"key": "", "name": "", "weight": "", "scale_max": 5, "critical": False, "pass_score": 1}
    rows += [blank] * (forms.CRITERION_ROWS - len(rows))
    return [dict(r, i=i) for i, r in enumerate(rows[:forms.CRITERION_ROWS])]


def _scorecard_args(form: forms.ScorecardForm) -> dict:
    d = form.cleaned_data
    return {"name": d["name"], "criteria": form.row_values(), "critical_cap": d["critical_cap"],
            "calibration_threshold": d["calibration_threshold"]}


@login_required
def scorecards(request):
    require_coach(request)
    teams = scope_teams(Team.objects.all(), request.user)
    form = forms.ScorecardForm(request.POST or None, teams=teams)
    if form.is_bound:
        if not form.is_valid():
            refused(request, form)
        else:
            try:
                card = services.create_scorecard(actor=request.user, team=form.cleaned_data["team"],
                                                 **_scorecard_args(form))
                messages.success(request, _("Scorecard “%(name)s” created.") % {"name": card.name})
                return redirect("coaching:scorecards")
            except DomainError as exc:
                messages.error(request, exc.message)
    cards = list(selectors.scorecards_visible_to(request.user))
    for card in cards:
        card.current = max(card.versions.all(), key=lambda v: v.number, default=None)
    return render(request, "coaching/scorecards.html", {
        "cards": cards, "teams": teams, "rows": _criterion_rows(form=form), "is_admin": is_admin(request.user),
        "post": form.data,
    })


@login_required
def scorecard_edit(request, scorecard_id: int):
    require_coach(request)
    card = found(selectors.scorecard_for, actor=request.user, scorecard_id=scorecard_id)
    form = forms.ScorecardForm(request.POST or None)
    if form.is_bound:
        if not form.is_valid():
            refused(request, form)
        else:
            try:
                version = services.edit_scorecard(actor=request.user, scorecard_id=card.pk, **_scorecard_args(form))
                messages.success(request, _("Saved as version %(n)s.") % {"n": version.number})
                return redirect("coaching:scorecards")
            except DomainError as exc:
                messages.error(request, exc.message)
    version = services.current_version(card)
    return render(request, "coaching/scorecard_edit.html", {
        "card": card, "version": version, "rows": _criterion_rows(version.criteria.all(), form),
        "versions": card.versions.order_by("-number"),
    })


# ---- sampling -----------------------------------------------------------------------------------
@login_required
def sampling(request):
    require_coach(request)
    user = request.user
    teams, cards = scope_teams(Team.objects.all(), user), selectors.scorecards_visible_to(user)
    people = visible_users(user).filter(is_active=True).order_by("username")
    form = forms.SamplingPlanForm(request.POST or None, teams=teams, scorecards=cards, people=people)
    if form.is_bound:
        if not form.is_valid():
            refused(request, form)
        else:
            try:
                services.create_sampling_plan(actor=user, **form.cleaned_data)
                messages.success(request, _("Sampling plan created."))
                return redirect("coaching:sampling")
            except DomainError as exc:
                messages.error(request, exc.message)
    this_week = domain.week_start(timezone.localdate())
    return render(request, "coaching/sampling.html", {
        "plans": list(selectors.sampling_plans_visible_to(user).prefetch_related("runs")),
        "teams": teams, "cards": cards, "people": people,
        "this_week": this_week, "last_week": this_week - dt.timedelta(days=7),
    })


@login_required
@require_POST
def sampling_run(request, plan_id: int):
    """The on-demand button: sample the chosen week now."""
    form = forms.SamplingRunForm(request.POST)
    if not form.is_valid():
        refused(request, form)
        return redirect("coaching:sampling")
    try:
        plan = selectors.sampling_plan_for(actor=request.user, plan_id=plan_id)
        run, created = services.run_sampling(plan_id=plan.pk, week=form.cleaned_data["week"], actor=request.user)
        if created:
            messages.success(request, _("%(n)s calls sampled for the week of %(week)s.") % {"n": run.sampled, "week": run.week})
        else:
            messages.info(request, _("The week of %(week)s was already sampled (%(n)s calls).") % {
                "week": run.week, "n": run.sampled})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("coaching:sampling")
