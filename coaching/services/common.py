"""What the coaching services share: who may run coaching."""

from django.utils.translation import gettext

from accounts.access import can_manage, can_manage_team
from accounts.models import User
from telesales.errors import PermissionDenied


def require_coach(actor: User, team_id: int | None = None) -> None:
    """Managers (of the team, when one is given) and admins run coaching."""
    if not can_manage(actor):
        raise PermissionDenied(gettext("Only managers and admins can do this."))
    if team_id is not None and not can_manage_team(actor, team_id):
        raise PermissionDenied(gettext("You do not manage this team."))
