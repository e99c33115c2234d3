"""Do-not-call checks used by the dialer sync (calls/sync.py).

The list belongs to leads (`leads.services`); these two names remain only for sync, whose
owner moves it to `leads.services.do_not_call_numbers` / `add_do_not_call`, then this module goes."""

from leads.services import add_do_not_call, do_not_call_numbers


def blocked_numbers(phones) -> set[str]:
    """The subset of `phones` on the company do-not-call list (one query)."""
    return do_not_call_numbers(phones)


def add_number(*, phone: str, actor=None, reason: str = "") -> None:
    """Put a number on the company list (idempotent); the customer asked not to be called."""
    add_do_not_call(actor=actor, phone=phone, reason=reason)
