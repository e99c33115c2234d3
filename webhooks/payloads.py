"""The object an event carries, as the API shows it to an admin (phones in full, like every
admin read), serialized inside the publishing transaction: the state right after the change."""

from __future__ import annotations

import json
from collections.abc import Callable

from rest_framework.utils.encoders import JSONEncoder

from accounts.api import UserSerializer
from accounts.models import User
from calls.api import CallSerializer
from calls.models import Call
from leads.models import Lead
from leads.selectors import PhoneViewer
from leads.serializers import LeadSerializer
from targets.api import AlertSerializer
from targets.models import Alert


class AdminViewer(PhoneViewer):
    """Sees every number in full, as an admin does, without a user behind it."""

    def __init__(self):
        self.user, self.everything, self.teams = None, True, set()


def _json(data) -> list[dict]:
    """Through the API's encoder: decimals and times become the same strings the API sends."""
    return json.loads(json.dumps(list(data), cls=JSONEncoder))


def _leads(ids: list[int]) -> list[dict]:
    rows = Lead.objects.filter(pk__in=ids).select_related("owner", "pool").order_by("pk")
    return _json(LeadSerializer(rows, many=True, context={"viewer": AdminViewer()}).data)


# CallSerializer's related fields, read as their column (a sync publishes a thousand calls at once:
# the rows are read as values and each field's own to_representation shapes them, as the API does).
_CALL_COLUMNS = {"lead": "lead_id", "rep": "rep_id", "disposition": "disposition__code"}


def _calls(ids: list[int]) -> list[dict]:
    fields = CallSerializer().fields
    names = list(fields)
    plain = {n: fields[n].to_representation for n in names if n not in _CALL_COLUMNS}
    rows = Call.objects.filter(pk__in=ids).order_by("pk").values_list(*[_CALL_COLUMNS.get(n, n) for n in names])
    return [
        {n: v if v is None or n not in plain else plain[n](v) for n, v in zip(names, row, strict=True)}
        for row in rows
    ]


def _alerts(ids: list[int]) -> list[dict]:
    rows = Alert.objects.filter(pk__in=ids).select_related("rule", "root_cause").order_by("pk")
    return _json(AlertSerializer(rows, many=True).data)


def _users(ids: list[int]) -> list[dict]:
    return _json(UserSerializer(User.objects.filter(pk__in=ids).order_by("pk"), many=True).data)


# Object type of each event prefix, and how its objects are read.
OBJECTS: dict[str, tuple[str, Callable[[list[int]], list[dict]]]] = {
    "lead": ("lead", _leads),
    "call": ("call", _calls),
    "sale": ("call", _calls),
    "target": ("alert", _alerts),
    "user": ("user", _users),
}


def objects_for_type(event_type: str) -> str:
    """The type of object an event carries: lead, call, alert or user."""
    return OBJECTS[event_type.split(".", 1)[0]][0]


def objects_for(event_type: str, ids: list[int]) -> tuple[str, list[dict]]:
    """(object type, [object as JSON-ready dicts]) for the ids an event names."""
    object_type, read = OBJECTS[event_type.split(".", 1)[0]]
    return object_type, read(ids)
