"""A practitioner filters by a source and a tension range, searches, opens a result, compares."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_search_open_and_compare(live_server, page: Page, screenshot_dir, csp_violations):
    call_command("seed", verbosity=0)
    page.goto(f"{live_server.url}/praktijken/")
    expect(page.locator("#results-title")).to_have_text("4 praktijken")

    # Filter: encounter at least moderate, up to the middle between universal and particular.
    # The list follows each choice (the URL with it); the button is there without JavaScript.
    page.locator("#row-bron-ontmoeting").get_by_role(
        "radio", name=re.compile("^minstens matig")
    ).check()
    expect(page).to_have_url(re.compile(r"bron-ontmoeting=2"))
    # The steps from the universal pole to the middle that hold any case.
    ticked = []
    for value in ("-2", "-1", "0"):
        step = page.locator(f"#row-universeel-particularistisch input[value='{value}']")
        if step.is_enabled():
            step.check()
            ticked.append(value)
            expect(page).to_have_url(re.compile(rf"universeel-particularistisch={value}"))
    assert ticked
    expect(page.locator("li.chip")).to_have_count(2)
    cards = page.locator("article.case-card h3")
    expect(cards).to_have_text(["Mater Dei", "Spring Global Mail", "Torekes"])

    # Removing one filter keeps the other.
    page.locator("li.chip", has_text="Ontmoeting").get_by_role("link").click()
    expect(page.locator("li.chip")).to_have_count(1)
    page.go_back()
    expect(page.locator("li.chip")).to_have_count(2)

    # Search a word from the header and open the result.
    page.get_by_label("Zoek in de praktijkenbank").fill("stadsakkers")
    page.get_by_label("Zoek in de praktijkenbank").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zoeken")
    result = page.locator("section[aria-labelledby='case-results-title'] h3 a").first
    expect(result).to_have_text("Torekes")
    expect(page.locator(".result__snippet mark").first).to_be_visible()
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Torekes")

    # Compare two cases from the list.
    page.goto(f"{live_server.url}/praktijken/")
    page.get_by_label("vergelijk Torekes").check()
    page.get_by_label("vergelijk Mater Dei").check()
    page.get_by_role("button", name="Vergelijk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Praktijken vergelijken")
    expect(page.locator("table.compare-table thead th")).to_have_text(["A Mater Dei", "B Torekes"])
    expect(page.locator("li.shared-spectrum")).to_have_count(6)
    page.screenshot(path=str(screenshot_dir / "compare-two-cases.png"), full_page=True)
    assert csp_violations == []
