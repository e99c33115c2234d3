"""Reads of people, scoped to the actor by accounts.access."""

from django.utils.translation import gettext as _

from accounts.access import visible_users
from accounts.models import User
from telesales.errors import first_or_not_found


def user_for(*, actor: User, user_id: int) -> User:
    """A person the actor may see (accounts.access.visible_users), with their team; anyone else
    is not found."""
    people = visible_users(actor).select_related("team").filter(pk=user_id)
    return first_or_not_found(people, _("No such person, or not one you may see."))
