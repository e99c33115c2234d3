"""Labels that admins edit, one per language: a model keeps its default-language text in its own
field (`name`, `label`) and the others in a JSONField `<field>_i18n` = {"zh-hans": …, "zh-hant": …}.
`localized()` picks the reader's language, falling back along zh-hant → zh-hans → default (a
Traditional reader is better served by Simplified than by the default), and is what pages
(the `localized` template filter), serializers and exports use."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

FALLBACKS = {"zh-hant": ("zh-hant", "zh-hans"), "zh-hans": ("zh-hans", "zh-hant")}


def clean_labels(labels) -> dict[str, str]:
    """Only known language codes with non-blank text; raises ValueError naming an unknown code."""
    if labels in (None, ""):
        return {}
    if not isinstance(labels, dict):
        raise ValueError(gettext("Give a JSON object of language code → label."))
    out = {}
    for code, text in labels.items():
        languages = [c for c, _name in settings.LANGUAGES]
        if code not in languages:
            raise ValueError(gettext("Unknown language “%(code)s”; use one of %(languages)s.") % {
                "code": code, "languages": ", ".join(languages)})
        if not isinstance(text, str):
            raise ValueError(gettext("The label for %(code)s must be text.") % {"code": code})
        if text.strip():
            out[code] = text.strip()
    return out


def pick(default: str, labels: dict | None, language: str | None = None) -> str:
    """The label for `language` (the active one if None) from `labels`, else `default`."""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()
    labels = labels or {}
    for code in FALLBACKS.get(language, (language,)):
        if labels.get(code):
            return labels[code]
    return default


def localized(obj, field: str = "name", language: str | None = None) -> str:
    """obj.<field> in the reader's language: obj.<field>_i18n[language], falling back to obj.<field>."""
    if obj is None:
        return ""
    if isinstance(obj, dict):
        return pick(obj.get(field, ""), obj.get(f"{field}_i18n"), language)
    return pick(getattr(obj, field, "") or "", getattr(obj, f"{field}_i18n", None), language)


def labels_field():
    """The JSONField that holds a model's labels in other languages: {"zh-hans": …, "zh-hant": …}."""
    from django.db import models
    from django.utils.translation import gettext_lazy

    return models.JSONField(
        gettext_lazy("name in other languages"), default=dict, blank=True,
        help_text=gettext_lazy('{"zh-hans": "…", "zh-hant": "…"}; empty: the name is shown in every language.'),
    )


def record_label(obj) -> str:
    """A record without a name of its own, in the reader's language: "申诉 #12" (Django's default
    "Appeal object (12)" is English)."""
    from django.utils.translation import gettext

    return gettext("%(model)s #%(id)s") % {"model": obj._meta.verbose_name, "id": obj.pk}


def translated(text: str) -> str:
    """A text from a pure module in the reader's language: a marked message (gettext_noop) as it
    is, or one that carries its template and values (leads.domain.Reason) filled in after
    translating the template."""
    from django.utils.translation import gettext

    if not text:
        return text
    template = getattr(text, "template", None)
    if template is not None:
        return gettext(template) % text.params
    return gettext(text)
