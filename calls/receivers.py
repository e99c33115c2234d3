"""Reactions to other apps' signals."""

from calls.models import FollowUp
from calls.services import hand_over_follow_ups


def follow_ups_follow_handed_over_leads(sender, *, from_user, assignments, **kwargs):
    """leads.signals.leads_handed_over: move the leaver's open follow-ups to the new owners."""
    hand_over_follow_ups(from_user_id=from_user.pk, assignments=assignments)


def open_follow_ups_in_preview(sender, *, user, **kwargs) -> dict:
    """leads.signals.handover_preview: how many open follow-ups would move."""
    return {"open_follow_ups": FollowUp.objects.filter(assigned_to=user, done_at__isnull=True).count()}
