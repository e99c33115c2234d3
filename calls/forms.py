import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from calls.best_time import OnDay
from calls.models import Channel, Disposition, FollowUpScope
from leads.models import Grade
from telesales import params
from telesales.prepared import Prepared

DURATION_RE = re.compile(r"^\s*(?:(\d+)\s*[:m]\s*)?(\d+)\s*s?\s*$")


def parse_duration(text: str) -> int:
    """'95', '1:35', '1m35s', '2m' → seconds."""
    text = (text or "").strip().lower()
    if not text:
        return 0
    if text.endswith("m") and text[:-1].strip().isdigit():
        return int(text[:-1]) * 60
    match = DURATION_RE.match(text)
    if not match:
        raise forms.ValidationError(_("Duration in seconds, or minutes:seconds such as 2:30."))
    minutes, seconds = match.groups()
    return int(minutes or 0) * 60 + int(seconds)


RELATIVE_RE = re.compile(r"^\+(\d{1,3})\s*([dhm])(?:\s+(\d{1,2}):(\d{2}))?$")
TOMORROW_RE = re.compile(r"^(?:tomorrow|明天|明日)\s*(\d{1,2}):(\d{2})$")
BEST_WORDS = ("best", "最佳")
TOMORROW_WORDS = ("tomorrow", "明天", "明日")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_when(text: str, now: dt.datetime | None = None) -> dt.datetime | OnDay | None:
    """Keyboard-friendly times: '+1d 10:00', '+3h', 'tomorrow 9:30' / '明天 9:30', '2026-03-12 15:00'.
    A day without a time ('tomorrow', '明天', '2026-03-12') or 'best' / '最佳' is an OnDay: the
    customer's best hour that day (calls.best_time), once the lead is known."""
    text = (text or "").strip().lower()
    if not text:
        return None
    now = timezone.localtime(now or timezone.now())
    if text in BEST_WORDS:
        return OnDay()
    if text in TOMORROW_WORDS:
        return OnDay(now.date() + dt.timedelta(days=1))
    if DATE_RE.match(text):
        try:
            return OnDay(dt.date.fromisoformat(text))
        except ValueError as exc:
            raise forms.ValidationError(_("That time does not exist.")) from exc
    if match := RELATIVE_RE.match(text):
        amount, unit, hour, minute = match.groups()
        unit_name = {"d": "days", "h": "hours", "m": "minutes"}[unit]
        when = now + dt.timedelta(**{unit_name: int(amount)})
        if hour is not None:
            when = when.replace(hour=int(hour), minute=int(minute), second=0, microsecond=0)
        return when
    if match := TOMORROW_RE.match(text):
        day = now.date() + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(int(match[1]), int(match[2]))))
    try:
        when = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError as exc:
        raise forms.ValidationError(_("Use a time such as 2026-03-12 15:00, +1d 10:00 or tomorrow 9:30.")) from exc
    return when if timezone.is_aware(when) else timezone.make_aware(when)


# (form class, language) → {field: widget HTML} of an unbound form.
# The active dispositions (the outcome buttons and the call form's choices), compiled once.
ACTIVE_DISPOSITIONS = Prepared(lambda: Disposition.objects.filter(active=True))
_UNBOUND_WIDGETS: dict[tuple[str, str], dict] = {}


class SameWidgetsWhenUnbound:
    """A form whose unbound widgets never change (fixed choices, no per-request initial values):
    `form.w.<field>` is each widget's HTML, made once per language for the unbound form (the
    call form is on every screen of the calling loop), and the bound field itself otherwise."""

    widget_fields: tuple[str, ...] = ()

    @property
    def w(self) -> dict:
        if self.is_bound or self.initial:
            return {name: self[name] for name in self.widget_fields}
        key = (type(self).__name__, get_language())
        if key not in _UNBOUND_WIDGETS:
            _UNBOUND_WIDGETS[key] = {name: str(self[name]) for name in self.widget_fields}
        return _UNBOUND_WIDGETS[key]


