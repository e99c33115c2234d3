"""Phone numbers: parse and normalize to E.164 with `phonenumbers`, mask for those who may not see them."""

import phonenumbers
from django.conf import settings

from telesales.errors import DomainError


class InvalidPhone(DomainError):
    code = "invalid_phone"


def normalize_phone(raw: str, region: str | None = None) -> str:
    """Return the E.164 form of `raw` or raise InvalidPhone with a reason a person understands."""
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone("Phone number is empty.")
    try:
        number = phonenumbers.parse(text, region or settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"“{text}” is not a phone number ({exc._msg}).") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"“{text}” is not a valid phone number for region {region or settings.PHONE_DEFAULT_REGION}.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """138****5678: national number with the middle digits hidden."""
    if not e164:
        return ""
    try:
        national = str(phonenumbers.parse(e164).national_number)
    except phonenumbers.NumberParseException:
        national = e164.lstrip("+")
    if len(national) <= 4:
        return "*" * len(national)
    head = national[:3] if len(national) >= 8 else national[:1]
    return f"{head}{'*' * (len(national) - len(head) - 4)}{national[-4:]}"
