from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    verbose_name = _("Webhooks")
    name = "webhooks"

    def ready(self):
        from telesales import events
        from webhooks.publishing import record_event

        # Every domain event of the services (telesales/events.py) lands here, in their transaction.
        events.subscribe(record_event)
