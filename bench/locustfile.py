"""Load test of the issue's user mix against a running server (gunicorn on PostgreSQL): 30 reps
(next lead, log a call on it, the call plan page), 3 managers (team KPI dashboard, team funnel)
and one dialer syncing 500-call batches. Prints requests/s and p50/p95/p99 per endpoint at the
end (goal: ≥ 60 requests/s, p95 < 300 ms). How to run: bench/README.md.

Environment: LOCUST_PASSWORD (default bench-pass-123), LOCUST_POOL and LOCUST_TEAM (ids of the
pool and team bench/bench_requests.py creates), LOCUST_API_TOKEN (an integration's token, for
the dialer; without it the dialer stays idle), LOCUST_SYNC_LEAD and LOCUST_SYNC_REP (the lead and
rep the synced calls are for)."""

import itertools
import json
import os
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOCUST_PASSWORD", "bench-pass-123")
POOL = os.environ.get("LOCUST_POOL", "")
TEAM = os.environ.get("LOCUST_TEAM", "")
# {username: session key} written by bench/locust_setup.py (bench/load_test.sh sets LOCUST_SESSIONS).
SESSIONS = json.loads(Path(os.environ["LOCUST_SESSIONS"]).read_text()) if os.environ.get("LOCUST_SESSIONS") else {}
REP_NUMBERS = itertools.count()
MANAGERS = itertools.count()


class SignedIn(HttpUser):
    abstract = True
    username = ""

    def sign_in(self, username):
        if SESSIONS:  # a session made by bench/locust_setup.py: no password hash in the timed window
            self.client.cookies.set("sessionid", SESSIONS[username])
            self.client.get("/calls/", name="GET /calls/")  # sets the CSRF cookie
            return
        self.client.get("/login/", name="/login/")
        self.client.post("/login/", {"username": username, "password": PASSWORD,
                                     "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
                         headers={"Referer": self.host + "/login/"}, name="/login/")

    def post_form(self, path, data, name):
        return self.client.post(path, {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
                                headers={"Referer": self.host + path}, name=name, allow_redirects=False)


class Rep(SignedIn):
    fixed_count = 30
    wait_time = between(1, 3)

    def on_start(self):
        self.sign_in(f"bench-req-rep{next(REP_NUMBERS) % 30:02d}")

    @task
    def work_a_lead(self):
        answer = self.post_form("/leads/next/", {"pool": POOL}, "POST /leads/next/")
        found = re.search(r"/leads/(\d+)/", answer.headers.get("Location", ""))
        if found:
            self.post_form(f"/calls/lead/{found.group(1)}/log/", {"disposition": 5, "duration": "1:30"},
                           "POST /calls/lead/[id]/log/")
        self.client.get("/calls/", name="GET /calls/")


class Manager(SignedIn):
    fixed_count = 3
    wait_time = between(2, 5)

    def on_start(self):
        self.sign_in("bench-req-manager")

    @task
    def team_kpis(self):
        self.client.get(f"/kpis/team/{TEAM}/", name="GET /kpis/team/[id]/")

    @task
    def team_funnel(self):
        self.client.get(f"/funnel/team/?team={TEAM}", name="GET /funnel/team/")


class Dialer(HttpUser):
    fixed_count = 1
    wait_time = between(1, 2)

    @task
    def sync(self):
        token = os.environ.get("LOCUST_API_TOKEN")
        if not token:
            return
        start = datetime.now(UTC) - timedelta(hours=1)
        rows = [{"source": "locust", "external_id": uuid.uuid4().hex, "lead_id": int(os.environ["LOCUST_SYNC_LEAD"]),
                 "rep_id": int(os.environ["LOCUST_SYNC_REP"]), "disposition": "reached",
                 "started_at": (start + timedelta(seconds=i)).isoformat()} for i in range(500)]
        self.client.post("/api/v1/calls/sync", json={"calls": rows}, headers={"Authorization": f"Token {token}"},
                         name="POST /api/v1/calls/sync (500)")


@events.quitting.add_listener
def summary(environment, **_):
    """Requests/s and p50/p95/p99 per endpoint, and for the whole mix."""
    stats = environment.stats
    print(f"{'endpoint':42} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'fails':>6}")
    for entry in [*sorted(stats.entries.values(), key=lambda e: e.name), stats.total]:
        print(f"{entry.name:42} {entry.total_rps:7.1f} {entry.get_response_time_percentile(0.5):6.0f} "
              f"{entry.get_response_time_percentile(0.95):6.0f} {entry.get_response_time_percentile(0.99):6.0f} "
              f"{entry.num_failures:6d}")
