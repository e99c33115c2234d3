"""The coaching pages' forms: query parameters, and every POST form with the same rules (names,
ranges, defaults) as the API's write serializers in coaching.api_qa and coaching.api_plans, so a value the API refuses
the page refuses too. Choices of people, teams and scorecards come scoped from the view."""

from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.models import TeamStage
from coaching.models import PlanOutcome, PlanSource, Support
from telesales import params
from telesales.params import MAX_ID, ModelMultipleChoiceField

CRITERION_ROWS = 8
ITEM_ROWS = 5


# ---- query parameters ---------------------------------------------------------------------------
class SamplesQueryForm(forms.Form):
    week = params.DateField(required=False)


class ResultsQueryForm(forms.Form):
    weeks = forms.IntegerField(required=False, min_value=1, max_value=104)
    rep = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    team = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class PlansQueryForm(forms.Form):
    show = forms.ChoiceField(required=False, choices=[("open", _("Open")), ("all", _("All"))])


class NotesQueryForm(forms.Form):
    rep = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)


# ---- shared behaviour ---------------------------------------------------------------------------
class PageForm(forms.Form):
    """A blank optional field takes its initial value (the page shows it filled in), and the
    errors read as one line per field, named by its label, for the page's message."""

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if cleaned.get(name) in (None, "") and not field.required and field.initial is not None:
                cleaned[name] = field.initial
        return cleaned

    def error_lines(self) -> list[str]:
        return [f"{self._label(name)}: {message}" if name != NON_FIELD_ERRORS else str(message)
                for name, messages in self.errors.items() for message in messages]

    def _label(self, name: str) -> str:
        prefix = getattr(self, "row_label", "")
        return f"{prefix}{self.fields[name].label}" if name in self.fields else name


class RowsForm(PageForm):
    """A form with a table of optional rows (sub-forms prefixed `<p><n>-`): a row whose first
    field is blank is skipped, the others must be valid."""

    row_form: type[PageForm]
    row_prefix: str
    row_count: int

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.rows = [self.row_form(data, prefix=f"{self.row_prefix}{i}", row=i) for i in range(self.row_count)]

    def filled_rows(self) -> list[PageForm]:
        first = next(iter(self.row_form.base_fields))
        return [r for r in self.rows if (r.data.get(r.add_prefix(first)) or "").strip()]

    def error_lines(self) -> list[str]:
        return super().error_lines() + [line for r in self.filled_rows() for line in r.error_lines()]

    def is_valid(self) -> bool:
        rows_valid = all([r.is_valid() for r in self.filled_rows()])
        return super().is_valid() and rows_valid

    def row_values(self) -> list[dict]:
        return [r.cleaned_data for r in self.filled_rows()]


# ---- scorecards ---------------------------------------------------------------------------------
class CriterionForm(PageForm):
    """One criterion row (`c0-name` …), the rules of the API's QaCriterionSerializer."""

    name = forms.CharField(label=_("Name"), max_length=100)
    key = forms.CharField(label=_("Key"), max_length=40, required=False)
    weight = forms.DecimalField(label=_("Weight"), max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    scale_max = forms.IntegerField(label=_("Scale max"), min_value=1, max_value=100, required=False, initial=5)
    critical = forms.BooleanField(label=_("Critical"), required=False)
    pass_score = forms.IntegerField(label=_("Pass score"), min_value=0, max_value=100, required=False, initial=1)

    def __init__(self, data=None, *, row: int, **kwargs):
        super().__init__(data, **kwargs)
        self.row = row

    @property
    def row_label(self) -> str:
        return f"{self.data.get(self.add_prefix('name'), '').strip()} – "

    def clean(self):
        cleaned = super().clean()
        cleaned["key"] = slugify(cleaned.get("key") or cleaned.get("name", "")) or f"c{self.row}"
        return cleaned


class ScorecardForm(RowsForm):
    """A scorecard and its criteria; `teams` None: editing (the team does not change)."""

    row_form, row_prefix, row_count = CriterionForm, "c", CRITERION_ROWS
    name = forms.CharField(label=_("Name"), max_length=100)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    critical_cap = forms.DecimalField(label=_("Critical cap"), max_digits=4, decimal_places=1, min_value=0,
                                      max_value=100, required=False, initial=Decimal(0))
    calibration_threshold = forms.DecimalField(label=_("Calibration threshold"), max_digits=4, decimal_places=1,
                                               min_value=0, max_value=100, required=False, initial=Decimal(15))

    def __init__(self, data=None, *, teams=None, **kwargs):
        super().__init__(data, **kwargs)
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams

    def clean(self):
        cleaned = super().clean()
        if not self.filled_rows():
            raise forms.ValidationError(_("Name at least one criterion."))
        return cleaned


# ---- sampling -----------------------------------------------------------------------------------
def _rate(label, initial: str) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=4, decimal_places=3, min_value=0, max_value=1, required=False,
                              initial=Decimal(initial))


