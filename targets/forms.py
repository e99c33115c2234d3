from django import forms
from django.utils.translation import gettext_lazy as _

from targets.models import Metric, OwnerKind, PeriodKind, RevisionReason
from targets.services import PEOPLE_METHODS, TIME_METHODS
from telesales import params


class TargetForm(forms.Form):
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=2, min_value=0)
    owner_kind = forms.ChoiceField(label=_("Owner"), choices=OwnerKind.choices)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    rep = forms.ModelChoiceField(label=_("Rep"), queryset=None, required=False)
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices, initial=PeriodKind.MONTH)
    start = params.DateField(label=_("A day in the period"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, teams, reps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["rep"].queryset = reps


class ReviseForm(forms.Form):
    new_value = forms.DecimalField(label=_("New value"), max_digits=16, decimal_places=2, min_value=0)
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *RevisionReason.choices])
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    rebalance_children = forms.BooleanField(label=_("Re-balance the parts"), required=False)


DIMENSIONS = [("people", _("Over people (team → reps, company → teams)")), ("time", _("Over time (year → quarters → months → weeks)"))]
METHOD_LABELS = {
    "even": _("Even"), "calendar_days": _("Calendar days"), "working_days": _("Working days"),
    "seasonality": _("Seasonality weights"), "history": _("History (last 90 days)"), "tenure": _("Tenure"),
    "capacity": _("Capacity"), "typed": _("Typed weights"),
}


class DecomposeForm(forms.Form):
    dimension = forms.ChoiceField(label=_("Split"), choices=DIMENSIONS)
    method = forms.ChoiceField(
        label=_("Method"), choices=[(m, METHOD_LABELS[m]) for m in dict.fromkeys([*PEOPLE_METHODS, *TIME_METHODS])],
        help_text=_("People: even, history, tenure, capacity or typed. Time: even, calendar days, working days or "
                    "seasonality — split into weeks by days, as weeks clipped to a month are shorter."),
    )
    into = forms.ChoiceField(label=_("Into"), choices=[("", _("next finer period")), *PeriodKind.choices], required=False)
    uplift_percent = forms.DecimalField(label=_("Uplift %"), max_digits=5, decimal_places=2, min_value=0, max_value=200,
                                        required=False)
    replace = forms.BooleanField(label=_("Replace existing parts"), required=False)

    def weights(self, data) -> dict:
        """Typed weights come as weight_<id> inputs (reps of the team or teams of the company)."""
        return {k.removeprefix("weight_"): v for k, v in data.items() if k.startswith("weight_") and v not in ("", None)}

    def seasonality(self, data) -> dict:
        return {k.removeprefix("season_"): v for k, v in data.items() if k.startswith("season_") and v not in ("", None)}


class RootCauseForm(forms.Form):
    people = forms.CharField(label=_("People"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    process = forms.CharField(label=_("Process"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    customer_quality = forms.CharField(label=_("Customer quality"), widget=forms.Textarea(attrs={"rows": 2}),
                                       required=False)
    tools = forms.CharField(label=_("Tools"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    environment = forms.CharField(label=_("Environment"), widget=forms.Textarea(attrs={"rows": 2}),
                                  required=False)
    actions = forms.CharField(label=_("Actions"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AlertRuleForm(forms.Form):
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)
    threshold_percent = forms.DecimalField(label=_("Below % of daily pace"), max_digits=5, decimal_places=2, initial=80)
    consecutive_days = forms.IntegerField(label=_("Consecutive working days"), min_value=1, max_value=31, initial=3)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    email = forms.BooleanField(label=_("Also e-mail managers"), required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class TargetsQueryForm(forms.Form):
    show = forms.ChoiceField(required=False, choices=[("current", _("In progress")), ("all", _("All"))])
    metric = forms.ChoiceField(required=False, choices=Metric.choices)


class AlertsQueryForm(forms.Form):
    unread = params.FlagField(required=False)


class TodayQueryForm(forms.Form):
    """?rep= on the today tiles: a manager looking at one of their reps' call plan."""

    rep = forms.IntegerField(required=False, min_value=1, max_value=params.MAX_ID)
