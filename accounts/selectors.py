"""Reads of people, scoped to the actor by accounts.access."""

from django.utils.translation import gettext as _

from accounts.access import visible_users
from accounts.models import User
from telesales.errors import NotFound


def user_for(*, actor: User, user_id: int) -> User:
    """A person the actor may see (accounts.access.visible_users), with their team; anyone else
    is not found."""
    user = visible_users(actor).select_related("team").filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No such person, or not one you may see."))
    return user
