from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Kind
from telesales import params


class ListQueryForm(forms.Form):
    """?kind= and ?unread= on the notification list; anything else is a 400."""

    kind = forms.ChoiceField(required=False, choices=[("", "")] + list(Kind.choices))
    unread = params.FlagField(required=False)

    def clean(self):
        params.refuse_unknown(self)
        return super().clean()


class ReadAllForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=[("", "")] + list(Kind.choices))


class PreferenceForm(forms.Form):
    """In the app / by mail per kind, the digest and quiet hours (local time)."""

    shown = forms.MultipleChoiceField(label=_("Show in the app"), required=False, choices=Kind.choices,
                                      widget=forms.CheckboxSelectMultiple)
    email = forms.MultipleChoiceField(label=_("Mail at once"), required=False, choices=Kind.choices,
                                      widget=forms.CheckboxSelectMultiple)
    daily_digest = forms.BooleanField(label=_("Daily digest by e-mail"), required=False)
    quiet_start = forms.TimeField(label=_("Quiet hours from"), required=False,
                                  widget=forms.TimeInput(attrs={"type": "time"}))
    quiet_end = forms.TimeField(label=_("Quiet hours until"), required=False,
                                widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shown"].choices = kinds
        self.fields["email"].choices = kinds
