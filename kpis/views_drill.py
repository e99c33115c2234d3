"""The drill-down page (the records behind a KPI number) and the links the KPI pages put on their
numbers and chart bars."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.access import is_rep
from kpis import drill, selectors
from kpis.domain import DRILL_BEHIND, DRIVERS, RATE_DRIVERS
from kpis.forms import DrillQueryForm, Period
from telesales.pages import found
from telesales.params import bad_query

PER_PAGE = 50
NO_LINKS = dict.fromkeys(DRILL_BEHIND)  # a row with no records of its own to open

TITLES = {
    ("customers", "dialled"): _("Customers dialled"),
    ("customers", "reached"): _("Customers reached"),
    ("customers", "quoted"): _("Customers quoted"),
    ("customers", "sold"): _("Customers sold"),
    ("calls", None): _("All calls (talk time)"),
    ("calls", "dialled"): _("Calls made"),
    ("calls", "reached"): _("Calls that reached the customer"),
    ("calls", "quoted"): _("Calls with a quote"),
    ("calls", "sold"): _("Sales (premium and margin)"),
}


def drill_url(*, what: str, stage: str | None, start: dt.date, end: dt.date, rep: int | None = None,
              team: int | None = None) -> str:
    """The address of the records behind one number (see kpis/drill.py for whose they are)."""
    query = {"what": what, "stage": stage, "rep": rep, "team": team, "from": start.isoformat(), "to": end.isoformat()}
    return f"{reverse('kpis:drill')}?{urlencode({k: v for k, v in query.items() if v})}"


def drill_links(*, start: dt.date, end: dt.date, rep: int | None = None, team: int | None = None) -> dict[str, str]:
    """{measure: address} for every number of one subject and period (domain.DRILL_BEHIND)."""
    return {name: drill_url(what=what, stage=stage, start=start, end=end, rep=rep, team=team)
            for name, (what, stage) in DRILL_BEHIND.items()}


def trend_links(trend: pd.DataFrame, period: Period, *, rep: int | None = None, team: int | None = None) -> dict:
    """The drill-down of each trend point: its period's records (a bucket clipped to the period)."""
    links: dict[str, list[str]] = {name: [] for name in ("margin_amount", *RATE_DRIVERS)}
    for value in trend["period"]:
        bucket = value.date() if hasattr(value, "date") and callable(value.date) else value
        start, end = selectors.period_span(bucket, period.grain, period.start, period.end)
        urls = drill_links(start=start, end=end, rep=rep, team=team)
        for name, items in links.items():
            items.append(urls[name])
    return links


def board_links(rows: list[dict]) -> dict[str, list[str | None]]:
    """{driver: the address behind each row's bar} for drivers_side_by_side."""
    return {name: [row["links"].get(name) for row in rows] for name in DRIVERS}


def _back_link(user, subject: drill.Subject, start: dt.date, end: dt.date) -> str:
    """The dashboard the number came from, for the same period."""
    period = urlencode({"from": start.isoformat(), "to": end.isoformat()})
    if subject.kind == "team" or (subject.kind == "rep_in_team" and not is_rep(user)):
        return f"{reverse('kpis:team', args=[subject.team_id])}?{period}"
    if subject.rep is not None:
        return f"{reverse('kpis:rep', args=[subject.rep.id])}?{period}"
    return f"{reverse('kpis:company')}?{period}"


@login_required
def drill_down(request):
    """The customers or calls behind a number on a KPI page, paginated; as many rows as the number."""
    query = DrillQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    data = query.cleaned_data
    subject = found(drill.drill_subject, request.user, rep_id=data["rep"], team_id=data["team"])
    start, end, what, stage = data["from"], data["to"], data["what"], data["stage"] or None
    context = {
        "subject": subject, "start": start, "end": end, "what": what, "stage": stage,
        "title": TITLES[(what, stage)], "back": _back_link(request.user, subject, start, end),
    }
    if what == "customers":
        rows = drill.CustomerList(request.user, drill.customers_behind(subject, start=start, end=end), stage)
        context["page"] = Paginator(rows, PER_PAGE).get_page(data["page"] or 1)
    else:
        calls = drill.calls_behind(subject, start=start, end=end, stage=stage)
        page = Paginator(calls, PER_PAGE).get_page(data["page"] or 1)
        context.update(page=page, totals=drill.call_totals(calls),
                       readable=drill.readable_lead_ids(request.user, [c.lead_id for c in page.object_list]))
    return render(request, "kpis/drill.html", context)
