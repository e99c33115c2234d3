"""Pure rules for pools: when a held lead returns, how leads are spread over reps; and what a
lead attribute value may be and how it is stored. No Django."""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation


@dataclass(frozen=True)
class ReturnRules:
    """The auto-return part of a pool's rules (不跟进自动回收)."""

    return_days_by_grade: dict
    no_progress_days: int = 0
    fresh_claim_hours: int = 0
    exempt_won: bool = True
    exempt_open_quote: bool = True
    warn_days: int = 3

    def days_for(self, grade: str) -> int:
        try:
            return max(int((self.return_days_by_grade or {}).get(grade) or 0), 0)
        except (TypeError, ValueError):
            return 0


@dataclass(frozen=True)
class HeldLead:
    """What the rules look at on one held lead."""

    grade: str
    status: str
    claimed_at: dt.datetime | None
    last_real_contact_at: dt.datetime | None = None
    last_contacted_at: dt.datetime | None = None
    grade_changed_at: dt.datetime | None = None
    locked: bool = False
    has_open_quote: bool = False


def _latest(*values: dt.datetime | None) -> dt.datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def gettext_noop(text: str) -> str:
    """Marks a text for the catalogues (makemessages); translated where it is shown."""
    return text


class Reason(str):
    """A reason in English (the str itself, as logs and notes keep it) that also carries its
    marked template and values, so a page can show it in the reader's language:
    gettext(reason.template) % reason.params (leads.selectors.translated_reason)."""

    template: str
    params: dict

    def __new__(cls, template: str, **params):
        text = super().__new__(cls, template % params)
        text.template, text.params = template, params
        return text


NO_REAL_CONTACT = gettext_noop("no real contact for %(days)s days (grade %(grade)s)")
NO_PROGRESS = gettext_noop("no grade progress for %(days)s days")
NOT_CALLED = gettext_noop("not called within %(hours)s hours of being claimed")


def return_due(lead: HeldLead, rules: ReturnRules) -> tuple[dt.datetime | None, str]:
    """When the lead goes back to its pool and why; (None, "") when no rule applies.

    Only a *real* contact (reached, or long enough) resets the no-contact clock: a note or an
    unanswered dial does not, so the clock cannot be gamed."""
    if lead.claimed_at is None or lead.locked:
        return None, ""
    if lead.status == "won" and rules.exempt_won:
        return None, ""
    if lead.status not in ("active", "won"):
        return None, ""
    if lead.has_open_quote and rules.exempt_open_quote:
        return None, ""
    candidates: list[tuple[dt.datetime, str]] = []
    days = rules.days_for(lead.grade)
    if days:
        base = _latest(lead.claimed_at, lead.last_real_contact_at)
        candidates.append((base + dt.timedelta(days=days), Reason(NO_REAL_CONTACT, days=days, grade=lead.grade)))
    if rules.no_progress_days:
        base = _latest(lead.claimed_at, lead.grade_changed_at)
        candidates.append(
            (base + dt.timedelta(days=rules.no_progress_days), Reason(NO_PROGRESS, days=rules.no_progress_days))
        )
    never_called = lead.last_contacted_at is None or lead.last_contacted_at < lead.claimed_at
    if rules.fresh_claim_hours and never_called:
        candidates.append(
            (lead.claimed_at + dt.timedelta(hours=rules.fresh_claim_hours),
             Reason(NOT_CALLED, hours=rules.fresh_claim_hours))
        )
    if not candidates:
        return None, ""
    return min(candidates, key=lambda c: c[0])


def days_left(due: dt.datetime | None, now: dt.datetime) -> int | None:
    """Whole days until `due` (0 on the last day, negative when overdue); None without a due time."""
    if due is None:
        return None
    seconds = (due - now).total_seconds()
    return int(seconds // 86400)


def round_robin(
    items: Sequence[int],
    reps: Sequence[int],
    capacity: dict[int, int] | None = None,
    start: int = 0,
) -> dict[int, int | None]:
    """Assign items to reps in turn, skipping reps whose capacity is used up.

    Returns item -> rep (None when nobody has room left)."""
    out: dict[int, int | None] = {}
    if not reps:
        return dict.fromkeys(items)
    room = dict(capacity) if capacity is not None else None
    n = len(reps)
    pos = start % n
    for item in items:
        chosen = None
        for step in range(n):
            rep = reps[(pos + step) % n]
            if room is None or room.get(rep, 0) > 0:
                chosen = rep
                pos = (pos + step + 1) % n
                break
        if chosen is not None and room is not None:
            room[chosen] -= 1
        out[item] = chosen
    return out


def by_capacity(items: Iterable[int], capacity: dict[int, int]) -> dict[int, int | None]:
    """Give each item to the rep with the most free room (ties: lowest id)."""
    heap = [(-room, rep) for rep, room in capacity.items() if room > 0]
    heapq.heapify(heap)
    out: dict[int, int | None] = {}
    for item in items:
        if not heap:
            out[item] = None
            continue
        neg_room, rep = heapq.heappop(heap)
        out[item] = rep
        if neg_room + 1 < 0:
            heapq.heappush(heap, (neg_room + 1, rep))
    return out


# ---- lead attributes -----------------------------------------------------------------------
ATTRIBUTE_KINDS = ("text", "number", "date", "boolean", "choice")
# ASCII, starting with a letter, no double underscore: safe in a JSON path, a Django lookup
# (`attributes__<key>`) and a query string (`?segment=attr:<key>`).
ATTRIBUTE_KEY = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
MAX_KEY = 50
MAX_TEXT = 500
MAX_CHOICE = 100
MAX_CHOICES = 100
MAX_DIGITS = 30
MIN_ATTRIBUTE_DATE = dt.date(1900, 1, 1)
MAX_ATTRIBUTE_DATE = dt.date(2100, 12, 31)
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "是", "有", "对"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "否", "无", "不是"})
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


