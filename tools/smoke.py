"""Smoke test of a running production stack over HTTP (tools/prod_stack.sh, or compose).

    python tools/smoke.py http://127.0.0.1:8000 [--user admin --password demo12345] [--rows 10000]

Signs in, imports `--rows` leads through the worker and waits for the job, syncs calls (twice:
the second batch changes nothing), triggers the KPI run through the worker and waits until
/healthz reports it, reads the dashboards, and checks /healthz. Exits 1 at the first failure."""

import argparse
import csv
import io
import sys
import time
import uuid

import requests


def fail(message: str) -> None:
    print(f"FAIL {message}")
    sys.exit(1)


def check(response: requests.Response, status: int, what: str) -> requests.Response:
    if response.status_code != status:
        fail(f"{what}: {response.status_code} (wanted {status}) {response.text[:300]}")
    print(f"ok   {what} ({response.status_code}, {response.elapsed.total_seconds() * 1000:.0f} ms)")
    return response


def sign_in(base: str, user: str, password: str) -> requests.Session:
    s = requests.Session()
    check(s.get(f"{base}/login/"), 200, "GET /login/")
    r = s.post(f"{base}/login/", data={"username": user, "password": password,
                                       "csrfmiddlewaretoken": s.cookies["csrftoken"]},
               headers={"Referer": f"{base}/login/"}, allow_redirects=False)
    check(r, 302, "sign in")
    s.headers["X-CSRFToken"] = s.cookies["csrftoken"]
    s.headers["Referer"] = f"{base}/"
    return s


def wait(what: str, probe, timeout: float):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        value = probe()
        if value:
            print(f"ok   {what} ({time.monotonic() - started:.1f} s)")
            return value
        time.sleep(1)
    fail(f"{what}: not within {timeout:.0f} s")


def import_leads(s: requests.Session, base: str, rows: int) -> None:
    pool = check(s.get(f"{base}/api/v1/pools/"), 200, "GET pools").json()["results"][0]["id"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "phone"])
    prefix = 130 + uuid.uuid4().int % 60  # a fresh block of mobile numbers for every run
    for i in range(rows):
        writer.writerow([f"Smoke {i}", f"+86{prefix}{uuid.uuid4().int % 10**8:08d}"])
    r = s.post(f"{base}/api/v1/lead-imports/", files={"file": ("smoke.csv", out.getvalue().encode())},
               data={"pool": pool})
    job = check(r, 202, f"POST lead-imports ({rows} rows)").json()

    def done():
        state = s.get(f"{base}/api/v1/lead-imports/{job['id']}/").json()
        if state["status"] == "failed":
            fail(f"import failed: {state.get('error')}")
        return state if state["status"] == "done" else None

    state = wait("import done by the worker", done, 600)
    if state["created_count"] + state["collision_count"] + state["error_count"] != rows:
        fail(f"import counts do not add up: {state}")


def sync_calls(s: requests.Session, base: str) -> None:
    leads = check(s.get(f"{base}/api/v1/leads/", params={"page_size": 200}), 200, "GET leads").json()["results"]
    owned = [lead for lead in leads if lead.get("owner")][:20]
    if not owned:
        fail("no lead with an owner to log calls for")
    run = uuid.uuid4().hex[:8]
    batch = {"calls": [{"source": "smoke", "external_id": f"{run}-{i}", "lead_id": lead["id"],
                        "started_at": "2026-01-05T10:00:00+08:00", "duration_seconds": 60 + i,
                        "disposition": "no_answer"} for i, lead in enumerate(owned)]}
    first = check(s.post(f"{base}/api/v1/calls/sync", json=batch), 200, "POST calls/sync").json()["counts"]
    again = check(s.post(f"{base}/api/v1/calls/sync", json=batch), 200, "POST calls/sync again").json()["counts"]
    if first["created"] != len(owned) or again["unchanged"] != len(owned):
        fail(f"sync counts: first {first}, again {again}")


def kpi_run(s: requests.Session, base: str) -> None:
    asked = time.time()
    check(s.post(f"{base}/kpis/runs/run/", data={"kind": "incremental"}, allow_redirects=False), 302,
          "POST /kpis/runs/run/")

    def fresh():
        age = requests.get(f"{base}/healthz").json()["checks"]["kpi_run"].get("age_seconds")
        return age is not None and age <= time.time() - asked

    wait("KPI run done by the worker", fresh, 600)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="demo12345")
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    base = args.base.rstrip("/")
    s = sign_in(base, args.user, args.password)
    import_leads(s, base, args.rows)
    sync_calls(s, base)
    kpi_run(s, base)
    for page in ("/kpis/", "/kpis/company/", "/funnel/", "/targets/", "/leads/"):
        check(s.get(f"{base}{page}"), 200, f"GET {page}")
    health = check(requests.get(f"{base}/healthz"), 200, "GET /healthz").json()
    print("smoke test passed:", {name: c["ok"] for name, c in health["checks"].items()})


if __name__ == "__main__":
    main()
