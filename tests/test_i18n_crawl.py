"""A Chinese-speaking user reads no English: a rep, a manager and an admin sign in with the browser
set to 简体中文 and then 繁體中文, visit every page of their navigation (and the pages one click
below it: a lead, a team, a failed form), and every visible string — text, placeholders, button
values, option labels, tooltips, chart text — is free of Latin words outside a short allowlist."""

import re

import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Names of products, formats and standards, and abbreviations a Chinese UI writes in Latin letters.
ALLOWED = {
    "API", "CSV", "Excel", "JSON", "E.164", "SMART", "SIP", "URL", "ID", "OpenAPI", "Swagger",
    "ReDoc", "REST", "KPI", "CRM", "PDF", "HTTP", "HTTPS", "Django", "Celery", "SQL", "tel",
    "sip", "csv", "xlsx", "json", "Token", "Bearer", "E–A", "A–E", "ABC", "Pareto", "pgbench",
    "demo", "AM", "PM", "English", "Enter", "Esc",  # the last two: key caps
}
CODE_LIKE = re.compile(r"https?://\S+|\{[a-z0-9_]+\}")
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
    if (p.closest('[data-i18n-ignore]')) continue;
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
    """Latin words that come from the data (people's and teams' names, usernames), not the UI."""
    words: set[str] = set()
    for user in User.objects.select_related("team"):
        for text in (user.username, user.full_name, str(user.team or "")):
            words.update(LATIN_WORD.findall(text))
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


# Django's admin site is the operators' back office, in Django's own wording; it is not crawled
# (issue 18 keeps it as work left: the model and field names there are not all translated).
NOT_CRAWLED = ("/admin/",)


def pages_for(page) -> list[str]:
    """The navigation of the signed-in user, plus the first link under each page's own tabs."""
    page.goto("/")
    nav = page.eval_on_selector_all("#main-nav a", "els => els.map(a => a.getAttribute('href'))")
    extra = []
    for href in nav:
        page.goto(href)
        extra += page.eval_on_selector_all(
            "main a[href^='/']:not([href*='.csv']):not([href*='/export']):not([href*='logout'])",
            "els => els.slice(0, 6).map(a => a.getAttribute('href'))")
    seen, out = set(), []
    for href in ["/", *nav, *extra, "/accounts/password/change/"]:
        path = href.split("#")[0]
        if path and path not in seen and not path.startswith(NOT_CRAWLED):
            seen.add(path)
            out.append(path)
    return out


@pytest.fixture
def demo_company(transactional_db, settings):
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off
    call_command("seed_demo", "--small", verbosity=0)
    settings.DEBUG = False


@pytest.mark.parametrize("locale", ["zh-CN", "zh-TW"])
@pytest.mark.parametrize("username", ["rep01", "manager1", "admin"])
def test_every_visible_string_is_chinese(browser, live_server, demo_company, locale, username):
    allowed = ALLOWED | data_words()
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60000)  # a busy shared machine: pages may take well over 20 s
    try:
        page.goto("/login/")
        found = {"/login/": english_in(page.evaluate(COLLECT_JS), allowed)}
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "demo12345")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        for path in pages_for(page):
            response = page.goto(path)
            if response is None or response.status >= 400:
                continue
            page.wait_for_load_state("networkidle")
            found[path] = english_in(page.evaluate(COLLECT_JS), allowed)
    finally:
        context.close()
    report = {path: strings for path, strings in found.items() if strings}
    assert not report, "\n".join(f"{path}: {strings}" for path, strings in report.items())
