"""From a case page a reader follows a keyword to the list, and compares with a related case."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import axe_clean, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_keyword_and_related_case_from_a_case_page(live_server, viewport_page, csp_violations):
    call_command("seed", verbosity=0)
    page = viewport_page
    page.goto(f"{live_server.url}/praktijken/torekes/")
    related = page.locator("section[aria-labelledby='related-title']")
    expect(related.get_by_role("heading", level=2)).to_have_text("Verwante praktijken")
    expect(related.locator("li")).to_have_count(3)  # the other three seeded cases
    assert horizontal_overflow(page) == 0
    axe_clean(page)

    keyword = page.locator("section[aria-labelledby='keywords-title'] a").first
    name = keyword.inner_text()
    keyword.click()
    expect(page.locator("li.chip")).to_contain_text([f"Trefwoord: {name}"])
    expect(page.locator("article.case-card h3", has_text="Torekes")).to_be_visible()

    page.go_back()
    first = related.locator("li").first
    other = first.locator("a").first.inner_text()
    first.get_by_role("link", name=f"Vergelijk met {other}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Praktijken vergelijken")
    expect(page.locator("table.compare-table thead th")).to_have_text(["A Torekes", f"B {other}"])
