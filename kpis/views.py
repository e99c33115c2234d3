"""KPI pages: rep, team and company dashboards, exports, and the KPI job's run log.

Every page goes selector (aggregated facts, scoped) → pandas (kpis.reports) → plotly (kpis.charts);
the export of a chart's table writes the very DataFrame the page shows."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import is_admin, is_manager, is_rep, managed_team_ids, sees_everything, visible_users
from accounts.models import Team, User
from kpis import charts, domain, reports, selectors
from kpis.domain import DRIVERS, Counts, decompose
from kpis.forms import PRESETS, Period, PeriodQueryForm
from telesales.errors import DomainError
from telesales.params import bad_query


def _fmt_drivers(counts: Counts) -> dict:
    d = decompose(counts)
    return {"drivers": d.as_decimals(), "result": d.result, "identity": d.identity_holds, "counts": counts}


# ---- table builders (shared by pages and exports) ----------------------------------------------
def team_tables(user: User, team: Team, period: Period) -> dict[str, pd.DataFrame]:
    """The team's leaderboards (the one ranking, selectors.rep_ranking), RAG and trend (`team`
    comes from selectors.team_for, so the user may see it)."""
    facts = selectors.team_facts(user, team.id)
    board = reports.add_drivers(selectors.team_ranking_frame(team, start=period.start, end=period.end))
    rag = reports.rag_frame(board)
    latest = selectors.latest_fact_day(facts, on_or_before=period.end)
    daily = reports.add_drivers(selectors.team_ranking_frame(team, start=latest, end=latest)) if latest else board.iloc[0:0]
    daily.insert(0, "day", latest)
    trend_rows = selectors.kpi_frame(user, start=period.start, end=period.end, grain=period.grain, by="team",
                                     facts=facts, complete=True)
    return {"leaderboard": board, "rag": rag, "daily": daily, "trend": reports.trend(trend_rows)}


def rep_tables(user: User, rep: User, period: Period) -> dict[str, pd.DataFrame]:
    trend_rows = selectors.kpi_frame(user, start=period.start, end=period.end, grain=period.grain, by="rep",
                                     rep_ids=[rep.id])
    return {"trend": reports.trend(trend_rows)}


def company_tables(user: User, period: Period) -> dict[str, pd.DataFrame]:
    per_team = selectors.kpi_frame(user, start=period.start, end=period.end, by="team", ranked=True)
    trend_rows = selectors.kpi_frame(user, start=period.start, end=period.end, grain=period.grain, by="company")
    teams = reports.add_drivers(per_team)
    return {"teams": teams, "rag": reports.rag_frame(teams), "trend": reports.trend(trend_rows)}


def _rows_with_rag(board: pd.DataFrame, rag: pd.DataFrame) -> list[dict]:
    statuses = {row["key"]: row for row in rag.to_dict("records")}
    rows = []
    for row in board.to_dict("records"):
        cells = []
        for name in DRIVERS:
            value = row[name]
            cells.append({"value": value, "status": statuses.get(row["key"], {}).get(name, "grey"), "name": name})
        rows.append({**row, "cells": cells})
    return rows


# ---- pages ------------------------------------------------------------------------------------
@login_required
def index(request):
    """Start page by role: own dashboard (rep), first managed team (manager), company (admin)."""
    user = request.user
    if sees_everything(user):
        return company_dashboard(request)
    if is_manager(user) and managed_team_ids(user):
        return team_dashboard(request, sorted(managed_team_ids(user))[0])
    return rep_dashboard(request, user.id)


@login_required
def team_dashboard(request, team_id: int):
    user = request.user
    if is_rep(user):
        return redirect("kpis:index")
    try:
        team = selectors.team_for(user, team_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    query = PeriodQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    period = query.cleaned_data["period"]
    tables = team_tables(user, team, period)
    board, trend_df = tables["leaderboard"], tables["trend"]
    totals = selectors.team_counts(team, start=period.start, end=period.end)
    diagnosis = selectors.team_diagnosis(user, team=team, start=period.start, end=period.end)
    capacity = domain.outbound_capacity(
        daily_hours=team.daily_calling_hours, working_days_per_month=team.working_days_per_month,
        avg_talk_minutes_per_customer=team.avg_talk_minutes_per_customer, avg_calls_per_customer=team.avg_calls_per_customer)
    context = {
        "team": team, "period": period, "presets": PRESETS,
        "teams": selectors.scope_teams_for(user),
        "total": _fmt_drivers(totals),
        "capacity": capacity, "capacity_month": None if capacity is None else (capacity / 12).quantize(Decimal(1)),
        "rows": _rows_with_rag(board, tables["rag"]),
        "daily": tables["daily"].to_dict("records"),
        "daily_day": tables["daily"]["day"].iloc[0] if len(tables["daily"]) else None,
        "diagnosis": diagnosis,
        "drivers_chart": charts.to_html(charts.drivers_side_by_side(board, tables["rag"]), "chart-drivers") if len(board) else "",
        "trend_chart": charts.to_html(charts.trend(trend_df), "chart-trend") if len(trend_df) else "",
        "export_base": reverse("kpis:export", args=["team", team.id]),
    }
    return render(request, "kpis/team.html", context)


def _percent_inputs(request) -> tuple[dict[str, Decimal], list[str]]:
    uplifts, errors = {}, []
    for name in DRIVERS:
        raw = request.GET.get(f"up_{name}", "").strip()
        if not raw:
            continue
        try:
            value = Decimal(raw)
        except InvalidOperation:
            errors.append(f"{domain.DRIVER_LABELS[name]}: enter a percentage such as 10.")
            continue
        if not Decimal(-100) <= value <= Decimal(1000):
            errors.append(f"{domain.DRIVER_LABELS[name]}: between -100 and 1000 percent.")
            continue
        uplifts[name] = value
    return uplifts, errors


@login_required
def rep_dashboard(request, rep_id: int):
    user = request.user
    rep = visible_users(user).select_related("team").filter(id=rep_id).first()
    if rep is None:
        raise Http404("No such rep, or not one you may see.")
    query = PeriodQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    period = query.cleaned_data["period"]
    tables = rep_tables(user, rep, period)
    _, own, peers = selectors.what_if_counts(user, start=period.start, end=period.end, rep_id=rep.id)
    team_ranking = selectors.rep_ranking([rep.team_id], period.start, period.end) if rep.team_id else []
    rank = next((row["rank"] for row in team_ranking if row["rep_id"] == rep.id), None)
    bench = domain.team_benchmarks(peers) if peers else {}
    diagnosis = domain.diagnose(own, bench) if bench else None
    uplifts, errors = _percent_inputs(request)
    for e in errors:
        messages.error(request, e)
    sim = domain.simulate(own, peers, uplifts)
    drivers, whatif, ranking = sim.drivers, sim.what_if if uplifts else None, sim.ranking

    def as_float(v):
        return None if v is None else float(v)

    chart = ""
    if bench:
        chart = charts.to_html(charts.rep_against_team(
            {n: as_float(v) for n, v in drivers.factors()},
            {n: as_float(bench[n].median) for n in DRIVERS}, {n: as_float(bench[n].top_quartile) for n in DRIVERS}),
            "chart-rep")
    context = {
        "rep": rep, "period": period, "presets": PRESETS, "total": _fmt_drivers(own), "rank": rank,
        "team_size": len(team_ranking), "diagnosis": diagnosis,
        "checks": [{"label": domain.DRIVER_LABELS[c.name], "value": c.value, "median": c.median,
                    "top_quartile": c.top_quartile, "status": c.status, "name": c.name}
                   for c in (diagnosis.checks if diagnosis else [])],
        "whatif": whatif, "uplifts": {n: request.GET.get(f"up_{n}", "") for n in DRIVERS},
        "driver_labels": domain.DRIVER_LABELS,
        "ranking": [{"label": domain.DRIVER_LABELS[r.name], "gain_at_uplift": r.gain_at_uplift,
                     "gain_at_top_quartile": r.gain_at_top_quartile} for r in ranking],
        "rep_chart": chart,
        "trend_chart": charts.to_html(charts.trend(tables["trend"]), "chart-trend") if len(tables["trend"]) else "",
        "export_base": reverse("kpis:export", args=["rep", rep.id]),
        "Fraction": Fraction,
    }
    return render(request, "kpis/rep.html", context)


@login_required
def company_dashboard(request):
    user = request.user
    if not sees_everything(user):
        return redirect("kpis:index")
    query = PeriodQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    period = query.cleaned_data["period"]
    tables = company_tables(user, period)
    teams = tables["teams"]
    totals = selectors.counts_for(selectors.facts_visible_to(user), start=period.start, end=period.end,
                                  complete=True)
    context = {
        "period": period, "presets": PRESETS, "total": _fmt_drivers(totals),
        "rows": _rows_with_rag(teams, tables["rag"]),
        "drivers_chart": charts.to_html(charts.drivers_side_by_side(teams, tables["rag"]), "chart-drivers") if len(teams) else "",
        "trend_chart": charts.to_html(charts.trend(tables["trend"]), "chart-trend") if len(tables["trend"]) else "",
        "export_base": reverse("kpis:export", args=["company", 0]),
        "last_run": selectors.recent_runs(1).first(),
    }
    return render(request, "kpis/company.html", context)


@login_required
def export(request, kind: str, object_id: int):
    """CSV (?format=csv) or Excel (?format=xlsx) of the table behind a chart (?table=…)."""
    user = request.user
    query = PeriodQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    period = query.cleaned_data["period"]
    table = request.GET.get("table", "")
    if kind == "team" and not is_rep(user):
        try:
            team = selectors.team_for(user, object_id)
        except DomainError as exc:
            raise Http404(exc.message) from exc
        tables, name = team_tables(user, team, period), f"team-{team.id}"
    elif kind == "rep":
        rep = visible_users(user).filter(id=object_id).first()
        if rep is None:
            raise Http404("No such rep.")
        tables, name = rep_tables(user, rep, period), f"rep-{rep.id}"
    elif kind == "company" and sees_everything(user):
        tables, name = company_tables(user, period), "company"
    else:
        raise Http404("No such dashboard.")
    tables.pop("rag", None)
    if table not in tables:
        raise Http404(f"Unknown table; choose one of: {', '.join(tables)}.")
    df = tables[table]
    filename = f"kpis-{name}-{table}-{period.start.isoformat()}-{period.end.isoformat()}"
    if query.cleaned_data["format"] == "xlsx":
        response = HttpResponse(reports.to_excel_bytes(df, sheet=table),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    response = HttpResponse(reports.to_csv_bytes(df), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


@login_required
def runs(request):
    """The KPI job's run log for admins, with a button to run the incremental job now."""
    if not is_admin(request.user):
        return HttpResponseForbidden("Only admins can see the KPI job.")
    return render(request, "kpis/runs.html", {"runs": selectors.recent_runs(50)})


@login_required
@require_POST
def run_now(request):
    if not is_admin(request.user):
        return HttpResponseForbidden("Only admins can run the KPI job.")
    from kpis.tasks import recompute_kpis

    recompute_kpis.delay(full=request.POST.get("kind") == "full")
    messages.success(request, "KPI recompute started; refresh to see it in the list.")
    return redirect("kpis:runs")
