from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts import panels
from accounts.models import Role

# (label, url name, roles that see it). Apps' index pages are named "<app>:index".
NAVIGATION = [
    (_("Call plan"), "calls:index", {Role.REP, Role.MANAGER}),
    (_("Leads"), "leads:index", {Role.REP, Role.MANAGER, Role.ADMIN}),
    (_("KPIs"), "kpis:index", {Role.REP, Role.MANAGER, Role.ADMIN}),
    (_("Funnel"), "funnel:index", {Role.REP, Role.MANAGER, Role.ADMIN}),
    (_("Targets"), "targets:index", {Role.REP, Role.MANAGER, Role.ADMIN}),
    (_("Coaching"), "coaching:index", {Role.REP, Role.MANAGER, Role.ADMIN}),
    (_("Team"), "accounts:team", {Role.MANAGER, Role.ADMIN}),
    (_("API tokens"), "accounts:tokens", {Role.ADMIN}),
    (_("Admin"), "admin:index", {Role.ADMIN}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": []}
    role = Role.ADMIN if user.is_superuser else user.role
    items = []
    for label, name, roles in NAVIGATION:
        if role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items, "home_panels": panels.HOME_PANELS, "team_panels": panels.TEAM_PANELS}
