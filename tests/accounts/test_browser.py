import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def nav_labels(page) -> list[str]:
    return [t.strip() for t in page.locator("#main-nav a").all_inner_texts()]


def test_rep_signs_in_and_sees_rep_navigation(sign_in, rep):
    page = sign_in(rep)
    assert "王芳" in page.locator(".who").inner_text()
    labels = nav_labels(page)
    assert "Call plan" in labels and "Leads" in labels
    assert "Team" not in labels and "Admin" not in labels


def test_manager_signs_in_and_sees_team_navigation(sign_in, manager):
    page = sign_in(manager)
    labels = nav_labels(page)
    assert "Team" in labels and "KPIs" in labels
    assert "Admin" not in labels


def test_wrong_password_is_refused_with_a_message(sign_in, rep):
    page = sign_in(rep, password="wrong")
    assert "didn't match" in page.content()
    assert page.url.endswith("/login/")


def test_password_change_from_the_user_menu_on_a_phone(sign_in, rep, password):
    page = sign_in(rep)
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("text=Change password")
    page.fill("input[name=old_password]", password)
    page.fill("input[name=new_password1]", "Harder-to-guess-42")
    page.fill("input[name=new_password2]", "Harder-to-guess-42")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("main button[type=submit]")
    assert page.locator("#password-changed").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_lockout_message_on_the_sign_in_page(settings, sign_in, rep):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        page = sign_in(rep, password="wrong")
    assert "Too many failed sign-in attempts" in page.locator("#lockout").inner_text()
    assert page.locator("input[name=password]").is_visible()


def test_pages_work_under_the_content_security_policy(page, sign_in, admin_user):
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    sign_in(admin_user)
    page.select_option("select[name=language]", "zh-hans")  # the auto-submit script is a file
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock")
    assert violations == []
