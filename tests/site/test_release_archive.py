"""A release is a frozen ZIP: byte-identical on every download, after later edits too, and its checksum matches."""

import hashlib
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, SourceCoding
from diegem.data_releases import release_cut
from diegem.releases import Release
from tests.factories import make_case
from tests.site.release_helpers import members

pytestmark = pytest.mark.django_db


def test_a_release_holds_every_member_in_sorted_order_dated_at_the_cut(framework):
    make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    release = release_cut(title="Eerste versie")
    with zipfile.ZipFile(io.BytesIO(bytes(release.archive))) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == [
        "CHANGELOG.md",
        "CITATION.cff",
        "LICENSE",
        "README.md",
        "betrouwbaarheid.csv",
        "kader.qdc",
        "kanttekeningen.jsonld",
        "praktijken-lang.csv",
        "praktijken-lang.xlsx",
        "praktijken.csv",
        "praktijken.json",
        "praktijken.qdpx",
        "praktijken.xlsx",
    ]

    cut = timezone.localtime(release.cut_at)
    stamp = (cut.year, cut.month, cut.day, cut.hour, cut.minute, cut.second - cut.second % 2)
    assert {info.date_time for info in infos} == {stamp}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}
    assert release.contents == [[info.filename, info.file_size] for info in infos]


def test_the_download_is_the_same_bytes_twice_and_after_an_edit(client, framework):
    case = make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    release = release_cut(title="Eerste versie")
    url = "/data/versies/1/diegem-praktijkenbank-v1.zip"
    first = client.get(url)
    assert first.status_code == 200
    first = first.getvalue()  # streamed: read once
    assert client.get(url).getvalue() == first
    assert hashlib.sha256(first).hexdigest() == release.sha256
    assert len(first) == release.size

    case.title = "Buurtrestaurant De Lange Tafel"
    case.save()
    coding = SourceCoding.objects.filter(case=case).first()
    coding.strength = 3
    coding.save()
    make_case(title="Een nieuwe praktijk", slug="nieuw")
    after = client.get(url).getvalue()
    assert after == first
    assert b"Buurtrestaurant De Tafel" in members(after)["praktijken.csv"]
    assert b"De Lange Tafel" not in members(after)["praktijken.csv"]


def test_two_releases_of_the_same_data_differ_only_where_they_must(framework):
    """The tables of two cuts of unchanged data are byte-identical (an XLSX too: no save time inside)."""
    make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    one = members(bytes(release_cut(title="Een").archive))
    Release.objects.update(cut_at=Release.objects.get().cut_at)  # (nothing moves it)
    two = members(bytes(release_cut(title="Twee").archive))
    for name in ["praktijken.csv", "praktijken-lang.csv", "praktijken.json", "kader.qdc"]:
        assert one[name] == two[name], name
    with (
        zipfile.ZipFile(io.BytesIO(one["praktijken.xlsx"])) as a,
        zipfile.ZipFile(io.BytesIO(two["praktijken.xlsx"])) as b,
    ):
        assert a.read("xl/worksheets/sheet1.xml") == b.read("xl/worksheets/sheet1.xml")


def test_a_release_is_never_deleted_from_the_workbench(framework, researcher_client):
    make_case()
    release = release_cut(title="Eerste versie")
    response = researcher_client.post(
        reverse("admin:diegem_release_delete", args=[release.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Release.objects.count() == 1


def test_the_site_url_of_cases_is_in_the_json(framework, settings):
    settings.SITE_URL = "https://praktijkenbank.example"
    make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    data = members(bytes(release_cut(title="Eerste").archive))
    assert (
        b'"url": "https://praktijkenbank.example/praktijken/de-tafel/"' in data["praktijken.json"]
    )
    assert Case.objects.count() == 1
