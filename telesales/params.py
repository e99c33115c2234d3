"""Query parameters, for the API and the pages alike: the supported date range, strict yes/no
values, and the page answer to a bad query (a 400 that names each parameter and what is wrong).

The API's serializers and filters (telesales.api) and the pages' query forms use these, so a
date or a flag is accepted or refused the same way everywhere."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1  # the largest primary key (BigAutoField)
MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
TRUE_VALUES = ("true", "True", "1")
FALSE_VALUES = ("false", "False", "0")


def supported_date(value: dt.date) -> None:
    """Refuse dates outside the range reports and plans can compute with."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValidationError(
            _("Use a date between %(min)s and %(max)s."), code="date_range",
            params={"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()},
        )


def parse_flag(value: str) -> bool:
    """`true`/`1` or `false`/`0`; anything else is refused, never read as "no"."""
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ValidationError(_("Use true or false."), code="invalid")


class DateField(forms.DateField):
    default_validators = [supported_date]


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Ids past the largest primary key are unknown choices, refused before any query (SQLite
    cannot even compare them: the driver raises OverflowError)."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # the parent names it as an invalid value
            if not 0 < number <= MAX_ID:
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                      params={"pk": pk})
        return super()._check_values(value)


class FlagField(forms.Field):
    """An optional yes/no query parameter: empty means not given."""

    def to_python(self, value):
        return None if value in (None, "") else parse_flag(value)


def refuse_unknown(form: forms.Form) -> None:
    """From a form's clean(): name every query parameter the form has no field for as an error,
    so a typo is a 400 rather than silently ignored (?stag=sold would list every stage)."""
    for name in sorted(set(form.data) - set(form.fields)):
        form.errors[name] = form.error_class([_("Unknown query parameter.")])


def bad_query(request, form: forms.Form):
    """The 400 page for a query that cannot be used: each parameter and what is wrong with it."""
    errors = [(name, message) for name, messages in form.errors.items() for message in messages]
    return render(request, "bad_query.html", {"errors": errors}, status=400)
