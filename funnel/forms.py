from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from funnel.domain import GRADES, parse_share
from funnel.planning import MAX_WEEKS
from funnel.selectors import FUNNEL_KEYS, STAGE_GRADES
from leads.models import Grade, LeadStatus, LostReason
from leads.segments import segment_expression
from telesales import params
from telesales.errors import DomainError


class FunnelFilterForm(forms.Form):
    rep = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    team = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    as_of = params.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("Conversion over the last N days"), required=False, min_value=1, max_value=730)
    segment = forms.CharField(label=_("Segment"), required=False, max_length=80)

    def clean_as_of(self):
        """Today or a past day (empty: now); a future day is refused, never shown as today."""
        day = self.cleaned_data["as_of"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(future_day_message(day))
        return day

    def clean(self):
        data = super().clean()
        params.refuse_unknown(self)
        return data

    def clean_segment(self):
        """Empty: no cut; otherwise a segment that exists (leads.segments), else the error names it."""
        segment = self.cleaned_data["segment"]
        if segment:
            try:
                segment_expression(segment)
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from exc
        return segment


def future_day_message(day) -> str:
    return gettext("%(day)s is in the future: a funnel can be shown as of today or an earlier day.") % {
        "day": day.isoformat()}


class FunnelLeadsQueryForm(forms.Form):
    """The leads behind a number on the funnel pages. A funnel count: ?grade=E…A|won|lost and
    as_of= (a past day; empty: now). A stage-conversion count: ?conversion=at|reached with
    grade=E…A|BC and days= (the period ending on as_of, or now). Whose: rep= or team= (or the
    funnel page's default), reps_only=true for the team page's totals. page= pages the list."""

    grade = forms.ChoiceField(choices=[(k, k) for k in (*FUNNEL_KEYS, "BC")])
    conversion = forms.ChoiceField(required=False, choices=[("at", "at"), ("reached", "reached")])
    days = forms.IntegerField(required=False, min_value=1, max_value=730)
    rep = forms.IntegerField(required=False, min_value=1, max_value=params.MAX_ID)
    team = forms.IntegerField(required=False, min_value=1, max_value=params.MAX_ID)
    as_of = params.DateField(required=False)
    reps_only = params.FlagField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=10**6)

    def clean(self):
        data = super().clean()
        params.refuse_unknown(self)
        grade = data.get("grade")
        if data.get("conversion") and grade not in (None, *STAGE_GRADES):
            self.add_error("grade", _("Stage conversion counts a grade E to A, or BC."))
        if not data.get("conversion") and grade == "BC":
            self.add_error("grade", _("BC is a stage-conversion count: give conversion=at or reached."))
        return data


class PlanForm(forms.Form):
    target = forms.IntegerField(label=_("Sales target (policies sold)"), min_value=0, max_value=1_000_000)
    start = params.DateField(label=_("Period starts"), widget=forms.DateInput(attrs={"type": "date"}))
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=MAX_WEEKS, initial=4)
    rep = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    team = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for grade in GRADES:
            nxt = pgettext_lazy("funnel", "won") if grade == "A" else GRADES[GRADES.index(grade) + 1]
            self.fields[f"rate_{grade}"] = forms.DecimalField(
                label=f"{grade}→{nxt} %", required=False, min_value=Decimal("0.1"), max_value=100, decimal_places=2,
                help_text=_("empty: from history"),
            )

    def typed_rates(self) -> dict:
        out = {}
        for grade in GRADES:
            value = self.cleaned_data.get(f"rate_{grade}")
            if value is not None:
                out[grade] = value / 100
        return out


class CoverageForm(forms.Form):
    cycle_months = forms.DecimalField(label=_("Sales cycle (months)"), min_value=Decimal("0.1"), max_value=120, initial=4)
    win_rate = forms.CharField(label=_("Win rate (1/3, 33% or 0.33)"), max_length=20, initial="1/3")
    new_customers_per_month = forms.DecimalField(label=_("New customers a month"), min_value=0, max_value=100000, initial=3)


    def clean_win_rate(self):
        try:
            value = parse_share(self.cleaned_data["win_rate"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if not 0 < value <= 1:
            raise forms.ValidationError(_("The win rate must be above 0 and at most 100%."))
        return value


class GradeForm(forms.Form):
    STATUS_CHOICES = [(LeadStatus.ACTIVE, _("Active")), (LeadStatus.WON, pgettext_lazy("lead status", "Won")), (LeadStatus.LOST, _("Lost"))]
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES)
    lost_reason = forms.ModelChoiceField(
        label=_("Lost reason"), queryset=LostReason.objects.filter(active=True), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == LeadStatus.LOST and not data.get("lost_reason"):
            self.add_error("lost_reason", _("A lost lead needs a reason from the list."))
        return data


def default_plan_start():
    today = timezone.localdate()
    return today.replace(day=1)
