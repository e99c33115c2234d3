from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from leads.models import GRADE_ORDER, AppealStatus, AttributeDefinition, AttributeKind, LeadStatus, Pool
from leads.services import HANDOVER_MODES, MAX_RETURN_DAYS, POOL_RULES
from telesales import params

ATTRIBUTE_PREFIX = "attr_"


def attribute_field(definition: AttributeDefinition) -> forms.Field:
    """The form field for one attribute, by kind; blank means no value."""
    common = {"label": definition.label, "required": False}
    if definition.kind == AttributeKind.NUMBER:
        return forms.DecimalField(max_digits=30, **common)
    if definition.kind == AttributeKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if definition.kind == AttributeKind.BOOLEAN:
        return forms.ChoiceField(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))], **common)
    if definition.kind == AttributeKind.CHOICE:
        return forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in definition.choices], **common)
    return forms.CharField(max_length=500, **common)


class LeadForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=40)
    phone2 = forms.CharField(label=_("Second phone"), max_length=40, required=False)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    source = forms.CharField(label=_("Source"), max_length=100, required=False)
    product_interest = forms.CharField(label=_("Product interest"), max_length=200, required=False)
    grade = forms.ChoiceField(label=_("Grade"), choices=[(g, g) for g in GRADE_ORDER], initial="E")
    pool = forms.ModelChoiceField(label=_("Pool"), queryset=Pool.objects.all(), required=False)

    def __init__(self, *args, definitions=(), **kwargs):
        """`definitions`: the active attribute definitions, one field each after the lead's own."""
        super().__init__(*args, **kwargs)
        self.attribute_keys = [d.key for d in definitions]
        for definition in definitions:
            self.fields[ATTRIBUTE_PREFIX + definition.key] = attribute_field(definition)

    def attributes(self) -> dict:
        """{key: value} of the attribute fields filled in (text, Decimal, date), for
        services.clean_attributes, which checks and normalises them."""
        values = {key: self.cleaned_data.get(ATTRIBUTE_PREFIX + key) for key in self.attribute_keys}
        return {key: value for key, value in values.items() if value not in (None, "")}


