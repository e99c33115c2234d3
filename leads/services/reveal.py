"""Masking and reveal: a manager sees a full number, audited."""

from __future__ import annotations

from django.utils.translation import gettext

from accounts.models import User
from leads.models import (
    PhoneReveal,
)
from leads.selectors import can_reveal, lead_for
from telesales.errors import PermissionDenied


def reveal_phone(*, actor: User, lead_id: int, reason: str = "") -> str:
    """A manager or admin sees a full number of a lead they manage or may work; the look is audited."""
    lead = lead_for(actor=actor, lead_id=lead_id)
    if not can_reveal(actor, lead):
        raise PermissionDenied(gettext("Only admins, and managers for their teams' leads and pools, can reveal phone numbers."))
    PhoneReveal.objects.create(lead=lead, actor=actor, reason=(reason or "")[:200])
    return lead.phone
