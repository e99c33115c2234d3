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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.access import is_admin, is_manager, is_rep, managed_team_ids, sees_everything
from accounts.models import Team, User
from accounts.selectors import user_for
from kpis import charts, domain, labels, reports, selectors
from kpis.domain import DRIVERS, Counts, decompose
from kpis.forms import COMPARE_CHOICES, PRESETS, Period, PeriodQueryForm, WhatIfForm
from kpis.models import DailyRepKpi
from kpis.views_drill import NO_LINKS, board_links, drill_links, trend_links
from telesales.pages import found
from telesales.params import bad_query

MEASURE_LABELS = {
    "calls_made": _("Calls made"),
    "talk_seconds": _("Talk time"),
    "customers_reached": _("Customers reached"),
    "customers_quoted": _("Customers quoted"),
    "customers_sold": _("Customers sold"),
    "premium": _("Premium"),
    "margin_amount": _("Margin"),
    **labels.DRIVER_LABELS,
}


def driver_summary(counts: Counts) -> dict:
    """The drivers card of a subject's counts (also the team what-if's)."""
    d = decompose(counts)
    return {"drivers": d.as_decimals(), "result": d.result, "identity": d.identity_holds, "counts": counts}


# ---- table builders (shared by pages and exports) ----------------------------------------------
Totals = tuple[Counts, Counts | None]  # a subject's counts in the period, and in the base period if compared


def team_totals(team: Team, period: Period) -> Totals:
    base = selectors.team_counts(team, start=period.base[0], end=period.base[1]) if period.base else None
    return selectors.team_counts(team, start=period.start, end=period.end), base


def rep_totals(rep: User, period: Period, current: Counts | None = None) -> Totals:
    """A rep's counts over all their facts (`rep` is one the user may see: visible_users);
    `current` if the caller has them already."""
    facts = DailyRepKpi.objects.filter(rep=rep)
    base = selectors.counts_for(facts, start=period.base[0], end=period.base[1]) if period.base else None
    if current is None:
        current = selectors.counts_for(facts, start=period.start, end=period.end)
    return current, base


def company_totals(user: User, period: Period) -> Totals:
    facts = selectors.facts_visible_to(user)
    base = selectors.counts_for(facts, start=period.base[0], end=period.base[1], complete=True) if period.base else None
    return selectors.counts_for(facts, start=period.start, end=period.end, complete=True), base


def team_tables(user: User, team: Team, period: Period, totals: Totals | None = None) -> dict[str, pd.DataFrame]:
    """The team's leaderboards (the one ranking, selectors.rep_ranking), RAG and trend (`team`
    comes from selectors.team_for, so the user may see it); with a comparison, the team's and
    each rep's measures against the base period (`totals`: team_totals, if known)."""
    facts = selectors.team_facts(user, team.id)
    board = reports.add_drivers(selectors.team_ranking_frame(team, start=period.start, end=period.end))
    rag = reports.rag_frame(board)
    latest = selectors.latest_fact_day(facts, on_or_before=period.end)
    daily = reports.add_drivers(selectors.team_ranking_frame(team, start=latest, end=latest)) if latest else board.iloc[0:0]
    daily.insert(0, "day", latest)
    trend_rows = selectors.kpi_frame(user, start=period.start, end=period.end, grain=period.grain, by="team",
                                     facts=facts, complete=True)
    tables = {"leaderboard": board, "rag": rag, "daily": daily, "trend": reports.trend(trend_rows)}
    if period.base:
        tables["base"] = selectors.team_ranking_frame(team, start=period.base[0], end=period.base[1])
        now, base = totals or team_totals(team, period)
        tables["comparison"] = reports.comparison_frame(team.name, now, base, board, tables["base"])
    return tables


def rep_tables(user: User, rep: User, period: Period, totals: Totals | None = None) -> dict[str, pd.DataFrame]:
    trend_rows = selectors.kpi_frame(user, start=period.start, end=period.end, grain=period.grain, by="rep",
                                     rep_ids=[rep.id])
    tables = {"trend": reports.trend(trend_rows)}
    if period.base:
        now, base = totals or rep_totals(rep, period)
        tables["comparison"] = reports.comparison_frame(rep.display_name, now, base)
    return tables


