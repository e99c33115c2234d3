"""Query parameters of the KPI pages: the period (?range= or ?from=&to=), the grain, the export format."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kpis import selectors
from telesales import params

PRESETS = {"30d": _("Last 30 days"), "month": _("This month"), "quarter": _("This quarter"), "12m": _("Rolling 12 months")}
GRAINS = ("day", "week", "month", "quarter")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    grain: str
    preset: str

    def query(self) -> str:
        return f"from={self.start.isoformat()}&to={self.end.isoformat()}&grain={self.grain}"


def preset_period(preset: str, today: dt.date) -> Period:
    if preset == "month":
        return Period(today.replace(day=1), today, "day", preset)
    if preset == "quarter":
        return Period(today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today, "week", preset)
    if preset == "12m":
        return Period(selectors.rolling_12_months(today)[0], today, "month", preset)
    return Period(today - dt.timedelta(days=29), today, "day", "30d")


class PeriodQueryForm(forms.Form):
    """?range=30d|month|quarter|12m or ?from=&to=; ?grain=day|week|month|quarter; `period` once valid."""

    range = forms.ChoiceField(required=False, choices=list(PRESETS.items()))
    to = params.DateField(required=False)
    grain = forms.ChoiceField(required=False, choices=[(g, g) for g in GRAINS])
    format = forms.ChoiceField(required=False, choices=[("csv", "CSV"), ("xlsx", "Excel")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = params.DateField(required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        period = preset_period(data["range"], timezone.localdate())
        start, end = data["from"] or period.start, data["to"] or period.end
        if start > end or (end - start).days > selectors.MAX_DAYS:
            message = _("Choose a period of at most %(days)d days with from before to.") % {"days": selectors.MAX_DAYS}
            self.add_error("from", message)
            return data
        custom = data["from"] or data["to"]
        data["period"] = Period(start, end, data["grain"] or period.grain, "custom" if custom else period.preset)
        return data
