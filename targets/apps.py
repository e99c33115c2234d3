from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "targets"

    def ready(self):
        from accounts.panels import register_home_panel, register_team_panel

        # Progress against this month's targets on the rep's home page and the team page.
        register_home_panel("targets/_progress_panel.html")
        register_team_panel("targets/_progress_panel.html")