def company_tables(user: User, period: Period, totals: Totals | None = None) -> dict[str, pd.DataFrame]:
    per_team = selectors.kpi_frame(user, start=period.start, end=period.end, by="team", ranked=True)
    trend_rows = selectors.kpi_frame(user, start=period.start, end=period.end, grain=period.grain, by="company")
    teams = reports.add_drivers(per_team)
    tables = {"teams": teams, "rag": reports.rag_frame(teams), "trend": reports.trend(trend_rows)}
    if period.base:
        tables["base"] = selectors.kpi_frame(user, start=period.base[0], end=period.base[1], by="team", ranked=True)
        now, base = totals or company_totals(user, period)
        tables["comparison"] = reports.comparison_frame(str(_("Company")), now, base, teams, tables["base"])
    return tables


def _rows_with_rag(board: pd.DataFrame, rag: pd.DataFrame, *, links=None, base: pd.DataFrame | None = None) -> list[dict]:
    """Table rows with each driver's RAG status, the address of its records (`links(key)`:
    drill_links of the row's subject) and, against `base` rows, its change."""
    statuses = {row["key"]: row for row in rag.to_dict("records")}
    base_rows = {} if base is None else {row["key"]: row for row in base.to_dict("records")}
    rows = []
    for row in board.to_dict("records"):
        urls = links(row["key"]) if links else NO_LINKS
        changes = {}
        if base is not None:
            changes = domain.compare(Counts.from_mapping(row), Counts.from_mapping(base_rows.get(row["key"], {})))
        cells = []
        for name in DRIVERS:
            value = row[name]
            cells.append({"value": value, "status": statuses.get(row["key"], {}).get(name, "grey"), "name": name,
                          "url": urls.get(name), "change": changes.get(name)})
        rows.append({**row, "cells": cells, "links": urls, "margin_change": changes.get("margin_amount")})
    return rows


