from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.scopes import INTEGRATION, SCOPES


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Integration name"), max_length=100)
    user = forms.ModelChoiceField(
        label=_("Acts as user"), queryset=User.objects.filter(is_active=True).order_by("role", "username")
    )
    expires_at = forms.DateTimeField(
        label=_("Expires (optional)"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=[(k, format_lazy("{}: {}", k, _(v))) for k, v in SCOPES.items()], initial=INTEGRATION,
        widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("None ticked: every scope except admin."),
    )

    def clean_scopes(self):
        return self.cleaned_data["scopes"] or None
