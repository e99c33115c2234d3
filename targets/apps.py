from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Targets")

    def ready(self):
        from accounts.panels import register_home_panel, register_team_panel
        from kpis.tasks import run_after_nightly
        from targets.tasks import evaluate_alert_rules

        # Alert rules read the night's KPIs: they run once the nightly KPI run succeeded.
        run_after_nightly(evaluate_alert_rules.name)

        # Today's calls, customers reached and sales against today's targets, live, on top of the
        # call plan; progress against this month's targets on the rep's home page and the team page.
        register_home_panel("targets/_today_panel.html")
        register_home_panel("targets/_progress_panel.html")
        register_team_panel("targets/_progress_panel.html")
