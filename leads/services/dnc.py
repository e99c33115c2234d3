"""The company do-not-call list: adding a number (the reads are in leads.selectors)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from leads.models import (
    DoNotCallNumber,
    Lead,
    LeadStatus,
)
from leads.phones import normalize_phone


@transaction.atomic
def add_do_not_call(*, actor: User, phone: str, reason: str = "") -> DoNotCallNumber:
    """Put a number on the company-wide do-not-call list; a lead with it becomes do-not-call."""
    e164 = normalize_phone(phone)
    entry, _ = DoNotCallNumber.objects.get_or_create(phone=e164, defaults={"reason": reason[:200], "added_by": actor})
    Lead.objects.filter(phone=e164).exclude(status=LeadStatus.DNC).update(status=LeadStatus.DNC, updated_at=timezone.now())
    return entry