class _ListIterator(forms.models.ModelChoiceIterator):
    """Plain list instead of a server-side cursor: three round trips fewer on PostgreSQL."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in list(self.queryset):
            yield self.choice(obj)


class DispositionField(forms.ModelChoiceField):
    """The outcome: checked against the active dispositions, read once per form (the same list
    draws the outcome buttons)."""

    iterator = _ListIterator

    def __init__(self, *args, prepared: Prepared | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared = prepared

    def rows(self) -> list:
        if getattr(self, "_rows", None) is None:
            # `prepared`: the field's own queryset through a statement compiled once.
            self._rows = self.prepared() if self.prepared is not None else list(self.queryset)
        return self._rows

    def to_python(self, value):
        if value in self.empty_values:
            return None
        for disposition in self.rows():
            if str(disposition.pk) == str(value).strip():
                return disposition
        raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                    params={"value": value})


class CallForm(SameWidgetsWhenUnbound, forms.Form):
    """The compact call form on the lead page; the service does the domain checks."""

    widget_fields = ("duration", "channel", "notes", "new_grade", "quote_amount", "premium", "margin_rate",
                     "next_follow_up_at", "follow_up_purpose", "follow_up_scope")

    disposition = DispositionField(
        label=_("Outcome"), queryset=Disposition.objects.filter(active=True), empty_label=_("— outcome —"),
        widget=forms.RadioSelect, prepared=ACTIVE_DISPOSITIONS,
    )
    duration = forms.CharField(
        label=_("Duration"), required=False,
        widget=forms.TextInput(attrs={"placeholder": "2:30", "size": 6, "inputmode": "numeric", "accesskey": "u"}),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000,
                            widget=forms.TextInput(attrs={"size": 40, "accesskey": "n"}))
    new_grade = forms.ChoiceField(label=_("New grade"), required=False,
                                  choices=[("", _("— keep —")), *Grade.choices])
    quote_amount = forms.DecimalField(label=_("Quote amount"), required=False, max_digits=14, decimal_places=2,
                                      min_value=0, widget=forms.NumberInput(attrs={"step": "0.01", "size": 8}))
    premium = forms.DecimalField(label=_("Premium"), required=False, max_digits=14, decimal_places=2, min_value=0,
                                 widget=forms.NumberInput(attrs={"step": "0.01", "size": 8}))
    margin_rate = forms.DecimalField(label=_("Margin rate (0–1)"), required=False, max_digits=6, decimal_places=4,
                                     min_value=0, max_value=1, widget=forms.NumberInput(attrs={"step": "0.01", "size": 5}))
    next_follow_up_at = forms.CharField(
        label=_("Next follow-up"), required=False, max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "+1d 10:00", "size": 16, "accesskey": "f"}),
    )
    follow_up_purpose = forms.CharField(label=_("Purpose"), required=False, max_length=300,
                                        widget=forms.TextInput(attrs={"size": 30, "accesskey": "p"}))
    follow_up_scope = forms.ChoiceField(label=_("For"), choices=FollowUpScope.choices, initial=FollowUpScope.MINE,
                                        required=False)

    def clean_duration(self) -> int:
        seconds = parse_duration(self.cleaned_data.get("duration"))
        if seconds > 24 * 3600:
            raise forms.ValidationError(_("Duration is at most a day."))
        return seconds

    def clean_next_follow_up_at(self):
        try:
            return parse_when(self.cleaned_data.get("next_follow_up_at"))
        except (ValueError, OverflowError) as exc:
            raise forms.ValidationError(_("That time does not exist.")) from exc

    def clean(self):
        data = super().clean()
        data["channel"] = data.get("channel") or Channel.PHONE
        data["follow_up_scope"] = data.get("follow_up_scope") or FollowUpScope.MINE
        if data.get("next_follow_up_at") and not (data.get("follow_up_purpose") or "").strip():
            # 为下次电话跟进做好铺垫: a follow-up without a purpose usually fails. The call's note
            # says it when the rep wrote one (one field to type, not two).
            data["follow_up_purpose"] = (data.get("notes") or "").strip()[:300]
            if not data["follow_up_purpose"]:
                self.add_error("follow_up_purpose", _("Say what the next call is for (or write a note)."))
        return data


# Keys for the outcome buttons, in the dispositions' order (one keypress each).
OUTCOME_KEYS = "1234567890"


def outcome_buttons(dispositions) -> list[dict]:
    """The outcome buttons of the call form: key, disposition, and which money fields it needs."""
    buttons = []
    for position, disposition in enumerate(dispositions):
        money = "sale" if disposition.sold else "quote" if disposition.quoted else ""
        key = OUTCOME_KEYS[position] if position < len(OUTCOME_KEYS) else ""
        buttons.append({"key": key, "disposition": disposition, "money": money, "value": str(disposition.pk),
                        "label": str(disposition)})
    return buttons


SKIP_REASONS = [
    ("later", _("Not a good time for this customer")),
    ("info", _("Need information first")),
    ("colleague", _("A colleague should call")),
    ("other", _("Other (say why in the note)")),
]


class SkipForm(SameWidgetsWhenUnbound, forms.Form):
    """Skip the customer on the queue screen, saying why."""

    widget_fields = ("reason", "note")

    reason = forms.ChoiceField(label=_("Why skip?"), choices=SKIP_REASONS, initial="later")
    note = forms.CharField(label=_("Note"), max_length=150, required=False)

    def clean(self):
        data = super().clean()
        if data.get("reason") == "other" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why you skip this customer."))
        return data

    def reason_text(self) -> str:
        label = dict(SKIP_REASONS)[self.cleaned_data["reason"]]
        note = (self.cleaned_data.get("note") or "").strip()
        return f"{label}: {note}" if note else str(label)


class PauseForm(forms.Form):
    """paused=1 pauses the queue, paused=0 resumes it."""

    paused = forms.ChoiceField(choices=[("1", "1"), ("0", "0")], required=False)


class RepQueryForm(forms.Form):
    """?rep= on the call pages: a manager looks at one of their reps."""

    rep = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class ReportQueryForm(RepQueryForm):
    day = params.DateField(required=False)
