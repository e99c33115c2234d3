from django import forms
from django.utils.translation import gettext_lazy as _

from telesales import params
from telesales.events import EVENT_TYPES


def _type_choices():
    return [(t, f"{t} — {_(text)}") for t, text in EVENT_TYPES.items()]


class EndpointForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.CharField(label=_("URL"), max_length=500,
                          widget=forms.URLInput(attrs={"placeholder": "https://hooks.example.com/crm"}))
    event_types = forms.MultipleChoiceField(label=_("Event types"), choices=_type_choices,
                                            widget=forms.CheckboxSelectMultiple)
    secret = forms.CharField(label=_("Secret (empty: one is made for you)"), required=False, min_length=16,
                             max_length=128, widget=forms.PasswordInput(render_value=False))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class EndpointEditForm(EndpointForm):
    secret = forms.CharField(label=_("New secret (empty: keep the secret)"), required=False, min_length=16,
                             max_length=128, widget=forms.PasswordInput(render_value=False))


class LogQuery(forms.Form):
    """The delivery log's query: the page number."""

    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def clean(self):
        params.refuse_unknown(self)
        return super().clean()
