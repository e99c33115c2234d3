"""Lead attributes: the company's named and typed keys (admins define them, every change audited)
and `clean_attributes`, the one validation every write path (API, form, import) goes through."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.access import can_manage_lead_attributes
from accounts.models import User
from leads import domain
from leads.models import AttributeDefinition, AttributeDefinitionChange, AttributeKind, Lead
from telesales.errors import DomainError, NotFound, PermissionDenied

DEFINITION_FIELDS = ("key", "label", "kind", "choices", "active", "position")
EDITABLE_FIELDS = ("label", "kind", "choices", "active", "position")


# ---- validation ----------------------------------------------------------------------------
def spec_of(definition: AttributeDefinition) -> domain.AttributeSpec:
    return domain.AttributeSpec(key=definition.key, label=definition.label, kind=definition.kind,
                                choices=tuple(definition.choices or ()), active=definition.active)


def attribute_specs() -> dict[str, domain.AttributeSpec]:
    """Every definition (switched-off ones too, so a write names them as such), by key; one query."""
    return {d.key: spec_of(d) for d in AttributeDefinition.objects.all()}


_shown = domain.printable


def attribute_message(exc: domain.InvalidAttribute, value=None) -> str:
    """The message for a refused attribute, naming the key and, where it helps, the value."""
    key = _shown(exc.key)
    got = _shown(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""
    if exc.problem == "unknown":
        return _("Unknown attribute '%(key)s'; an admin defines attributes under Leads → Attributes.") % {"key": key}
    if exc.problem == "inactive":
        return _("Attribute '%(key)s' is switched off.") % {"key": key}
    if exc.problem == "too_long":
        return _("Attribute '%(key)s' is longer than %(n)s characters.") % {"key": key, "n": domain.MAX_TEXT}
    if exc.problem == "choice":
        message = _("Attribute '%(key)s' must be one of: %(choices)s.") % {
            "key": key, "choices": ", ".join(exc.spec.choices) if exc.spec else ""}
    else:
        message = {
            "number": _("Attribute '%(key)s' must be a number."),
            "date": _("Attribute '%(key)s' must be a date (YYYY-MM-DD)."),
            "boolean": _("Attribute '%(key)s' must be yes or no (true/false)."),
        }.get(exc.problem, _("Attribute '%(key)s' must be text.")) % {"key": key}
    return message + (" " + _("Got “%(value)s”.") % {"value": got} if got else "")


def clean_attributes(values, *, specs: Mapping[str, domain.AttributeSpec] | None = None) -> dict:
    """{key: stored value, or None to remove the key} for attributes given by a user, checked
    against the definitions (`specs`, read once by a caller validating many rows). Raises a
    DomainError naming the bad key and value."""
    if not isinstance(values, Mapping):
        raise DomainError(_("Attributes must be an object of key → value."), code="invalid_attribute",
                          details={"attributes": [_("Expected an object.")]})
    specs = attribute_specs() if specs is None else specs
    try:
        return domain.normalise_attributes(values, specs)
    except domain.InvalidAttribute as exc:
        message = attribute_message(exc, values.get(exc.key))
        raise DomainError(message, code="invalid_attribute", details={"attributes": [message]}) from None


def stored(cleaned: Mapping) -> dict:
    """The cleaned values a new lead stores (keys given without a value are left out)."""
    return {key: value for key, value in cleaned.items() if value is not None}


# ---- definitions ---------------------------------------------------------------------------
def _snapshot(definition: AttributeDefinition, fields=DEFINITION_FIELDS) -> dict:
    return {f: getattr(definition, f) for f in fields}


def _check(definition: AttributeDefinition) -> None:
    """The definition's own rules: a valid key, a label unique among definitions, known kind,
    choices for a choice attribute only."""
    if not domain.valid_attribute_key(definition.key):
        raise DomainError(_("Key “%(key)s”: use lower-case letters, digits and single underscores, starting with a "
                            "letter (at most %(n)s characters).") % {"key": _shown(definition.key), "n": domain.MAX_KEY},
                          details={"key": [_("Not a valid key.")]})
    label = domain.clean_text(definition.label or "")
    if not label or len(label) > 100:
        raise DomainError(_("Give a label of 1 to 100 characters."), details={"label": [_("Not a valid label.")]})
    definition.label = label
    if definition.kind not in AttributeKind.values:
        raise DomainError(_("Kind must be one of: %(kinds)s.") % {"kinds": ", ".join(AttributeKind.values)},
                          details={"kind": [_("Not a valid kind.")]})
    choices = domain.clean_choices(list(definition.choices or []))
    if choices is None:
        raise DomainError(_("Choices are a list of texts of at most %(n)s characters.") % {"n": domain.MAX_CHOICE},
                          details={"choices": [_("Not a valid list of choices.")]})
    if definition.kind == AttributeKind.CHOICE and not choices:
        raise DomainError(_("A choice attribute needs at least one choice."), details={"choices": [_("Give choices.")]})
    definition.choices = list(choices) if definition.kind == AttributeKind.CHOICE else []
    if AttributeDefinition.objects.filter(label__iexact=label).exclude(pk=definition.pk).exists():
        raise DomainError(_("Another attribute is already labelled “%(label)s”.") % {"label": label},
                          details={"label": [_("Already used.")]})


def _holders(key: str) -> int:
    return Lead.objects.filter(attributes__has_key=key).count()


def _create(*, actor: User, key: str, label: str, kind: str, choices=(), active: bool = True,
            position: int | None = None, note: str = "") -> AttributeDefinition:
    """Insert a definition and its audit row (callers check who may)."""
    if position is None:
        position = (AttributeDefinition.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    definition = AttributeDefinition(key=key, label=label, kind=kind, choices=list(choices or []), active=active,
                                     position=position)
    _check(definition)
    if AttributeDefinition.objects.filter(key=key).exists():
        raise DomainError(_("An attribute with the key “%(key)s” already exists.") % {"key": key},
                          details={"key": [_("Already used.")]})
    try:
        with transaction.atomic():
            definition.save()
    except IntegrityError:  # someone created the same key since the check
        raise DomainError(_("An attribute with the key “%(key)s” already exists.") % {"key": key},
                          details={"key": [_("Already used.")]}) from None
    AttributeDefinitionChange.objects.create(definition=definition, actor=actor, before={},
                                             after=_snapshot(definition), note=note[:200])
    return definition


@transaction.atomic
def create_attribute_definition(*, actor: User, key: str, label: str, kind: str = AttributeKind.TEXT,
                                choices=(), active: bool = True, position: int | None = None) -> AttributeDefinition:
    """Define a company-wide lead attribute (admins); audited."""
    if not can_manage_lead_attributes(actor):
        raise PermissionDenied(_("Only admins can define lead attributes."))
    return _create(actor=actor, key=key, label=label, kind=kind, choices=choices, active=active, position=position)


@transaction.atomic
def update_attribute_definition(*, actor: User, definition_id: int, **changes) -> AttributeDefinition:
    """Change a definition's label, kind, choices, position or switch it off/on (admins); audited
    with the fields before and after. The key never changes (leads store values under it); the
    kind only while no lead holds a value, and a choice only while no lead holds it."""
    if not can_manage_lead_attributes(actor):
        raise PermissionDenied(_("Only admins can change lead attributes."))
    definition = AttributeDefinition.objects.select_for_update().filter(pk=definition_id).first()
    if definition is None:
        raise NotFound(_("Attribute not found."))
    if "key" in changes and changes["key"] != definition.key:
        raise DomainError(_("The key of an attribute cannot change; leads store their values under it."),
                          details={"key": [_("Cannot change.")]})
    changes.pop("key", None)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise DomainError(_("“%(field)s” cannot be changed here.") % {"field": _shown(unknown[0])})
    before = _snapshot(definition)
    for field, value in changes.items():
        setattr(definition, field, list(value) if field == "choices" else value)
    kind_changed = definition.kind != before["kind"]
    _check(definition)
    if kind_changed and (held := _holders(definition.key)):
        raise DomainError(_("%(n)s leads hold a value for “%(label)s”; its kind cannot change. Create a new "
                            "attribute instead.") % {"n": held, "label": definition.label},
                          details={"kind": [_("Cannot change while leads hold values.")]})
    if definition.kind == AttributeKind.CHOICE and not kind_changed:
        removed = [c for c in before["choices"] if c not in definition.choices]
        if removed:
            held = Lead.objects.filter(**{f"attributes__{definition.key}__in": removed}).count()
            if held:
                raise DomainError(_("%(n)s leads hold a choice you removed (%(choices)s); keep it or change those "
                                    "leads first.") % {"n": held, "choices": ", ".join(removed)},
                                  details={"choices": [_("A removed choice is still used.")]})
    after = _snapshot(definition)
    changed = [f for f in DEFINITION_FIELDS if after[f] != before[f]]
    if changed:
        definition.save(update_fields=changed)
        AttributeDefinitionChange.objects.create(
            definition=definition, actor=actor, before={f: before[f] for f in changed},
            after={f: after[f] for f in changed},
        )
    return definition


@transaction.atomic
def import_attribute_columns(*, actor: User, header: list[str], used: set[int], rows: list[list[str]],
                             note: str) -> tuple[list[tuple[int, str]], list[dict]]:
    """The columns of an import that map to no lead field, kept as attributes: a header equal to
    a definition's key or label (any case) maps to it; any other header with a value in some row
    becomes a new text attribute (key from the header, label = the header), audited as created
    by the importer. Returns [(column index, key)] to read and a note per column for the report
    ({"column", "key", "label", "created", "ignored": "" | "inactive" | "duplicate"})."""
    definitions = list(AttributeDefinition.objects.all())
    by_name: dict[str, AttributeDefinition] = {}
    for d in definitions:
        by_name.setdefault(d.key.lower(), d)
        by_name.setdefault(d.label.strip().lower(), d)
    taken = {d.key for d in definitions}
    columns: list[tuple[int, str]] = []
    report: list[dict] = []
    mapped: set[str] = set()
    for i, raw in enumerate(header):
        title = domain.clean_text(str(raw or "")) or ""
        if i in used or not title:
            continue
        entry = {"column": title[:100], "key": "", "label": "", "created": False, "ignored": ""}
        slug = domain.header_slug(title)
        definition = by_name.get(title.lower()) or (by_name.get(slug) if slug else None)
        if definition is None:
            if not any(i < len(row) and row[i] for row in rows):
                continue  # an empty column defines nothing
            key = domain.attribute_key_from(title, taken)
            try:
                definition = _create(actor=actor, key=key, label=_unique_label(title[:100], by_name), kind="text",
                                     note=note)
            except DomainError:  # another import defined it a moment ago
                definition = AttributeDefinition.objects.filter(key=key).first()
                if definition is None:
                    raise
            taken.add(key)
            by_name.setdefault(definition.label.lower(), definition)
            entry["created"] = True
        entry["key"], entry["label"] = definition.key, definition.label
        if not definition.active:
            entry["ignored"] = "inactive"
        elif definition.key in mapped:
            entry["ignored"] = "duplicate"
        else:
            mapped.add(definition.key)
            columns.append((i, definition.key))
        report.append(entry)
    return columns, report


def _unique_label(label: str, by_name: Mapping[str, AttributeDefinition]) -> str:
    if label.lower() not in by_name:
        return label
    n = 2
    while f"{label} ({n})".lower() in by_name:
        n += 1
    return f"{label} ({n})"
