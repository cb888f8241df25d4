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


# What a focused element shows, and what it stands on: the first background around it (the ring
# is drawn outside the element).
FOCUS_RING = """element => {
    element.focus();
    const style = getComputedStyle(element);
    let behind = element.parentElement, background = "rgba(0, 0, 0, 0)";
    while (behind && /rgba\\(.*, 0\\)|transparent/.test(background)) {
        background = getComputedStyle(behind).backgroundColor;
        behind = behind.parentElement;
    }
    return {
        visible: element.matches(":focus-visible"),
        outline: [style.outlineStyle, parseFloat(style.outlineWidth), style.outlineColor],
        shadow: style.boxShadow,
        background: background,
    };
}"""


def rgb(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def contrast(one: tuple[int, ...], other: tuple[int, ...]) -> float:
    """WCAG's contrast ratio of two sRGB colours."""

    def luminance(colour):
        linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in colour]  # fmt: skip
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    "where",
    [".skip-link", ".brand", ".site-nav a", "main .button", "main .card a", ".site-footer a"],
    ids=["skip-link", "header-brand", "header-menu", "content-button", "content-link", "footer"],
)
def test_the_focus_ring_stands_out_on_light_and_dark_backgrounds(
    live_server, page: Page, seeded, where
):
    """WCAG 2.2 SC 1.4.11 (Non-text Contrast): a focus indicator at 3:1 against what it stands on. The
    ring has two tones (a dark outline around a light inner ring, each at 3:1 or more against the
    other), so one of them stands out on the white pages, the dark header and the light footer."""
    page.goto(live_server.url)
    page.keyboard.press("Tab")  # a keyboard user: focus is shown
    ring = page.locator(where).first.evaluate(FOCUS_RING)
    assert ring["visible"]
    style, width, colour = ring["outline"]
    assert style == "solid" and width >= 2
    tones = [rgb(colour)]
    if halo := re.match(r"(rgba?\([^)]*\)) 0px 0px 0px (\d+)px", ring["shadow"]):
        assert int(halo[2]) >= 2
        tones.append(rgb(halo[1]))
    background = rgb(ring["background"])
    assert max(contrast(tone, background) for tone in tones) >= 3, (tones, background)
    if len(tones) == 2:
        assert contrast(*tones) >= 3, tones
