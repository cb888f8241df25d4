"""The workbench fits a phone and a laptop with a case of a long Dutch name: its form, its
history, a comparison of two versions and the import page (column names of fifty letters)."""

import pytest
from reversion.models import Version

from cases.models import Case
from cases.roles import RESEARCHERS_GROUP
from cases.services import case_write
from diegem.data_releases import release_cut
from tests.browser.conftest import PASSWORD, VIEWPORTS, horizontal_overflow, log_in
from tests.factories import ensure_framework, make_case, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "Buurtwerkingsondersteuningscoördinatiecentrum Aalst"


def test_the_workbench_does_not_scroll_sideways_with_long_words(live_server, viewport_page):
    ensure_framework()
    researcher = make_user("an", password=PASSWORD, groups=(RESEARCHERS_GROUP,), is_staff=True)
    case = make_case(title=LONG_NAME, slug="buurtwerking-aalst", status=Case.Status.DRAFT)
    for summary in ("Een eerste samenvatting.", "Een tweede, langere samenvatting."):
        case.summary = summary
        case_write(case=case, actor=researcher, comment="Bewaard.")
    older, newer = sorted(Version.objects.get_for_object(case).values_list("pk", flat=True))
    page = viewport_page
    log_in(page, live_server.url, "an")
    for path in (
        f"/beheer/cases/case/{case.pk}/change/",
        f"/beheer/cases/case/{case.pk}/history/",
        f"/beheer/cases/case/{case.pk}/versies/vergelijken/?van={older}&tot={newer}",
        "/beheer/cases/case/importeren/",
    ):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert horizontal_overflow(page) == 0, f"{path} scrolls sideways at {page.viewport_name}"


def test_the_release_list_fits_a_laptop_with_its_sha256_column(live_server, browser):
    ensure_framework()
    researcher = make_user(
        "an",
        password=PASSWORD,
        groups=(RESEARCHERS_GROUP,),
        is_staff=True,
        first_name="An",
        last_name="Janssens",
    )
    make_case(title=LONG_NAME, slug="buurtwerking-aalst")
    release = release_cut(title="Eerste versie van de praktijkenbank", actor=researcher)
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    log_in(page, live_server.url, "an")
    response = page.goto(live_server.url + "/beheer/diegem/release/")
    assert response.status == 200
    assert horizontal_overflow(page) == 0
    table = page.locator("#result_list").bounding_box()
    assert table["x"] + table["width"] <= 1366
    assert page.locator("#result_list td.field-cutter").inner_text() == "An Janssens"
    # The whole checksum is still there to copy.
    assert page.locator("#result_list td.field-sha256").inner_text() == release.sha256
    context.close()
