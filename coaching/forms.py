"""Query parameters of the coaching pages (the pages' POST forms are parsed in the views)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from telesales import params
from telesales.params import MAX_ID


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
