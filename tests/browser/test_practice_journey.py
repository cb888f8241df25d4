"""A practitioner places their practice on the framework, reads the result, follows a case and
prints the result for a team meeting (on A4 at full size, in few pages), on a laptop and on a
phone."""

import re
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_clean, collect_console_errors, horizontal_overflow
from tests.factories import make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWERS = [
    ("bron-ontmoeting", "1"),
    ("gewenst-bron-ontmoeting", "3"),
    ("bron-strijd", "0"),
    ("gewenst-bron-strijd", "2"),
    ("consensus-conflict", "-2"),
    ("gewenst-consensus-conflict", "1"),
    ("afstand-nabijheid", "2"),
    ("gewenst-afstand-nabijheid", "beide"),
]


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_place_read_follow_and_print(live_server, viewport_page: Page, screenshot_dir):
    page = viewport_page
    errors = collect_console_errors(page)
    call_command("seed", verbosity=0)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Waar staat uw praktijk?").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waar staat uw praktijk?")
    assert horizontal_overflow(page) == 0
    axe_clean(page)

    page.get_by_label("Naam van uw praktijk (niet verplicht)").fill("Buurthuis De Linde")
    page.get_by_label("Domein").select_option("wonen")
    for name, value in ANSWERS:
        page.locator(f"select[name='{name}']").select_option(value)
    # With script the result follows the answers at once, and the address keeps them.
    moves = page.locator("#resultaat .practice-move__sentence")
    expect(moves).to_have_text(
        [
            "U wilt meer putten uit strijd (nu afwezig, gewenst matig).",
            "U wilt meer putten uit ontmoeting (nu zwak, gewenst sterk).",
            "U wilt van consensus naar conflict (nu sterk consensus, gewenst eerder conflict).",
            "U wilt beide polen vasthouden, afstand én nabijheid (nu sterk nabijheid).",
        ]
    )
    expect(page).to_have_url(re.compile(r"gewenst-afstand-nabijheid=beide"))
    # The button gives the same page without script (and a link to share).
    page.get_by_role("button", name="Toon waar mijn praktijk staat").click()
    expect(page.get_by_role("heading", name="Buurthuis De Linde op het kader")).to_be_visible()
    expect(moves).to_have_count(4)
    expect(page.locator("#resultaat .practice-field .spectrum__label").nth(1)).to_have_text(
        "nu: sterk consensus; gewenst: eerder conflict"
    )
    nearest = page.locator("h3:has-text('Het dichtst bij wat u wilt') + ol .near-case")
    expect(nearest).to_have_count(3)
    expect(nearest.first.locator(".near-case__distance")).to_contain_text("vergeleken op")
    assert horizontal_overflow(page) == 0
    axe_clean(page)
    page.screenshot(
        path=str(screenshot_dir / f"practice-result-{page.viewport_name}.png"), full_page=True
    )

    # Print: the result alone, on at most two A4 pages.
    page.emulate_media(media="print")
    expect(page.locator("#practice-form")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    (screenshot_dir / f"practice-result-{page.viewport_name}.pdf").write_bytes(pdf)
    assert 1 <= pdf_pages(pdf) <= 2
    page.emulate_media(media="screen")

    # Follow a case to learn from.
    first = nearest.first.locator(".near-case__title a")
    title = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert errors == []


# Every item filled in, now and desired apart, with the longest name and notes the form takes.
FULL = {
    "naam": "N" * 120,
    "domein": "wonen",
    **{f"bron-{key}": "0" for key in ("wederzijdse-afhankelijkheid", "normen-en-waarden")},
    **{f"gewenst-bron-{key}": "3" for key in ("wederzijdse-afhankelijkheid", "normen-en-waarden")},
    "bron-strijd": "3",
    "gewenst-bron-strijd": "0",
    "bron-ontmoeting": "1",
    "gewenst-bron-ontmoeting": "2",
    **{
        key: "-2"
        for key in (
            "universeel-particularistisch",
            "consensus-conflict",
            "economisch-cultureel",
        )
    },
    **{
        f"gewenst-{key}": "2"
        for key in (
            "universeel-particularistisch",
            "consensus-conflict",
            "economisch-cultureel",
        )
    },
    **{
        key: "beide"
        for key in (
            "integratie-transformatie",
            "afstand-nabijheid",
            "onderhandelbaar-niet-onderhandelbaar",
        )
    },
    **{
        f"gewenst-{key}": "1"
        for key in (
            "integratie-transformatie",
            "afstand-nabijheid",
            "onderhandelbaar-niet-onderhandelbaar",
        )
    },
}


# Four moves, as a practitioner fills the tool in (a probe printed this on three pages).
FOUR_MOVES = {
    "bron-ontmoeting": "1",
    "gewenst-bron-ontmoeting": "3",
    "bron-strijd": "2",
    "gewenst-bron-strijd": "0",
    "consensus-conflict": "-2",
    "gewenst-consensus-conflict": "beide",
    "economisch-cultureel": "beide",
    "gewenst-economisch-cultureel": "1",
    "naam": "Buurtwerk",
    "domein": "wonen",
}
FULLEST = {
    **FULL,
    **{
        f"notitie-{param}": ("Een lange notitie bij dit item. " * 16)[:500]
        for param in FULL
        if not param.startswith(("gewenst-", "naam", "domein"))
    },
}
# What A4 leaves inside the page's margins (10 mm, 12 mm), at 96 pixels an inch.
PRINTED = {"width": 703, "height": 1047}


@pytest.mark.parametrize(
    ("query", "moves", "pages"), [(FOUR_MOVES, 4, 2), (FULLEST, 10, 4)], ids=["four", "fullest"]
)
def test_the_result_prints_at_full_size_in_few_pages(
    live_server, browser, screenshot_dir, query, moves, pages
):
    call_command("seed", verbosity=0)
    context = browser.new_context(viewport=PRINTED)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/uw-praktijk/?{urlencode(query)}")
        expect(page.locator("#resultaat .practice-move")).to_have_count(moves)
        notes = sum(1 for param in query if param.startswith("notitie-"))
        expect(page.locator("#resultaat .practice-note")).to_have_count(notes)
        page.emulate_media(media="print")
        # Nothing wider than the paper (the longest name wraps): it would shrink every page.
        assert horizontal_overflow(page) == 0
        pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
        (screenshot_dir / f"practice-result-{moves}-moves.pdf").write_bytes(pdf)
        assert 1 <= pdf_pages(pdf) <= pages
    finally:
        context.close()


def test_a_note_too_long_is_named_before_sending_and_nothing_is_cut(
    live_server, viewport_page: Page
):
    """The note boxes have no maxlength (a browser cuts a paste at it without a word); the
    tool, a GET form, says so before sending instead: long notes would overflow the request
    line before the server could name the field. Each note is named past its 500 characters,
    and the notes together past what one address holds."""
    page = viewport_page
    errors = collect_console_errors(page)
    call_command("seed", verbosity=0)
    page.goto(f"{live_server.url}/uw-praktijk/")
    page.locator("select[name='bron-strijd']").select_option("2")
    expect(page).to_have_url(re.compile(r"bron-strijd=2"))  # the live result has followed
    address = page.url
    summaries = page.locator(".practice-item__note summary")
    summaries.first.click()
    note = page.get_by_label("Notitie bij Wederzijdse afhankelijkheid")
    pasted = "Wij werken samen met de buurt. " * 120  # 3,720 characters, 3,719 without the end
    note.fill(pasted)
    summaries.first.click()  # closed again: the page opens it to name it
    page.get_by_role("button", name="Toon waar mijn praktijk staat").click()
    # Not sent: the field says why, in the form's words, and keeps every character.
    expect(note).to_be_focused()
    assert note.evaluate("area => area.validationMessage") == (
        "Notitie bij Wederzijdse afhankelijkheid: hoogstens 500 tekens (nu 3719)."
    )
    assert note.input_value() == pasted
    assert page.url == address

    # Each note within its 500 characters, but together (in Cyrillic, six bytes a letter in
    # the address) more than an address holds: the longest is named.
    words = {1: "д" * 450, 2: "ж" * 470, 3: "з" * 460}
    for index, text in words.items():
        summaries.nth(index).click()
        page.locator(".practice-item__note textarea").nth(index).fill(text)
    note.fill("")
    page.get_by_role("button", name="Toon waar mijn praktijk staat").click()
    longest = page.locator(".practice-item__note textarea").nth(2)
    expect(longest).to_be_focused()
    assert longest.evaluate("area => area.validationMessage") == (
        "De notities samen zijn te lang om mee te sturen: maak deze notitie korter."
    )
    assert page.url == address

    # Shorter, it is sent and shown with the result.
    for index in words:
        page.locator(".practice-item__note textarea").nth(index).fill("")
    note.fill("Wij werken samen met de buurt.")
    page.get_by_role("button", name="Toon waar mijn praktijk staat").click()
    expect(page.locator("#resultaat .practice-note").first).to_contain_text(
        "Wij werken samen met de buurt."
    )
    assert errors == []


def test_the_result_is_announced_in_short_beside_the_form(
    live_server, viewport_page: Page, screenshot_dir
):
    """The result is no live region (a screen reader would read all of it after each change);
    a status at the foot of the form names what changed in a sentence, in view on a phone too,
    where the result above is out of sight, with a link up to it."""
    page = viewport_page
    errors = collect_console_errors(page)
    for strength in (0, 2, 3):
        make_case(strengths={"strijd": strength})
    page.goto(f"{live_server.url}/uw-praktijk/")
    result = page.locator("#resultaat")
    assert result.get_attribute("aria-live") is None
    status = page.locator("[data-practice-status] [role=status]")
    expect(status).to_have_text("")
    to_result = page.get_by_role("link", name="Naar het resultaat")
    expect(to_result).to_be_hidden()

    field = page.locator("select[name='gewenst-consensus-conflict']")
    page.locator("select[name='bron-strijd']").select_option("0")
    page.locator("select[name='gewenst-bron-strijd']").select_option("2")
    expect(status).to_have_text(
        "Resultaat bijgewerkt: 1 verschuiving, 3 praktijken om van te leren."
    )
    page.locator("select[name='consensus-conflict']").select_option("-2")
    field.select_option("1")
    expect(status).to_have_text(
        "Resultaat bijgewerkt: 2 verschuivingen, 3 praktijken om van te leren."
    )
    expect(page.locator("#resultaat .practice-move")).to_have_count(2)
    assert result.get_attribute("aria-live") is None
    # Where the visitor is, the status is in sight while the result is not (on a phone).
    field.scroll_into_view_if_needed()
    expect(status).to_be_in_viewport()
    if page.viewport_name == "phone":
        expect(page.locator("#result-title")).not_to_be_in_viewport()
    assert horizontal_overflow(page) == 0
    axe_clean(page)
    page.screenshot(path=str(screenshot_dir / f"practice-status-{page.viewport_name}.png"))
    # It never covers what the keyboard reaches in the form (WCAG 2.4.11).
    page.locator("select[name='bron-strijd']").focus()
    for _step in range(60):
        page.keyboard.press("Tab")
        assert page.evaluate(COVERED_BY_THE_STATUS) <= 0
        if page.evaluate("document.activeElement.type === 'submit'"):
            break
    else:
        pytest.fail("Tab never reached the form's button")
    to_result.click()
    expect(page.locator("#result-title")).to_be_in_viewport()
    assert errors == []


def test_the_status_never_covers_the_focus_at_large_text(live_server, browser):
    """With the text twice as large (WCAG 1.4.4) on a short phone screen the status grows; it
    still never covers the field the keyboard is on (WCAG 2.4.11)."""
    make_case(strengths={"strijd": 2})
    context = browser.new_context(viewport={"width": 390, "height": 640}, is_mobile=True)
    page = context.new_page()
    for language in ("", "/fr"):
        page.goto(f"{live_server.url}{language}/uw-praktijk/")
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        page.locator("select[name='bron-strijd']").select_option("0")
        page.locator("select[name='gewenst-bron-strijd']").select_option("2")
        expect(page.locator("[data-practice-status] [role=status]")).not_to_have_text("")
        page.locator("select[name='bron-strijd']").focus()
        for _step in range(60):
            page.keyboard.press("Tab")
            assert page.evaluate(COVERED_BY_THE_STATUS) <= 0, language
            if page.evaluate("document.activeElement.type === 'submit'"):
                break
        else:
            pytest.fail("Tab never reached the form's button")
    context.close()


# How many pixels of the focused element the status at the foot of the form covers.
COVERED_BY_THE_STATUS = """() => {
  const bar = document.querySelector("[data-practice-status]").getBoundingClientRect();
  const focused = document.activeElement.getBoundingClientRect();
  return Math.min(focused.bottom, bar.bottom) - Math.max(focused.top, bar.top);
}"""
