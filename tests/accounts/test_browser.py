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
