"""Funnel pages: a rep's or team's funnel with its shape, all reps side by side, the weekly plan,
and the small grade form. Views parse, call selectors/domain, render."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from accounts.access import is_rep, managed_team_ids, visible_users
from accounts.models import Role, Team
from funnel import charts, domain, labels, selectors
from funnel.forms import (
    CoverageForm,
    FunnelFilterForm,
    FunnelLeadsQueryForm,
    GradeForm,
    PlanForm,
    default_plan_start,
)
from funnel.planning import build_plan
from leads.grading import change_grade
from leads.segments import segments
from leads.selectors import PhoneViewer, can_work_lead, lead_for, readable_leads
from telesales.errors import DomainError
from telesales.pages import found
from telesales.params import bad_query

STAGE_NAMES = labels.GRADE_NAMES


def _scope_or_404(request, rep_id, team_id):
    try:
        return selectors.resolve_scope(actor=request.user, rep_id=rep_id, team_id=team_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _choices(user):
    """Reps and teams the user may switch to (managers and admins)."""
    if is_rep(user):
        return [], []
    reps = visible_users(user).filter(role=Role.REP, is_active=True).order_by("username")
    teams = Team.objects.filter(pk__in=managed_team_ids(user)).order_by("name")
    return list(reps), list(teams)


def _count_links(*, rep: int | None = None, team: int | None = None, as_of: dt.date | None = None,
                 reps_only: bool = False) -> dict[str, str]:
    """{E…A, won, lost: the address of the leads behind that count} for one funnel scope, as the
    page that shows the count was asked for it (the same rep= / team= / as_of=; `reps_only` for
    the team page's totals, which add up the reps' funnels only)."""
    base = {"rep": rep, "team": team, "as_of": as_of.isoformat() if as_of else None,
            "reps_only": "true" if reps_only else None}
    url, base = reverse("funnel:leads"), {k: v for k, v in base.items() if v}
    return {key: f"{url}?{urlencode({'grade': key, **base})}" for key in selectors.FUNNEL_KEYS}


def _stage_links(*, rep: int | None = None, team: int | None = None, as_of: dt.date | None = None, days: int = 30,
                 reps_only: bool = False) -> dict[tuple[str, str], str]:
    """{(grade or BC, "at" or "reached"): the address of those leads} for the stage-conversion
    numbers of one scope over the `days` ending on `as_of` (or now)."""
    base = {"rep": rep, "team": team, "as_of": as_of.isoformat() if as_of else None, "days": days,
            "reps_only": "true" if reps_only else None}
    url, base = reverse("funnel:leads"), {k: v for k, v in base.items() if v}
    return {(grade, which): f"{url}?{urlencode({'grade': grade, 'conversion': which, **base})}"
            for grade in selectors.STAGE_GRADES for which in ("at", "reached")}


def _stage_rows(stats: selectors.StageStats, days: dict[str, float | None] | None = None,
                links: dict[tuple[str, str], str] | None = None) -> list[dict]:
    rows = []
    links = links or {}
    for grade in domain.GRADES:
        nxt = labels.GRADE_NAMES["won"] if grade == "A" else domain.GRADES[domain.GRADES.index(grade) + 1]
        rows.append(
            {
                "grade": grade, "name": STAGE_NAMES[grade], "next": nxt, "at": stats.at[grade],
                "reached": stats.reached[grade], "rate": domain.as_percent(stats.rate(grade)),
                "days": (days or {}).get(grade),
                "at_url": links.get((grade, "at")), "reached_url": links.get((grade, "reached")),
            }
        )
    return rows


@login_required
def index(request):
    """A rep's (or a team's) funnel as of a date, stage conversion, shape and advice."""
    form = FunnelFilterForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form)
    data = form.cleaned_data
    scope = _scope_or_404(request, data.get("rep"), data.get("team"))
    as_of = selectors.as_of_moment(data.get("as_of"))
    days = data.get("days") or 30
    end = as_of or timezone.now()
    start = end - dt.timedelta(days=days)
    by_owner = selectors.funnel_counts_by_owner(scope.owner_ids, as_of)
    counts = selectors.sum_counts(by_owner.values())
    stats = selectors.sum_stats(
        selectors.stage_stats_by_owner(scope.owner_ids, start, end, current=by_owner).values()
    )
    avg_days = selectors.average_days_in_stage(scope, start, end)
    diagnosis = domain.classify_shape(counts)
    reps, teams = _choices(request.user)
    links = _count_links(rep=data.get("rep"), team=data.get("team"), as_of=data.get("as_of"))
    stage_links = _stage_links(rep=data.get("rep"), team=data.get("team"), as_of=data.get("as_of"), days=days)
    return render(
        request,
        "funnel/index.html",
        {
            "form": form, "scope": scope, "counts": counts, "diagnosis": diagnosis,
            "stages": _stage_rows(stats, avg_days, stage_links), "bc_rate": domain.as_percent(stats.bc_to_a_rate),
            "bc_url": stage_links[("BC", "reached")],
            "stats": stats, "days": days, "as_of": data.get("as_of") or timezone.localdate(),
            "chart": charts.funnel_figure(counts, stats.rates(), links=links), "reps": reps, "teams": teams,
            "is_rep": is_rep(request.user), "links": links,
        },
    )


@login_required
def team(request):
    """All reps' funnels side by side with each one's shape, and B/C → A conversion per rep."""
    form = FunnelFilterForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form)
    data = form.cleaned_data
    if is_rep(request.user):
        raise Http404(gettext("The team view is for managers."))
    scope = _scope_or_404(request, None, data.get("team"))
    as_of = selectors.as_of_moment(data.get("as_of"))
    days = data.get("days") or 30
    end = as_of or timezone.now()
    reps = [r for r in scope.reps if is_rep(r)]
    owner_ids = [r.pk for r in reps]
    counts = selectors.funnel_counts_by_owner(owner_ids, as_of)
    # Conversion starts from the funnel just read (now, or as of the past day): no second pass over the leads.
    stats = selectors.stage_stats_by_owner(
        owner_ids, end - dt.timedelta(days=days), end, current=counts
    )
    rows = []
    for rep in reps:
        c, s = counts[rep.pk], stats[rep.pk]
        rep_stage_links = _stage_links(rep=rep.pk, as_of=data.get("as_of"), days=days)
        rows.append(
            {
                "rep": rep, "name": rep.display_name, "counts": c, "shape": domain.classify_shape(c),
                "links": _count_links(rep=rep.pk, as_of=data.get("as_of")),
                "bc_at_url": rep_stage_links[("BC", "at")], "bc_to_a_url": rep_stage_links[("BC", "reached")],
                "bc_at": s.bc_at, "bc_to_a": s.bc_to_a, "bc_rate": domain.as_percent(s.bc_to_a_rate),
                "rates": {g: domain.as_percent(s.rate(g)) for g in domain.GRADES},
            }
        )
    total = selectors.sum_counts(counts.values())
    total_stats = selectors.sum_stats(stats.values())
    # The team funnel sums the reps' funnels only (not a manager's own leads).
    team_links = _count_links(team=data.get("team"), as_of=data.get("as_of"), reps_only=True)
    team_stage_links = _stage_links(team=data.get("team"), as_of=data.get("as_of"), days=days, reps_only=True)
    _, teams = _choices(request.user)
    segment = data.get("segment")
    by_segment = (selectors.funnel_counts_by_segment(replace(scope, owner_ids=owner_ids), segment, as_of)
                  if segment else [])
    return render(
        request,
        "funnel/team.html",
        {
            "segment": segment, "segments": segments(), "by_segment": by_segment,
            "form": form, "scope": scope, "rows": rows, "total": total, "diagnosis": domain.classify_shape(total),
            "stages": _stage_rows(total_stats, links=team_stage_links),
            "bc_rate": domain.as_percent(total_stats.bc_to_a_rate), "bc_url": team_stage_links[("BC", "reached")],
            "days": days, "teams": teams, "as_of": data.get("as_of") or timezone.localdate(),
            "as_of_past": as_of is not None,
            "chart": charts.funnel_figure(total, total_stats.rates(), "team-funnel-chart", links=team_links),
            "links": team_links,
            "side_by_side": charts.team_figure(rows) if rows else "",
            "bc_chart": charts.bc_to_a_figure(rows) if rows else "",
        },
    )


@login_required
def plan(request):
    """The backward weekly plan (倒推法) for a typed target, with actuals and the re-plan."""
    bound = "target" in request.GET
    form = PlanForm(request.GET if bound else None, initial={"start": default_plan_start(), "weeks": 4})
    coverage_form = CoverageForm(request.GET if "cycle_months" in request.GET else None)
    ctx: dict = {"form": form, "coverage_form": coverage_form, "is_rep": is_rep(request.user)}
    reps, teams = _choices(request.user)
    ctx.update(reps=reps, teams=teams)
    if coverage_form.is_bound and coverage_form.is_valid():
        cd = coverage_form.cleaned_data
        ctx["coverage"] = domain.pipeline_coverage(
            cycle_months=cd["cycle_months"], win_rate=cd["win_rate"],
            new_customers_per_month=cd["new_customers_per_month"],
        )
    if bound and form.is_valid():
        cd = form.cleaned_data
        scope = _scope_or_404(request, cd.get("rep"), cd.get("team"))
        try:
            result = build_plan(
                scope=scope, target=cd["target"], start=cd["start"], weeks=cd["weeks"], rates=form.typed_rates()
            )
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            ctx.update(_plan_context(result))
    return render(request, "funnel/plan.html", ctx)


def _plan_context(result) -> dict:
    plan = result.plan
    weeks = []
    for i, monday in enumerate(result.week_starts):
        actual = result.actuals[i] if i < len(result.actuals) else None
        row = result.report.weeks[i] if i < len(result.report.weeks) else None
        replanned = None
        if result.replan and result.replan.plan and i >= result.replan.weeks_done:
            replanned = result.replan.plan.week_rows()[i - result.replan.weeks_done]
        weeks.append(
            {
                "n": i + 1, "start": monday, "planned": plan.week_rows()[i], "actual": actual,
                "share": domain.as_percent(row.share) if row else None, "replanned": replanned,
            }
        )
    week_labels = [f"W{i + 1}" for i in range(result.weeks)]
    actual_sales = [w["actual"].won if w["actual"] else None for w in weeks]
    replan_rates = result.replan.rates if result.replan else None
    grades = []
    for g in domain.GRADES:
        grades.append(
            {
                "grade": g, "name": STAGE_NAMES[g], "current": plan.current[g], "needed": plan.needed[g],
                "new": plan.new_needed[g], "scratch": plan.from_scratch[g],
                "rate": domain.as_percent(result.rates[g]), "source": labels.rate_source(result.rate_sources[g]),
                "replan_rate": domain.as_percent(replan_rates[g]) if replan_rates else None,
                "replan_source": labels.rate_source(result.replan.rate_sources[g]) if result.replan else None,
                "avg_rate": domain.as_percent(result.report.average_rates[g]),
            }
        )
    return {
        "result": result, "plan_weeks": weeks, "plan_grades": grades,
        "plan_chart": charts.plan_figure(plan.weekly_sales, actual_sales, week_labels),
        "share_of_target": domain.as_percent(result.report.share_of_target),
    }


@login_required
@require_http_methods(["GET", "POST"])
def grade(request, lead_id: int):
    """Small htmx form: change a lead's grade or end state through the grade service."""
    lead = found(lead_for, actor=request.user, lead_id=lead_id)
    if request.method == "POST":
        form = GradeForm(request.POST)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                lead = change_grade(
                    actor=request.user, lead_id=lead.pk, to_grade=cd["grade"], to_status=cd["status"],
                    lost_reason_id=cd["lost_reason"].pk if cd["lost_reason"] else None,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"{lead.name}: {lead.get_grade_display()} · {lead.get_status_display()}")
                form = GradeForm(initial={"grade": lead.grade, "status": lead.status})
    else:
        form = GradeForm(initial={"grade": lead.grade, "status": lead.status, "lost_reason": lead.lost_reason_id})
    template = "funnel/_grade_form.html" if request.htmx else "funnel/grade.html"
    history = lead.grade_changes.select_related("changed_by").order_by("-changed_at", "-id")[:10]
    return render(
        request, template,
        {"lead": lead, "form": form, "history": history, "can_edit": can_work_lead(request.user, lead)},
    )


