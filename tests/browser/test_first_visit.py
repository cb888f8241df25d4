"""A first-time visitor: home, a source, a case, a tension field page."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(transactional_db):
    call_command("seed", verbosity=0)


def test_first_visit_from_home_to_a_tension_field(
    live_server, page: Page, seeded, screenshot_dir, csp_violations
):
    page.goto(live_server.url)
    expect(page).to_have_title(re.compile("Praktijkenbank DieGem"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Praktijkenbank DieGem")

    # A source of solidarity, from the framework at a glance.
    page.get_by_role("link", name="Ontmoeting", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ontmoeting")
    ranked = page.locator("ol.ranked-list > li > a")
    expect(ranked.first).to_be_visible()

    # The strongest case on that source.
    first_title = ranked.first.inner_text()
    ranked.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first_title)
    expect(page.get_by_role("heading", name="Profiel")).to_be_visible()
    expect(page.locator("ul.spectra > li")).to_have_count(6)

    # From the case's profile to a tension field and its chart.
    page.locator("ul.spectra a.spectra__name").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Universeel")
    expect(page.locator(".spectrum-chart a.dot")).to_have_count(
        3
    )  # the fourth pilot's place cannot be told
    expect(page.get_by_role("table")).to_contain_text(first_title)

    page.screenshot(path=str(screenshot_dir / "first-visit-tension-field.png"), full_page=True)
    assert csp_violations == []


def test_keyboard_user_can_skip_to_the_content(live_server, page: Page, seeded):
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
