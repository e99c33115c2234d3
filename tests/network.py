"""Waiting until a browser page has finished loading what it loads by itself (htmx fragments on
load, the chart library after the load event, the charts drawn from it).

Playwright's "networkidle" waits for 500 ms without a request after the last one ends, on every
page; the suite opens several hundred. `settle(page)` keeps its rule — the load event fired, no
request is in flight and none has started or ended for a while — with a 150 ms quiet window:
every request our pages make is started by the previous one's end or by the load event (bell
fragment, plotly, then its locale), microseconds apart, never by a timer."""

import time

from playwright.sync_api import Error

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
