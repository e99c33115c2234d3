"""Print the table of every figure the benchmark scripts recorded in this run (bench/out/results.jsonl)."""

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "out" / "results.jsonl"


def main() -> None:
    if not RESULTS.exists():
        sys.exit("no results recorded: run the bench scripts first")
    rows = [json.loads(line) for line in RESULTS.read_text().splitlines() if line.strip()]
    print(f"\n{'script':<20} {'work':<52} {'product':>14} {'raw PostgreSQL':>16} {'ratio':>6} {'CPU ms':>7} {'load':>5}  goal")
    for r in rows:
        raw = f"{r['raw']:,.1f}" if r["raw"] is not None else "—"
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "—"
        cpu = f"{r['cpu_ms']:,.1f}" if r.get("cpu_ms") is not None else "—"
        print(f"{r['script']:<20} {r['work'][:52]:<52} {r['product']:>11,.1f} {r['unit'][:2]:<2} {raw:>16} "
              f"{ratio:>6} {cpu:>7} {r['load']:>5.1f}  {r['goal']}")


if __name__ == "__main__":
    main()
