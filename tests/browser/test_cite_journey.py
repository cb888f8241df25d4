"""A reader cites a case: copies the formatted reference and downloads the BibTeX, on a laptop and a phone."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.browser.conftest import axe_clean, horizontal_overflow
from tests.factories import make_case, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_copies_the_reference_and_downloads_the_bibtex(
    live_server, viewport_page, csp_violations
):
    case = make_case(
        title="Samen & solidair: 100% {buurt} in een heel lange titel die op een telefoon moet breken",
        slug="samen-solidair",
    )
    case.researchers.set([make_user("an", first_name="An", last_name="Janssens")])
    Case.objects.filter(pk=case.pk).update(
        updated_at=datetime.datetime(2026, 12, 5, 12, tzinfo=ZoneInfo("Europe/Brussels"))
    )
    page = viewport_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(live_server.url + "/praktijken/samen-solidair/")

    cite = page.get_by_role("region", name="Citeer")
    expect(cite).to_contain_text("Versie van 5 december 2026")
    cite.scroll_into_view_if_needed()
    assert horizontal_overflow(page) == 0

    cite.get_by_role("button", name="Kopieer referentie").click()
    expect(cite.get_by_role("status")).to_have_text("Referentie gekopieerd")
    assert page.evaluate("navigator.clipboard.readText()") == (
        "Janssens, A. (2026). Samen & solidair: 100% {buurt} in een heel lange titel die op "
        "een telefoon moet breken (Versie van 5 december 2026). DieGem – praktijkenbank. "
        f"{live_server.url}/praktijken/samen-solidair/"
    )

    with page.expect_download() as info:
        cite.get_by_role("link", name="BibTeX (.bib)").click()
    download = info.value
    assert download.suggested_filename == "diegem-samen-solidair.bib"
    bib = download.path().read_text(encoding="utf-8")
    assert bib.startswith("@online{diegem-samen-solidair-2026-12-05,\n")
    assert "  author = {{Janssens}, An},\n" in bib
    assert (
        "  title = {{Samen \\& solidair: 100\\% \\textbraceleft{}buurt\\textbraceright{} in een heel lange titel"
        in bib
    )

    axe_clean(page)
    assert csp_violations == []


def test_without_a_clipboard_the_reference_stays_to_select(live_server, page):
    """No copy button where it cannot work (an insecure page, no script): the text is there to select."""
    make_case(title="Buurtkeuken", slug="buurtkeuken")
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(live_server.url + "/praktijken/buurtkeuken/")
    cite = page.get_by_role("region", name="Citeer")
    expect(cite.locator(".cite__reference")).to_contain_text("Buurtkeuken")
    expect(cite.get_by_role("button", name="Kopieer referentie")).to_be_hidden()
