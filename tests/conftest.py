"""Shared fixtures: personas, API clients, real concurrent connections, headless Chromium."""

import os
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from hypothesis import HealthCheck, Phase, settings
from playwright.sync_api import Error
from rest_framework.test import APIClient

from telesales.errors import DomainError
from tests.factories import PASSWORD, AdminFactory, ManagerFactory, TeamFactory, UserFactory

# No per-example time limit: this machine is shared, and a slow example is not a wrong one
# (speed is measured in bench/, never by tests that flake).
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself (factories, assertions) are still synchronous, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


# ---- waiting for a browser page ------------------------------------------------------------
# Waiting until a browser page has finished loading what it loads by itself (htmx fragments on
# load, the chart library after the load event, the charts drawn from it).
#
# Playwright's "networkidle" waits for 500 ms without a request after the last one ends, on every
# page; the suite opens several hundred. `settle(page)` keeps its rule — the load event fired, no
# request is in flight and none has started or ended for a while — with a 150 ms quiet window:
# every request our pages make is started by the previous one's end or by the load event (bell
# fragment, plotly, then its locale), microseconds apart, never by a timer.

QUIET_SECONDS = 0.15


class _Network:
    def __init__(self, page):
        self.in_flight: set = set()
        self.last_change = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request) -> None:
        self.in_flight.add(request)
        self.last_change = time.monotonic()

    def _ended(self, request) -> None:
        self.in_flight.discard(request)
        self.last_change = time.monotonic()


def watch(page):
    """Follow `page`'s requests from now on (call it before the page's first `goto`)."""
    page._suite_network = _Network(page)
    return page


# The page's own work is done: loaded, no htmx request out, every chart container drawn.
PAGE_DONE = """() => document.readyState === 'complete' && !document.querySelector('.htmx-request')
  && Array.from(document.querySelectorAll('[data-figure]')).every(el => el.classList.contains('js-plotly-plot'))"""


def settle(page, timeout: float = 10) -> None:
    """Wait until no request is in flight and none started or ended in the last QUIET_SECONDS,
    and the page is done (PAGE_DONE). A page not watched, or one still busy after `timeout`
    seconds (a chart that never draws), gets Playwright's own networkidle wait instead."""
    network = getattr(page, "_suite_network", None)
    if network is None:
        page.wait_for_load_state("networkidle")
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.wait_for_timeout(QUIET_SECONDS * 1000 / 3)  # lets Playwright deliver the request events
        if network.in_flight or time.monotonic() - network.last_change < QUIET_SECONDS:
            continue
        try:
            done = page.evaluate(PAGE_DONE)
        except Error:  # a navigation replaced the document while we asked
            continue
        if done and not network.in_flight:
            return
    page.wait_for_load_state("networkidle")


# ---- personas -------------------------------------------------------------------------------
@pytest.fixture
def team(db):
    return TeamFactory(name="一组 Team One")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="二组 Team Two")


@pytest.fixture
def rep(team):
    return UserFactory(username="wangfang", full_name="王芳", team=team)


@pytest.fixture
def teammate(team):
    return UserFactory(username="lina", full_name="李娜", team=team)


@pytest.fixture
def other_team_rep(other_team):
    return UserFactory(username="zhangwei", full_name="张伟", team=other_team)


@pytest.fixture
def manager(team):
    return ManagerFactory(username="liuqiang", full_name="刘强", team=team)


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="boss", full_name="陈总")


@pytest.fixture
def other_manager(other_team):
    return ManagerFactory(username="zhoujie", full_name="周杰", team=other_team)


@pytest.fixture
def integration(db):
    """An API integration account (dialer, BI tool): reads everything, decides nothing."""
    return UserFactory(username="bi_tool", full_name="BI tool", role="integration", team=None)


@pytest.fixture
def password():
    return PASSWORD


# ---- API clients ----------------------------------------------------------------------------
@pytest.fixture
def api():
    """An APIClient; `api.as_user(user)` signs it in with a session (force_authenticate)."""
    client = APIClient()

    def as_user(user):
        client.force_authenticate(user=user)
        return client

    client.as_user = as_user
    return client


# ---- real concurrency ----------------------------------------------------------------------
@pytest.fixture
def run_concurrently(transactional_db) -> Callable:
    """Run `fn(i)` in `n` threads, each on its own database connection, released together.

    Returns the list of results (or raised exceptions) in thread order. Use with
    `@pytest.mark.django_db(transaction=True)`; on PostgreSQL these are real concurrent sessions.
    """

    def run(fn: Callable[[int], object], n: int, timeout: float = 60) -> list:
        barrier = threading.Barrier(n)
        results: list = [None] * n

        def worker(i: int) -> None:
            try:
                barrier.wait(timeout=timeout)
                results[i] = fn(i)
            except BaseException as exc:  # noqa: BLE001 - reported to the test
                results[i] = exc
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout)
        return results

    return run


