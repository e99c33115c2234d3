from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts import panels
from accounts.access import can_manage, is_admin, is_manager, is_rep


def _works_leads(user) -> bool:
    return is_rep(user) or can_manage(user)


# (label, url name, who sees it). Apps' index pages are named "<app>:index".
NAVIGATION = [
    (_("Call plan"), "calls:index", lambda user: is_rep(user) or is_manager(user)),
    (_("Leads"), "leads:index", _works_leads),
    (_("KPIs"), "kpis:index", _works_leads),
    (_("Live today"), "kpis:live", _works_leads),
    (_("Funnel"), "funnel:index", _works_leads),
    (_("Targets"), "targets:index", _works_leads),
    (_("Coaching"), "coaching:index", _works_leads),
    (_("Team"), "accounts:team", can_manage),
    (_("Lead scoring"), "scoring:index", can_manage),
    (_("API tokens"), "accounts:tokens", is_admin),
    (_("Webhooks"), "webhooks:index", is_admin),
    (_("Admin"), "admin:index", is_admin),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, name, shown_to in NAVIGATION:
        if not shown_to(user):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items, "home_panels": panels.HOME_PANELS, "team_panels": panels.TEAM_PANELS}
