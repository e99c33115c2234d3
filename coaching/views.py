"""Coaching pages: review queue and blind scoring form, QA results, scorecards, sampling plans,
improvement plans, one-to-one notes, team stage. Views parse, call a service or selector, render."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import can_manage, can_manage_user, is_admin, is_rep, scope_teams, visible_users
from accounts.models import Role, Team, TeamStage, User
from coaching import charts, domain, reports, selectors, services
from coaching.forms import NotesQueryForm, PlansQueryForm, ResultsQueryForm, SamplesQueryForm
from coaching.models import ActionItem, PlanOutcome, PlanSource, Support
from telesales import params
from telesales.errors import DomainError
from telesales.params import bad_query

CRITERION_ROWS = 8
ITEM_ROWS = 5


def _require_coach(request) -> None:
    if not can_manage(request.user):
        raise Http404


def _date(value: str, label: str) -> dt.date:
    try:
        parsed = parse_date(value or "")
    except ValueError:
        parsed = None
    if parsed is None or not params.MIN_DATE <= parsed <= params.MAX_DATE:
        raise DomainError(_("%(label)s: enter a date as YYYY-MM-DD between %(min)s and %(max)s.")
                          % {"label": label, "min": params.MIN_DATE, "max": params.MAX_DATE})
    return parsed


def _int(value: str, label: str, default: int | None = None) -> int:
    if (value is None or value == "") and default is not None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DomainError(_("%(label)s must be a whole number.") % {"label": label}) from None


def _decimal(value: str, label: str, default: Decimal | None = None) -> Decimal:
    if (value is None or value == "") and default is not None:
        return default
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("%(label)s must be a number.") % {"label": label}) from None


def _user_in_scope(request, user_id: str) -> User:
    user = visible_users(request.user).filter(pk=_int(user_id, _("Person"))).first()
    if user is None:
        raise DomainError(_("Pick someone from the list."))
    return user


def _team_reps(user: User):
    return visible_users(user).filter(role=Role.REP, is_active=True).select_related("team").order_by("team__name", "username")


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
        ctx["my_actions"] = list(
            ActionItem.objects.filter(owner=user, done_at__isnull=True).select_related("note").order_by("due_on")
        )
    if ctx["is_coach"]:
        ctx["overdue"] = selectors.overdue_check_ins(user)
        ctx["open_plans"] = list(selectors.plans_visible_to(user).filter(closed_at__isnull=True).exclude(rep=user)[:50])
        ctx["calibration"] = list(
            selectors.samples_visible_to(user).filter(needs_calibration=True).order_by("-completed_at")[:20]
        )
        ctx["stages"] = selectors.team_stages(user)
        ctx["stage_choices"] = TeamStage.choices
    return render(request, "coaching/index.html", ctx)


@login_required
@require_POST
def team_stage(request, team_id: int):
    try:
        team = services.set_team_stage(actor=request.user, team_id=team_id, stage=request.POST.get("stage", ""))
        messages.success(request, _("Stage of %(team)s saved.") % {"team": team.name})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("coaching:index")


# ---- reviewing ----------------------------------------------------------------------------------
@login_required
def review(request, assignment_id: int):
    """The blind scoring form: the call and the scorecard, never another reviewer's scores."""
    try:
        assignment = selectors.assignment_for(actor=request.user, assignment_id=assignment_id)
    except DomainError:
        raise Http404 from None
    sample = assignment.sampled_call
    if hasattr(assignment, "review"):
        return redirect("coaching:sample", sample_id=sample.pk)
    criteria = list(sample.version.criteria.all())
    values: dict[str, str] = {}
    if request.method == "POST":
        values = {c.key: request.POST.get(f"score-{c.key}", "") for c in criteria}
        try:
            scores = {k: _int(v, k) for k, v in values.items() if v != ""}
            services.submit_review(actor=request.user, assignment_id=assignment.pk, scores=scores,
                                   comment=request.POST.get("comment", "").strip())
            messages.success(request, _("Your review is saved."))
            return redirect("coaching:sample", sample_id=sample.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    rows = [{"c": c, "value": values.get(c.key, ""), "range": range(c.scale_max + 1)} for c in criteria]
    return render(request, "coaching/review.html", {"assignment": assignment, "sample": sample, "rows": rows})


@login_required
def sample(request, sample_id: int):
    """One sampled call: its result once complete and the reviews the viewer may see (blind)."""
    try:
        s = selectors.sample_for(actor=request.user, sample_id=sample_id)
    except DomainError:
        raise Http404 from None
    if request.method == "POST":
        try:
            reviewer = _user_in_scope(request, request.POST.get("reviewer", ""))
            services.assign_reviewer(actor=request.user, sample_id=s.pk, reviewer=reviewer)
            messages.success(request, _("Reviewer assigned."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("coaching:sample", sample_id=s.pk)
    assignments = list(s.assignments.select_related("reviewer").order_by("id"))
    reviews = selectors.reviews_of_sample(request.user, s)
    criteria = list(s.version.criteria.all())
    table = []
    for c in criteria:
        table.append({"c": c, "scores": [next((x.score for x in r.scores.all() if x.criterion_id == c.pk), None)
                                         for r in reviews]})
    manages = can_manage_user(request.user, s.rep)
    mine = next((a for a in assignments if a.reviewer_id == request.user.pk), None)
    ctx = {
        "s": s, "assignments": assignments, "reviews": reviews, "table": table, "mine": mine,
        "my_pending": mine is not None and not any(r.assignment_id == mine.pk for r in reviews),
        "show_result": s.is_complete and (request.user.pk == s.rep_id or manages or mine is not None),
        "can_manage": manages,
        "candidates": visible_users(request.user).filter(is_active=True).exclude(pk=s.rep_id).order_by("username")
        if manages else [],
        "submitted": len(reviews) if s.is_complete else None,
        "pending_count": sum(1 for a in assignments) - (len(reviews) if s.is_complete else 0),
    }
    return render(request, "coaching/sample.html", ctx)


@login_required
def samples(request):
    """Sampled calls of the teams the manager runs, newest week first."""
    _require_coach(request)
    qs = selectors.samples_visible_to(request.user).prefetch_related("assignments__reviewer", "assignments__review")
    query = SamplesQueryForm(request.GET)
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
    query = ResultsQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    weeks = query.cleaned_data["weeks"] or 12
    rep_id, team_id = query.cleaned_data["rep"], query.cleaned_data["team"]
    since = domain.week_start(timezone.localdate()) - dt.timedelta(weeks=weeks)
    qs = selectors.completed_samples(user, rep_id=rep_id, team_id=team_id, since=since)
    rows = [
        {"week": r["week"], "rep_id": r["rep_id"], "rep": r["rep__full_name"] or r["rep__username"],
         "team": r["rep__team__name"] or "—", "result_total": r["result_total"]}
        for r in qs.values("week", "rep_id", "rep__full_name", "rep__username", "rep__team__name", "result_total")
    ]
    df = reports.totals_frame(rows)
    crit_rows = [
        {"week": r["review__assignment__sampled_call__week"], "rep_id": r["review__assignment__sampled_call__rep_id"],
         "criterion": r["criterion__name"], "score": r["score"], "scale_max": r["criterion__scale_max"]}
        for r in selectors.criterion_scores(qs)
    ]
    by_rep = reports.weekly_by_rep(df)
    by_criterion = reports.criterion_weekly(crit_rows)
    teams = reports.team_averages(df)
    pareto = selectors.pareto_for(qs)
    ctx = {
        "count": len(df), "weeks": weeks, "rep_id": rep_id, "team_id": team_id,
        "reps": _team_reps(user) if can_manage(user) else [],
        "teams_list": scope_teams(Team.objects.all(), user) if can_manage(user) else [],
        "team_rows": teams.to_dict("records"), "rep_rows": reports.rep_averages(df).to_dict("records"),
        "pareto": pareto,
    }
    if len(df):
        ctx["chart_reps"] = charts.results_over_time(by_rep, _("QA result per rep by week"))
        ctx["chart_criteria"] = charts.criteria_over_time(by_criterion, _("Criteria (% of scale) by week"))
        ctx["chart_teams"] = charts.team_bars(teams, _("Team averages"))
        ctx["chart_pareto"] = charts.pareto_chart(pareto, _("Where points are lost (Pareto)"))
    return render(request, "coaching/results.html", ctx)


# ---- scorecards ---------------------------------------------------------------------------------
def _criteria_from_post(post) -> list[dict]:
    out = []
    for i in range(CRITERION_ROWS):
        name = post.get(f"c{i}-name", "").strip()
        if not name:
            continue
        out.append({
            "key": slugify(post.get(f"c{i}-key", "").strip() or name) or f"c{i}",
            "name": name,
            "weight": _decimal(post.get(f"c{i}-weight"), name),
            "scale_max": _int(post.get(f"c{i}-scale"), name, 5),
            "critical": bool(post.get(f"c{i}-critical")),
            "pass_score": _int(post.get(f"c{i}-pass"), name, 1),
        })
    return out


def _criterion_rows(criteria) -> list[dict]:
    rows = [{"key": c.key, "name": c.name, "weight": c.weight, "scale": c.scale_max, "critical": c.critical,
             "pass": c.pass_score} for c in criteria]
    rows += [{"key": "", "name": "", "weight": "", "scale": 5, "critical": False, "pass": 1}] * (CRITERION_ROWS - len(rows))
    return [dict(r, i=i) for i, r in enumerate(rows[:CRITERION_ROWS])]


@login_required
def scorecards(request):
    _require_coach(request)
    teams = scope_teams(Team.objects.all(), request.user)
    if request.method == "POST":
        try:
            team_id = request.POST.get("team")
            team = teams.filter(pk=_int(team_id, _("Team"))).first() if team_id else None
            if team_id and team is None:
                raise DomainError(_("Pick one of your teams."))
            card = services.create_scorecard(
                actor=request.user, name=request.POST.get("name", ""), team=team,
                criteria=_criteria_from_post(request.POST),
                critical_cap=_decimal(request.POST.get("critical_cap"), _("Critical cap"), Decimal(0)),
                calibration_threshold=_decimal(request.POST.get("calibration_threshold"), _("Calibration threshold"),
                                               Decimal(15)),
            )
            messages.success(request, _("Scorecard “%(name)s” created.") % {"name": card.name})
            return redirect("coaching:scorecards")
        except DomainError as exc:
            messages.error(request, exc.message)
    cards = list(selectors.scorecards_visible_to(request.user))
    for card in cards:
        card.current = max(card.versions.all(), key=lambda v: v.number, default=None)
    return render(request, "coaching/scorecards.html", {
        "cards": cards, "teams": teams, "rows": _criterion_rows([]), "is_admin": is_admin(request.user),
    })


@login_required
def scorecard_edit(request, scorecard_id: int):
    _require_coach(request)
    try:
        card = selectors.scorecard_for(actor=request.user, scorecard_id=scorecard_id)
    except DomainError:
        raise Http404 from None
    if request.method == "POST":
        try:
            version = services.edit_scorecard(
                actor=request.user, scorecard_id=card.pk, criteria=_criteria_from_post(request.POST),
                name=request.POST.get("name", ""),
                critical_cap=_decimal(request.POST.get("critical_cap"), _("Critical cap"), Decimal(0)),
                calibration_threshold=_decimal(request.POST.get("calibration_threshold"), _("Calibration threshold"),
                                               Decimal(15)),
            )
            messages.success(request, _("Saved as version %(n)s.") % {"n": version.number})
            return redirect("coaching:scorecards")
        except DomainError as exc:
            messages.error(request, exc.message)
    version = services.current_version(card)
    return render(request, "coaching/scorecard_edit.html", {
        "card": card, "version": version, "rows": _criterion_rows(list(version.criteria.all())),
        "versions": card.versions.order_by("-number"),
    })


# ---- sampling -----------------------------------------------------------------------------------
@login_required
def sampling(request):
    _require_coach(request)
    teams = scope_teams(Team.objects.all(), request.user)
    if request.method == "POST":
        try:
            team = teams.filter(pk=_int(request.POST.get("team"), _("Team"))).first()
            if team is None:
                raise DomainError(_("Pick one of your teams."))
            card = selectors.scorecards_visible_to(request.user).filter(
                pk=_int(request.POST.get("scorecard"), _("Scorecard"))).first()
            if card is None:
                raise DomainError(_("Pick a scorecard."))
            reviewer_ids = [_int(x, _("Reviewer")) for x in request.POST.getlist("reviewers")]
            reviewers = list(visible_users(request.user).filter(pk__in=reviewer_ids))
            p = request.POST
            services.create_sampling_plan(
                actor=request.user, team=team, scorecard=card, reviewers=reviewers,
                new_hire_rate=_decimal(p.get("new_hire_rate"), _("New-hire rate"), Decimal("0.3")),
                top_rate=_decimal(p.get("top_rate"), _("Top-performer rate"), Decimal("0.05")),
                regular_rate=_decimal(p.get("regular_rate"), _("Rate for everyone else"), Decimal("0.1")),
                min_per_rep=_int(p.get("min_per_rep"), _("Minimum per rep"), 1),
                new_hire_days=_int(p.get("new_hire_days"), _("New-hire days"), 90),
                seed=_int(p.get("seed"), _("Seed"), 0),
                min_duration_seconds=_int(p.get("min_duration_seconds"), _("Minimum duration"), 60),
                reviewers_per_call=_int(p.get("reviewers_per_call"), _("Reviewers per call"), 2),
                prefer_recording=bool(p.get("prefer_recording")),
            )
            messages.success(request, _("Sampling plan created."))
            return redirect("coaching:sampling")
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "coaching/sampling.html", {
        "plans": list(selectors.sampling_plans_visible_to(request.user).prefetch_related("runs")),
        "teams": teams, "cards": selectors.scorecards_visible_to(request.user),
        "people": visible_users(request.user).filter(is_active=True).order_by("username"),
        "this_week": domain.week_start(timezone.localdate()),
        "last_week": domain.week_start(timezone.localdate()) - dt.timedelta(days=7),
    })


@login_required
@require_POST
def sampling_run(request, plan_id: int):
    """The on-demand button: sample the chosen week now."""
    try:
        plan = selectors.sampling_plan_for(actor=request.user, plan_id=plan_id)
        week = _date(request.POST.get("week", ""), _("Week"))
        run, created = services.run_sampling(plan_id=plan.pk, week=week, actor=request.user)
        if created:
            messages.success(request, _("%(n)s calls sampled for the week of %(week)s.") % {"n": run.sampled, "week": run.week})
        else:
            messages.info(request, _("The week of %(week)s was already sampled (%(n)s calls).") % {
                "week": run.week, "n": run.sampled})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("coaching:sampling")


# ---- improvement plans --------------------------------------------------------------------------
@login_required
def plans(request):
    query = PlansQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    qs = selectors.plans_visible_to(request.user)
    show = query.cleaned_data["show"] or "open"
    if show == "open":
        qs = qs.filter(closed_at__isnull=True)
    return render(request, "coaching/plans.html", {"plans": list(qs[:200]), "show": show,
                                                   "is_coach": can_manage(request.user)})


@login_required
def plan_new(request):
    _require_coach(request)
    reps = _team_reps(request.user)
    initial = {"rep": request.GET.get("rep", ""), "source_kind": request.GET.get("source_kind", PlanSource.MANUAL),
               "source_ref": request.GET.get("source_ref", "")}
    if request.method == "POST":
        p = request.POST
        initial = p
        try:
            rep = reps.filter(pk=_int(p.get("rep"), _("Rep"))).first()
            if rep is None:
                raise DomainError(_("Pick one of your reps."))
            items = []
            for i in range(ITEM_ROWS):
                what = p.get(f"i{i}-what", "").strip()
                if not what:
                    continue
                items.append({"what": what, "measure": p.get(f"i{i}-measure", ""), "target": p.get(f"i{i}-target", ""),
                              "due": _date(p.get(f"i{i}-due", ""), _("Item %(n)s due") % {"n": i + 1})})
            plan = services.start_plan(
                actor=request.user, rep=rep, title=p.get("title", ""), items=items, support=p.getlist("support"),
                source_kind=p.get("source_kind", PlanSource.MANUAL), source_ref=p.get("source_ref", "")[:200],
                check_in_every_days=_int(p.get("check_in_every_days"), _("Check-in interval"), 7),
            )
            messages.success(request, _("Improvement plan started."))
            return redirect("coaching:plan", plan_id=plan.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    today = timezone.localdate()
    return render(request, "coaching/plan_new.html", {
        "reps": reps, "initial": initial, "sources": PlanSource.choices, "supports": Support.choices,
        "item_rows": range(ITEM_ROWS), "default_due": today + dt.timedelta(days=services.PLAN_DAYS),
        "post": request.POST if request.method == "POST" else {},
    })


@login_required
def plan(request, plan_id: int):
    try:
        p = selectors.plan_for(actor=request.user, plan_id=plan_id)
    except DomainError:
        raise Http404 from None
    p.next_check_in = domain.next_check_in_due(start=p.start_date, last_check_in=p.last_check_in,
                                               every_days=p.check_in_every_days)
    today = timezone.localdate()
    return render(request, "coaching/plan.html", {
        "p": p, "is_rep": p.rep_id == request.user.pk, "overdue": p.is_open and today > p.next_check_in,
        "can_manage": can_manage_user(request.user, p.rep) and p.rep_id != request.user.pk, "outcomes": PlanOutcome.choices,
        "today": today, "review_due": today >= p.review_date,
    })


@login_required
@require_POST
def plan_action(request, plan_id: int, action: str):
    user, post = request.user, request.POST
    try:
        if action == "acknowledge":
            services.acknowledge_plan(actor=user, plan_id=plan_id)
            messages.success(request, _("Thank you, your plan is acknowledged."))
        elif action == "check-in":
            date = _date(post.get("date"), _("Date")) if post.get("date") else None
            services.record_check_in(actor=user, plan_id=plan_id, progress_note=post.get("progress_note", ""), date=date)
            messages.success(request, _("Check-in recorded."))
        elif action == "outcome":
            services.record_outcome(actor=user, plan_id=plan_id, outcome=post.get("outcome", ""),
                                    note=post.get("note", ""))
            messages.success(request, _("Outcome recorded."))
        else:
            raise Http404
    except DomainError as exc:
        if exc.status_code == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    return redirect("coaching:plan", plan_id=plan_id)


# ---- one-to-ones --------------------------------------------------------------------------------
@login_required
def notes(request):
    user = request.user
    if request.method == "POST":
        _require_coach(request)
        p = request.POST
        try:
            rep = _team_reps(user).filter(pk=_int(p.get("rep"), _("Rep"))).first()
            if rep is None:
                raise DomainError(_("Pick one of your reps."))
            note = services.write_note(
                actor=user, rep=rep, situation=p.get("situation", ""), behaviour=p.get("behaviour", ""),
                impact=p.get("impact", ""), agreed_actions=p.get("agreed_actions", ""), private=bool(p.get("private")),
                held_on=_date(p.get("held_on"), _("Date")) if p.get("held_on") else None,
            )
            messages.success(request, _("One-to-one saved."))
            return redirect("coaching:note", note_id=note.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    query = NotesQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    qs = selectors.notes_visible_to(user)
    if query.cleaned_data["rep"]:
        qs = qs.filter(rep_id=query.cleaned_data["rep"])
    return render(request, "coaching/notes.html", {
        "notes": list(qs[:200]), "is_coach": can_manage(user), "reps": _team_reps(user) if can_manage(user) else [],
        "today": timezone.localdate(), "post": request.POST if request.method == "POST" else {},
    })


@login_required
def note(request, note_id: int):
    try:
        n = selectors.note_for(actor=request.user, note_id=note_id)
    except DomainError:
        raise Http404 from None
    if request.method == "POST":
        try:
            services.add_action_item(actor=request.user, note_id=n.pk, description=request.POST.get("description", ""),
                                     due_on=_date(request.POST.get("due_on"), _("Due date")))
            messages.success(request, _("Follow-up task added."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("coaching:note", note_id=n.pk)
    return render(request, "coaching/note.html", {
        "n": n, "can_manage": can_manage_user(request.user, n.rep) and n.rep_id != request.user.pk,
        "today": timezone.localdate(), "default_due": timezone.localdate() + dt.timedelta(days=7),
    })


@login_required
@require_POST
def action_done(request, item_id: int):
    try:
        item = services.complete_action_item(actor=request.user, item_id=item_id)
    except DomainError:
        raise Http404 from None
    messages.success(request, _("Marked done."))
    if request.POST.get("next") == "index":
        return redirect("coaching:index")
    return redirect("coaching:note", note_id=item.note_id)

