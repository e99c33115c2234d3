"""Today's tiles on the rep's call plan: calls, customers reached and sales so far today (the
live numbers of kpis.live.live_today) against today's part of the rep's targets. The call
plan (calls app) cannot import targets: its home-panel hook includes targets/_today_panel.html,
which loads this fragment by URL; the fragment polls itself and reloads when a call is logged."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kpis.live import live_today
from targets import selectors
from targets.forms import TodayQueryForm
from telesales.pages import found
from telesales.params import bad_query

TILE_LABELS = {
    "calls_made": _("Calls"),
    "customers_reached": _("Customers reached"),
    "customers_sold": _("Sales"),
}


@login_required
def today_tiles(request):
    """The tiles of the signed-in user, or (?rep=) of a rep they may see."""
    query = TodayQueryForm(request.GET)
    if not query.is_valid():
        return bad_query(request, query)
    rep_id = query.cleaned_data["rep"]
    live = found(live_today, request.user, rep_id=rep_id or request.user.pk)
    rep = live.rows[0].rep
    targets = selectors.today_targets(request.user, rep=rep, day=live.day)
    tiles = []
    for key, _metrics in selectors.TODAY_TILES:
        value, target = getattr(live.total, key), targets[key]
        tiles.append({"key": key, "label": TILE_LABELS[key], "value": value, "target": target,
                      "reached": target is not None and target > 0 and value >= target})
    url = reverse("targets:today") + (f"?rep={rep.pk}" if rep_id else "")
    return render(request, "targets/_today_tiles.html", {
        "tiles": tiles, "live": live, "rep": rep, "url": url, "poll_seconds": settings.TODAY_TILES_POLL_SECONDS,
    })
