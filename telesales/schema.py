"""The OpenAPI schema says what the API does: every operation documents the one error body for
the 4xx answers it can give, and text fields that may be blank do not claim a format ("" is
neither an e-mail address nor a URI)."""

from drf_spectacular import openapi

ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"description": "Per-field or per-parameter messages, when there are any."},
                "request_id": {"type": "string", "description": "The request's id (also its X-Request-ID header)"},
            },
            "required": ["code", "message"],
        },
    },
    "required": ["error"],
}
DESCRIPTIONS = {
    400: "Invalid input, an unknown or unusable query parameter, or a refused action",
    401: "Not signed in, or an unknown or revoked token",
    403: "Not allowed for your role",
    404: "Not found, or not one you may see",
    409: "Conflicts with the current state (e.g. already claimed, already exists)",
    429: "Too many requests: wait the seconds given in Retry-After",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again",
                               "schema": {"type": "integer", "minimum": 0}}}
WRITE_METHODS = {"post", "put", "patch", "delete"}

# Parts of the schema an app fills in from its data (calls: which fields each disposition needs):
# (postprocess(result) -> None, signature() -> hashable). The served schema is regenerated when a
# signature changes (telesales.schema_view).
SCHEMA_PARTS: list[tuple] = []


def register_schema_part(postprocess, signature) -> None:
    """Let an app complete the generated document (from its AppConfig.ready())."""
    SCHEMA_PARTS.append((postprocess, signature))


def schema_signature() -> tuple:
    return tuple(signature() for _postprocess, signature in SCHEMA_PARTS)


class AutoSchema(openapi.AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if getattr(field, "allow_blank", False) and schema.get("format") in ("email", "uri"):
            schema = {key: value for key, value in schema.items() if key != "format"}
        return schema


def document_errors(result, generator, request, public):
    """Postprocessing hook: add the error body to every operation for each 4xx it can answer (any
    operation may be rate limited; a view declares rarer ones itself, e.g. 413, and gets the body
    here too)."""
    for postprocess, _signature in SCHEMA_PARTS:
        postprocess(result)
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result["paths"].values():
        for method, operation in operations.items():
            codes = [400, 401, 403, 404, 429] + ([409] if method in WRITE_METHODS else [])
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(str(code), {"description": DESCRIPTIONS[code], "content": error})
            responses["429"].setdefault("headers", RETRY_AFTER)
            for code, response in responses.items():
                if code.startswith("4"):
                    response.setdefault("content", error)
    return result
