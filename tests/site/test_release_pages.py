"""/data/ lists releases beside the live data; a release's page; its download with the right headers."""

import datetime
import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from diegem import releases
from diegem.data_releases import release_cut
from diegem.releases import Release
from tests.factories import make_case
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


def test_open_data_lists_releases_newest_first_beside_the_live_data(client, framework):
    make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    release_cut(title="Eerste helft")
    second = release_cut(title="Tweede <helft>")
    page = client.get(reverse("open-data")).content.decode()
    assert page.index("Versie 2</strong>: Tweede &lt;helft&gt;") < page.index(
        "Versie 1</strong>: Eerste helft"
    )
    assert 'href="/data/versies/2/diegem-praktijkenbank-v2.zip"' in page
    assert second.sha256 in page
    assert "De laatste gegevens" in page
    assert 'href="/data/praktijken.csv"' in page


def test_open_data_is_made_anew_after_a_cut(client, framework):
    make_case()
    assert "Er is nog geen versie uitgebracht." in client.get(reverse("open-data")).content.decode()
    release_cut(title="Eerste helft")
    assert "Eerste helft" in client.get(reverse("open-data")).content.decode()


def test_the_release_page(client, framework):
    case = make_case(title="Buurtrestaurant <De Tafel>", slug="de-tafel")
    services.case_write(case=case, actor=None, comment="eerste versie")
    release = release_cut(title="Eerste helft", description="Wat <b>erin</b> zit.")
    page = client.get("/data/versies/1/").content.decode()
    assert "<h1>Versie 1: Eerste helft</h1>" in page
    assert "Wat &lt;b&gt;erin&lt;/b&gt; zit." in page
    assert release.sha256 in page
    assert "<code>praktijken.csv</code>" in page
    assert "<code>CITATION.cff</code>" in page
    # The changelog is shown, escaped.
    assert "Buurtrestaurant &lt;De Tafel&gt;" in page
    assert "<De Tafel>" not in page
    assert client.get("/data/versies/2/").status_code == 404
    assert client.head("/data/versies/1/").status_code == 200


@pytest.mark.parametrize("language", ["fr", "en"])
def test_what_researchers_wrote_in_dutch_is_marked_dutch_on_a_page_in_another_language(
    client, framework, language
):
    make_case()
    release_cut(title="Eerste <helft>", description="Alle gepubliceerde praktijken.")
    release = parse(client.get(f"/{language}/data/versies/1/"))
    assert texts(release, "//h1/span[@lang='nl']") == ["Eerste <helft>"]
    assert texts(release, "//main//p[@lang='nl']") == ["Alle gepubliceerde praktijken."]
    assert release.xpath("//pre[@class='changelog']/@lang") == ["nl"]
    listed = parse(client.get(f"/{language}/data/"))
    assert texts(listed, "//main//a/span[@lang='nl']") == ["Eerste <helft>"]
    # On the Dutch page the same texts carry no mark.
    dutch = parse(client.get("/data/versies/1/"))
    assert dutch.xpath("//main//*[@lang='nl']") == []


def test_the_download_headers(client, framework):
    make_case()
    release = release_cut(title="Eerste")
    url = "/data/versies/1/diegem-praktijkenbank-v1.zip"
    response = client.get(url)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="diegem-praktijkenbank-v1.zip"'
    assert response["ETag"] == f'"{release.sha256}"'
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert hashlib.sha256(response.getvalue()).hexdigest() == release.sha256
    head = client.head(url)
    assert head.status_code == 200
    assert head["Content-Length"] == str(release.size)
    assert head["ETag"] == f'"{release.sha256}"'
    again = client.get(url, HTTP_IF_NONE_MATCH=f'"{release.sha256}"')
    assert again.status_code == 304
    # Compared weakly, as HTTP asks (a compressing proxy weakens the tag), and * holds any.
    for held in (f'W/"{release.sha256}"', "*"):
        assert client.get(url, HTTP_IF_NONE_MATCH=held).status_code == 304, held
    assert client.get(url, HTTP_IF_NONE_MATCH='"ander"').status_code == 200


def test_unknown_numbers_are_a_404(client, framework):
    make_case()
    release_cut(title="Eerste")
    assert client.get("/data/versies/2/diegem-praktijkenbank-v2.zip").status_code == 404
    assert client.get("/data/versies/1/diegem-praktijkenbank-v2.zip").status_code == 404
    assert client.get("/data/versies/0/").status_code == 404
    assert client.post("/data/versies/1/diegem-praktijkenbank-v1.zip").status_code == 405


@pytest.mark.parametrize("count", [1, 20])
def test_open_data_queries_stay_flat(client, framework, django_assert_max_num_queries, count):
    make_case()
    release = release_cut(title="Eerste")
    Release.objects.bulk_create(
        Release(
            number=n,
            title=f"Versie {n}",
            cut_at=release.cut_at,
            archive=b"",
            size=0,
            sha256=release.sha256,
            contents=[],
        )
        for n in range(2, count + 1)
    )
    with django_assert_max_num_queries(6):
        response = client.get(reverse("open-data"))
    assert response.getvalue().decode().count('class="checksum"') == count
    with django_assert_max_num_queries(4):
        client.get("/data/versies/1/")


def test_a_release_is_cited_with_its_number_and_cut_date(framework, anonymous_client):
    release = release_cut(title="Eerste oogst")
    Release.objects.filter(pk=release.pk).update(
        cut_at=datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)
    )
    page = anonymous_client.get(reverse("release-detail", args=[release.number]))
    html = page.content.decode()
    assert "Versie 1 van 2 december 2026" in html
    assert 'href="/data/versies/1/citeer.bib"' in html
    bib = anonymous_client.get("/data/versies/1/citeer.bib")
    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert bib["Content-Disposition"] == 'attachment; filename="diegem-versie-1.bib"'
    text = bib.content.decode()
    assert text.startswith("@dataset{diegem-versie-1,")
    assert "version = {1}" in text
    assert "date = {2026-12-02}" in text
    assert anonymous_client.get("/data/versies/2/citeer.ris").status_code == 404


def test_a_release_is_downloaded_a_part_at_a_time(client, framework, monkeypatch):
    """Never the whole ZIP in one query or in a worker's memory: at 10,000 cases it is 100 MB."""
    make_case()
    release = release_cut(title="Eerste")
    monkeypatch.setattr(releases, "ARCHIVE_PART", 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/data/versies/1/diegem-praktijkenbank-v1.zip")
        parts = list(response.streaming_content)
    count = -(-release.size // 1000)  # the parts, the last one shorter
    assert [len(part) for part in parts] == [1000] * (count - 1) + [
        release.size - 1000 * (count - 1)
    ]
    assert hashlib.sha256(b"".join(parts)).hexdigest() == release.sha256
    assert response["Content-Length"] == str(release.size)
    read = [q["sql"] for q in queries.captured_queries if "SUBSTRING" in q["sql"]]
    assert len(read) == count


def test_the_length_said_is_the_length_sent(client, framework):
    """Content-Length is what the archive holds, whatever the size column says (a client would
    wait for bytes that never come)."""
    make_case()
    release = release_cut(title="Eerste")
    Release.objects.filter(pk=release.pk).update(size=release.size + 5000)
    url = "/data/versies/1/diegem-praktijkenbank-v1.zip"
    response = client.get(url)
    assert response["Content-Length"] == str(len(response.getvalue())) == str(release.size)
    assert client.head(url)["Content-Length"] == str(release.size)
