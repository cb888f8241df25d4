"""A reader opens the archive from a folder (file://), follows a link and searches offline."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import expect

from tests.browser.conftest import axe_clean, collect_console_errors, horizontal_overflow
from tests.factories import KOOKPLOEG_PRACTICE, make_case

# Transactional: Playwright's event loop runs in this thread, so Django may open the
# database in another context than the test's; those connections are closed afterwards.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def archive_folder(framework, tmp_path):
    make_case(
        title="Kookploeg Zaterdag",
        slug="kookploeg-zaterdag",
        practice=KOOKPLOEG_PRACTICE,
        summary="Buren koken samen in het buurthuis.",
        keywords=("koken",),
    )
    make_case(
        title="Repaircafé Eeklo",
        slug="repaircafe-eeklo",
        domain="werken",
        summary="Herstellen met vrijwilligers.",
    )
    out = tmp_path / "archief"
    call_command("archive", str(out), "--quiet", stdout=io.StringIO())
    yield out
    connections.close_all()


def test_a_reader_opens_a_case_from_the_archive_folder_and_searches_offline(
    archive_folder, viewport_page, screenshot_dir
):
    page = viewport_page
    errors = collect_console_errors(page)
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto((archive_folder / "praktijken/kookploeg-zaterdag/index.html").as_uri())
    expect(page.get_by_role("heading", level=1, name="Kookploeg Zaterdag")).to_be_visible()
    expect(page.locator("main .archive-note").first).to_contain_text("alleen-lezen")
    # The stylesheet came along: the skip link is moved out of sight until focused.
    skip_link = page.locator(".skip-link")
    assert skip_link.evaluate("link => getComputedStyle(link).position") == "absolute"
    assert horizontal_overflow(page) == 0

    # A link to another archived page.
    page.locator(".breadcrumbs").get_by_role("link", name="Praktijken").click()
    expect(page).to_have_url(re.compile(r"/praktijken/index\.html$"))
    expect(page.get_by_role("heading", level=1, name="Praktijken")).to_be_visible()
    assert horizontal_overflow(page) == 0

    # The header's search leads to the archive's search page, which searches in the browser.
    page.get_by_role("searchbox", name="Zoek in de praktijkenbank").fill("eeklo")
    page.get_by_role("searchbox", name="Zoek in de praktijkenbank").press("Enter")
    expect(page).to_have_url(re.compile(r"/zoeken/index\.html\?q=eeklo$"))
    results = page.locator("#archive-result-list")
    expect(results.get_by_role("link")).to_have_count(1)
    expect(results.get_by_role("link", name="Repaircafé Eeklo")).to_be_visible()
    expect(page.locator("#archive-all")).to_be_hidden()
    assert errors == []
    axe_clean(page)
    # axe-core preloads stylesheets with XMLHttpRequest, which file:// refuses: its own
    # errors (none of the page's: those were checked just before).
    errors.clear()
    assert horizontal_overflow(page) == 0

    # Accents and case do not count; a summary word finds a case too.
    page.get_by_label("Zoek in de praktijken en het kader").fill("REPAIRCAFE")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    expect(results.get_by_role("link", name="Repaircafé Eeklo")).to_be_visible()
    page.get_by_label("Zoek in de praktijken en het kader").fill("buurthuis")
    page.get_by_role("button", name="Zoeken", exact=True).click()
    expect(results.get_by_role("link")).to_have_count(1)
    expect(results.get_by_role("link", name="Kookploeg Zaterdag")).to_be_visible()
    page.screenshot(
        path=screenshot_dir / f"archive-search-{page.viewport_name}.png", full_page=True
    )

    results.get_by_role("link", name="Kookploeg Zaterdag").click()
    expect(page).to_have_url(re.compile(r"/praktijken/kookploeg-zaterdag/index\.html$"))
    expect(page.get_by_role("heading", level=1, name="Kookploeg Zaterdag")).to_be_visible()

    assert errors == []
    assert [url for url in requests if not url.startswith("file://")] == []
