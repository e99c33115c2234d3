from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from accounts import services
from accounts.access import scope_teams, sees_everything, visible_users
from accounts.models import ApiToken, Role, Team, User
from telesales.errors import DomainError


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


def _require_admin(user) -> None:
    if not sees_everything(user) or user.role == Role.INTEGRATION:
        raise HttpForbidden("Only admins manage API tokens.")


@login_required
def tokens(request):
    """Integration tokens: create one per integration (the key is shown once), revoke."""
    _require_admin(request.user)
    new_key = None
    if request.method == "POST":
        name = request.POST.get("name", "").strip()
        user = User.objects.filter(pk=request.POST.get("user") or 0, is_active=True).first()
        if not name or user is None:
            messages.error(request, "Give the token a name and pick an active user for it to act as.")
        else:
            try:
                token, new_key = services.create_api_token(actor=request.user, name=name, user=user)
                messages.success(request, f"Token “{token.name}” created. Copy the key now; it is not shown again.")
            except DomainError as exc:
                messages.error(request, exc.message)
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": ApiToken.objects.select_related("user", "created_by").order_by("-created_at"),
            "users": User.objects.filter(is_active=True).order_by("role", "username"),
            "new_key": new_key,
        },
    )


@login_required
@require_POST
def revoke_token(request, token_id: int):
    _require_admin(request.user)
    token = services.revoke_api_token(actor=request.user, token_id=token_id)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:tokens")
