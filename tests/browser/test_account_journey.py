"""Someone who forgot their password: a failed login, a new link, too many links."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import collect_console_errors, horizontal_overflow
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_forgotten_password_and_too_many_requests_for_a_link(
    live_server, viewport_page, screenshot_dir, settings
):
    settings.PASSWORD_RESETS_PER_EMAIL_PER_HOUR = 2
    make_user("carla", email="carla@example.org", password="juist-wachtwoord-1")
    page = viewport_page
    errors = collect_console_errors(page)

    page.goto(live_server.url + "/account/aanmelden/")
    page.get_by_label("Gebruikersnaam").fill("carla")
    page.get_by_label("Wachtwoord").fill("vergeten")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator(".form-errors")).to_contain_text("Aanmelden is niet gelukt.")
    expect(page.locator(".form-errors")).not_to_contain_text("niets is bewaard")

    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    for attempt in range(3):
        if attempt:
            page.goto(live_server.url + "/account/wachtwoord-vergeten/")
        page.get_by_label("E-mailadres").fill("carla@example.org")
        page.get_by_role("button", name="Link versturen").click()
        if attempt < 2:
            expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in uw mailbox")
    expect(page.locator(".form-errors")).to_contain_text(
        "Er werd het voorbije uur te vaak een link aangevraagd. Probeer het over een uur opnieuw."
    )
    expect(page.get_by_label("E-mailadres")).to_have_value("carla@example.org")
    assert horizontal_overflow(page) == 0
    page.screenshot(
        path=str(screenshot_dir / f"password-reset-limit-{page.viewport_name}.png"), full_page=True
    )
    # The 429 status of the refusal is not a script error.
    assert [error for error in errors if "429" not in error] == []
