"""Phone numbers: parse and normalize to E.164 with `phonenumbers`, mask for those who may not see them."""

import re

import phonenumbers
from django.conf import settings

from telesales.errors import DomainError


class InvalidPhone(DomainError):
    code = "invalid_phone"


# Fast path for the common case (imports of 100,000 rows): a Chinese mobile number written with
# optional +86 and separators. The pattern is phonenumbers' own CN mobile pattern, so a match is
# exactly a number phonenumbers would accept as a valid mobile; anything else takes the full parse.
_CN_MOBILE = re.compile(phonenumbers.PhoneMetadata.metadata_for_region("CN").mobile.national_number_pattern)
_SEPARATORS = re.compile(r"[\s\-()]")


def _fast_cn_mobile(text: str) -> str | None:
    compact = _SEPARATORS.sub("", text)
    if compact.startswith("+86"):
        compact = compact[3:]
    if len(compact) == 11 and compact.isdigit() and compact.isascii() and _CN_MOBILE.fullmatch(compact):
        return "+86" + compact
    return None


# Letters are refused rather than read as keypad digits (1390000abcd is a typo, not 13900002223).
_LETTER = re.compile(r"[^\W\d_]")
# Extensions phonenumbers does not know: 转 / 分机 followed by digits.
_CN_EXTENSION = re.compile(r"(转|分机)\s*\d+\s*$")


def normalize_phone(raw: str, region: str | None = None) -> str:
    """Return the E.164 form of `raw` or raise InvalidPhone with a reason a person understands.

    Letters are refused, and so are extensions (a lead's number is dialled directly): a number
    is never guessed or silently shortened."""
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone("Phone number is empty.")
    region = region or settings.PHONE_DEFAULT_REGION
    if region == "CN":
        fast = _fast_cn_mobile(text)
        if fast is not None:
            return fast
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        number, problem = None, exc
    if (number is not None and number.extension) or _CN_EXTENSION.search(text):
        raise InvalidPhone(f"“{text}”: extensions are not supported; enter the number without one.")
    if _LETTER.search(text):
        raise InvalidPhone(f"“{text}” contains letters; enter the number in digits only.")
    if number is None:
        raise InvalidPhone(f"“{text}” is not a phone number ({problem._msg}).") from problem
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"“{text}” is not a valid phone number for region {region}.")
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
