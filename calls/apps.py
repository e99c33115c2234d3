import importlib

from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"

    def ready(self):
        # The leads app announces hand-overs (staff leave); open follow-ups follow the leads.
        try:
            signals = importlib.import_module("leads.signals")
        except ImportError:
            return
        from calls import receivers

        if hasattr(signals, "leads_handed_over"):
            signals.leads_handed_over.connect(
                receivers.follow_ups_follow_handed_over_leads, dispatch_uid="calls.handover_follow_ups"
            )
        if hasattr(signals, "handover_preview"):
            signals.handover_preview.connect(receivers.open_follow_ups_in_preview, dispatch_uid="calls.handover_preview")
