"""A workshop: a facilitator opens a session, three participants answer on their phones, the
group's distribution appears on the facilitator's screen without a reload, the session closes
and its counts download as CSV."""

import pytest
from playwright.sync_api import expect

from annotations import workshop_sessions as sessions
from tests.browser.conftest import (
    PASSWORD,
    VIEWPORTS,
    axe_clean,
    collect_console_errors,
    horizontal_overflow,
    log_in,
)
from tests.factories import ensure_framework, make_case, make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def marks(page, selector: str) -> list[str]:
    """How the first mark matching `selector` is drawn: its fill and its ring."""
    return page.locator(selector).first.evaluate(
        "mark => [getComputedStyle(mark).backgroundColor, getComputedStyle(mark).borderTopColor]"
    )


# The same three answers as values, given through the service.
ANSWERS = [
    {"bron-strijd": "0", "gewenst-bron-strijd": "2"},
    {"bron-strijd": "0", "gewenst-bron-strijd": "3"},
    {"bron-strijd": "1", "gewenst-bron-strijd": "3"},
]

PARTICIPANTS = [
    {"Strijd (nu)": "0", "Strijd (gewenst)": "2"},
    {"Strijd (nu)": "0", "Strijd (gewenst)": "3"},
    {"Strijd (nu)": "1", "Strijd (gewenst)": "3"},
]


def test_a_facilitator_and_three_participants(live_server, viewport_page, browser, screenshot_dir):
    base = live_server.url
    make_member(make_organisation("Buurtwerk"), username="begeleider", password=PASSWORD)
    make_case(title="Buurtkeuken", strengths={"strijd": 0})
    page = viewport_page
    errors = collect_console_errors(page)

    log_in(page, base, "begeleider")
    page.goto(base + "/werkvorm/nieuw/")
    axe_clean(page)
    page.get_by_label("Naam van de praktijk (niet verplicht)").fill("Buurtrestaurant")
    page.get_by_role("button", name="Open de sessie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Waar staat Buurtrestaurant?")
    code = page.locator(".workshop-code").inner_text()
    assert len(code) == 6
    expect(page.locator(".workshop-waiting")).to_have_text(
        "Nog 3 antwoorden, vanaf 3 ziet u de verdeling."
    )
    expect(
        page.get_by_role("img", name=f"QR-code met de link {base}/werkvorm/{code}/")
    ).to_be_visible()
    assert horizontal_overflow(page) == 0
    axe_clean(page)

    for n, answers in enumerate(PARTICIPANTS):
        context = browser.new_context(viewport=VIEWPORTS["phone"], is_mobile=True)
        phone = context.new_page()
        phone_errors = collect_console_errors(phone)
        phone.goto(base + "/werkvorm/")
        phone.get_by_label("Code").fill(code.lower())
        phone.get_by_role("button", name="Doe mee").click()
        for label, value in answers.items():
            phone.get_by_label(label, exact=True).select_option(value)
        phone.get_by_role("button", name="Bewaar mijn antwoord").click()
        expect(phone.get_by_role("status")).to_contain_text("Dank u, uw antwoord is bewaard.")
        assert horizontal_overflow(phone) == 0
        if n == 0:
            axe_clean(phone)
            phone.screenshot(path=str(screenshot_dir / "workshop-participant.png"), full_page=True)
        assert phone_errors == []
        context.close()

    # The screen refreshes itself: no reload.
    expect(page.locator(".workshop-count")).to_have_text("3 antwoorden", timeout=20_000)
    strijd = page.locator("section[aria-labelledby='verdeling-bron-strijd']")
    expect(strijd.locator(".workshop-item__spread")).to_have_text(
        "Nu: verdeeld over 2 stappen. Gewenst: verdeeld over 2 stappen."
    )
    expect(strijd.locator(".answer-dot--now")).to_have_count(3)
    # Now and desired are drawn as the tool and a saved trajectory draw them, the legend too:
    # now an open ring, desired a filled dot.
    screen = {
        when: [
            marks(page, f"{where} .answer-dot--{when}")
            for where in (".dotplot", ".workshop-legend")
        ]
        for when in ("now", "desired")
    }
    tool = browser.new_page()
    tool.goto(base + "/uw-praktijk/?bron-strijd=0&gewenst-bron-strijd=2")
    for when in ("now", "desired"):
        assert screen[when] == [marks(tool, f".practice-legend__{when}")] * 2, when
    tool.close()
    assert screen["now"][0][0] == "rgb(255, 255, 255)"  # open
    assert screen["desired"][0][0] == "rgb(11, 85, 99)"  # filled
    expect(page.locator(".workshop-near")).to_contain_text("Buurtkeuken")
    assert horizontal_overflow(page) == 0
    axe_clean(page)
    page.screenshot(
        path=str(screenshot_dir / f"workshop-screen-{page.viewport_name}.png"), full_page=True
    )

    page.get_by_role("button", name="Sluit de sessie").click()
    expect(page.get_by_role("status")).to_contain_text("De sessie is gesloten.")
    expect(page.locator(".workshop-count")).to_have_text("3 antwoorden")
    axe_clean(page)
    csv = page.request.get(f"{base}/werkvorm/{code}/verdeling.csv")
    lines = csv.text().splitlines()
    assert lines[0] == "item,waarde,nu,gewenst"
    assert [line for line in lines if line.startswith("bron-strijd,")] == [
        "bron-strijd,0,2,0",
        "bron-strijd,1,1,0",
        "bron-strijd,2,0,1",
        "bron-strijd,3,0,2",
        "bron-strijd,weet_ik_niet,0,0",
    ]
    assert errors == []


