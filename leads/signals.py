"""Hooks for apps to the right of leads (calls moves follow-ups; leads never imports calls).

- `leads_handed_over` is sent *inside* the hand-over transaction with
  `from_user` (the leaving user) and `assignments` (dict lead_id -> new owner id, or None for
  the public pool). A receiver that raises rolls the whole hand-over back.
- `handover_preview` is sent when an admin previews a deactivation with `user`; a receiver
  returns a dict of extra counts to show, e.g. {"open_follow_ups": 12}.
"""

from django.dispatch import Signal

leads_handed_over = Signal()
handover_preview = Signal()