# ---- twin code paths ------------------------------------------------------------------------
@pytest.fixture
def both_paths(db) -> Callable:
    """`both_paths(fn)` runs `fn(portable)` on the same data twice — the PostgreSQL-only
    statement (portable=False), then the portable one that SQLite also runs — each in a savepoint
    that is rolled back afterwards, and returns the two results for the test to compare.

    `fn` returns plain data: what the service answered and the rows it wrote, keyed by something
    other than database ids, which differ between the two runs. A domain error `fn` raises is
    the result: ("error", its class, code, message)."""
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL-only twin runs only on PostgreSQL")

    def run(fn: Callable[[bool], object]) -> tuple[object, object]:
        results = []
        for portable in (False, True):
            try:
                with transaction.atomic():
                    results.append(fn(portable))
                    transaction.set_rollback(True)
            except DomainError as exc:
                results.append(("error", type(exc).__name__, exc.code, exc.message))
        return results[0], results[1]

    return run


# ---- browser ---------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (no browser download)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15000)
    page = watch(context.new_page())
    yield page
    context.close()


@pytest.fixture
def sign_in(page):
    """Sign a user in through the real login form."""

    def do(user, password=PASSWORD):
        page.goto("/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        settle(page)
        return page

    return do


@pytest.fixture
def console_errors(page) -> list[str]:
    """Console errors and uncaught exceptions on `page`; Chromium reports every script or handler the
    Content-Security-Policy refuses as a console error. Failed requests (the browser's own
    /favicon.ico) are left out: a missing script shows as a chart or behaviour that never comes."""
    errors = []

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def open_charts(page, console_errors):
    """Open a page and wait until plotly has drawn each chart named by its container id; every chart
    container on the page is drawn, nothing was refused by the Content-Security-Policy, and every
    trace is of a type the vendored plotly bundle has (the basic bundle knows bar, pie, scatter)."""

    def do(url: str, *chart_ids: str):
        page.goto(url)
        for chart_id in chart_ids:
            page.locator(f"#{chart_id}.js-plotly-plot .main-svg").first.wait_for()
        assert page.locator("[data-figure]").count() == len(chart_ids)
        assert page.locator("[data-figure]:not(.js-plotly-plot)").count() == 0
        assert console_errors == []
        missing = page.evaluate("""() => {
            const known = Object.keys(Plotly.PlotSchema.get().traces);
            return Array.from(document.querySelectorAll(".js-plotly-plot"))
                .flatMap(gd => gd.data.map(t => t.type || "scatter")).filter(t => !known.includes(t));
        }""")
        assert missing == [], f"trace types not in the plotly bundle: {missing}"
        return page

    return do


@pytest.fixture(autouse=True, scope="session")
def _celery_in_process():
    """Tests run Celery tasks in-process even when REDIS_URL is set (CI): the services are what
    the tests exercise; a real worker is exercised by the benchmarks and the compose stack."""
    from telesales.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files (lead imports) go to a temporary MEDIA_ROOT, never into the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


# ---- schemathesis ---------------------------------------------------------------------------
# All checks, except `ignored_auth`: the tests force a token header on every case, so its
# "request without credentials" variant cannot be made. Schema-valid input may still break a
# business rule (a number that does not parse, a lead already claimed): the documented 400 and
# 409 are accepted answers to positive data.
SCHEMATHESIS_CONFIG = {
    "checks": {
        "ignored_auth": {"enabled": False},
        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409"]},
    }
}


# The tests run schemathesis in two deterministic passes (see tests/test_api_schema.py): fuzzing
# over every operation, and the coverage phase (boundary values, unexpected HTTP methods) over the
# operations that take neither query parameters nor a body, whose cases are quick to generate.
SCHEMATHESIS_SETTINGS = {"deadline": None, "suppress_health_check": list(HealthCheck), "derandomize": True}
FUZZING = settings(max_examples=6, phases=[Phase.generate], **SCHEMATHESIS_SETTINGS)
COVERAGE = settings(phases=[Phase.explicit], **SCHEMATHESIS_SETTINGS)


def takes_input(ctx) -> bool:
    """schemathesis filter (exclude it for the coverage pass): an operation with query parameters
    or a request body."""
    raw = ctx.operation.definition.raw
    return "requestBody" in raw or any(p["in"] == "query" for p in raw.get("parameters", []))


@pytest.fixture
def wsgi_schema(db):
    """The app's OpenAPI schema loaded by schemathesis, calling the app in-process."""
    import schemathesis
    from django.core import signals
    from django.db import close_old_connections
    from schemathesis.config import SchemathesisConfig

    from telesales.wsgi import application

    # The real WSGI handler closes the connection after each request; inside the test's
    # transaction it must stay open, as Django's own test client arranges.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", application, config=SchemathesisConfig.from_dict(SCHEMATHESIS_CONFIG)
    )
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