def _comparison(period: Period, totals: Totals, *, rep: int | None = None, team: int | None = None) -> dict | None:
    """The page's comparison card: each measure now and in the base period, with links to the
    records behind both, and the change (domain.compare)."""
    current, base = totals
    if base is None:
        return None
    start, end = period.base
    now_links = drill_links(start=period.start, end=period.end, rep=rep, team=team)
    base_links = drill_links(start=start, end=end, rep=rep, team=team)
    measures = []
    for name, change in domain.compare(current, base).items():
        measures.append({"name": name, "label": MEASURE_LABELS[name], **domain.display_change(name, change),
                         "url": now_links.get(name), "base_url": base_links.get(name)})
    return {"label": COMPARE_CHOICES[period.compare], "start": start, "end": end, "measures": measures}


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
    team = found(selectors.team_for, user, team_id)
    query = PeriodQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    period = query.cleaned_data["period"]
    totals = team_totals(team, period)
    tables = team_tables(user, team, period, totals)
    board, trend_df = tables["leaderboard"], tables["trend"]
    diagnosis = selectors.team_diagnosis(user, team=team, start=period.start, end=period.end)
    capacity = domain.outbound_capacity(
        daily_hours=team.daily_calling_hours, working_days_per_month=team.working_days_per_month,
        avg_talk_minutes_per_customer=team.avg_talk_minutes_per_customer, avg_calls_per_customer=team.avg_calls_per_customer)
    rows = _rows_with_rag(board, tables["rag"], base=tables.get("base"),
                          links=lambda key: drill_links(start=period.start, end=period.end, rep=key, team=team.id))
    daily_day = tables["daily"]["day"].iloc[0] if len(tables["daily"]) else None
    daily = [{**r, "links": drill_links(start=daily_day, end=daily_day, rep=r["key"], team=team.id)}
             for r in tables["daily"].to_dict("records")]
    context = {
        "team": team, "period": period, "presets": PRESETS, "compare_choices": COMPARE_CHOICES,
        "teams": selectors.scope_teams_for(user),
        "total": driver_summary(totals[0]),
        "drill": drill_links(start=period.start, end=period.end, team=team.id),
        "comparison": _comparison(period, totals, team=team.id),
        "capacity": capacity, "capacity_month": None if capacity is None else (capacity / 12).quantize(Decimal(1)),
        "rows": rows,
        "daily": daily,
        "daily_day": daily_day,
        "diagnosis": diagnosis,
        "drivers_chart": charts.to_html(charts.drivers_side_by_side(board, tables["rag"], links=board_links(rows)),
                                        "chart-drivers") if len(board) else "",
        "trend_chart": charts.to_html(charts.trend(trend_df, links=trend_links(trend_df, period, team=team.id)),
                                      "chart-trend") if len(trend_df) else "",
        "export_base": reverse("kpis:export", args=["team", team.id]),
        "what_if_form": WhatIfForm(initial={"from": period.start, "to": period.end}),
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
            errors.append(_("%(driver)s: enter a percentage such as 10.") % {"driver": labels.DRIVER_LABELS[name]})
            continue
        if not Decimal(-100) <= value <= Decimal(1000):
            errors.append(_("%(driver)s: between -100 and 1000 percent.") % {"driver": labels.DRIVER_LABELS[name]})
            continue
        uplifts[name] = value
    return uplifts, errors


@login_required
def rep_dashboard(request, rep_id: int):
    user = request.user
    rep = found(user_for, actor=user, user_id=rep_id)
    query = PeriodQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    period = query.cleaned_data["period"]
    _, own, peers = selectors.what_if_counts(user, start=period.start, end=period.end, rep_id=rep.id)
    totals = (own, rep_totals(rep, period, current=own)[1])
    tables = rep_tables(user, rep, period, totals)
    links = drill_links(start=period.start, end=period.end, rep=rep.id)
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
            {n: as_float(bench[n].median) for n in DRIVERS}, {n: as_float(bench[n].top_quartile) for n in DRIVERS},
            links=links), "chart-rep")
    trend_df = tables["trend"]
    context = {
        "rep": rep, "period": period, "presets": PRESETS, "compare_choices": COMPARE_CHOICES,
        "total": driver_summary(own), "rank": rank, "drill": links,
        "comparison": _comparison(period, totals, rep=rep.id),
        "team_size": len(team_ranking), "diagnosis": diagnosis,
        "checks": [{"label": labels.DRIVER_LABELS[c.name], "value": c.value, "median": c.median,
                    "top_quartile": c.top_quartile, "status": c.status, "name": c.name, "url": links.get(c.name)}
                   for c in (diagnosis.checks if diagnosis else [])],
        "whatif": whatif, "uplifts": {n: request.GET.get(f"up_{n}", "") for n in DRIVERS},
        "driver_labels": labels.DRIVER_LABELS,
        "ranking": [{"label": labels.DRIVER_LABELS[r.name], "gain_at_uplift": r.gain_at_uplift,
                     "gain_at_top_quartile": r.gain_at_top_quartile} for r in ranking],
        "rep_chart": chart,
        "trend_chart": charts.to_html(charts.trend(trend_df, links=trend_links(trend_df, period, rep=rep.id)),
                                      "chart-trend") if len(trend_df) else "",
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
    totals = company_totals(user, period)
    tables = company_tables(user, period, totals)
    teams, trend_df = tables["teams"], tables["trend"]
    # The row of facts recorded under no team has no drill-down: no team's records stand behind it.
    rows = _rows_with_rag(teams, tables["rag"], base=tables.get("base"),
                          links=lambda key: drill_links(start=period.start, end=period.end, team=key) if key else NO_LINKS)
    context = {
        "period": period, "presets": PRESETS, "compare_choices": COMPARE_CHOICES, "total": driver_summary(totals[0]),
        "drill": drill_links(start=period.start, end=period.end),
        "comparison": _comparison(period, totals),
        "rows": rows,
        "drivers_chart": charts.to_html(charts.drivers_side_by_side(teams, tables["rag"], links=board_links(rows)),
                                        "chart-drivers") if len(teams) else "",
        "trend_chart": charts.to_html(charts.trend(trend_df, links=trend_links(trend_df, period)),
                                      "chart-trend") if len(trend_df) else "",
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
        team = found(selectors.team_for, user, object_id)
        tables, name = team_tables(user, team, period), f"team-{team.id}"
    elif kind == "rep":
        rep = found(user_for, actor=user, user_id=object_id)
        tables, name = rep_tables(user, rep, period), f"rep-{rep.id}"
    elif kind == "company" and sees_everything(user):
        tables, name = company_tables(user, period), "company"
    else:
        raise Http404(gettext("No such dashboard."))
    tables.pop("rag", None)
    tables.pop("base", None)
    if table not in tables:
        raise Http404(gettext("Unknown table; choose one of: %(join)s.") % {"join": ', '.join(tables)})
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
    messages.success(request, gettext("KPI recompute started; refresh to see it in the list."))
    return redirect("kpis:runs")
