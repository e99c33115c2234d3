"""A Chinese-speaking user reads no English: a rep, a manager and an admin sign in with the browser
set to 简体中文 and then 繁體中文, visit every page of their navigation (and the pages one click
below it: a lead, a team, a failed form), the admin also Django's admin site (every model's list,
change and add form, failed submits), and every visible string — text, placeholders, button
values, option labels, tooltips, chart text — is free of Latin words outside a short allowlist."""

import re

import pytest
from axes.models import AccessLog
from django.core.management import call_command

from accounts.models import User
from calls.models import Call, Disposition
from tests.conftest import settle, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Names of products, formats and standards, and abbreviations a Chinese UI writes in Latin letters.
ALLOWED = {
    "API", "CSV", "Excel", "JSON", "E.164", "SMART", "SIP", "URL", "ID", "OpenAPI", "Swagger",
    "ReDoc", "REST", "KPI", "CRM", "PDF", "HTTP", "HTTPS", "Django", "Celery", "SQL", "tel",
    "sip", "csv", "xlsx", "json", "Token", "Bearer", "E–A", "A–E", "ABC", "Pareto", "pgbench",
    "demo", "AM", "PM", "English", "Enter", "Esc",  # the last two: key caps
    "Webhook", "AUC", "README",  # the web's and statistics' own names, the project's README
    # the Django admin: the login-lockout library, key names in Django's multi-select hint, the
    # call-record import (Asterisk's file and option names), Django's password hint
    "Axes", "IP", "Control", "Command", "Mac", "LDAP", "Asterisk", "cdr-csv", "Master.csv", "usegmtime", "UTC",
}
# URL examples, {placeholders} in help texts, and JSON values (labels per language, lead attributes)
# and token scope codes (leads:read) and webhook event types (lead.claimed), which the API takes as written
CODE_LIKE = re.compile(r'https?://\S+|\{[a-z0-9_]+\}|\{"[^{}]*\}|\["[^\[\]]*\]|\b[a-z]+:(?:read|write)\b|\b[a-z]+\.[a-z_]+\b')
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z.\-–]*[A-Za-z]|[A-Za-z]{2,}")

COLLECT_JS = """() => {
  const out = [];
  const visible = el => {
    if (!el) return false;
    const s = getComputedStyle(el);
    if (s.display === 'none' || s.visibility === 'hidden') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 || r.height > 0 || el.tagName === 'OPTION';
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode, p = n.parentElement;
    if (!p || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'CODE', 'PRE'].includes(p.tagName)) continue;
    if (p.closest('[data-i18n-ignore], bdi')) continue;  // Django's admin: a password hash's parts
    const t = n.textContent.trim();
    if (t && (visible(p) || p.closest('svg'))) out.push(t);
  }
  for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], input[type=submit], input[type=button]')) {
    if (el.closest('[data-i18n-ignore]')) continue;
    for (const a of ['placeholder', 'title', 'aria-label']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
    if (['submit', 'button'].includes(el.type) && el.value) out.push(el.value);
  }
  out.push(document.title);
  return out;
}"""


def data_words() -> set[str]:
    """Latin words that come from the data, not the UI: people's and teams' names, usernames; in the
    admin also the codes and sources admins type (disposition codes, a call's source) and what the
    login lockout records of the browser (its user agent and Accept header)."""
    words: set[str] = set()
    for user in User.objects.select_related("team"):
        for text in (user.username, user.full_name, str(user.team or "")):
            words.update(LATIN_WORD.findall(text))
    texts = [*Disposition.objects.values_list("code", flat=True),
             *Call.objects.values_list("source", flat=True).distinct(),
             *AccessLog.objects.values_list("user_agent", flat=True).distinct(),
             *AccessLog.objects.values_list("http_accept", flat=True).distinct()]
    for text in texts:
        words.update(LATIN_WORD.findall(text or ""))
    return words


def english_in(texts: list[str], allowed: set[str]) -> list[str]:
    """The strings that hold a Latin word outside the allowlist."""
    bad = []
    for text in texts:
        if "@" in text or text.startswith(("http://", "https://", "/")):
            continue  # an e-mail address or a URL
        text = CODE_LIKE.sub(" ", text)  # URL examples and {placeholders} in help texts
        words = [w for w in LATIN_WORD.findall(text) if w not in allowed and w.strip(".-–") not in allowed]
        if words:
            bad.append(text[:120])
    return bad


