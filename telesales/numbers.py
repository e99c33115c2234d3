"""Numbers typed by people or sent by systems, read the same way by every service."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from telesales.errors import DomainError


def parse_decimal(value, what: str, *, optional: bool = False) -> Decimal | None:
    """A finite Decimal from text or a number; blank (None or "") is None when `optional`, and
    refused like any other non-number when not. `what` names the value in the message."""
    if optional and value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_("%(what)s must be a number.") % {"what": what}) from None
    if not number.is_finite():
        raise DomainError(_("%(what)s must be a number.") % {"what": what})
    return number