def _count(label, maximum: int, initial: int) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=maximum, required=False, initial=initial)


class SamplingPlanForm(PageForm):
    """The rules of the API's SamplingPlanWriteSerializer."""

    team = forms.ModelChoiceField(label=_("Team"), queryset=None)
    scorecard = forms.ModelChoiceField(label=_("Scorecard"), queryset=None)
    reviewers = ModelMultipleChoiceField(label=_("Reviewers"), queryset=None, required=False)
    new_hire_rate = _rate(_("New-hire rate"), "0.3")
    top_rate = _rate(_("Top-performer rate"), "0.05")
    regular_rate = _rate(_("Rate for everyone else"), "0.1")
    min_per_rep = _count(_("Minimum per rep"), 50, 1)
    new_hire_days = _count(_("New-hire days"), 3650, 90)
    seed = _count(_("Seed"), 2**31 - 1, 0)
    min_duration_seconds = _count(_("Minimum duration"), 86400, 60)
    reviewers_per_call = _count(_("Reviewers per call"), 5, 2)
    prefer_recording = forms.BooleanField(label=_("Prefer calls with a recording"), required=False)

    def __init__(self, data=None, *, teams, scorecards, people, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["scorecard"].queryset = scorecards
        self.fields["reviewers"].queryset = people


class SamplingRunForm(PageForm):
    week = params.DateField(label=_("Week"))


class AssignReviewerForm(PageForm):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None)

    def __init__(self, data=None, *, people, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["reviewer"].queryset = people


class ReviewForm(PageForm):
    """A score per criterion of the call's scorecard (`score-<key>`); whether every criterion
    is scored is the scoring rule's to say."""

    comment = forms.CharField(label=_("Comment"), max_length=5000, required=False)

    def __init__(self, data=None, *, criteria, **kwargs):
        super().__init__(data, **kwargs)
        for c in criteria:
            self.fields[f"score-{c.key}"] = forms.IntegerField(label=c.name, min_value=0, max_value=c.scale_max,
                                                               required=False)

    def scores(self) -> dict[str, int]:
        return {name.removeprefix("score-"): value for name, value in self.cleaned_data.items()
                if name.startswith("score-") and value is not None}


# ---- improvement plans --------------------------------------------------------------------------
class PlanItemForm(PageForm):
    """One SMART item row (`i0-what` …), the rules of the API's ImprovementPlanItemSerializer."""

    what = forms.CharField(label=_("What"), max_length=300)
    measure = forms.CharField(label=_("Measure"), max_length=200)
    target = forms.CharField(label=_("Target"), max_length=100)
    due = params.DateField(label=_("Due"))

    def __init__(self, data=None, *, row: int, **kwargs):
        super().__init__(data, **kwargs)
        self.row_label = _("Item %(n)s – ") % {"n": row + 1}


class ImprovementPlanForm(RowsForm):
    """The rules of the API's ImprovementPlanWriteSerializer (the plan starts today)."""

    row_form, row_prefix, row_count = PlanItemForm, "i", ITEM_ROWS
    rep = forms.ModelChoiceField(label=_("Rep"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    source_kind = forms.ChoiceField(label=_("Started from"), choices=PlanSource.choices, required=False,
                                    initial=PlanSource.MANUAL)
    source_ref = forms.CharField(label=_("Reference"), max_length=200, required=False)
    check_in_every_days = forms.IntegerField(label=_("Check-in interval"), min_value=1, max_value=30, required=False,
                                             initial=7)
    support = forms.MultipleChoiceField(label=_("Support"), choices=Support.choices, required=False)

    def __init__(self, data=None, *, reps, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["rep"].queryset = reps


class CheckInForm(PageForm):
    progress_note = forms.CharField(label=_("Progress note"), max_length=5000)
    date = params.DateField(label=_("Date"), required=False)


class OutcomeForm(PageForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=PlanOutcome.choices)
    note = forms.CharField(label=_("Note"), max_length=5000, required=False)


# ---- one-to-ones and team stage -----------------------------------------------------------------
class NoteForm(PageForm):
    """The rules of the API's OneToOneNoteWriteSerializer."""

    rep = forms.ModelChoiceField(label=_("Rep"), queryset=None)
    situation = forms.CharField(label=_("Situation"), max_length=5000)
    behaviour = forms.CharField(label=_("Behaviour"), max_length=5000)
    impact = forms.CharField(label=_("Impact"), max_length=5000)
    agreed_actions = forms.CharField(label=_("Agreed actions"), max_length=5000, required=False)
    private = forms.BooleanField(label=_("Private"), required=False)
    held_on = params.DateField(label=_("Date"), required=False)

    def __init__(self, data=None, *, reps, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["rep"].queryset = reps


class ActionItemForm(PageForm):
    description = forms.CharField(label=_("Description"), max_length=300)
    due_on = params.DateField(label=_("Due date"))


class TeamStageForm(PageForm):
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", _("Automatic")), *TeamStage.choices], required=False)
