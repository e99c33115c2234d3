"""Company-wide do-not-call list of numbers.

The list itself lives in leads (`leads.DoNotCallNumber`, owned by the leads app). Calls only
asks "is this number blocked?" and adds numbers when a customer asks not to be called; both go
through these two functions so the check has one seam."""

from django.apps import apps


def _model():
    try:
        return apps.get_model("leads", "DoNotCallNumber")
    except LookupError:  # the leads app has not shipped the list yet
        return None


def number_is_blocked(phone: str) -> bool:
    """True if the normalized number is on the company do-not-call list."""
    model = _model()
    return bool(model and phone and model.objects.filter(phone=phone).exists())


def blocked_numbers(phones) -> set[str]:
    """The subset of `phones` on the company do-not-call list (one query)."""
    model = _model()
    phones = [p for p in phones if p]
    if model is None or not phones:
        return set()
    return set(model.objects.filter(phone__in=phones).values_list("phone", flat=True))


def add_number(*, phone: str, actor=None, reason: str = "") -> None:
    """Put a number on the company list (idempotent); the customer asked not to be called."""
    model = _model()
    if model is None or not phone:
        return
    fields = {f.name for f in model._meta.get_fields()}
    defaults = {}
    if "reason" in fields:
        defaults["reason"] = reason[:200]
    for name in ("added_by", "created_by"):
        if name in fields and actor is not None:
            defaults[name] = actor
            break
    model.objects.get_or_create(phone=phone, defaults=defaults)
