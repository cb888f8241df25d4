"""A member places a practice, keeps it for the organisation, places it again later with other
values, follows its trajectory and deletes one placement."""

import pytest
from playwright.sync_api import expect

from annotations.models import PracticePlacement
from tests.browser.conftest import (
    PASSWORD,
    axe_clean,
    collect_console_errors,
    horizontal_overflow,
    log_in,
)
from tests.factories import ensure_framework, make_case, make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_keeps_a_practice_over_time(live_server, viewport_page, screenshot_dir):
    ensure_framework()
    make_case(title="Sterke ontmoeting", strengths={"ontmoeting": 3})
    make_member(
        make_organisation("Buurtwerk De Brug"),
        username="lid@example.org",
        password=PASSWORD,
        first_name="Lina",
        last_name="Lid",
    )
    page = viewport_page
    errors = collect_console_errors(page)
    log_in(page, live_server.url, "lid@example.org")

    # The first placement, in January.
    page.goto(live_server.url + "/uw-praktijk/")
    page.get_by_label("Naam van uw praktijk (niet verplicht)").fill("Buurtkeuken")
    page.get_by_label("Ontmoeting (nu)").select_option(label="zwak")
    page.get_by_label("Ontmoeting (gewenst)").select_option(label="sterk")
    page.get_by_label("Consensus – conflict (nu)").select_option(label="sterk consensus")
    page.get_by_role("button", name="Toon waar mijn praktijk staat").click()
    save = page.locator("#practice-save-form")
    expect(page.get_by_role("heading", name="Bewaar voor Buurtwerk De Brug")).to_be_visible()
    expect(save.get_by_label("Bewaren bij")).to_have_value("")
    expect(save.get_by_label("Naam van de nieuwe praktijk")).to_have_value("Buurtkeuken")
    assert horizontal_overflow(page) == 0
    axe_clean(page)
    save.get_by_label("Datum van deze plaatsing").fill("2025-01-15")
    # One more answer: the result follows in place, and the date typed to keep it stays.
    page.get_by_label("Strijd (nu)").select_option(label="zwak")
    expect(page.locator("#resultaat .practice-source", has_text="Strijd")).to_contain_text("zwak")
    expect(save.get_by_label("Datum van deze plaatsing")).to_have_value("2025-01-15")
    save.get_by_role("button", name="Bewaren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Buurtkeuken")
    expect(page.locator(".message--success")).to_have_text(
        "Bewaard bij Buurtkeuken, met als datum 15 januari 2025."
    )

    # Placed again in March, from the latest placement: the practice is chosen already.
    page.get_by_role("link", name="Plaats opnieuw").click()
    expect(page.get_by_label("Ontmoeting (nu)")).to_have_value("1")
    page.get_by_label("Ontmoeting (nu)").select_option(label="matig")
    page.get_by_role("button", name="Toon waar mijn praktijk staat").click()
    save = page.locator("#practice-save-form")
    expect(save.get_by_label("Bewaren bij")).to_have_value(
        str(PracticePlacement.objects.get().practice_id)
    )
    save.get_by_label("Datum van deze plaatsing").fill("2025-03-10")
    save.get_by_role("button", name="Bewaren").click()

    # The trajectory: first and latest on the same spectra, in words beside each drawing.
    expect(page.get_by_role("heading", level=1)).to_have_text("Buurtkeuken")
    expect(page.locator(".trajectory-summary")).to_have_text(
        "2 plaatsingen: de eerste op 15 januari 2025, de laatste op 10 maart 2025."
    )
    meeting = page.locator("#traject-bron-ontmoeting")
    expect(meeting.locator(".trajectory__when")).to_have_text(
        ["eerste plaatsing, 15 januari 2025", "laatste plaatsing, 10 maart 2025"]
    )
    expect(meeting.locator(".trajectory__words")).to_have_text(
        ["nu: zwak; gewenst: sterk", "nu: matig; gewenst: sterk"]
    )
    assert horizontal_overflow(page) == 0
    axe_clean(page)
    page.screenshot(
        path=str(screenshot_dir / f"saved-practice-trajectory-{page.viewport_name}.png"),
        full_page=True,
    )

    # The list, from the account menu.
    page.locator("summary.account__toggle").click()
    page.get_by_role("navigation", name="Uw account").get_by_role(
        "link", name="Bewaarde praktijken"
    ).click()
    expect(page.locator(".saved-practice")).to_have_text(
        ["Buurtkeuken 2 plaatsingen, van 15 januari 2025 tot 10 maart 2025"]
    )
    assert horizontal_overflow(page) == 0
    axe_clean(page)

    # Deleting the January placement, after a confirmation.
    page.get_by_role("link", name="Buurtkeuken").click()
    page.get_by_role("link", name="plaatsing van 15 januari 2025").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plaatsing verwijderen?")
    assert horizontal_overflow(page) == 0
    axe_clean(page)
    page.get_by_role("button", name="Ja, verwijderen").click()
    expect(page.locator(".message--success")).to_have_text("De plaatsing is verwijderd.")
    expect(page.locator("#traject-bron-ontmoeting .trajectory__when")).to_have_text(
        ["enige plaatsing, 10 maart 2025"]
    )
    assert errors == []  # CSP violations included
