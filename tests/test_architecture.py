"""Imports flow one way: accounts ← notifications ← leads ← calls ← kpis ← funnel / targets / coaching ← scoring.

Every module of every app is parsed (imports inside functions count too). An app imports only
apps to its left; funnel, targets and coaching stand side by side and never import each other.
A higher app reaches a lower app's page through a hook the lower app offers (accounts/panels.py,
leads/signals.py), never by being imported. No two modules import each other, directly or
round a longer loop. The project package `telesales` (settings, URLs, errors, the API base) sits
below every app, except for the root URLconf, which mounts them all.

Application code (the apps and `telesales`, migrations left out) also stays small enough to read:
no module over MAX_MODULE_LINES lines, no function over MAX_FUNCTION_LINES unless its docstring
says why ("Long because …")."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LAYERS = [["accounts"], ["notifications"], ["leads"], ["calls"], ["kpis"], ["funnel", "targets", "coaching"], ["scoring"],
          ["webhooks"]]
RANK = {app: i for i, layer in enumerate(LAYERS) for app in layer}
PROJECT = "telesales"
ROOT_URLCONF = "telesales.urls"

# Known cycles, to be removed (none left).
ALLOWED_CYCLE_EDGES: set[tuple[str, str]] = set()

MAX_MODULE_LINES = 420
MAX_FUNCTION_LINES = 60
LONG_BECAUSE = "Long because"
# Known long modules and functions ("module" or "module:function"), to be removed (none left); the list
# only shrinks.
ALLOWED_LONG: set[str] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in [*RANK, PROJECT]
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module `name` loads: itself, or the nearest package that holds it."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, source: str, modules: dict[str, Path], *, is_package: bool = False) -> set[tuple[str, int]]:
    """(imported project module, line) for every import statement in the source, at any depth."""
    found = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source, module)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parent, *([base] if base else [])])
            # `from pkg import name` loads pkg.name when that is a module, else pkg itself.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in targets:
            resolved = _resolve(target, modules)
            if resolved and resolved != module:
                found.add((resolved, node.lineno))
    return found


def import_graph() -> dict[str, set[tuple[str, int]]]:
    modules = project_modules()
    return {
        name: imports_of(name, path.read_text(), modules, is_package=path.name == "__init__.py")
        for name, path in modules.items()
    }


def layer_violations(graph) -> list[str]:
    problems = []
    for module, targets in sorted(graph.items()):
        source = module.split(".")[0]
        for target, line in sorted(targets):
            dest = target.split(".")[0]
            if source == dest or dest == PROJECT:
                continue
            if source == PROJECT and module != ROOT_URLCONF:
                problems.append(f"{module}:{line} imports {target}: the project package sits below the apps")
            elif source != PROJECT and RANK[dest] >= RANK[source]:
                where = "beside" if RANK[dest] == RANK[source] else "to the right of"
                problems.append(f"{module}:{line} imports {target}, an app {where} {source}")
    return problems


def cycles(graph) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (allowed edges left out)."""
    edges = {m: {t for t, _ in ts if (m, t) not in ALLOWED_CYCLE_EDGES} for m, ts in graph.items()}

    def reachable(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reach = {m: reachable(m) for m in edges}
    groups = {frozenset({m, *(n for n in reach[m] if m in reach.get(n, ()))}) for m in edges if m in reach[m]}
    return sorted(sorted(group) for group in groups)


def application_modules() -> dict[str, Path]:
    return {name: path for name, path in project_modules().items() if "migrations" not in path.parts}


def long_functions(source: str, *, limit: int = MAX_FUNCTION_LINES) -> dict[str, int]:
    """{qualified name: lines} of every function or method longer than `limit` lines, from `def`
    to its last line, whose docstring does not say why it is long."""
    found = {}

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    lines = child.end_lineno - child.lineno + 1
                    if lines > limit and LONG_BECAUSE not in (ast.get_docstring(child) or ""):
                        found[name] = lines
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return found


def size_offenders() -> dict[str, int]:
    """{"module" or "module:function": lines} over the limits in application code."""
    offenders = {}
    for module, path in application_modules().items():
        source = path.read_text()
        lines = len(source.splitlines())
        if lines > MAX_MODULE_LINES:
            offenders[module] = lines
        offenders.update({f"{module}:{name}": n for name, n in long_functions(source).items()})
    return offenders


def test_every_local_app_has_a_place_in_the_layers():
    local = {app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()}
    assert local == set(RANK)


def test_apps_import_only_apps_to_their_left():
    assert layer_violations(import_graph()) == []


def test_no_modules_import_each_other():
    assert cycles(import_graph()) == []


def test_allowed_cycles_are_still_there():
    """An allowed edge that is gone must leave the list, so the list only shrinks."""
    graph = import_graph()
    stale = [edge for edge in ALLOWED_CYCLE_EDGES if edge[1] not in {t for t, _ in graph.get(edge[0], ())}]
    assert stale == []


def test_the_checker_sees_reverse_imports_and_cycles_inside_functions():
    graph = {
        "leads.views": {("coaching.selectors", 3)},
        "funnel.api": {("targets.selectors", 9)},
        "calls.services": {("calls.selectors", 1)},
        "calls.selectors": {("calls.services", 40)},
        "telesales.errors": {("accounts.models", 2)},
    }
    assert layer_violations(graph) == [
        "funnel.api:9 imports targets.selectors, an app beside funnel",
        "leads.views:3 imports coaching.selectors, an app to the right of leads",
        "telesales.errors:2 imports accounts.models: the project package sits below the apps",
    ]
    assert cycles(graph) == [["calls.selectors", "calls.services"]]
    source = "from . import services\n\ndef f():\n    from kpis.selectors import rep_ranking\n    import coaching.models\n"
    assert imports_of("calls.views", source, project_modules()) == {
        ("calls.services", 1), ("kpis.selectors", 4), ("coaching.models", 5),
    }


def test_no_module_or_function_is_too_long_to_read():
    too_long = {name: n for name, n in size_offenders().items() if name not in ALLOWED_LONG}
    assert too_long == {}, (
        f"Split these along their concerns (modules: at most {MAX_MODULE_LINES} lines; functions: at most "
        f"{MAX_FUNCTION_LINES}, or a docstring saying “{LONG_BECAUSE} …”): {too_long}"
    )


def test_allowed_long_code_is_still_long():
    """An allowed module or function that is short now must leave the list, so the list only shrinks."""
    assert ALLOWED_LONG - set(size_offenders()) == set()


def _function(name: str, lines: int, *, indent: str = "", docstring: str = "") -> str:
    """The source of a function exactly `lines` long, its `def` line included."""
    body = [f'{indent}    """{docstring}"""'] if docstring else []
    body += [f"{indent}    x = {i}" for i in range(lines - 1 - len(body))]
    return "\n".join([f"{indent}def {name}():", *body]) + "\n"


def test_the_length_checker_counts_functions_and_methods_and_reads_the_docstring():
    source = (
        _function("short", MAX_FUNCTION_LINES)
        + _function("long", 61)
        + _function("explained", 80, docstring=f"{LONG_BECAUSE} one SQL statement reads better whole.")
        + "class Page:\n"
        + _function("render", 61, indent="    ")
        + "    def helper(self):\n"
        + _function("inner", 61, indent="        ")
    )
    assert long_functions(source) == {"long": 61, "Page.render": 61, "Page.helper": 62, "Page.helper.inner": 61}


def test_test_files_share_helpers_only_through_factories_and_conftest():
    """Tests never borrow from each other: shared helpers live in tests/factories.py or conftest."""
    shared = {"tests.factories", "tests.conftest"}
    borrowed = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tests"):
                names = [node.module] if node.module != "tests" else [f"tests.{a.name}" for a in node.names]
                borrowed += [f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names if n not in shared]
            elif isinstance(node, ast.Import):
                borrowed += [f"{path.relative_to(ROOT)}:{node.lineno} {a.name}" for a in node.names
                             if a.name.startswith("tests") and a.name not in shared]
    assert borrowed == []