@login_required
def leads(request):
    """The leads behind a count on the funnel pages: a grade's active customers, or the won or
    lost ones, of the same scope and day; as many rows as the count."""
    form = FunnelLeadsQueryForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form)
    data = form.cleaned_data
    scope = _scope_or_404(request, data.get("rep"), data.get("team"))
    if data["reps_only"]:  # the team page's totals: its reps' funnels
        scope = replace(scope, owner_ids=[r.pk for r in scope.reps if is_rep(r)])
    as_of = selectors.as_of_moment(data.get("as_of"))
    period = None
    if data["conversion"]:  # the stage-conversion numbers: the `days` up to as_of (or now), as the pages count them
        end = as_of or timezone.now()
        period = (end - dt.timedelta(days=data["days"] or 30), end)
        leads = selectors.stage_leads(scope, data["grade"], *period, reached=data["conversion"] == "reached")
    else:
        leads = selectors.funnel_leads(scope, data["grade"], as_of)
    page = Paginator(leads, 50).get_page(data["page"] or 1)
    ids = [lead.pk for lead in page.object_list]
    viewer = PhoneViewer(request.user)
    rows = [{"lead": lead, "phone": viewer.phone(lead)} for lead in page.object_list]
    return render(request, "funnel/leads.html", {
        "scope": scope, "grade": data["grade"], "name": STAGE_NAMES.get(data["grade"], ""), "page": page,
        "conversion": data["conversion"], "period": period,
        "rows": rows, "as_of": data.get("as_of") if as_of else None, "is_rep": is_rep(request.user),
        "readable": set(readable_leads(request.user).filter(pk__in=ids).values_list("pk", flat=True)),
    })
