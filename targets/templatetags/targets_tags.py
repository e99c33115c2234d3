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


@register.inclusion_tag("targets/_progress_card.html", takes_context=True)
def target_progress_card(context, limit: int = 12):
    """Current targets with actual vs pace and RAG for the signed-in user (rep: own; manager:
    team and reps), plus the rep's 'calls a day' plan — for the home and team pages."""
    from django.utils import timezone

    from accounts.access import is_rep
    from targets import services
    from targets.selectors import progress_rows, targets_visible_to

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"rows": [], "plan": None}
    today = timezone.localdate()
    targets = list(
        targets_visible_to(user).filter(start__lte=today, end__gte=today, period_kind="month")
        .exclude(owner_kind="company").order_by("owner_kind", "rep__username")[:limit]
    )
    rows = progress_rows(targets, today)
    plan = None
    if is_rep(user):
        mine = next((t for t in targets if t.rep_id == user.pk), None)
        plan = {"target": mine, **services.funnel_plan(mine, as_of=today)} if mine else None
    return {"rows": rows, "plan": plan}
