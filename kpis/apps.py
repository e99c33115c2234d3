from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = _("KPIs")

    def ready(self):
        from kpis import health, tasks
        from telesales.health import register_check
        from telesales.jobs import register_sweeper

        register_sweeper("kpi_runs", tasks.sweep_runs)
        register_check("kpi_run", health.last_good_run)