def test_the_screen_keeps_an_open_table_and_focus_while_it_polls(live_server, viewport_page):
    """The distribution is polled every four seconds: unchanged, it is left alone; changed, it is
    replaced with the tables that were open still open and focus where it was (WCAG 2.2.2,
    2.4.3). Before, every poll rebuilt it: an open "Als tabel" closed and focus fell to <body>."""
    base = live_server.url
    ensure_framework()
    member = make_member(make_organisation("Buurtwerk"), username="begeleider", password=PASSWORD)
    workshop = sessions.open_workshop(user=member)
    for answers in ANSWERS:
        sessions.submit_answer(workshop=workshop, values=answers)
    page = viewport_page
    errors = collect_console_errors(page)
    log_in(page, base, "begeleider")
    page.goto(f"{base}/werkvorm/{workshop.code}/scherm/")
    expect(page.locator(".workshop-count")).to_have_text("3 antwoorden")
    table = page.locator("#tabel-bron-strijd")
    summary = table.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(table).to_have_attribute("open", "")
    page.locator(".workshop-count").evaluate("count => { count.dataset.seen = 'yes'; }")

    def polled() -> None:
        """Two rounds of polling have come back: the first has been dealt with."""
        for _round in range(2):
            with page.expect_response(lambda response: "/verdeling/" in response.url):
                pass

    def focused_on_the_summary() -> bool:
        return page.evaluate(
            "document.activeElement === document.querySelector('#tabel-bron-strijd summary')"
        )

    polled()
    # Nothing changed: nothing was replaced.
    expect(page.locator(".workshop-count[data-seen]")).to_have_count(1)
    expect(table).to_have_attribute("open", "")
    assert focused_on_the_summary()

    # Three new answers: the count and the drawing move on, the table stays open, focus stays.
    for answers in ANSWERS:
        sessions.submit_answer(workshop=workshop, values=answers)
    expect(page.locator(".workshop-count")).to_have_text("6 antwoorden", timeout=15_000)
    expect(page.locator(".workshop-count[data-seen]")).to_have_count(0)
    strijd = page.locator("section[aria-labelledby='verdeling-bron-strijd']")
    expect(strijd.locator(".dotplot .answer-dot--now")).to_have_count(6)
    expect(table).to_have_attribute("open", "")
    expect(table.locator("tbody tr").first).to_be_visible()
    assert focused_on_the_summary()
    page.keyboard.press("Enter")  # the keyboard still works the same table
    expect(table).not_to_have_attribute("open", "")
    assert errors == []
