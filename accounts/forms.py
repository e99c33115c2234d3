from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Integration name"), max_length=100)
    user = forms.ModelChoiceField(
        label=_("Acts as user"), queryset=User.objects.filter(is_active=True).order_by("role", "username")
    )
    expires_at = forms.DateTimeField(
        label=_("Expires (optional)"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
