"""Rep pages in headless Chromium: bytes transferred and time to the load event (issue 15, item 7).

Serves the app with the development server (as `make run` does) on the demo company
(`seed_demo`, created on first run), signs in as rep01 and opens each rep page in a fresh browser
context (empty cache), three times; prints the median load-event time (goal < 1 s) and the bytes
of every response of that page load (the document, scripts, styles, htmx fragments it loads).
The raw twin of a load time is a trivial static HTML page opened the same way in the same run
(what the browser costs by itself); bytes have no twin.

    .venv/bin/python bench/bench_pages.py
    BENCH_SMALL=1 .venv/bin/python bench/bench_pages.py     # the small demo company (faster set-up)
    BENCH_PAGES=/kpis/,/funnel/ .venv/bin/python bench/bench_pages.py   # some pages only

Uses its own database (default postgres://postgres@127.0.0.1:5432/ts_bench_pages, kept between
runs; override with BENCH_DATABASE_URL). CHROMIUM_PATH chooses the browser (/usr/bin/chromium)."""

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _common import ROOT, configure, ensure_database, record  # noqa: E402 (bench/ is on sys.path)

DB_URL = configure("ts_bench_pages")
os.environ["DEBUG"] = "true"  # the development server, as `make run`
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
RUNS = int(os.environ.get("BENCH_RUNS", 3))
REP, PASSWORD = "rep01", "demo12345"
REP_PAGES = ["/calls/", "/calls/report/", "/leads/", "/leads/pool/", "/leads/{lead}/", "/leads/new/",
             "/leads/appeals/", "/kpis/", "/kpis/live/", "/funnel/", "/targets/", "/coaching/"]
PYTHON = sys.executable


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True, env=os.environ.copy())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen([PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT,
                              env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(900):  # up to 90 s: on a loaded machine the server takes a while to import and check
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the development server did not start")


def a_lead_of_rep01() -> int:
    import django

    django.setup()
    from leads.models import Lead

    lead = Lead.objects.filter(owner__username=REP, calls__isnull=False).order_by("id").first()
    return lead.pk


def load(browser, url: str, cookies: list) -> tuple[float, int, float, float | None]:
    """(ms to the load event, bytes of every response, ms until the server's first byte, ms until
    every chart is drawn or None without charts) for one cold page load. Charts are drawn after
    the load event (static/js/charts.js fetches plotly then), so that time is printed too."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_cookies(cookies)
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")  # htmx fragments requested at load count as bytes
    ms, server = page.evaluate("(e => [e.loadEventStart, e.responseStart - e.requestStart])"
                               "(performance.getEntriesByType('navigation')[0])")
    drawn = None
    if page.locator("[data-figure]").count():
        page.wait_for_function("document.querySelectorAll('[data-figure]:not(.js-plotly-plot)').length === 0")
        drawn = page.evaluate("performance.now()")
    size = 0
    for request in finished:
        sizes = request.sizes()
        size += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    context.close()
    return ms, size, server, drawn


def sign_in(browser, base: str) -> list:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", REP)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    cookies = context.cookies()
    context.close()
    return cookies


def main() -> None:
    ensure_database(DB_URL)
    manage("migrate", "-v0")
    manage("seed_demo", "--if-empty", *(["--small"] if os.environ.get("BENCH_SMALL") else []))
    lead = a_lead_of_rep01()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            cookies = sign_in(browser, base)
            trivial = Path(tmp) / "trivial.html"
            trivial.write_text("<!doctype html><title>t</title><p>trivial</p>")
            wanted = os.environ.get("BENCH_PAGES", "")
            for path in [p for p in REP_PAGES if not wanted or p in wanted.split(",")]:
                path = path.format(lead=lead)
                raw = statistics.median(load(browser, trivial.as_uri(), [])[0] for _ in range(RUNS))
                runs = [load(browser, base + path, cookies) for _ in range(RUNS)]
                ms = statistics.median(r[0] for r in runs)
                record(f"rep page {path} load event (390×844, cold cache)", ms, raw, "ms", "< 1000 ms")
                record(f"rep page {path} bytes transferred", max(r[1] for r in runs) / 1024, None, "KB")
                record(f"rep page {path} server answered (first byte)", statistics.median(r[2] for r in runs),
                       None, "ms")
                if runs[0][3] is not None:
                    record(f"rep page {path} charts drawn (after the load event)",
                           statistics.median(r[3] for r in runs), None, "ms")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
