"""Taking the bank into analysis software: a reader downloads the public QDPX project from /data/,
a researcher downloads the one with drafts from the workbench. On a laptop and on a phone."""

import io
import zipfile

import pytest

from cases.models import Case
from cases.roles import RESEARCHERS_GROUP
from tests.browser.conftest import PASSWORD, collect_console_errors, horizontal_overflow, log_in
from tests.factories import ensure_framework, make_case, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _project_text(download) -> str:
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        return archive.read("project.qde").decode("utf-8")


def test_a_reader_and_a_researcher_download_the_project(live_server, viewport_page, csp_violations):
    page = viewport_page
    errors = collect_console_errors(page)
    ensure_framework()
    make_case(title="Soepbar De Pot")
    make_case(title="Buurtkeuken in opbouw", status=Case.Status.DRAFT)
    make_user("onderzoeker", password=PASSWORD, groups=(RESEARCHERS_GROUP,), is_staff=True)

    page.goto(f"{live_server.url}/data/")
    assert horizontal_overflow(page) == 0
    with page.expect_download() as public:
        page.get_by_role("link", name="diegem-praktijken.qdpx").click()
    assert public.value.suggested_filename == "diegem-praktijken.qdpx"
    content = _project_text(public.value)
    assert "Soepbar De Pot" in content and "Buurtkeuken in opbouw" not in content
    assert errors == []

    log_in(page, live_server.url, "onderzoeker")
    page.goto(f"{live_server.url}/beheer/cases/case/")
    with page.expect_download() as drafts:
        page.get_by_role("link", name="QDPX-project met concepten").click()
    assert drafts.value.suggested_filename == "diegem-praktijken-met-concepten.qdpx"
    content = _project_text(drafts.value)
    assert "Soepbar De Pot" in content and "Buurtkeuken in opbouw" in content
    assert csp_violations == []
