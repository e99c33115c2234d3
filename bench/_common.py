"""Shared set-up for the benchmark scripts: environment, a database of their own, timing."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(default_db: str) -> str:
    """Point Django at the benchmark's own PostgreSQL database (BENCH_DATABASE_URL overrides),
    with Celery in-process; return the database URL."""
    sys.path.insert(0, str(ROOT))
    url = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{default_db}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telesales.settings")
    os.environ.pop("REDIS_URL", None)
    return url


def _admin_connection(url: str):
    import psycopg2

    conn = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    return conn


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database (never the app's own).

    BENCH_SYNCHRONOUS_COMMIT (e.g. "off") sets the database's synchronous_commit, to show how much
    of a write is the WAL flush at commit on this disk."""
    name = url.rsplit("/", 1)[1]
    conn = _admin_connection(url)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
        if os.environ.get("BENCH_SYNCHRONOUS_COMMIT"):
            cur.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = %s', [os.environ["BENCH_SYNCHRONOUS_COMMIT"]])
    conn.close()


def ensure_database(url: str) -> None:
    """Create the benchmark database if it does not exist yet (keeps generated data)."""
    name = url.rsplit("/", 1)[1]
    conn = _admin_connection(url)
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def _filler(table: str, column: str, data_type: str) -> str:
    """A value for a NOT NULL column a script does not list (the schema grew since it was written)."""
    if data_type in ("character varying", "text"):
        return "''"
    if data_type == "boolean":
        return "false"
    if data_type in ("integer", "bigint", "smallint", "numeric", "double precision"):
        return "0"
    if data_type.startswith("timestamp"):
        return "now()"
    if data_type == "date":
        return "current_date"
    if data_type in ("json", "jsonb"):
        return "'{}'"
    raise SystemExit(f"cannot fill NOT NULL column {table}.{column} ({data_type})")


def insert_select_sql(cursor, table: str, known: dict[str, str], series: str) -> str:
    """INSERT INTO table … SELECT … FROM generate_series(series) AS g: the `known` columns get
    their SQL expressions over g, any other NOT NULL column without a default a neutral value.
    `series` holds the bounds, e.g. "1, %s"; literal % in the expressions are escaped here."""
    cursor.execute(
        "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
        "WHERE table_name = %s AND column_name <> 'id'",
        [table],
    )
    columns, values = [], []
    for name, data_type, nullable, default in cursor.fetchall():
        if name in known:
            columns.append(name)
            values.append(known[name])
        elif nullable == "NO" and default is None:
            columns.append(name)
            values.append(_filler(table, name, data_type))
    # Literal % (modulo) must be doubled for the driver; %s stays a placeholder.
    values = [v.replace("%", "%%").replace("%%s", "%s") for v in values]
    return f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM generate_series({series}) AS g"


def timed(label: str, fn):
    """Run fn, print its wall time next to the label, return its result."""
    t0 = time.perf_counter()
    result = fn()
    print(f"{label:<62} {time.perf_counter() - t0:8.2f} s")
    return result


RESULTS = ROOT / "bench" / "out" / "results.jsonl"


def record(work: str, product: float, raw: float | None, unit: str, goal: str = "", *,
           higher_is_better: bool = False, cpu_ms: float | None = None) -> None:
    """Print one figure next to the raw PostgreSQL figure of the same run, the ratio and the load
    average, and append it to bench/out/results.jsonl for the summary `make bench` prints.

    `unit` is e.g. "ms" or "rows/s"; the ratio is always product / raw, so for a rate
    (`higher_is_better`) 1.0 is PostgreSQL's own speed and for a time 1.0 is its own time;
    `goal` is the goal as text, e.g. "≥ 0.8" or "< 300 ms"; `cpu_ms`, when given, is the process
    CPU time of the product's work (time.process_time), printed next to it: unlike wall time it
    hardly moves with other load on the machine."""
    import json

    load = os.getloadavg()[0]
    ratio = product / raw if raw else None
    raw_text = f"{raw:,.1f} {unit}" if raw is not None else "—"
    ratio_text = f"{ratio:.2f}" if ratio is not None else "—"
    cpu_text = f", CPU {cpu_ms:,.1f} ms" if cpu_ms is not None else ""
    print(f"{work}: product {product:,.1f} {unit}{cpu_text}, raw PostgreSQL {raw_text}, ratio {ratio_text}, "
          f"load {load:.1f}" + (f" (goal {goal})" if goal else ""), flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    with RESULTS.open("a") as out:
        out.write(json.dumps({"script": Path(sys.argv[0]).name, "work": work, "product": product,
                              "raw": raw, "unit": unit, "ratio": ratio, "goal": goal,
                              "higher_is_better": higher_is_better, "load": load,
                              "cpu_ms": cpu_ms}) + "\n")
