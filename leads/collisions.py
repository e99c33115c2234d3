"""Reads behind the collision page (撞单): the signed pass a collision answer hands the rep who
typed the number, and what that pass lets them see.

A rep who types a number someone else holds may not read that lead (leads.selectors.may_read),
yet must be able to act on the answer. The answer (leads.services.collision_error, already
counted against the hourly budget and logged) carries a pass signed for that rep and that lead;
the pass opens a page with the masked summary and the appeal form, to that rep only, for
COLLISION_PASS_DAYS. Nothing else about the lead is shown there."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.db.models import Case, QuerySet, When
from django.urls import reverse

from accounts.access import can_hold_leads, is_admin, is_manager, managed_team_ids
from accounts.models import User
from leads.models import Appeal, Lead
from leads.selectors import PhoneViewer, appeals_visible_to, may_read
from telesales.errors import NotFound

COLLISION_PASS_DAYS = 7
_SALT = "leads.collision"


def collision_pass(*, lead_id: int, user_id: int) -> str:
    """The signed pass for one user and one lead (no secret in it: ids only)."""
    return signing.dumps([lead_id, user_id], salt=_SALT, compress=True)


def collision_page(*, lead_id: int, user_id: int) -> str:
    """The address of the collision page a collision answer points to."""
    return reverse("leads:collision", args=[collision_pass(lead_id=lead_id, user_id=user_id)])


@dataclass(frozen=True)
class CollisionView:
    """What the rep sees: the lead masked, who holds it, and their own appeals on it."""

    lead: Lead
    shown_phone: str
    readable: bool
    appeals: list[Appeal]

    @property
    def pending(self) -> Appeal | None:
        return next((a for a in self.appeals if a.status == "pending"), None)


def collision_for(*, actor: User, token: str) -> CollisionView:
    """The lead behind a pass, for the user it was signed for; NotFound for a forged, expired or
    someone else's pass, and for an integration (it cannot appeal)."""
    try:
        lead_id, user_id = signing.loads(token, salt=_SALT, max_age=COLLISION_PASS_DAYS * 86400)
    except (signing.BadSignature, ValueError, TypeError):
        raise NotFound("This collision link is not valid (or is older than a week).") from None
    if user_id != actor.pk or not can_hold_leads(actor):
        raise NotFound("This collision link is not valid (or is older than a week).")
    lead = Lead.objects.select_related("owner", "owner__team", "pool").filter(pk=lead_id).first()
    if lead is None:
        raise NotFound("Lead not found.")
    appeals = list(Appeal.objects.filter(lead=lead, requested_by=actor).select_related("decided_by")[:10])
    readable = may_read(actor, lead)
    return CollisionView(lead=lead, shown_phone=PhoneViewer(actor).phone(lead), readable=readable, appeals=appeals)


def appeals_page(*, actor: User, status: str = "") -> QuerySet[Appeal]:
    """The appeals the actor may see (leads.selectors.appeals_visible_to), pending first, with
    what the page shows joined in."""
    qs = appeals_visible_to(actor).select_related(
        "lead__owner", "lead__pool", "requested_by", "holder_at_request", "decided_by")
    if status:
        qs = qs.filter(status=status)
    pending_first = Case(When(status="pending", then=0), default=1)
    return qs.order_by(pending_first, "-created_at", "-id")


def mark_decidable(actor: User, appeals: Iterable[Appeal]) -> None:
    """Set `can_decide` on each appeal as leads.selectors.can_decide_appeal would, with one
    query for the actor's teams instead of one per appeal."""
    admin = is_admin(actor)
    teams = set(managed_team_ids(actor)) if is_manager(actor) else set()
    viewer = PhoneViewer(actor)
    for appeal in appeals:
        holder = appeal.lead.owner
        appeal.can_decide = appeal.status == "pending" and (
            admin or appeal.requested_by.team_id in teams or (holder is not None and holder.team_id in teams))
        appeal.shown_phone = viewer.phone(appeal.lead)
