"""Reads on leads, always scoped through accounts.access."""

from django.db.models import QuerySet

from accounts.access import scope_by_user, sees_everything
from accounts.models import User
from leads.models import Lead
from telesales.errors import NotFound


def leads_visible_to(user: User) -> QuerySet[Lead]:
    """Private leads the user may see: own (rep), own teams' (manager), all (admin).
    Public-pool leads are listed by the pool selectors, masked."""
    return scope_by_user(Lead.objects.select_related("owner", "pool"), user, "owner")


def lead_for(*, actor: User, lead_id: int) -> Lead:
    """One lead the actor may see, or NotFound (for a missing lead and a hidden one alike)."""
    qs = Lead.objects.select_related("owner", "pool", "owner__team")
    lead = qs.filter(pk=lead_id).first()
    if lead is None:
        raise NotFound("Lead not found.")
    if sees_everything(actor) or lead.owner_id is None:
        return lead
    if not leads_visible_to(actor).filter(pk=lead_id).exists():
        raise NotFound("Lead not found.")
    return lead


def can_work_lead(actor: User, lead: Lead) -> bool:
    """Who may log calls and change grades on a lead: its owner, the owner's managers, admins."""
    if sees_everything(actor):
        return True
    if lead.owner_id == actor.pk:
        return True
    return actor.role == "manager" and lead.owner is not None and lead.owner.team_id is not None and \
        actor.managed_teams.filter(pk=lead.owner.team_id).exists()
