"""`{% load targets_tags %}{% unread_target_alerts as n %}`: other pages may show the badge."""

import re

from django import template
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, pgettext_lazy

from targets.models import MONEY_METRICS
from targets.selectors import progress_card, unread_alert_count
from telesales import formats

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_target_alerts(context) -> int:
    return unread_alert_count(getattr(context.get("request"), "user", None))


@register.inclusion_tag("targets/_rag.html")
def rag(status: str):
    return {"status": status}


@register.inclusion_tag("targets/_progress_card.html", takes_context=True)
def target_progress_card(context, limit: int = 12):
    """Current targets with actual vs pace and RAG for the signed-in user (rep: own; manager:
    team and reps), plus the rep's 'calls a day' plan — for the home and team pages."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return {"rows": [], "plan": None}
    return progress_card(user, today=timezone.localdate(), limit=limit)


@register.filter
def metric_value(value, metric):
    """A target's value, actual or pace in its metric's unit: money with ¥ and two decimals,
    counts (calls, policies, customers) as whole numbers."""
    return formats.money(value) if metric in MONEY_METRICS else formats.count(value)


TIER_NAMES = {
    "base": pgettext_lazy("target tier", "base"),
    "challenge": pgettext_lazy("target tier", "challenge"),
    "excellence": pgettext_lazy("target tier", "excellence"),
}
RATE_SOURCES = {
    "own": pgettext_lazy("rates from", "own history"),
    "team": pgettext_lazy("rates from", "the team"),
    "company": pgettext_lazy("rates from", "the company"),
}


@register.filter
def tier_name(name):
    return TIER_NAMES.get(name, name) if name else "—"


@register.filter
def rates_source(source):
    return RATE_SOURCES.get(source, source)


_HINTS = (
    (re.compile(r"^Stretch: (?P<pct>[+-]\d+)% over the best comparable period in history\.$"),
     gettext_noop("Stretch: %(pct)s%% over the best comparable period in history.")),
    (re.compile(r"^(?P<pct>[+-]\d+)% against the best comparable period in history\.$"),
     gettext_noop("%(pct)s%% against the best comparable period in history.")),
    (re.compile(r"^No comparable history for this owner; the target cannot be checked for attainability\.$"),
     gettext_noop("No comparable history for this owner; the target cannot be checked for attainability.")),
)


@register.filter
def attainability(note: str) -> str:
    """The stored attainability hint (targets.domain.stretch_hint, English) in the reader's language."""
    for pattern, msgid in _HINTS:
        match = pattern.match(note or "")
        if match:
            return gettext(msgid) % match.groupdict() if match.groupdict() else gettext(msgid)
    return note
