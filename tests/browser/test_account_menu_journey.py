"""The account menu in the header, a <details>: with the script it closes as a disclosure menu
does (Escape, the focus leaving it, a click or tap outside); without it, it opens and closes as
the details element it is."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, VIEWPORTS, axe_clean, collect_console_errors, log_in
from tests.factories import make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Whether the element's centre is drawn by the element itself (nothing lies over it).
UNCOVERED = """e => {
    const box = e.getBoundingClientRect();
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return top !== null && (top === e || e.contains(top));
}"""


@pytest.fixture
def member(db):
    call_command("loaddata", "framework", verbosity=0)
    return make_member(
        make_organisation("Buurtwerk De Brug"), username="lid", password=PASSWORD, first_name="An"
    )


def test_the_account_menu_closes_as_a_menu_does(
    live_server, viewport_page: Page, member, csp_violations
):
    page = viewport_page
    errors = collect_console_errors(page)
    log_in(page, live_server.url, "lid")
    page.goto(live_server.url + "/praktijken/")
    menu = page.locator("details.account__details")
    toggle = menu.locator("summary.account__toggle")
    items = menu.locator(".account__item")

    # Escape from an item closes it and gives the focus back to its summary.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(items.first).to_be_focused()
    axe_clean(page)
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(toggle).to_be_focused()

    # Shift+Tab out of it: it closes, and the link the focus reaches is not under it.
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Shift+Tab")
    expect(menu).not_to_have_attribute("open", "")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Uw praktijk")
    assert focused.evaluate(UNCOVERED)

    # Tab past its last item: it closes too.
    toggle.focus()
    page.keyboard.press("Enter")
    for _ in range(items.count()):
        page.keyboard.press("Tab")
    expect(items.last).to_be_focused()
    page.keyboard.press("Tab")
    expect(menu).not_to_have_attribute("open", "")

    # A click outside it, beside the page's text (no link there), closes it.
    toggle.click()
    expect(menu).to_have_attribute("open", "")
    box = menu.locator(".account__menu").bounding_box()
    page.mouse.click(3, box["y"] + box["height"] + 20)
    expect(menu).not_to_have_attribute("open", "")
    # A click inside it leaves it open.
    toggle.click()
    menu.locator(".account__menu").click(position={"x": 2, "y": 2})
    expect(menu).to_have_attribute("open", "")
    assert errors == []
    assert csp_violations == []


def test_without_javascript_the_account_menu_is_a_details_element(live_server, browser, member):
    context = browser.new_context(viewport=VIEWPORTS["phone"], java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, "lid")
    page.goto(live_server.url + "/praktijken/")
    menu = page.locator("details.account__details")
    toggle = menu.locator("summary.account__toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(menu.locator(".account__menu")).to_be_visible()
    page.keyboard.press("Enter")
    expect(menu.locator(".account__menu")).to_be_hidden()
    context.close()
