"""A reader goes from the list to the map of places, reaches a marker by keyboard and follows it."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import axe_clean, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_the_list_to_the_map_and_to_a_case(live_server, viewport_page, csp_violations):
    call_command("seed", verbosity=0)
    page = viewport_page
    page.goto(f"{live_server.url}/praktijken/?soort=pilot")
    page.get_by_role("navigation", name="Weergave").get_by_role("link", name="Kaart").click()

    # The same state, the other view: the filter stays, every case is one marker.
    expect(page).to_have_url(f"{live_server.url}/kaart/?soort=pilot")
    expect(page.locator("li.chip")).to_contain_text(["Soort: pilootcase"])
    markers = page.locator("svg.place-map__svg a.map__marker")
    expect(markers).to_have_count(4)
    expect(page.get_by_role("heading", name="Per provincie en gemeente")).to_be_visible()
    for marker in range(4):
        box = markers.nth(marker).bounding_box()
        assert box["width"] >= 8 and box["height"] >= 8  # big enough to see and touch
    assert horizontal_overflow(page) == 0
    axe_clean(page)

    # A marker is a link the keyboard reaches.
    torekes = page.get_by_role("link", name="Torekes (Gent)")
    torekes.focus()
    expect(torekes).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Torekes")
    expect(page.locator("figure.locator-map figcaption")).to_have_text(
        "Rabot, Gent (Oost-Vlaanderen)"
    )
    assert horizontal_overflow(page) == 0

    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/kaart/?soort=pilot")