class AttributeDefinitionForm(forms.Form):
    """Create or edit a lead attribute; the service checks the rules (unique key and label, kind
    changes, choices still in use)."""

    key = forms.CharField(label=_("Key"), max_length=50,
                          help_text=_("e.g. <code>age_band</code>: lower-case letters, digits and underscores; it cannot change."))
    label = forms.CharField(label=_("Label"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=AttributeKind.choices, initial=AttributeKind.TEXT)
    choices = forms.CharField(label=_("Choices"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("For a choice attribute: one value per line, in order."))
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=1_000_000, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True,
                                help_text=_("Clear to switch the attribute off: it is no longer shown or accepted."))

    def __init__(self, *args, definition: AttributeDefinition | None = None, **kwargs):
        if definition is not None:
            kwargs.setdefault("initial", {
                "key": definition.key, "label": definition.label, "kind": definition.kind,
                "choices": "\n".join(definition.choices or []), "position": definition.position,
                "active": definition.active,
            })
        super().__init__(*args, **kwargs)
        if definition is not None:
            self.fields["key"].disabled = True

    def clean_choices(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["choices"].splitlines()]
        return [line for line in lines if line]

    def values(self) -> dict:
        """The cleaned fields as keyword arguments for the services (key only when new)."""
        data = dict(self.cleaned_data)
        if self.fields["key"].disabled:
            data.pop("key")
        if data.get("position") is None:
            data.pop("position", None)
        return data


class PoolRulesForm(forms.Form):
    """A pool's rules; the return days are one whole-number field per grade (0 = off)."""

    def __init__(self, *args, pool: Pool, **kwargs):
        rules = [r for r in POOL_RULES if r != "return_days_by_grade"]
        initial = {r: getattr(pool, r) for r in rules}
        initial |= {f"return_days_{grade}": days for grade, days in pool.return_days_per_grade}
        super().__init__(*args, initial=initial, **kwargs)
        model_fields = forms.fields_for_model(Pool, fields=rules)
        for rule in POOL_RULES:
            if rule != "return_days_by_grade":
                self.fields[rule] = model_fields[rule]
                continue
            for grade in GRADE_ORDER:
                self.fields[f"return_days_{grade}"] = forms.IntegerField(
                    label=gettext("Grade %(grade)s: days without real contact before return") % {"grade": grade},
                    min_value=0, max_value=MAX_RETURN_DAYS, help_text=gettext("0 switches the rule off for this grade."),
                )

    def rules(self) -> dict:
        """The cleaned rules as keyword arguments for services.update_pool_rules."""
        data = dict(self.cleaned_data)
        data["return_days_by_grade"] = {grade: data.pop(f"return_days_{grade}") for grade in GRADE_ORDER}
        return data


class HandoverForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Hand leads over to"),
        choices=[("user", _("one rep")), ("team", _("a team, round-robin within pool limits")),
                 ("pool", _("the public pool"))],
        widget=forms.RadioSelect, initial="pool",
    )
    to_user = forms.ModelChoiceField(label=_("Rep"), queryset=User.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)

    def __init__(self, *args, leaving: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = User.objects.filter(is_active=True, role="rep").exclude(pk=leaving.pk)

    def clean(self):
        data = super().clean()
        if data.get("mode") not in HANDOVER_MODES:
            return data
        if data.get("mode") == "user" and not data.get("to_user"):
            self.add_error("to_user", _("Choose the rep who takes the leads over."))
        if data.get("mode") == "team" and not data.get("team"):
            self.add_error("team", _("Choose the team."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel (.xlsx) file"))
    pool = forms.ModelChoiceField(label=_("Into public pool"), queryset=Pool.objects.all(), required=False)
    owner = forms.ModelChoiceField(label=_("Or into the private pool of"), queryset=User.objects.none(), required=False)
    source = forms.CharField(label=_("Source"), max_length=100, required=False)
    mapping = forms.CharField(
        label=_("Column mapping (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('JSON, field → column header, e.g. <code>{"phone": "手机", "name": "姓名"}</code>. Common headers are found automatically.'),
    )

    def __init__(self, *args, owners, pools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["pool"].queryset = pools

    def clean_mapping(self):
        import json

        raw = self.cleaned_data["mapping"].strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("Mapping must be JSON.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Mapping must be a JSON object."))
        return {str(k): str(v) for k, v in value.items()}


class PoolQueryForm(forms.Form):
    """Filters of the public pool page (?pool=&grade=&q=&region=)."""

    pool = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    grade = forms.ChoiceField(required=False, choices=[("", "")] + [(g, g) for g in GRADE_ORDER])
    q = forms.CharField(required=False, max_length=100)
    region = forms.CharField(required=False, max_length=100)
    sort = forms.ChoiceField(required=False, choices=[("", ""), ("score", "score")])
    min_score = forms.IntegerField(required=False, min_value=0, max_value=100)


class LeadsQueryForm(forms.Form):
    """Filters of the my-leads page (?grade=&status=&q=)."""

    grade = forms.ChoiceField(required=False, choices=[("", "")] + [(g, g) for g in GRADE_ORDER])
    status = forms.ChoiceField(required=False, choices=[("", "")] + LeadStatus.choices)
    q = forms.CharField(required=False, max_length=100)
    sort = forms.ChoiceField(required=False, choices=[("", ""), ("score", "score")])
    min_score = forms.IntegerField(required=False, min_value=0, max_value=100)


class AppealsQueryForm(forms.Form):
    """Filters of the appeals page (?status=&page=); anything else is a 400 naming it."""

    status = forms.ChoiceField(required=False, choices=[("", "")] + AppealStatus.choices)
    page = forms.IntegerField(required=False, min_value=1, max_value=10**6)

    def clean(self):
        params.refuse_unknown(self)
        return super().clean()


class AppealDecisionForm(forms.Form):
    """A manager's decision on an appeal, with an optional note."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(required=False, max_length=500)
