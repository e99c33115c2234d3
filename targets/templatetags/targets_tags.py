"""`{% load targets_tags %}{% unread_target_alerts as n %}`: other pages may show the badge."""

from django import template

from targets.selectors import unread_alert_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_target_alerts(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    return unread_alert_count(user) if user is not None else 0


@register.inclusion_tag("targets/_rag.html")
def rag(status: str):
    return {"status": status}
