"""Reads on leads, always scoped through accounts.access."""

from django.db.models import QuerySet

from accounts.access import scope_by_user, sees_everything
from accounts.models import User
from leads.models import Lead
from leads.phones import mask_phone
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


# ---- masking (号码脱敏) -------------------------------------------------------------------
class PhoneViewer:
    """Decides, for one user, which leads' numbers they see in full. Built once per request
    (one query for managed teams), then asked per row without further queries."""

    def __init__(self, user: User):
        self.user = user
        self.everything = sees_everything(user)
        self.teams = set(user.managed_teams.values_list("id", flat=True)) if user.role == "manager" else set()

    def sees_full(self, lead: Lead) -> bool:
        if self.everything:
            return True
        if lead.owner_id is None:
            return False
        if lead.owner_id == self.user.pk:
            return True
        owner = lead.owner
        return bool(self.teams) and owner is not None and owner.team_id in self.teams

    def phone(self, lead: Lead) -> str:
        return lead.phone if self.sees_full(lead) else mask_phone(lead.phone)

    def phone2(self, lead: Lead) -> str:
        if not lead.phone2:
            return ""
        return lead.phone2 if self.sees_full(lead) else mask_phone(lead.phone2)


def public_pool_leads(user: User, *, pool_id: int | None = None) -> QuerySet[Lead]:
    """Unowned leads in the pools the user may browse (numbers are masked by the caller)."""
    from leads.services import accessible_pools

    pools = accessible_pools(user)
    if not sees_everything(user) and user.role == "rep":
        pools = pools.filter(browsing_enabled=True)
    qs = Lead.objects.select_related("pool").filter(owner__isnull=True, pool__in=pools, status="active")
    if pool_id is not None:
        qs = qs.filter(pool_id=pool_id)
    return qs


def ownership_history(lead: Lead) -> QuerySet:
    return lead.ownership_events.select_related("from_owner", "to_owner", "actor").order_by("at", "id")


def grade_history(lead: Lead) -> QuerySet:
    return lead.grade_changes.select_related("changed_by", "owner").order_by("changed_at", "id")
