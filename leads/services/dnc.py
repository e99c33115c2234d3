"""The company do-not-call list."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from leads.models import (
    DoNotCallNumber,
    Lead,
    LeadStatus,
)
from leads.phones import normalize_phone


def is_do_not_call(phone_e164: str) -> bool:
    return DoNotCallNumber.objects.filter(phone=phone_e164).exists()


def do_not_call_numbers(phones: Iterable[str]) -> set[str]:
    """The subset of `phones` (E.164) on the company do-not-call list, in one query."""
    return set(DoNotCallNumber.objects.filter(phone__in=[p for p in phones if p]).values_list("phone", flat=True))


@transaction.atomic
def add_do_not_call(*, actor: User, phone: str, reason: str = "") -> DoNotCallNumber:
    """Put a number on the company-wide do-not-call list; a lead with it becomes do-not-call."""
    e164 = normalize_phone(phone)
    entry, _ = DoNotCallNumber.objects.get_or_create(phone=e164, defaults={"reason": reason[:200], "added_by": actor})
    Lead.objects.filter(phone=e164).exclude(status=LeadStatus.DNC).update(status=LeadStatus.DNC, updated_at=timezone.now())
    return entry
