"""A reader searches the bank for "solidair": cases, the framework's own pages, or words to try."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import axe_clean, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_solidair_leads_into_the_framework(
    live_server, viewport_page, csp_violations, screenshot_dir
):
    call_command("seed", verbosity=0)
    page = viewport_page
    page.goto(f"{live_server.url}/zoeken/")
    box = page.get_by_label("Zoek in praktijken, het kader en kanttekeningen")
    box.fill("solidair")
    box.press("Enter")

    framework = page.locator("section[aria-labelledby='framework-results-title']")
    expect(framework.get_by_role("heading", level=2)).to_contain_text("In het kader")
    hits = framework.locator("h3 a")
    expect(hits.first).to_be_visible()
    expect(framework.locator(".result__snippet mark").first).to_be_visible()
    assert horizontal_overflow(page) == 0
    axe_clean(page)
    page.screenshot(
        path=str(screenshot_dir / f"search-framework-{page.viewport_name}.png"), full_page=True
    )

    title = hits.first.inner_text()
    hits.first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title.split(" ", 1)[-1])

    # A word nobody wrote: words of the framework to try, each of which finds something.
    page.goto(f"{live_server.url}/zoeken/?q=qqxzzv")
    tries = page.locator("nav[aria-labelledby='try-words-title'] a")
    expect(tries.first).to_be_visible()
    tries.first.click()
    expect(framework.locator("h3 a").first).to_be_visible()
    assert horizontal_overflow(page) == 0
