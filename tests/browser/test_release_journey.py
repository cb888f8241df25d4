"""A researcher cuts a release in the workbench; a visitor finds it on /data/ and downloads it.

On a laptop and on a phone; the download is the stored ZIP, byte for byte.
"""

import hashlib

import pytest
from playwright.sync_api import expect

from cases.roles import RESEARCHERS_GROUP
from diegem.releases import Release
from tests.browser.conftest import axe_clean, horizontal_overflow
from tests.factories import ensure_framework, make_case, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "een-lang-wachtwoord-9"


def test_a_researcher_cuts_a_release_and_a_visitor_downloads_it(
    live_server, viewport_page, browser, csp_violations, screenshot_dir
):
    page = viewport_page
    ensure_framework()
    make_user("onderzoeker", password=PASSWORD, groups=(RESEARCHERS_GROUP,), is_staff=True)
    make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")

    page.goto(f"{live_server.url}/beheer/login/?next=/beheer/diegem/release/add/")
    page.get_by_label("Gebruikersnaam").fill("onderzoeker")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(
        page.get_by_role("heading", name="Een versie van de gegevens uitbrengen")
    ).to_be_visible()
    axe_clean(page)
    # A title is needed: the form says so and cuts nothing.
    page.get_by_label("Beschrijving").fill("De eerste acht casestudies.")
    page.get_by_role("button", name="Versie uitbrengen").click()
    expect(page.get_by_text("Geef de versie een titel (veld ‘Titel’).")).to_be_visible()
    expect(page.get_by_label("Beschrijving")).to_have_value("De eerste acht casestudies.")
    assert Release.objects.count() == 0
    page.get_by_label("Titel").fill("Eerste helft")
    page.get_by_role("button", name="Versie uitbrengen").click()
    expect(page.get_by_text("Versie 1 ‘Eerste helft’ is uitgebracht")).to_be_visible()
    release = Release.objects.get()

    # A visitor (another browser, no session) finds it on /data/.
    context = browser.new_context(
        viewport=page.viewport_size, is_mobile=page.viewport_name == "phone"
    )
    visitor = context.new_page()
    visitor.goto(f"{live_server.url}/data/")
    releases = visitor.get_by_role("region", name="Versies om te citeren")
    expect(releases.get_by_text(release.sha256)).to_be_visible()
    assert horizontal_overflow(visitor) == 0
    axe_clean(visitor)
    releases.get_by_role("link", name="Versie 1: Eerste helft").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Versie 1: Eerste helft")
    assert horizontal_overflow(visitor) == 0
    axe_clean(visitor)
    visitor.screenshot(path=screenshot_dir / f"release-{page.viewport_name}.png", full_page=True)
    with visitor.expect_download() as info:
        visitor.get_by_role("link", name="diegem-praktijkenbank-v1.zip").click()
    download = info.value
    assert download.suggested_filename == "diegem-praktijkenbank-v1.zip"
    content = open(download.path(), "rb").read()  # noqa: PTH123, SIM115
    assert hashlib.sha256(content).hexdigest() == release.sha256
    context.close()
    assert csp_violations == []
