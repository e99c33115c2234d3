"""Django's own admin strings that its bundled zh_Hans catalogue lacks (Django 5.2: newer wording
and labels for screen readers), and django-axes' strings (it has no Chinese catalogue). Marked here so makemessages keeps them in our catalogue, which
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
# django-axes (the login lockout) has no Chinese catalogue; its admin pages use these.
AXES = [
    gettext_noop("Locked Out"), gettext_noop("Form Data"), gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"), gettext_noop("Not set"), gettext_noop("Attempt Remaining"),
    gettext_noop("User Agent"), gettext_noop("IP Address"), gettext_noop("HTTP Accept"), gettext_noop("Path"),
    gettext_noop("Attempt Time"), gettext_noop("Access lock out"), gettext_noop("access failure"),
    gettext_noop("access failures"), gettext_noop("GET Data"), gettext_noop("POST Data"), gettext_noop("Failed Logins"),
    gettext_noop("access attempt"), gettext_noop("access attempts"), gettext_noop("Access Attempt"),
    gettext_noop("Expires At"), gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"), gettext_noop("access attempt expirations"), gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"), gettext_noop("access log"), gettext_noop("access logs"),
]
# Django's zh_Hant catalogue of the sessions app leaves these in English ("Sessions", "session").
SESSIONS = [
    gettext_noop("Sessions"), gettext_noop("session key"), gettext_noop("session data"), gettext_noop("session"),
    gettext_noop("sessions"),
]
AUTH = [
    ngettext_lazy("This password is too short. It must contain at least %d character.",
                  "This password is too short. It must contain at least %d characters.", "min_length"),
]
