from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    verbose_name = _("Lead scoring")
    name = "scoring"

    def ready(self):
        from scoring import bands

        bands.register()  # the score band cut on the KPI and funnel segment pages
