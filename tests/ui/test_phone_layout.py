"""Every rep page, and the manager's, on a phone (issue 15, items 6 and 7): at 390×844 the page is
no wider than the screen (tables scroll inside their own box), every button, link and field is a
touch target at least 44 px high, and only pages with charts load the chart library."""

import importlib
import random

import pytest
from django.db import transaction

from accounts.demo import DEMO_PASSWORD
from calls.models import Call
from leads.collisions import collision_pass
from leads.models import Lead
from tests.conftest import settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
MIN_TARGET = 44

# Buttons, links and fields narrower or lower than a finger, as "tag#id.class 'text' WxH".
SMALL_TARGETS = """(min) => Array.from(document.querySelectorAll(
    'a[href], button, select, textarea, input:not([type=hidden]):not([type=checkbox]):not([type=radio])'))
  .filter(el => !el.closest('.js-plotly-plot'))
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden')
  .filter(([el, r]) => r.height < min - 0.5)
  .map(([el, r]) => `${el.tagName.toLowerCase()}#${el.id}.${el.className} '${(el.innerText || el.name || '')
    .trim().slice(0, 30)}' ${Math.round(r.width)}x${Math.round(r.height)}`)"""

# Elements that stick out past the right edge of the screen (what makes the page scroll sideways).
WIDE = """() => Array.from(document.querySelectorAll('body *'))
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5 && !el.closest('.scroll-x, table.grid'))
  .slice(0, 5).map(el => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`)"""


@pytest.fixture
def demo_company(settings):
    """The small demo company (what `seed_demo --small` builds), app by app."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from accounts.management.commands.seed_demo import APPS_IN_ORDER

    ctx: dict = {"small": True}
    rng = random.Random(20261125)
    for app in APPS_IN_ORDER:
        with transaction.atomic():
            importlib.import_module(f"{app}.demo").seed(rng, ctx)
    importlib.import_module("notifications.demo").seed_notifications(rng)  # as seed_demo does: a full bell and list
    return ctx


def rep_pages(rep, other) -> list[str]:
    lead = Lead.objects.filter(owner=rep, calls__isnull=False).first() or Lead.objects.filter(owner=rep).first()
    theirs = Lead.objects.filter(owner=other).first()
    return ["/calls/", "/calls/report/", "/leads/", "/leads/pool/", f"/leads/{lead.pk}/", "/leads/new/",
            "/leads/appeals/", f"/leads/collision/{collision_pass(lead_id=theirs.pk, user_id=rep.pk)}/",
            "/kpis/", "/kpis/live/", "/funnel/", "/targets/", "/coaching/", "/coaching/plans/", "/password/",
            "/notifications/", "/notifications/preferences/"]


def manager_pages(manager) -> list[str]:
    return ["/calls/", "/accounts/team/", f"/kpis/team/{manager.team_id}/", "/funnel/", "/funnel/team/",
            "/funnel/plan/", "/targets/", "/targets/alerts/", "/coaching/", "/coaching/results/", "/leads/",
            "/leads/appeals/", "/leads/pool/", "/notifications/", "/notifications/preferences/"]


def check_page(page, path: str) -> list[str]:
    """What is wrong with `path` on a phone, as readable lines (none when all is well)."""
    page.goto(path)
    settle(page)
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"{path}: page is {width} px wide, sticking out: {page.evaluate(WIDE)}")
    small = page.evaluate(SMALL_TARGETS, MIN_TARGET)
    if small:
        problems.append(f"{path}: {len(small)} touch targets under {MIN_TARGET} px, e.g. {small[:4]}")
    charts = page.locator("[data-figure]").count()
    plotly = page.evaluate("typeof window.Plotly !== 'undefined'")
    if bool(charts) != plotly:
        problems.append(f"{path}: {charts} charts but plotly {'loaded' if plotly else 'missing'}")
    return problems


def sign_in_as(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    settle(page)


def test_every_rep_and_manager_page_fits_a_phone(page, demo_company, console_errors):
    assert Call.objects.exists()
    rep, other = demo_company["reps"][0], demo_company["reps"][10]
    manager = demo_company["managers"][0]
    page.set_viewport_size(PHONE)
    problems = []
    sign_in_as(page, rep.username)
    for path in rep_pages(rep, other):
        problems += check_page(page, path)
    sign_in_as(page, manager.username)
    for path in manager_pages(manager):
        problems += check_page(page, path)
    assert problems == [], "\n".join(problems)
    assert console_errors == []
