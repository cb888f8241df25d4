"""The walkthrough's public journeys, on a laptop and on a phone.

a. A reader goes from the home page through the framework to a case and a tension field,
   reading the margin notes on the way.
b. A practitioner asks which cases draw strongly on strijd and sit near conflict: through
   the case list's filters, and through the home page and the tension-field page. The
   research text hardly speaks of strijd in the pilots, and the bank says so: one pilot
   draws weakly on it by interpretation, and where it stands on consensus – conflict
   cannot be told.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.conftest import collect_console_errors, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(transactional_db):
    call_command("seed", verbosity=0)


def test_reader_from_home_through_the_framework_to_a_case_and_a_tension_field(
    live_server, viewport_page: Page, seeded, screenshot_dir
):
    page = viewport_page
    errors = collect_console_errors(page)
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Praktijkenbank DieGem")

    # The framework, and one of its sections with the partners' notes in its margin.
    page.get_by_role("link", name="Lees het kader").click()
    expect(page).to_have_url(re.compile("/kader/$"))
    page.locator("ol.toc a", has_text="Ontmoeting").click()
    expect(page).to_have_url(re.compile("/kader/ontmoeting/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ontmoeting")
    notes = page.locator("article.note:not(.echoes article)")
    expect(notes).to_have_count(3)
    expect(notes.first).to_be_visible()
    expect(page.locator("mark.hl").first).to_be_visible()
    # and below the text, the pilot note that the source text prints beside this part
    expect(page.locator(".echoes article.note")).to_have_count(1)
    assert horizontal_overflow(page) == 0

    # The source's page: the cases that draw on it, strongest first.
    page.get_by_role("link", name="Praktijken die putten uit Ontmoeting").click()
    expect(page).to_have_url(re.compile("/bronnen/ontmoeting/$"))
    ranked = page.locator("ol.ranked-list > li > a")
    expect(ranked).to_have_text(
        ["Mater Dei", "Spring Global Mail", "Torekes"]
    )  # Chiro: niet te bepalen
    assert horizontal_overflow(page) == 0

    # A case: its profile and the notes in its margin.
    page.get_by_role("link", name="Torekes", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Torekes")
    expect(page.get_by_role("heading", name="Profiel")).to_be_visible()
    notes = page.locator("article.note")
    expect(notes).to_have_count(4)
    for i in range(4):
        notes.nth(i).scroll_into_view_if_needed()
        expect(notes.nth(i)).to_be_visible()
    assert horizontal_overflow(page) == 0

    # From the profile to a tension field: the chart names Torekes where it stands.
    page.locator("ul.spectra a.spectra__name", has_text="afstand").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Afstand – nabijheid")
    near = page.locator(".spectrum-chart__column--pos4")
    expect(near.locator("a.dot")).to_have_text(["Mater Dei", "Torekes"])
    expect(near.locator("a.dot").last).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Torekes")
    assert horizontal_overflow(page) == 0
    page.screenshot(
        path=str(screenshot_dir / f"journey-a-{page.viewport_name}.png"), full_page=True
    )
    assert errors == []


def test_practitioner_finds_cases_on_strijd_near_conflict_with_the_filters(
    live_server, viewport_page: Page, seeded, screenshot_dir
):
    page = viewport_page
    errors = collect_console_errors(page)
    page.goto(live_server.url)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Praktijken").click()
    expect(page.locator("#results-title")).to_have_text("4 praktijken")

    # On a phone the results come first and the filters open as a panel over them.
    if page.viewport_name == "phone":
        page.get_by_role("button", name="Filters").click()
        expect(page.locator("form#filters")).to_be_in_viewport()

    # No case draws strongly (or even moderately) on strijd: those options say 0 and are off.
    strijd = page.locator("#row-bron-strijd")
    expect(strijd.get_by_role("radio", name="sterk (0)")).to_be_disabled()
    expect(strijd.get_by_role("radio", name="minstens matig (0)")).to_be_disabled()
    strijd.get_by_role("radio", name="minstens zwak (1, ● 0 met tekstbewijs)").check()
    expect(page).to_have_url(re.compile(r"bron-strijd=1"))
    expect(page.locator("#results-title")).to_have_text("1 praktijk")

    # None of it sits near conflict: those steps say 0 and cannot be chosen.
    conflict = page.locator("#row-consensus-conflict")
    expect(conflict.get_by_role("checkbox", name="eerder conflict (0)")).to_be_disabled()
    expect(conflict.get_by_role("checkbox", name="sterk conflict (0)")).to_be_disabled()
    if page.viewport_name == "phone":
        page.get_by_role("button", name="Sluiten").click()
        expect(page.locator("form#filters")).to_be_hidden()

    # A link shared with the range of the first version still works, and says so.
    page.goto(f"{live_server.url}/praktijken/?bron-strijd=1&consensus-conflict-van=1")
    expect(page.locator("#results-title")).to_have_text("0 praktijken")
    expect(page.locator("section.results")).to_contain_text(
        "Geen praktijken gevonden met deze filters."
    )
    expect(page.locator("li.chip")).to_have_count(2)
    chips = [
        page.locator("li.chip").nth(i).evaluate("li => li.firstChild.textContent.trim()")
        for i in range(2)
    ]
    assert chips == ["Strijd: minstens zwak", "Consensus – conflict: vanaf eerder conflict"]

    # The filters stay beside the results on a wide screen (never over them), and nothing
    # scrolls sideways.
    results = page.locator("section.results").bounding_box()
    if page.viewport_name == "desktop":
        filters = page.locator("form#filters").bounding_box()
        assert filters["x"] >= results["x"] + results["width"]
    assert horizontal_overflow(page) == 0
    page.screenshot(
        path=str(screenshot_dir / f"journey-b-filters-{page.viewport_name}.png"), full_page=True
    )

    # Without the range: the one case on strijd, and on its profile why it was not near conflict.
    page.locator("li.chip", has_text="Consensus").get_by_role("link").click()
    expect(page.locator("#results-title")).to_have_text("1 praktijk")
    page.locator("article.case-card h3 a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Torekes")
    expect(page.locator(".source-bars__item", has_text="Strijd").locator(".coding")).to_have_text(
        "zwak · ○ interpretatie"
    )
    expect(
        page.locator("ul.spectra > li", has_text="consensus – conflict").locator(".spectrum__label")
    ).to_have_text("niet te bepalen")
    assert errors == []


def test_practitioner_finds_cases_near_conflict_from_the_home_page(
    live_server, viewport_page: Page, seeded, screenshot_dir
):
    page = viewport_page
    errors = collect_console_errors(page)
    page.goto(live_server.url)
    page.locator("ol.field-list a", has_text="conflict").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consensus – conflict")

    # The chart says who leans to conflict, readable without hovering; nobody at "sterk conflict".
    leans_conflict = page.locator(".spectrum-chart__column--pos3")
    expect(leans_conflict.locator(".spectrum-chart__label")).to_have_text("eerder conflict (1)")
    expect(leans_conflict.locator("a.dot")).to_have_text(["Chiro Brussel"])
    expect(leans_conflict.locator("a.dot")).to_be_visible()
    expect(page.locator(".spectrum-chart__column--pos4 a.dot")).to_have_count(0)
    page.screenshot(
        path=str(screenshot_dir / f"journey-b-tension-field-{page.viewport_name}.png"),
        full_page=True,
    )

    # The table is the text alternative; from it, the case and what it says about strijd.
    row = page.get_by_role("row", name=re.compile("^eerder conflict"))
    row.get_by_role("link", name="Chiro Brussel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chiro Brussel")
    expect(page.locator(".source-bars__item", has_text="Strijd")).to_contain_text("niet te bepalen")
    assert horizontal_overflow(page) == 0
    assert errors == []
