"""Query parameters of the KPI pages: the period (?range= or ?from=&to=), the grain, the export
format and the comparison (?compare=); the drill-down's filters; the team what-if form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kpis import domain, labels, selectors
from kpis.drill import WHATS
from kpis.leadsets import STAGES
from telesales import params

PRESETS = {"30d": _("Last 30 days"), "month": _("This month"), "quarter": _("This quarter"), "12m": _("Rolling 12 months")}
GRAINS = ("day", "week", "month", "quarter")
COMPARE_CHOICES = {"previous": _("the previous period"), "last_year": _("the same period last year")}
assert tuple(COMPARE_CHOICES) == domain.COMPARE_KINDS


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    grain: str
    preset: str
    compare: str = ""  # "", or one of domain.COMPARE_KINDS

    def query(self) -> str:
        compare = f"&compare={self.compare}" if self.compare else ""
        return f"from={self.start.isoformat()}&to={self.end.isoformat()}&grain={self.grain}{compare}"

    @property
    def base(self) -> tuple[dt.date, dt.date] | None:
        """The period this one is compared with, if any."""
        return domain.compare_period(self.compare, self.start, self.end) if self.compare else None


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
    compare = forms.ChoiceField(required=False, choices=list(COMPARE_CHOICES.items()))

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
        data["period"] = Period(start, end, data["grain"] or period.grain, "custom" if custom else period.preset,
                                data["compare"])
        return data


class DrillQueryForm(forms.Form):
    """The drill-down: ?what=customers|calls&stage=dialled|reached|quoted|sold, whose (rep=, team=,
    both, or neither for the company), the period (from=, to=, both required) and page=."""

    what = forms.ChoiceField(choices=[(w, w) for w in WHATS])
    stage = forms.ChoiceField(required=False, choices=[(s, s) for s in STAGES])
    rep = forms.IntegerField(required=False, min_value=1, max_value=params.MAX_ID)
    team = forms.IntegerField(required=False, min_value=1, max_value=params.MAX_ID)
    to = params.DateField()
    page = forms.IntegerField(required=False, min_value=1, max_value=10**6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = params.DateField()

    def clean(self):
        data = super().clean()
        params.refuse_unknown(self)
        if self.errors:
            return data
        if data["what"] == "customers" and not data["stage"]:
            self.add_error("stage", _("Customers are counted at a stage: choose dialled, reached, quoted or sold."))
        if data["from"] > data["to"] or (data["to"] - data["from"]).days > selectors.MAX_DAYS:
            self.add_error("from", _("Choose a period of at most %(days)d days with from before to.")
                           % {"days": selectors.MAX_DAYS})
        return data


class WhatIfForm(forms.Form):
    """模拟销售 for a team: each driver's change in percent (empty: unchanged), over a period."""

    to = params.DateField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = params.DateField()
        for name in domain.DRIVERS:
            self.fields[f"up_{name}"] = forms.DecimalField(
                label=labels.DRIVER_LABELS[name], required=False, min_value=-100, max_value=1000, max_digits=8,
                decimal_places=2, widget=forms.NumberInput(attrs={"step": "0.1", "class": "percent"}),
            )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data["from"] > data["to"] or (data["to"] - data["from"]).days > selectors.MAX_DAYS:
            self.add_error("from", _("Choose a period of at most %(days)d days with from before to.")
                           % {"days": selectors.MAX_DAYS})
        return data

    def uplifts(self) -> dict:
        return {name: self.cleaned_data[f"up_{name}"] for name in domain.DRIVERS
                if self.cleaned_data.get(f"up_{name}") is not None}
