"""Two researchers rework the same case, on a laptop and on a phone: the one who saves second is
told who saved when, keeps everything typed, and keeps their own version by saving once more."""

import pytest
from playwright.sync_api import expect

from cases.models import Case
from cases.roles import RESEARCHERS_GROUP
from tests.browser.conftest import (
    PASSWORD,
    axe_clean,
    collect_console_errors,
    horizontal_overflow,
    log_in,
)
from tests.factories import ensure_framework, make_case, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_second_save_of_a_case_opened_twice_is_not_lost(
    live_server, viewport_page, csp_violations
):
    page = viewport_page
    errors = collect_console_errors(page)
    ensure_framework()
    for username, first_name in (("an", "An"), ("bo", "Bo")):
        make_user(
            username,
            password=PASSWORD,
            groups=(RESEARCHERS_GROUP,),
            is_staff=True,
            first_name=first_name,
            last_name="Onderzoeker",
        )
    case = make_case(title="Buurtkeuken Rabot", slug="buurtkeuken-rabot")
    change = f"{live_server.url}/beheer/cases/case/{case.pk}/change/"

    # Bo opens the case; An opens it too, in another browser, and saves first.
    log_in(page, live_server.url, "bo")
    page.goto(change)
    colleague = page.context.browser.new_context(viewport=page.viewport_size).new_page()
    log_in(colleague, live_server.url, "an")
    colleague.goto(change)
    colleague.locator("#id_summary").fill("An's samenvatting.")
    colleague.get_by_role("button", name="Opslaan en opnieuw bewerken").click()
    expect(colleague.locator(".messagelist")).to_be_visible()
    colleague.context.close()

    # Bo saves: refused, told by whom, with what Bo typed still there.
    page.locator("#id_summary").fill("Bo's samenvatting.")
    page.get_by_role("button", name="Opslaan en opnieuw bewerken").click()
    refusal = page.locator("ul.errorlist.nonfield")
    expect(refusal).to_contain_text("An Onderzoeker bewaarde deze praktijk om ")
    expect(refusal).to_contain_text("Uw wijzigingen zijn niet bewaard en staan hieronder nog")
    expect(page.locator("#id_summary")).to_have_value("Bo's samenvatting.")
    assert Case.objects.get(pk=case.pk).summary == "An's samenvatting."
    assert horizontal_overflow(page) == 0
    axe_clean(page)

    # Having looked, Bo saves once more: Bo's version stays.
    page.get_by_role("button", name="Opslaan en opnieuw bewerken").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert Case.objects.get(pk=case.pk).summary == "Bo's samenvatting."
    assert errors == []
    assert csp_violations == []


def test_a_double_click_on_save_sends_the_case_once_and_says_it_was_saved(
    live_server, viewport_page, csp_violations
):
    page = viewport_page
    errors = collect_console_errors(page)
    ensure_framework()
    case, change, posts = _a_case_opened_by_a_researcher(page, live_server)

    page.locator("#id_summary").fill("Een nieuwe samenvatting.")
    page.get_by_role("button", name="Opslaan en opnieuw bewerken").dblclick()

    expect(page.locator(".messagelist")).to_contain_text("is met succes gewijzigd")
    expect(page.locator("ul.errorlist")).to_have_count(0)
    assert posts == [change]
    assert Case.objects.get(pk=case.pk).summary == "Een nieuwe samenvatting."
    assert errors == []
    assert csp_violations == []


def test_a_save_a_page_script_cancelled_does_not_hold_up_the_next(live_server, viewport_page):
    """A script of the page (a "are you sure?" answered no) may cancel a submit after the
    guard saw it: nothing was sent, so the next press sends."""
    page = viewport_page
    ensure_framework()
    case, change, posts = _a_case_opened_by_a_researcher(page, live_server)
    # Cancels the first submit only, on window: after the guard's listener on the document.
    page.evaluate(
        """() => window.addEventListener("submit", function once(event) {
             event.preventDefault();
             window.removeEventListener("submit", once);
           })"""
    )
    page.locator("#id_summary").fill("Een nieuwe samenvatting.")
    save = page.get_by_role("button", name="Opslaan en opnieuw bewerken")
    save.click()
    page.wait_for_timeout(200)
    assert posts == []
    save.click()
    expect(page.locator(".messagelist")).to_contain_text("is met succes gewijzigd")
    assert posts == [change]
    assert Case.objects.get(pk=case.pk).summary == "Een nieuwe samenvatting."


def _a_case_opened_by_a_researcher(page, live_server) -> tuple[Case, str, list[str]]:
    """A researcher with a case's form open; the addresses the page posts to, as it posts."""
    make_user("an", password=PASSWORD, groups=(RESEARCHERS_GROUP,), is_staff=True)
    case = make_case(title="Buurtkeuken Rabot", slug="buurtkeuken-rabot")
    change = f"{live_server.url}/beheer/cases/case/{case.pk}/change/"
    log_in(page, live_server.url, "an")
    page.goto(change)
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    return case, change, posts
