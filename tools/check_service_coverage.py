"""Fail when a public service or selector function was not run by the test suite.

Run after `pytest --cov` (the coverage data file `.coverage` in the current directory), as
.ci/run does after the PostgreSQL run: every public top-level function of the service layer
must have at least one covered line in its body. The `def` line alone does not count, since
it runs at import time.

Usage: .venv/bin/python tools/check_service_coverage.py [data-file]"""

import ast
import sys
from pathlib import Path

from coverage import CoverageData

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "notifications", "leads", "calls", "kpis", "funnel", "targets", "coaching", "scoring", "webhooks"]
EXTRA = ["leads/imports.py", "leads/grading.py", "calls/sync.py", "notifications/mail.py"]

# Public functions no test runs yet, as "path:function". Each is a gap to close, not an
# exemption: remove an entry when a test starts to call it (the check fails on stale entries).
NOT_YET_COVERED: set[str] = set()


def service_modules() -> list[Path]:
    paths = set()
    for app in APPS:
        paths.update((ROOT / app).glob("services.py"))
        paths.update((ROOT / app).glob("services/*.py"))
        paths.update((ROOT / app).glob("selectors.py"))
        paths.update((ROOT / app).glob("selectors/*.py"))
    paths.update(ROOT / p for p in EXTRA if (ROOT / p).exists())
    return sorted(paths)


def public_functions(path: Path) -> list[tuple[str, set[int]]]:
    """(name, the line numbers of its body) for each public top-level function."""
    tree = ast.parse(path.read_text(), filename=str(path))
    out = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
            body = node.body
            if ast.get_docstring(node) is not None and len(body) > 1:
                body = body[1:]
            out.append((node.name, set(range(body[0].lineno, node.end_lineno + 1))))
    return out


def uncovered(data: CoverageData) -> list[str]:
    measured = {Path(f).resolve(): f for f in data.measured_files()}
    missing = []
    for path in service_modules():
        executed = set(data.lines(measured[path]) or []) if path in measured else set()
        rel = path.relative_to(ROOT).as_posix()
        missing += [f"{rel}:{name}" for name, lines in public_functions(path) if not lines & executed]
    return missing


def main(argv: list[str]) -> int:
    data_file = argv[1] if len(argv) > 1 else ".coverage"
    if not Path(data_file).exists():
        print(f"No coverage data at {data_file}: run pytest with --cov first.")
        return 2
    data = CoverageData(basename=data_file)
    data.read()
    missing = uncovered(data)
    new = [m for m in missing if m not in NOT_YET_COVERED]
    stale = sorted(NOT_YET_COVERED - set(missing))
    for name in new:
        print(f"not exercised by any test: {name}")
    for name in stale:
        print(f"now covered, remove from NOT_YET_COVERED: {name}")
    if new or stale:
        return 1
    print(f"service coverage: every public function in {len(service_modules())} modules is exercised"
          f" ({len(NOT_YET_COVERED)} known gaps listed in NOT_YET_COVERED).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
