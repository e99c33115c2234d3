"""Django's own admin strings that its bundled zh_Hans catalogue lacks (Django 5.2: newer wording
and labels for screen readers). Marked here so makemessages keeps them in our catalogue, which
LOCALE_PATHS puts ahead of Django's. The admin's JavaScript strings are in django_strings.js."""

from django.utils.translation import gettext_noop, ngettext_lazy

ADMIN = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
]
AUTH = [
    ngettext_lazy("This password is too short. It must contain at least %d character.",
                  "This password is too short. It must contain at least %d characters.", "min_length"),
]
