"""The sync row in the OpenAPI schema says what each outcome needs: one row schema per kind of
disposition (a sale needs premium and margin_rate, a quote needs quote_amount, any other outcome
neither), chosen by the row's `disposition` code through an OpenAPI discriminator, so a generated
client sees the rule. The codes come from the active dispositions; the schema view regenerates
the document when they change (telesales.schema.register_schema_part)."""

import copy

from calls.models import Disposition

ROW = "SyncRowRequest"
VARIANTS = {
    "SyncSaleRow": ("A sale (a disposition with the sold flag): premium (more than 0) and margin_rate are required.",
                    ["premium", "margin_rate"]),
    "SyncQuoteRow": ("A quote without a sale (quoted flag): quote_amount (more than 0) is required.",
                     ["quote_amount"]),
    "SyncOtherRow": ("Any other outcome: no amounts needed.", []),
}


def _kind(disposition) -> str:
    if disposition["sold"]:
        return "SyncSaleRow"
    return "SyncQuoteRow" if disposition["quoted"] else "SyncOtherRow"


def active_dispositions() -> list[dict]:
    return list(Disposition.objects.filter(active=True).order_by("position", "id").values("code", "sold", "quoted"))


def signature() -> tuple:
    """Changes when a code, its sold/quoted flag or its being active changes."""
    return tuple((d["code"], d["sold"], d["quoted"]) for d in active_dispositions())


def split_rows_by_outcome(result: dict) -> None:
    """Postprocessing: replace the one row schema of calls/sync with a oneOf per outcome."""
    schemas = result.get("components", {}).get("schemas", {})
    base = schemas.get(ROW)
    if base is None:
        return
    codes: dict[str, list[str]] = {name: [] for name in VARIANTS}
    for disposition in active_dispositions():
        codes[_kind(disposition)].append(disposition["code"])
    refs, mapping = [], {}
    for name, (description, needs) in VARIANTS.items():
        if not codes[name]:
            continue
        variant = copy.deepcopy(base)
        variant["description"] = description
        variant["properties"]["disposition"] = {**base["properties"]["disposition"], "enum": codes[name]}
        for field in needs:
            prop = variant["properties"][field]
            prop.pop("nullable", None)
            if prop.get("pattern", "").startswith("^-?"):
                prop["pattern"] = "^" + prop["pattern"][3:]  # no negative amounts
        variant["required"] = sorted(set(variant.get("required", [])) | set(needs))
        schemas[name] = variant
        refs.append({"$ref": f"#/components/schemas/{name}"})
        mapping.update({code: f"#/components/schemas/{name}" for code in codes[name]})
    if not refs:
        return
    calls = schemas["SyncRequestRequest"]["properties"]["calls"]
    calls["items"] = {"oneOf": refs, "discriminator": {"propertyName": "disposition", "mapping": mapping}}
