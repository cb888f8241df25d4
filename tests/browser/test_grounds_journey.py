"""A practitioner weighs the codings by how they are known, on a laptop and on a phone.

She opens a pilot's profile, sees which codings rest on the text, follows one to the passage
it rests on, then restricts the overview and a tension field to "alleen met tekstbewijs" and
sees the counts change. Expectations come from the seed (fixtures/pilots.yaml).
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.conftest import collect_console_errors, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSAGE = "‘Omdat ze dat terrein delen en er elk hun eigen activiteiten doen, ontstaat er toch een zekere verbondenheid.’"


@pytest.fixture
def seeded(transactional_db):
    call_command("seed", verbosity=0)


def test_practitioner_weighs_codings_by_their_grounds(
    live_server, viewport_page: Page, seeded, screenshot_dir
):
    page = viewport_page
    errors = collect_console_errors(page)

    # The profile of Torekes: each coding says in words how it is known.
    page.goto(live_server.url + "/praktijken/torekes/")
    sources = page.locator("ul.source-bars > li")
    expect(sources.filter(has_text="Ontmoeting").locator(".coding")).to_have_text(
        "matig · ● tekstbewijs"
    )
    expect(sources.filter(has_text="Strijd").locator(".coding")).to_have_text(
        "zwak · ○ interpretatie"
    )
    normen = sources.filter(has_text="Gedeelde normen en waarden")
    expect(normen.locator(".undetermined")).to_have_text("niet te bepalen")
    expect(normen.locator(".strength")).to_have_count(0)  # no value, not "afwezig"
    fields = page.locator("ul.spectra > li")
    expect(fields.filter(has_text="consensus – conflict").locator(".spectrum__label")).to_have_text(
        "niet te bepalen"
    )
    expect(fields.filter(has_text="consensus – conflict").locator(".spectrum__step")).to_have_count(
        0
    )
    on_text = page.locator("section.profile .profile__grid .grounds--tekstbewijs")
    expect(on_text).to_have_count(4)  # ontmoeting; universeel, integratie, afstand
    assert horizontal_overflow(page) == 0
    page.locator("section.profile").screenshot(
        path=str(screenshot_dir / f"grounds-profile-{page.viewport_name}.png")
    )

    # One click to the passages under the coding, one more to the passage in the text.
    sources.filter(has_text="Ontmoeting").get_by_role(
        "link", name="tekstbewijs", exact=True
    ).click()
    expect(page).to_have_url(re.compile("/praktijken/torekes/#bewijs-ontmoeting$"))
    evidence = page.locator("#bewijs-ontmoeting")
    expect(evidence).to_be_in_viewport()
    evidence.get_by_role("link", name=PASSAGE).click()
    expect(page).to_have_url(re.compile("/praktijken/torekes/#plaats$"))
    section = page.locator("section#plaats")
    expect(section.get_by_role("heading", name="Plaats")).to_be_in_viewport()
    expect(section).to_contain_text(PASSAGE.strip("‘’"))

    # The overview: every coding, then only those on text evidence.
    page.goto(live_server.url + "/overzicht/")
    ontmoeting = page.locator("table.source-table tbody tr", has_text="Ontmoeting")
    expect(ontmoeting.locator("td > a")).to_have_text(["3", "3", "1"])
    strijd = page.locator("table.source-table tbody tr", has_text="Strijd")
    expect(strijd.locator("td > a")).to_have_text(["1", "0", "0"])
    page.get_by_role("link", name="Alleen met tekstbewijs").click()
    expect(page).to_have_url(re.compile(r"/overzicht/\?grond=tekstbewijs$"))
    expect(page.get_by_role("link", name="Alleen met tekstbewijs")).to_have_attribute(
        "aria-current", "true"
    )
    expect(ontmoeting.locator("td > a")).to_have_text(["2", "2", "1"])
    expect(strijd.locator("td > a")).to_have_text(["0", "0", "0"])
    assert horizontal_overflow(page) == 0
    page.screenshot(
        path=str(screenshot_dir / f"grounds-overview-{page.viewport_name}.png"), full_page=True
    )
    # A count opens the list it counts, still restricted.
    ontmoeting.locator("td > a").first.click()
    expect(page.locator("#results-title")).to_have_text("2 praktijken")
    expect(page.locator("ul.chips")).to_contain_text("Alleen met tekstbewijs")

    # A tension field: a solid block for a position on evidence, an open one for interpretation;
    # the two pilots whose position cannot be told are named apart, not drawn.
    page.goto(live_server.url + "/spanningsvelden/consensus-conflict/")
    chart = page.locator("figure.spectrum-chart")
    labels = chart.locator(".spectrum-chart__label")
    expect(labels).to_have_text(
        [
            "sterk consensus (0)",
            "eerder consensus (1)",
            "in het midden (0)",
            "eerder conflict (1)",
            "sterk conflict (0)",
            "houdt beide polen vast (0)",
        ]
    )
    blocks = chart.locator("a.dot")
    expect(blocks).to_have_text(["Spring Global Mail", "Chiro Brussel"])
    open_block, solid_block = (
        blocks.nth(i).evaluate("e => getComputedStyle(e).backgroundColor") for i in (0, 1)
    )
    assert open_block == "rgb(255, 255, 255)" and solid_block == "rgb(11, 85, 99)"
    undetermined = page.locator("p.spectrum-undetermined")
    expect(undetermined).to_contain_text("2 praktijken: niet te bepalen.")
    expect(undetermined.get_by_role("link")).to_have_text(["Mater Dei", "Torekes"])
    assert horizontal_overflow(page) == 0
    page.get_by_role("link", name="Alleen met tekstbewijs").click()
    expect(page).to_have_url(
        re.compile(r"/spanningsvelden/consensus-conflict/\?grond=tekstbewijs$")
    )
    expect(labels).to_have_text(
        [
            "sterk consensus (0)",
            "eerder consensus (0)",
            "in het midden (0)",
            "eerder conflict (1)",
            "sterk conflict (0)",
            "houdt beide polen vast (0)",
        ]
    )
    expect(blocks).to_have_text(["Chiro Brussel"])
    expect(page.locator("p.spectrum-left-out")).to_have_text(
        "1 positie die op interpretatie steunt, staat hier niet."
    )
    expect(undetermined).to_contain_text("2 praktijken: niet te bepalen.")
    assert horizontal_overflow(page) == 0
    page.screenshot(
        path=str(screenshot_dir / f"grounds-tension-field-{page.viewport_name}.png"), full_page=True
    )
    assert errors == []
