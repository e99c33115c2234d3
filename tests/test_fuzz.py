"""Fuzz every input the API documents and every page that reads query parameters.

The operations, their query parameters and their body fields are read from the schema that
drf-spectacular generates, so a new endpoint or field is fuzzed without touching this file. Each
parameter and each top-level body field gets NUL characters, lone surrogates, wrong JSON types,
huge strings and out-of-range dates: the answer is never a 500, and every 4xx is the documented
error body."""

import json
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import create_api_token
from tests import factories as qa
from tests.factories import (
    AdminFactory,
    CallFactory,
    LeadFactory,
    ManagerFactory,
    PoolFactory,
    TargetFactory,
    UserFactory,
)

BAD_TEXT = [
    "\x00", "a\x00b", "\ud800", "x\udfffy", "x" * 20_000, "0001-01-01", "9999-12-31", "2026-02-30",
    "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+08:00", "-1", "0", "1e400", "99999999999999999999999",
]
BAD_JSON = [None, True, 1.5, -(2**70), 2**70, [], {}, ["\x00"], {"\x00": "\ud800"}, *BAD_TEXT]


def _query_string(name: str, value: str) -> str:
    return f"{quote(name)}={quote(value.encode('utf-8', 'surrogatepass'))}"


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _sample(schema: dict, node: dict):
    """A plausible value for a field, so the other fields of a fuzzed body are not the error."""
    node = _resolve(schema, node)
    if "enum" in node:
        return next((v for v in node["enum"] if v not in ("", None)), None)
    for key in ("allOf", "oneOf", "anyOf"):
        if key in node:
            return _sample(schema, node[key][0])
    kind = node.get("type")
    if kind == "integer":
        return max(node.get("minimum", 1), 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return {"date": "2026-03-02", "date-time": "2026-03-02T10:00:00+08:00"}.get(node.get("format"), "x")


def _base_body(schema: dict, operation: dict) -> dict | None:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    body = _resolve(schema, content["schema"])
    return {name: _sample(schema, prop) for name, prop in body.get("properties", {}).items()
            if name in body.get("required", [])}


def _body_fields(schema: dict, operation: dict) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return list(_resolve(schema, content["schema"]).get("properties", {})) if content else []


@pytest.fixture
def world(db):
    """One of everything the API has a path for, and an admin token to reach it."""
    admin = AdminFactory(username="fuzz-admin")
    manager = ManagerFactory()
    rep = UserFactory(team=manager.team)
    pool = PoolFactory(team=manager.team)
    lead = LeadFactory(owner=rep)
    LeadFactory(owner=None, pool=pool)
    call = CallFactory(rep=rep, lead=lead)
    card = qa.scorecard(manager, team=manager.team)
    qa.plan(manager, manager.team, card, reviewers=[manager])
    qa.sample(manager, call, card)
    TargetFactory(owner_kind="team", team=manager.team)
    spare, _ = create_api_token(actor=admin, name="fuzz-spare", user=admin, scopes=["admin"])
    _, key = create_api_token(actor=admin, name="fuzz", user=admin, scopes=["admin"])
    return {"admin": admin, "manager": manager, "rep": rep, "key": key}


class Fuzzer:
    def __init__(self, client, key, rep):
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
        self.schema = client.get("/api/schema/?format=json", **self.headers).json()
        self.rep = rep
        self.ids: dict[str, int] = {}
        self.failures: list[str] = []

    def path_for(self, template: str) -> str:
        """Fill `{id}` with a real object's id (the first one the collection lists)."""
        if "{" not in template:
            return template
        collection = template.split("{", 1)[0]
        if collection not in self.ids:
            if collection.endswith("/users/"):
                self.ids[collection] = self.rep.pk
            else:
                body = self.client.get(collection, **self.headers).json()
                rows = body.get("results", []) if isinstance(body, dict) else body
                # Tokens list no tokens (token management needs a session): their ids stay unknown.
                first = (rows[-1] if collection.endswith("/api-tokens/") else rows[0]) if rows else {}
                self.ids[collection] = first.get("id") or first.get("team") or 1
        head, tail = template.split("{", 1)
        return f"{head}{self.ids[collection]}{tail.split('}', 1)[1]}"

    def send(self, method: str, path: str, query: str = "", body=None, label: str = ""):
        url = f"{path}?{query}" if query else path
        data = json.dumps(body) if body is not None else ""
        response = self.client.generic(method.upper(), url, data, content_type="application/json", **self.headers)
        if response.status_code >= 500:
            self.failures.append(f"{method.upper()} {path} {label}: {response.status_code}")
        elif response.status_code >= 400:
            payload = response.json() if response.get("Content-Type", "").startswith("application/json") else None
            error = (payload or {}).get("error") if isinstance(payload, dict) else None
            if not (isinstance(error, dict) and isinstance(error.get("code"), str)
                    and isinstance(error.get("message"), str)):
                self.failures.append(f"{method.upper()} {path} {label}: {response.status_code} without the error body")

    def operation(self, template: str, method: str) -> dict:
        return self.schema["paths"][template][method]

    def run(self, template: str, method: str):
        operation = self.operation(template, method)
        path = self.path_for(template)
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            for value in BAD_TEXT:
                self.send(method, path, _query_string(parameter["name"], value), _base_body(self.schema, operation),
                          label=f"?{parameter['name']}={value[:20]!r}")
        self.send(method, path, _query_string("no_such_parameter", "1"), _base_body(self.schema, operation),
                  label="unknown parameter")
        base = _base_body(self.schema, operation)
        if base is None:
            return
        for value in ([], "x", 1):
            self.send(method, path, body=value, label=f"body {value!r}")
        for field in _body_fields(self.schema, operation):
            for value in BAD_JSON:
                self.send(method, path, body={**base, field: value}, label=f"{field}={str(value)[:20]!r}")


def _schema_operations() -> list[tuple[str, str]]:
    """(path, method) of every operation in the schema, read at collection so each is its own test
    (the two xdist workers share them; one test over all of them took minutes)."""
    from drf_spectacular.generators import SchemaGenerator

    # parse(): the operations without the postprocessing hooks, some of which read the database.
    paths = SchemaGenerator().parse(None, True)
    return [(path, method) for path, methods in paths.items() for method in methods]


OPERATIONS = _schema_operations()


@pytest.fixture
def client():
    """Server errors are answered (and counted), not raised into the test."""
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(("template", "method"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS])
def test_no_input_in_the_schema_gets_a_server_error_or_an_undocumented_error(client, world, template, method):
    """Each operation against its own fresh world: a delete or revoke no longer has to come last."""
    fuzzer = Fuzzer(client, world["key"], world["rep"])
    fuzzer.run(template, method)
    assert not fuzzer.failures, "\n".join(fuzzer.failures)


def test_every_operation_the_api_serves_is_fuzzed(client, world):
    """The operations collected above are the ones the served schema documents."""
    served = Fuzzer(client, world["key"], world["rep"]).schema["paths"]
    assert sorted(OPERATIONS) == sorted((path, method) for path, methods in served.items() for method in methods)


PAGES = [
    ("funnel:index", [], ["rep", "team", "as_of", "days"]),
    ("funnel:team", [], ["team", "as_of", "days"]),
    ("funnel:plan", [], ["target", "start", "weeks", "rep", "team", "cycle_months", "win_rate"]),
    ("coaching:samples", [], ["week"]),
    ("coaching:results", [], ["weeks", "rep", "team"]),
    ("coaching:plans", [], ["show"]),
    ("coaching:notes", [], ["rep"]),
    ("calls:index", [], ["rep"]),
    ("calls:report", [], ["day", "rep"]),
    ("targets:index", [], ["show", "metric"]),
    ("targets:alerts", [], ["unread"]),
    ("kpis:team", ["team"], ["range", "from", "to", "grain", "compare"]),
    ("kpis:rep", ["rep"], ["range", "from", "to", "grain", "up_effective_connect_rate", "compare"]),
    ("kpis:company", [], ["range", "from", "to", "grain", "compare"]),
    ("kpis:team_what_if", ["team"], ["from", "to", "range", "grain"]),
    ("kpis:drill", [], ["what", "stage", "rep", "team", "from", "to", "page"]),
    ("funnel:leads", [], ["grade", "rep", "team", "as_of", "reps_only", "page"]),
    ("kpis:export", ["team-kind", "team"], ["table", "format", "from", "to"]),
    ("leads:index", [], ["grade", "status", "q", "page"]),
    ("leads:pool", [], ["pool", "grade", "q", "region", "page"]),
]


@pytest.mark.parametrize(("name", "args", "parameters"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_that_read_query_parameters_never_answer_a_server_error(client, world, name, args, parameters):
    manager = world["manager"]
    values = {"team": manager.team_id, "rep": world["rep"].pk, "team-kind": "team"}
    url = reverse(name, args=[values[a] for a in args])
    client.force_login(manager)
    failures = []
    for parameter in parameters:
        for value in BAD_TEXT:
            response = client.get(f"{url}?{_query_string(parameter, value)}")
            if response.status_code >= 500:
                failures.append(f"{url}?{parameter}={value[:20]!r}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_drill_down_and_what_if_values_beside_valid_ones_never_answer_a_server_error(client, world):
    """The drill-down needs what=, from= and to= together, the team what-if a period: each
    parameter gets every bad value while the others stay valid."""
    manager = world["manager"]
    client.force_login(manager)
    base = {"what": "customers", "stage": "sold", "team": manager.team_id, "from": "2025-03-01", "to": "2025-03-31"}
    failures = []
    for name in (*base, "rep", "page"):
        rest = "&".join(_query_string(k, str(v)) for k, v in base.items() if k != name)
        for value in BAD_TEXT:
            response = client.get(f"/kpis/drill/?{rest}&{_query_string(name, value)}")
            if response.status_code >= 500:
                failures.append(f"drill {name}={value[:20]!r}: {response.status_code}")
    period = f"{_query_string('from', '2025-03-01')}&{_query_string('to', '2025-03-31')}"
    for name in ("up_avg_premium", "from"):
        for value in BAD_TEXT:
            response = client.post(f"/kpis/team/{manager.team_id}/what-if/", f"{period}&{_query_string(name, value)}",
                                   content_type="application/x-www-form-urlencoded")
            if response.status_code >= 500:
                failures.append(f"what-if {name}={value[:20]!r}: {response.status_code}")
    for name in ("grade", "conversion", "days", "as_of", "team"):
        rest = "&".join(_query_string(k, v) for k, v in {"grade": "C", "conversion": "at", "days": "30"}.items()
                        if k != name)
        for value in BAD_TEXT:
            response = client.get(f"/funnel/leads/?{rest}&{_query_string(name, value)}")
            if response.status_code >= 500:
                failures.append(f"funnel leads {name}={value[:20]!r}: {response.status_code}")
    assert not failures, "\n".join(failures)