def collect(page, path: str, allowed: set[str], found: dict) -> bool:
    """Open `path` and record its English strings; False if the page is not there for this user.
    Our pages draw charts after loading (wait for the network to go quiet); the admin's do not."""
    response = page.goto(path)
    if response is None or response.status >= 400:
        return False
    if not path.startswith("/admin/"):
        settle(page)
    found[path] = english_in(page.evaluate(COLLECT_JS), allowed)
    return True


def links(page, selector: str, limit: int = 100) -> list[str]:
    return page.eval_on_selector_all(selector, f"els => els.slice(0, {limit}).map(a => a.getAttribute('href'))")


def crawl_site(page, allowed: set[str], found: dict, skip: set[str]) -> list[str]:
    """The navigation of the signed-in user, plus the first links under each page's own tabs; each
    page is read on its first visit. Paths in `skip` (seen by another persona) are not opened again."""
    page.goto("/")
    queue = ["/", *links(page, "#main-nav a"), "/accounts/password/change/"]
    nav = set(queue)
    visited = []
    while queue:
        path = queue.pop(0).split("#")[0]
        if not path or path in visited or path in skip or path.startswith("/admin/"):
            continue
        visited.append(path)
        if collect(page, path, allowed, found) and path in nav:
            queue += links(page, "main a[href^='/']:not([href*='.csv']):not([href*='/export'])"
                                 ":not([href*='logout']):not([href^='/admin/'])", 6)
    return visited


def crawl_admin(page, allowed: set[str], found: dict) -> list[str]:
    """Django's admin: the index, every registered model's list, its first object's change form and
    its add form, the call-record import page, and two failed submits (an empty team, a short password)."""
    allowed = allowed | data_words()  # now with the lockout's records of this crawl's sign-ins
    collect(page, "/admin/", allowed, found)
    changelists = links(page, "#content-main tr[class^='model-'] th a")
    add_forms = links(page, "#content-main tr[class^='model-'] a.addlink")
    visited = ["/admin/"]
    for path in changelists:
        collect(page, path, allowed, found)
        visited.append(path)
        first = links(page, "#result_list tbody tr a[href*='/change/']", 1)
        if first:
            collect(page, first[0], allowed, found)
            visited.append(first[0])
    for path in [*add_forms, "/admin/calls/call/import-cdr/"]:
        collect(page, path, allowed, found)
        visited.append(path)
    page.goto("/admin/accounts/team/add/")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert page.locator(".errornote").count() == 1
    found["/admin/accounts/team/add/ (failed)"] = english_in(page.evaluate(COLLECT_JS), allowed)
    page.goto("/admin/accounts/user/add/")
    page.fill("input[name=username]", "newrep")
    page.fill("input[name=password1]", "1")
    page.fill("input[name=password2]", "1")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert page.locator(".errornote").count() == 1
    found["/admin/accounts/user/add/ (failed)"] = english_in(page.evaluate(COLLECT_JS), allowed)
    return [*visited, "/admin/accounts/team/add/ (failed)", "/admin/accounts/user/add/ (failed)"]


@pytest.fixture
def demo_company(transactional_db, settings):
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off
    call_command("seed_demo", "--small", verbosity=0)
    settings.DEBUG = False


# The manager's and the admin's pages share their templates (the admin sees every team): a page the
# manager has read is not read again as the admin. The rep's pages are their own.
PERSONAS = ["rep01", "manager1", "admin"]
SHARES_PAGES_WITH = {"admin": "manager1"}


@pytest.mark.parametrize("locale", ["zh-CN", "zh-TW"])
def test_every_visible_string_is_chinese(browser, live_server, demo_company, locale):
    """One seeded company per language; each persona signs in once and reads each page once."""
    allowed = ALLOWED | data_words()
    found, visited = {}, {}
    for username in PERSONAS:
        context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900})
        page = watch(context.new_page())
        page.set_default_timeout(60000)  # a busy shared machine: pages may take well over 20 s
        try:
            if username == PERSONAS[0]:
                collect(page, "/login/", allowed, found)
            page.goto("/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", "demo12345")
            page.click("button[type=submit]")
            settle(page)
            skip = set(visited.get(SHARES_PAGES_WITH.get(username), []))
            visited[username] = crawl_site(page, allowed, found, skip)
            if username == "admin":
                visited["admin (Django admin)"] = crawl_admin(page, allowed, found)
        finally:
            context.close()
    print(f"\n{locale}: " + "; ".join(f"{who}: {len(paths)} pages" for who, paths in visited.items()))
    report = {path: strings for path, strings in found.items() if strings}
    assert not report, "\n".join(f"{path}: {strings}" for path, strings in report.items())
