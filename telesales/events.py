"""Domain events: a service says what happened, inside its own transaction, in one line:

    events.publish("lead.claimed", lead_ids, actor=actor)

The project package sits below every app, so the apps can all call this; whoever listens (the
`webhooks` app, from its AppConfig.ready()) registers with `subscribe`. A subscriber runs inside
the caller's transaction, so what it writes commits or rolls back with the change itself, and it
sends nothing itself before the commit (transaction.on_commit)."""

from __future__ import annotations

from collections.abc import Callable, Iterable


def gettext_noop(text: str) -> str:
    return text


# The event types, with what each says (translated where shown). The object is named by the
# prefix: lead.* carry a lead, call.* and sale.won a call, target.* an alert, user.* a user.
EVENT_TYPES: dict[str, str] = {
    "lead.claimed": gettext_noop("A rep claimed a lead from a public pool"),
    "lead.released": gettext_noop("A lead was released to its public pool"),
    "lead.reassigned": gettext_noop("A lead was given to a rep: reassigned, distributed, won on appeal or handed over"),
    "lead.returned_to_pool": gettext_noop("A neglected or recycled lead went back to its pool"),
    "lead.grade_changed": gettext_noop("A lead's grade or status changed"),
    "call.logged": gettext_noop("A call was logged in the app"),
    "call.synced": gettext_noop("A dialer sync created or changed a call"),
    "sale.won": gettext_noop("A call won a sale"),
    "target.alert_raised": gettext_noop("A target alert was raised"),
    "user.deactivated": gettext_noop("A user was deactivated"),
}

Subscriber = Callable[[str, list[int], object], None]
_SUBSCRIBERS: list[Subscriber] = []


def subscribe(fn: Subscriber) -> None:
    """Register `fn(event_type, object_ids, actor)`; called inside the publishing transaction."""
    if fn not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(fn)


def _ids(objects) -> list[int]:
    if objects is None:
        return []
    if isinstance(objects, int) or hasattr(objects, "pk"):
        objects = [objects]
    assert isinstance(objects, Iterable)
    return sorted({int(getattr(o, "pk", o)) for o in objects})


def publish(event_type: str, objects, *, actor=None) -> None:
    """Tell the subscribers that `event_type` happened to `objects` (a model instance, an id, or
    an iterable of either), in the caller's transaction."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    if not _SUBSCRIBERS:
        return
    ids = _ids(objects)
    if ids:
        for fn in _SUBSCRIBERS:
            fn(event_type, ids, actor)
