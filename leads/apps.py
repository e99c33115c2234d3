from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"

    def ready(self):
        from leads.tasks import sweep_imports
        from telesales.jobs import register_sweeper

        register_sweeper("lead_imports", sweep_imports)
