"""What each kind says and links to. A notification stores its kind and parameters; the text is
written when it is read, in the reader's language (`text`), so one row serves every language.

`params(obj)` reads only plain attributes of the record the service passes in, so this module
imports no app above it."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from notifications.models import Kind
from telesales import formats


@dataclass(frozen=True)
class KindSpec:
    url_name: str
    url_arg: str  # the attribute of the record whose value the URL takes
    params: Callable[[object], dict]
    text: Callable[[dict], str]
    team_event: bool = False  # about someone the recipient manages: managers choose these
    window: dt.timedelta = dt.timedelta(hours=12)  # a repeat this soon is merged quietly


def _when(value: str | None) -> str:
    if not value:
        return ""
    return formats.short_datetime(timezone.localtime(dt.datetime.fromisoformat(value)))


def _day(value: str | None) -> str:
    return formats.short_date(dt.date.fromisoformat(value)) if value else ""


def _lead_name(lead) -> str:
    return lead.name if lead is not None else ""


SPECS: dict[str, KindSpec] = {
    Kind.FOLLOW_UP_DUE: KindSpec(
        "leads:detail", "lead_id",
        lambda f: {"lead": _lead_name(f.lead), "due": f.due_at.isoformat(), "purpose": f.purpose},
        lambda p: gettext("Follow-up with %(lead)s due at %(due)s") % {"lead": p.get("lead", ""), "due": _when(p.get("due"))},
    ),
    Kind.LEAD_RETURNING: KindSpec(
        "leads:detail", "pk",
        lambda lead: {"lead": lead.name},
        lambda p: gettext("%(lead)s returns to the pool at %(due)s unless you work it")
        % {"lead": p.get("lead", ""), "due": _when(p.get("due"))},
    ),
    Kind.APPEAL_DECIDED: KindSpec(
        "leads:detail", "lead_id",
        lambda a: {"lead": _lead_name(a.lead), "approved": a.status == "approved"},
        lambda p: (gettext("Your appeal for %(lead)s was approved: the customer is yours") if p.get("approved")
                   else gettext("Your appeal for %(lead)s was rejected")) % {"lead": p.get("lead", "")},
    ),
    Kind.LEAD_REASSIGNED: KindSpec(
        "leads:detail", "pk",
        lambda lead: {"lead": lead.name},
        lambda p: gettext("%(lead)s was assigned to you") % {"lead": p.get("lead", "")},
    ),
    Kind.QA_REVIEW_COMPLETE: KindSpec(
        "coaching:sample", "pk",
        lambda s: {"score": str(s.result_total) if s.result_total is not None else ""},
        lambda p: gettext("The QA review of your call is complete: %(score)s points") % {"score": p.get("score", "")},
    ),
    Kind.CHECK_IN_DUE: KindSpec(
        "coaching:plan", "pk",
        lambda plan: {"plan": plan.title},
        lambda p: gettext("Check-in due for “%(plan)s” on %(due)s") % {"plan": p.get("plan", ""), "due": _day(p.get("due"))},
        team_event=True,
    ),
    Kind.TARGET_ALERT: KindSpec(
        "targets:alert", "pk",
        lambda alert: {"owner": alert.target.owner_label, "days": alert.days_below},
        lambda p: gettext("Target alert: %(owner)s, %(days)s working days below pace")
        % {"owner": p.get("owner", ""), "days": p.get("days", "")},
        team_event=True, window=dt.timedelta(days=7),
    ),
}

TEAM_KINDS = [k for k, spec in SPECS.items() if spec.team_event]


def url_for(kind: str, obj) -> str:
    return reverse(SPECS[kind].url_name, args=[getattr(obj, SPECS[kind].url_arg)])


def text(kind: str, params: dict) -> str:
    """The notification's short text in the active language."""
    spec = SPECS.get(kind)
    return spec.text(params) if spec else kind


def label(kind: str) -> str:
    return str(Kind(kind).label) if kind in Kind.values else kind


def choices_for(user, *, manages: bool) -> list[tuple[str, str, bool]]:
    """(kind, label, team event) a user may set preferences for: team events only for managers."""
    return [(k, label(k), SPECS[k].team_event) for k in Kind.values if manages or not SPECS[k].team_event
            or k == Kind.CHECK_IN_DUE]
