"""The case list's filters: beside the results on a wide screen, a panel over them on a phone; the
list follows each choice (the URL and the back button with it), and without JavaScript the form
works as a plain form below the results."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, axe_clean, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_list_follows_the_filters_and_the_back_button(
    live_server, viewport_page, csp_violations
):
    call_command("seed", verbosity=0)
    page = viewport_page
    page.goto(f"{live_server.url}/praktijken/")
    form, results = page.locator("form#filters"), page.locator("section.results")
    expect(page.locator("#results-title")).to_have_text("4 praktijken")

    if page.viewport_name == "desktop":
        # Beside the results, never over them.
        f, r = form.bounding_box(), results.bounding_box()
        assert f["x"] >= r["x"] + r["width"]
        expect(page.locator("#filters-open")).to_be_hidden()
    else:
        # The results first; the filters open as a panel over them.
        expect(form).to_be_hidden()
        page.get_by_role("button", name="Filters").click()
        expect(form).to_be_visible()
        box = form.bounding_box()
        assert box["y"] <= 1 and box["height"] >= VIEWPORTS["phone"]["height"] - 1
        assert horizontal_overflow(page) == 0
        axe_clean(page)

    page.locator("#row-bron-ontmoeting").get_by_role(
        "radio", name=re.compile("^minstens matig")
    ).check()
    expect(page).to_have_url(f"{live_server.url}/praktijken/?bron-ontmoeting=2")
    expect(page.locator("li.chip")).to_have_count(1)
    count = page.locator("#results-title").inner_text()
    assert count != "4 praktijken"
    expect(page.locator("#filters-status")).to_have_text(count)  # said aloud once
    expect(page.locator("#row-bron-ontmoeting input[value='2']")).to_be_focused()
    if page.viewport_name == "phone":
        # After the list followed, what is behind the open panel is still out of reach, but
        # the count is said.
        assert page.locator("#results").evaluate("e => e.inert")
        assert not page.locator("#filters-status").evaluate("e => e.inert")
        expect(page.locator("#filters-open")).to_have_attribute("aria-expanded", "true")

    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/praktijken/")
    expect(page.locator("#results-title")).to_have_text("4 praktijken")
    expect(page.locator("#row-bron-ontmoeting input[value='2']")).not_to_be_checked()
    page.go_forward()
    expect(page.locator("#results-title")).to_have_text(count)
    expect(page.locator("#row-bron-ontmoeting input[value='2']")).to_be_checked()

    if page.viewport_name == "phone":
        if not form.is_visible():
            page.get_by_role("button", name=re.compile("^Filters")).click()
        page.keyboard.press("Escape")
        expect(form).to_be_hidden()
        # The opener the list brought (its first one was replaced) is a button too.
        expect(page.get_by_role("button", name="Filters (1)")).to_be_focused()
    assert horizontal_overflow(page) == 0
    axe_clean(page)


def test_without_javascript_the_filters_are_a_form_below_the_results(live_server, browser):
    call_command("seed", verbosity=0)
    context = browser.new_context(viewport=VIEWPORTS["phone"], java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/praktijken/")
    form, results = page.locator("form#filters"), page.locator("section.results")

    expect(form).to_be_visible()
    assert form.bounding_box()["y"] > results.bounding_box()["y"]
    expect(page.get_by_role("button", name="Sluiten")).to_be_hidden()  # nothing to close
    expect(page.locator("#filters-open")).not_to_have_attribute("aria-expanded", re.compile("."))
    page.get_by_role("link", name="Filters").click()
    expect(page).to_have_url(re.compile("#filters$"))
    page.locator("#row-economisch-cultureel input[value='-2']").check()
    page.locator("#row-economisch-cultureel input[value='-1']").check()
    page.get_by_role("button", name="Toon praktijken").click()
    expect(page).to_have_url(
        re.compile(r"[?&]economisch-cultureel=-2&economisch-cultureel=-1(&|$)")
    )
    expect(page.locator("li.chip").first).to_contain_text(
        "Economisch – cultureel: tot eerder economisch"
    )
    context.close()


def test_a_filter_that_cannot_be_used_is_named_above_the_results_and_leads_to_its_row(
    live_server, viewport_page, csp_violations
):
    call_command("seed", verbosity=0)
    page = viewport_page
    page.goto(f"{live_server.url}/praktijken/?consensus-conflict=abc&bron-strijd=1")
    summary = page.locator(".form-errors")

    # Visible even while the phone's panel is closed.
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="Consensus – conflict")).to_have_attribute(
        "href", "#row-consensus-conflict"
    )
    summary.get_by_role("link", name="Consensus – conflict").click()
    expect(page.locator("#row-consensus-conflict")).to_be_in_viewport()
    if page.viewport_name == "phone":
        expect(page.locator("form#filters")).to_be_visible()
        expect(page.locator("#row-consensus-conflict")).to_be_focused()
        assert page.locator("#results").evaluate("e => e.inert")  # nothing behind the panel
        expect(page.locator("#filters-open")).to_have_attribute("aria-expanded", "true")
        page.keyboard.press("Escape")
        assert not page.locator("#results").evaluate("e => e.inert")
        expect(page.locator("#filters-open")).to_have_attribute("aria-expanded", "false")
    axe_clean(page)


def test_a_link_within_the_page_does_not_reload_the_map_and_the_toggle_keeps_the_filters(
    live_server, page, csp_violations
):
    call_command("seed", verbosity=0)
    page.goto(f"{live_server.url}/kaart/")
    page.locator("#row-bron-ontmoeting").get_by_role(
        "radio", name=re.compile("^minstens zwak")
    ).check()
    expect(page).to_have_url(f"{live_server.url}/kaart/?bron-ontmoeting=1")
    # The switch between every coding and text evidence follows the new state.
    expect(page.get_by_role("link", name="Alleen met tekstbewijs")).to_have_attribute(
        "href", re.compile("bron-ontmoeting=1")
    )

    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.get_by_role("link", name="Naar de lijst per provincie en gemeente").click()
    expect(page).to_have_url(f"{live_server.url}/kaart/?bron-ontmoeting=1#place-list-title")
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/kaart/?bron-ontmoeting=1")
    page.wait_for_timeout(300)
    assert [url for url in requests if "/kaart/" in url] == []


@pytest.mark.parametrize(
    "address, focused",
    [
        ("/praktijken/#filters", "form#filters"),
        ("/praktijken/?consensus-conflict=abc#row-consensus-conflict", "#row-consensus-conflict"),
        ("/kaart/#filters", "form#filters"),
    ],
)
def test_arriving_at_the_filters_address_shows_them(
    live_server, viewport_page, csp_violations, address, focused
):
    # A link to the filters, or a tap on "Filters" before the script has run (the browser then
    # follows the link to #filters itself): on a phone the panel opens there, never hidden.
    call_command("seed", verbosity=0)
    page = viewport_page
    page.goto(f"{live_server.url}{address}")
    target = page.locator(address.rsplit("#", 1)[1].join(["#", ""]))
    expect(target).to_be_in_viewport()
    if page.viewport_name == "phone":
        expect(page.locator(focused)).to_be_focused()
        assert page.locator("#results").evaluate("e => e.inert")
        expect(page.locator("#filters-open")).to_have_attribute("aria-expanded", "true")
        page.keyboard.press("Escape")
        expect(page.locator("form#filters")).to_be_hidden()
        assert not page.locator("#results").evaluate("e => e.inert")
        # Closed, the address no longer points into the panel: a reload shows the list, and
        # the form holds no focus stop of its own.
        assert "#" not in page.url
        page.reload()
        expect(page.locator("form#filters")).to_be_hidden()
        expect(page.locator("form#filters")).not_to_have_attribute("tabindex", "-1")
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("address", ["/praktijken/", "/kaart/"])
def test_the_phones_filters_opener_is_a_button_space_opens(
    live_server, browser, csp_violations, address
):
    # It was a link to #filters, said as "link, collapsed", and Space scrolled the page.
    call_command("seed", verbosity=0)
    context = browser.new_context(viewport=VIEWPORTS["phone"], is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}{address}")
    form = page.locator("form#filters")
    opener = page.get_by_role("button", name="Filters")
    expect(opener).to_have_attribute("aria-expanded", "false")
    expect(form).to_be_hidden()

    opener.focus()
    page.keyboard.press("Space")
    expect(form).to_be_visible()
    expect(page.get_by_role("button", name="Sluiten")).to_be_focused()  # as a tap does
    expect(page.locator("#filters-open")).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(form).to_be_hidden()
    expect(opener).to_be_focused()
    assert page.evaluate("window.scrollY") == 0  # Space did not scroll the page
    assert "#" not in page.url
    context.close()
