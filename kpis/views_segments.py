"""KPI cuts by lead segment: conversion and every driver per source, region, pool, import batch,
product interest or lead attribute, over any period, for the company, a team or a rep."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.access import is_rep
from kpis import reports, selectors
from kpis.domain import DRIVERS, decompose
from kpis.forms import PRESETS, PeriodQueryForm
from kpis.segments import segment_frame
from leads.segments import segment_expression, segments
from telesales.errors import DomainError
from telesales.pages import found
from telesales.params import bad_query


class SegmentQueryForm(PeriodQueryForm):
    """The period form plus ?segment= (validated against the segments that exist) and ?team=."""

    segment = forms.CharField(required=False, max_length=80)
    team = forms.IntegerField(required=False, min_value=1)

    def clean_segment(self):
        segment = self.cleaned_data["segment"] or "source"
        try:
            segment_expression(segment)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        return segment


@login_required
def segments_page(request):
    query = SegmentQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    period, segment, team_id = query.cleaned_data["period"], query.cleaned_data["segment"], query.cleaned_data["team"]
    user = request.user
    df, total = found(segment_frame, user, segment=segment, start=period.start, end=period.end, team_id=team_id,
                      rep_id=user.id if is_rep(user) else None)  # not found: a team the user may not see
    rows = reports.add_drivers(df).to_dict("records")
    for row in rows:
        row["drivers"] = [(name, row[name]) for name in DRIVERS]
        row["conversion"] = row["customers_sold"] / row["customers_dialled"] if row["customers_dialled"] else None
    total_drivers = decompose(total).as_decimals()
    return render(request, "kpis/segments.html", {
        "period": period, "presets": PRESETS, "segment": segment, "segments": segments(), "team_id": team_id,
        "teams": [] if is_rep(user) else selectors.scope_teams_for(user), "rows": rows, "total": total,
        "total_drivers": [(name, total_drivers[name]) for name in DRIVERS],
        "total_conversion": total.customers_sold / total.customers_dialled if total.customers_dialled else None,
        "segment_label": next((s.label for s in segments() if s.key == segment), segment),
        "title": _("KPIs by segment"),
    })
