from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = _("Leads")

    def ready(self):
        from leads.tasks import sweep_imports
        from telesales.jobs import register_sweeper

        register_sweeper("lead_imports", sweep_imports)
