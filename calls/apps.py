from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Calls")

    def ready(self):
        # The leads app announces hand-overs (staff leave); open follow-ups follow the leads.
        from calls import receivers, sync_schema
        from leads.signals import handover_preview, leads_handed_over
        from telesales.schema import register_schema_part

        leads_handed_over.connect(receivers.follow_ups_follow_handed_over_leads, dispatch_uid="calls.handover_follow_ups")
        handover_preview.connect(receivers.open_follow_ups_in_preview, dispatch_uid="calls.handover_preview")
        # The sync's row schema says what each disposition needs (one schema per kind of outcome).
        register_schema_part(sync_schema.split_rows_by_outcome, sync_schema.signature)
