"""模拟销售 for a team: the team what-if card on the team dashboard and its page of its own."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from accounts.access import is_rep
from kpis import domain, labels, selectors
from kpis.forms import PeriodQueryForm, WhatIfForm
from kpis.views import driver_summary
from telesales.pages import found
from telesales.params import bad_query


@login_required
@require_http_methods(["GET", "POST"])
def team_what_if(request, team_id: int):
    """模拟销售 for a team: the team's result if its drivers moved by the percentages given, and
    where effort pays most against the other teams' top quartile (domain.simulate over
    selectors.what_if_counts, as the rep page and the API do). The team dashboard posts here with
    htmx and swaps the card; without JavaScript this is a page of its own."""
    user = request.user
    if is_rep(user):
        raise Http404(gettext("The team what-if is for managers."))
    team = found(selectors.team_for, user, team_id)
    template = "kpis/_team_what_if.html" if request.htmx else "kpis/team_what_if.html"
    if request.method == "GET":
        query = PeriodQueryForm(request.GET)
        if not query.is_valid():
            return bad_query(request, query)
        period = query.cleaned_data["period"]
        form = WhatIfForm(initial={"from": period.start, "to": period.end})
        return render(request, template, {"team": team, "what_if_form": form})
    form = WhatIfForm(request.POST)
    context = {"team": team, "what_if_form": form}
    if not form.is_valid():
        # htmx swaps only a successful answer: the fragment names each field's problem in place.
        return render(request, template, context, status=200 if request.htmx else 400)
    start, end = form.cleaned_data["from"], form.cleaned_data["to"]
    _, counts, peers = selectors.what_if_counts(user, start=start, end=end, team_id=team.id)
    uplifts = form.uplifts()
    sim = domain.simulate(counts, peers, uplifts)
    context.update(
        start=start, end=end, total=driver_summary(counts), whatif=sim.what_if if uplifts else None,
        ranking=[{"label": labels.DRIVER_LABELS[r.name], "gain_at_uplift": r.gain_at_uplift,
                  "gain_at_top_quartile": r.gain_at_top_quartile} for r in sim.ranking],
        new_values=[{"label": labels.DRIVER_LABELS[n], "name": n, "before": v, "after": sim.what_if.new_values[n]}
                    for n, v in sim.drivers.factors()],
    )
    return render(request, template, context)
