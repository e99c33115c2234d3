"""`{% load targets_tags %}{% unread_target_alerts as n %}`: other pages may show the badge."""

from django import template
from django.utils import timezone

from targets.selectors import progress_card, unread_alert_count

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