@dataclass(frozen=True)
class AttributeSpec:
    """What validation needs from one attribute definition."""

    key: str
    label: str
    kind: str
    choices: tuple[str, ...] = ()
    active: bool = True


class InvalidAttribute(ValueError):
    """A refused attribute: `problem` names the rule (unknown, inactive, text, number, date,
    boolean, choice, too_long); the caller turns it into a message for the user."""

    def __init__(self, key: str, problem: str, spec: AttributeSpec | None = None):
        super().__init__(f"{key}: {problem}")
        self.key, self.problem, self.spec = key, problem, spec


def clean_text(value: str) -> str | None:
    """The text stripped, or None when it holds NUL or lone surrogates (PostgreSQL's jsonb and
    UTF-8 responses cannot carry them)."""
    if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
        return None
    return value.strip()


def printable(value, limit: int = 50) -> str:
    """A value as a message may show it: NUL and lone surrogates as “?”, at most `limit` characters."""
    text = "".join("?" if ch == "\x00" or "\ud800" <= ch <= "\udfff" else ch for ch in str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def valid_attribute_key(key: str) -> bool:
    return len(key) <= MAX_KEY and bool(ATTRIBUTE_KEY.match(key))


def header_slug(header: str) -> str:
    """A column header's ASCII letters and digits joined by underscores ("Age band" -> "age_band");
    empty for a header without any (a Chinese header)."""
    return "_".join(re.findall(r"[a-z0-9]+", header.lower()))[: MAX_KEY - 4].strip("_")


def attribute_key_from(header: str, taken: Iterable[str]) -> str:
    """A new key for a column header: its slug, or attr_<n> when it has none (a Chinese header),
    made unique against `taken`."""
    base = header_slug(header)
    if not base or not base[0].isalpha():
        base = f"attr_{base}" if base else "attr"
    taken = set(taken)
    if base != "attr" and base not in taken:
        return base
    n = 1
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def _number(value) -> str:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        if not re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", text):
            raise ValueError
        number = Decimal(text)
    else:
        raise ValueError
    if not number.is_finite():
        raise ValueError
    # Wide enough that a number within the limits is never rounded; one beyond them fails below.
    number = number.normalize(Context(prec=4 * MAX_DIGITS))
    digits, exponent = len(number.as_tuple().digits), number.as_tuple().exponent
    if digits > MAX_DIGITS or abs(exponent) > MAX_DIGITS or digits + exponent > MAX_DIGITS:
        raise ValueError
    text = format(number, "f")
    return "0" if text in ("-0", "0") else text


def _date(value) -> str:
    if isinstance(value, dt.datetime):
        raise ValueError
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        # A spreadsheet date cell read as a midnight date-time.
        if re.fullmatch(r".{8,10}[ T]00:00(:00)?", text):
            text = text[: -9 if text.endswith(":00:00") else -6].strip()
        match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
        if not match:
            raise ValueError
        day = dt.date(*map(int, match.groups()))
    else:
        raise ValueError
    if not MIN_ATTRIBUTE_DATE <= day <= MAX_ATTRIBUTE_DATE:
        raise ValueError
    return day.isoformat()


def _boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise ValueError


def normalise_attribute(spec: AttributeSpec, value) -> str | bool | None:
    """The stored form of one value: text, a choice, a number (a Decimal as a string, no exponent)
    and a date (ISO) as strings, yes/no as a boolean; None when there is no value (None or blank).
    Raises InvalidAttribute naming the key and the rule it breaks."""
    if value is None:
        return None
    if isinstance(value, str):
        cleaned = clean_text(value)
        if cleaned is None:
            raise InvalidAttribute(spec.key, "text", spec)
        if not cleaned:
            return None
        value = cleaned
    try:
        if spec.kind == "number":
            return _number(value)
        if spec.kind == "date":
            return _date(value)
        if spec.kind == "boolean":
            return _boolean(value)
    except (ValueError, InvalidOperation, ArithmeticError):
        raise InvalidAttribute(spec.key, spec.kind, spec) from None
    if not isinstance(value, str):
        raise InvalidAttribute(spec.key, "choice" if spec.kind == "choice" else "text", spec)
    if spec.kind == "choice":
        if value not in spec.choices:
            raise InvalidAttribute(spec.key, "choice", spec)
        return value
    if len(value) > MAX_TEXT:
        raise InvalidAttribute(spec.key, "too_long", spec)
    return value


def normalise_attributes(values: Mapping, specs: Mapping[str, AttributeSpec]) -> dict:
    """{key: stored value or None} for a dict of attribute values, keys in order; raises
    InvalidAttribute on the first unknown or switched-off key or bad value."""
    out: dict = {}
    for key, value in values.items():
        spec = specs.get(key)
        if spec is None:
            raise InvalidAttribute(str(key), "unknown")
        if not spec.active:
            raise InvalidAttribute(key, "inactive", spec)
        out[key] = normalise_attribute(spec, value)
    return out


def clean_choices(values) -> tuple[str, ...] | None:
    """The choices of a choice attribute as distinct non-empty strings in order, or None when
    they are not a list of short texts."""
    if not isinstance(values, list | tuple) or len(values) > MAX_CHOICES:
        return None
    out: list[str] = []
    for value in values:
        if not isinstance(value, str):
            return None
        text = clean_text(value)
        if text is None or len(text) > MAX_CHOICE:
            return None
        if text and text not in out:
            out.append(text)
    return tuple(out)
