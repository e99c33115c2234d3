from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.access import (
    can_manage_api_tokens,
    can_manage_team,
    is_manager,
    is_rep,
    scope_teams,
    visible_users,
)
from accounts.forms import ApiTokenForm
from accounts.models import ApiToken, Role, Team
from telesales.errors import DomainError


@login_required
def home(request):
    """Send each role to its start page: reps to the call plan, managers to KPIs, admins to leads."""
    start = "calls:index" if is_rep(request.user) else "kpis:index" if is_manager(request.user) else None
    for name in (start, "leads:index"):
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
    teams = list(scope_teams(Team.objects.prefetch_related("managers"), request.user))
    for t in teams:
        t.can_edit = can_manage_team(request.user, t.pk)
    members = visible_users(request.user).select_related("team").filter(role=Role.REP).order_by("team__name", "username")
    return render(request, "accounts/team.html", {"teams": teams, "members": members})


@login_required
@require_POST
def team_dialer(request, team_id: int):
    """Set a team's click-to-dial URL template (its managers and admins)."""
    if not scope_teams(Team.objects.filter(pk=team_id), request.user).exists():
        raise Http404
    if not can_manage_team(request.user, team_id):
        raise HttpForbidden("Only the team's managers and admins set its dialer.")
    try:
        team = services.set_dialer_url_template(actor=request.user, team_id=team_id,
                                                template=request.POST.get("dialer_url_template", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Dialer of “%(team)s” saved.") % {"team": team.name})
    return redirect("accounts:team")


def _require_admin(user) -> None:
    # Pages are session-only: DRF's token authentication never signs a page request in.
    if not can_manage_api_tokens(user, via_token=False):
        raise HttpForbidden("Only admins manage API tokens.")


@login_required
def tokens(request):
    """Integration tokens: create one per integration (the key is shown once, expiry optional), revoke."""
    _require_admin(request.user)
    new_key = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("The token was not created: check the fields below."))
        else:
            try:
                token, new_key = services.create_api_token(actor=request.user, **form.cleaned_data)
                messages.success(request, _("Token “%(name)s” created. Copy the key now; it is not shown again.")
                                 % {"name": token.name})
                form = ApiTokenForm()
            except DomainError as exc:
                messages.error(request, exc.message)
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": ApiToken.objects.select_related("user", "created_by").order_by("-created_at"),
            "form": form,
            "new_key": new_key,
        },
    )


@login_required
@require_POST
def revoke_token(request, token_id: int):
    _require_admin(request.user)
    try:
        token = services.revoke_api_token(actor=request.user, token_id=token_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
