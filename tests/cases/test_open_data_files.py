"""The data files of `/data/` are built once per content version and served from disk
(`cases.open_data_files`): a download reads no case once its file is built, follows publication at
once, and names the cases under the site's lasting address."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import open_data_files
from cases.models import Case
from tests.factories import make_case, xlsx_text_rows

pytestmark = pytest.mark.django_db

DOWNLOADS = [
    "export-cases-csv",
    "export-codings-csv",
    "export-cases-xlsx",
    "export-codings-xlsx",
    "export-cases-json",
]


@pytest.fixture(autouse=True)
def own_directory(settings, tmp_path):
    settings.BUILT_FILES_DIR = tmp_path / "gebouwd"
    return settings.BUILT_FILES_DIR


def text_of(name: str, content: bytes) -> str:
    if name.endswith("xlsx"):
        return " ".join(" ".join(row) for row in xlsx_text_rows(content))
    return content.decode()


def cases_read(client, name: str) -> tuple[bytes, int]:
    """The download, and how many of its queries read cases."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name))
        content = response.getvalue()
    assert response.status_code == 200
    return content, sum('"cases_case"' in query["sql"] for query in queries)


@pytest.mark.parametrize("name", DOWNLOADS)
def test_a_data_file_is_built_once_per_content_version(client, framework, name):
    make_case(title="Buurtkeuken")
    first, reads = cases_read(client, name)
    assert reads > 0 and "Buurtkeuken" in text_of(name, first)

    again, reads = cases_read(client, name)
    assert (again, reads) == (first, 0)

    make_case(title="Repair Café")  # a new content version
    later, reads = cases_read(client, name)
    assert reads > 0 and "Repair Café" in text_of(name, later)


@pytest.mark.parametrize("name", DOWNLOADS)
def test_a_case_taken_offline_leaves_every_data_file_at_once(client, framework, name):
    case = make_case(title="VERDWIJNENDE-PRAKTIJK")
    assert "VERDWIJNENDE-PRAKTIJK" in text_of(name, client.get(reverse(name)).getvalue())
    case.status = Case.Status.DRAFT
    case.save()
    assert "VERDWIJNENDE-PRAKTIJK" not in text_of(name, client.get(reverse(name)).getvalue())


@pytest.mark.parametrize(
    "name, disposition, content_type",
    [
        ("export-cases-csv", "praktijken.csv", "text/csv; charset=utf-8"),
        ("export-codings-csv", "praktijken-lang.csv", "text/csv; charset=utf-8"),
        (
            "export-cases-xlsx",
            "praktijken.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "export-codings-xlsx",
            "praktijken-lang.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("export-cases-json", "praktijken.json", "application/json"),
    ],
)
def test_a_data_file_is_a_download_for_any_site(client, framework, name, disposition, content_type):
    make_case()
    response = client.get(reverse(name))
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{disposition}"'
    assert response["Access-Control-Allow-Origin"] == "*"
    assert int(response["Content-Length"]) == len(response.getvalue())


def test_the_json_names_the_cases_under_the_sites_lasting_address(client, framework, settings):
    make_case(slug="buurtkeuken")
    settings.SITE_URL = "https://praktijkenbank.example"
    data = json.loads(client.get(reverse("export-cases-json")).getvalue())
    assert data["bron"] == "https://praktijkenbank.example"
    assert data["praktijken"][0]["url"] == "https://praktijkenbank.example/praktijken/buurtkeuken/"


def test_the_command_builds_every_data_file_ahead_of_the_first_download(client, framework):
    make_case(title="Vooraf gebouwd")
    out = io.StringIO()
    call_command("build_files", stdout=out)
    lines = out.getvalue().splitlines()
    for name in (
        "praktijken.qdpx",
        "praktijken.csv",
        "praktijken-lang.csv",
        "praktijken.xlsx",
        "praktijken-lang.xlsx",
        "praktijken.json",
    ):
        assert [line for line in lines if f"-{name}-" in line], (name, lines)
    for name in DOWNLOADS:
        content, reads = cases_read(client, name)
        assert reads == 0 and "Vooraf gebouwd" in text_of(name, content)


def test_the_fingerprint_covers_what_decides_the_files():
    """A deploy that changes what the files hold, or what counts as published, builds them anew."""
    names = {module.__name__ for module in open_data_files.FINGERPRINTED_MODULES}
    assert names == {
        "cases.open_data_files",
        "cases.exchange",
        "cases.coding_reliability",
        "diegem.lib.agreement",
        "diegem.lib.languages",
        "cases.models",
        "frameworks.models",
    }
