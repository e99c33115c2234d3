"""Today, live: the team wallboard. The page renders today's numbers (kpis.live.live_today,
computed from the calls with the KPI job's own SQL) and htmx polls its fragment every
KPI_LIVE_POLL_SECONDS, so it refreshes by itself without a reload."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.access import can_manage_team
from kpis.live import live_today, wallboard_teams
from telesales.pages import found


def _live(request, team_id: int) -> dict:
    live = found(live_today, request.user, team_id=team_id)
    return {"live": live, "team": live.team, "poll_seconds": settings.KPI_LIVE_POLL_SECONDS}


@login_required
def live_index(request):
    """The first wallboard the user may watch (a rep: their own team's)."""
    team = wallboard_teams(request.user).first()
    if team is None:
        return render(request, "kpis/live.html", {"team": None, "teams": []})
    return redirect("kpis:team_live", team.id)


@login_required
def team_live(request, team_id: int):
    """A team's wallboard: today's numbers per rep and the team's total, refreshing by itself."""
    context = _live(request, team_id)
    team = context["team"]
    context["teams"] = wallboard_teams(request.user)
    context["dashboard_url"] = reverse("kpis:team", args=[team.id]) if can_manage_team(request.user, team.id) else ""
    return render(request, "kpis/live.html", context)


@login_required
def team_live_board(request, team_id: int):
    """The wallboard's table alone: what the page's htmx poll swaps in."""
    return render(request, "kpis/_live_board.html", _live(request, team_id))
