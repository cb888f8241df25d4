"""A member writes a note, signs out and in again in another tab, then sends the note: the form's
security token is that of the ended session, so the site refuses it, says that nothing was saved
and gives the text back to copy, on a page of its own (in Dutch, without sideways scrolling)."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from tests.browser.conftest import PASSWORD, axe_clean, horizontal_overflow, log_in
from tests.factories import ensure_framework, make_member, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_note_sent_after_signing_in_again_elsewhere_comes_back_to_copy(
    live_server, viewport_page, csp_violations, screenshot_dir
):
    ensure_framework()
    make_member(make_organisation("Buurtwerk De Brug"), username="lid", password=PASSWORD)
    page = viewport_page
    log_in(page, live_server.url, "lid")
    page.goto(f"{live_server.url}/kanttekeningen/nieuw/?doel=section:ontmoeting")
    typed = "Op de markt ontmoeten buren elkaar elke zaterdag."
    page.get_by_label("Kanttekening", exact=True).fill(typed)

    # Another tab of the same browser: signed out, and in again (a new session, a new token).
    other = page.context.new_page()
    other.goto(f"{live_server.url}/praktijken/")
    other.locator("summary.account__toggle").click()
    other.get_by_role("button", name="Afmelden").click()
    log_in(other, live_server.url, "lid")
    expect(other.locator("summary.account__toggle")).to_be_visible()
    other.close()

    page.get_by_role("button", name="Indienen voor moderatie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw tekst is niet bewaard")
    expect(page.get_by_role("alert")).to_contain_text("er is niets bewaard")
    expect(page.locator("#kept-body")).to_have_value(typed)
    assert page.locator("html").get_attribute("lang") == "nl"
    assert not Annotation.objects.exists()
    assert horizontal_overflow(page) == 0
    axe_clean(page)
    page.screenshot(
        path=str(screenshot_dir / f"refused-form-{page.viewport_name}.png"), full_page=True
    )
    assert csp_violations == []
