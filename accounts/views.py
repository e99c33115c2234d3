from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from accounts.access import scope_teams, visible_users
from accounts.models import Role, Team


@login_required
def home(request):
    """Send each role to its start page: reps to the call plan, managers to KPIs, admins to leads."""
    targets = {Role.REP: "calls:index", Role.MANAGER: "kpis:index"}
    for name in (targets.get(request.user.role), "leads:index"):
        if not name:
            continue
        try:
            return redirect(reverse(name))
        except NoReverseMatch:
            continue
    return render(request, "accounts/home.html")


@login_required
def team(request):
    """Teams and members the user may see."""
    teams = scope_teams(Team.objects.prefetch_related("managers"), request.user)
    members = visible_users(request.user).select_related("team").filter(role=Role.REP).order_by("team__name", "username")
    return render(request, "accounts/team.html", {"teams": teams, "members": members})
