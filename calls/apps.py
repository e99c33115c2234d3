from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Calls")

    def ready(self):
        # The leads app announces hand-overs (staff leave); open follow-ups follow the leads.
        from calls import receivers
        from leads.signals import handover_preview, leads_handed_over

        leads_handed_over.connect(receivers.follow_ups_follow_handed_over_leads, dispatch_uid="calls.handover_follow_ups")
        handover_preview.connect(receivers.open_follow_ups_in_preview, dispatch_uid="calls.handover_preview")
