from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpis"

    def ready(self):
        from kpis import health, tasks
        from telesales.health import register_check
        from telesales.jobs import register_sweeper

        register_sweeper("kpi_runs", tasks.sweep_runs)
        register_check("kpi_run", health.last_good_run)
