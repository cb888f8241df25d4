"""Every case page offers "Citeer": a reference with its version date, and BibTeX, RIS and CSL-JSON downloads."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
PAGE_URL = "http://testserver/praktijken/samen-solidair/"


@pytest.fixture
def known_case(framework):
    """A published case with special characters in its title, two researchers, last changed on 5 December 2026."""
    case = make_case(title="Samen & solidair: 100% {buurt}", slug="samen-solidair")
    case.researchers.set(
        [
            make_user("bram", first_name="Bram", last_name="Peeters"),
            make_user("an", first_name="An", last_name="Janssens"),
        ]
    )
    changed = datetime.datetime(2026, 12, 5, 12, 0, tzinfo=BRUSSELS)
    Case.objects.filter(pk=case.pk).update(updated_at=changed)
    return Case.objects.get(pk=case.pk)


def cite_url(case, fmt):
    return reverse("case-cite", args=[case.slug, fmt])


def test_the_case_page_shows_the_reference_its_version_date_and_the_downloads(client, known_case):
    body = client.get(known_case.get_absolute_url()).content.decode()
    assert '<h2 id="citeer-titel">Citeer</h2>' in body
    assert '<time datetime="2026-12-05">Versie van 5 december 2026</time>' in body
    assert (
        '<p class="cite__reference" id="citeer-referentie">'
        "Janssens, A., &amp; Peeters, B. (2026). <i>Samen &amp; solidair: 100% {buurt}</i> "
        "(Versie van 5 december 2026). DieGem – praktijkenbank. "
        "http://testserver/praktijken/samen-solidair/</p>"
    ) in body
    assert 'data-copy-from="citeer-referentie"' in body
    for href in (
        "/praktijken/samen-solidair/citeer.bib",
        "/praktijken/samen-solidair/citeer.ris",
        "/praktijken/samen-solidair/citeer.json",
    ):
        assert f'<a href="{href}" download>' in body


def test_the_page_names_its_researchers_in_the_order_the_reference_does(client, known_case):
    body = client.get(known_case.get_absolute_url()).content.decode()
    assert "<dd>An Janssens, Bram Peeters</dd>" in body


def test_bibtex_download(client, known_case):
    response = client.get(cite_url(known_case, "bib"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="diegem-samen-solidair.bib"'
    assert response.content.decode() == (
        "@online{diegem-samen-solidair-2026-12-05,\n"
        "  author = {{Janssens}, An and {Peeters}, Bram},\n"
        "  title = {{Samen \\& solidair: 100\\% \\textbraceleft{}buurt\\textbraceright{}}},\n"
        "  organization = {DieGem – praktijkenbank},\n"
        "  date = {2026-12-05},\n"
        "  version = {2026-12-05},\n"
        "  url = {http://testserver/praktijken/samen-solidair/},\n"
        "}\n"
    )


def test_ris_download(client, known_case):
    response = client.get(cite_url(known_case, "ris"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="diegem-samen-solidair.ris"'
    assert response.content.decode().split("\r\n") == [
        "TY  - ELEC",
        "AU  - Janssens, An",
        "AU  - Peeters, Bram",
        "TI  - Samen & solidair: 100% {buurt}",
        "T2  - DieGem – praktijkenbank",
        "PB  - DieGem",
        "PY  - 2026",
        "DA  - 2026/12/05",
        "ET  - 2026-12-05",
        "UR  - http://testserver/praktijken/samen-solidair/",
        "LA  - nl",
        "ER  - ",
        "",
    ]


def test_csl_json_download(client, known_case):
    response = client.get(cite_url(known_case, "json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="diegem-samen-solidair.json"'
    assert json.loads(response.content) == [
        {
            "id": "diegem-samen-solidair-2026-12-05",
            "type": "webpage",
            "title": "Samen & solidair: 100% {buurt}",
            "author": [
                {"family": "Janssens", "given": "An"},
                {"family": "Peeters", "given": "Bram"},
            ],
            "container-title": "DieGem – praktijkenbank",
            "publisher": "DieGem",
            "issued": {"date-parts": [[2026, 12, 5]]},
            "version": "2026-12-05",
            "URL": "http://testserver/praktijken/samen-solidair/",
            "language": "nl",
        }
    ]


def test_a_case_without_researchers_is_cited_as_the_work_of_the_team(client, framework):
    case = make_case(title="Buurtkeuken", slug="buurtkeuken")
    Case.objects.filter(pk=case.pk).update(
        updated_at=datetime.datetime(2026, 3, 1, 12, tzinfo=BRUSSELS)
    )
    body = client.get(case.get_absolute_url()).content.decode()
    assert (
        "DieGem. (2026). <i>Buurtkeuken</i> (Versie van 1 maart 2026). DieGem – praktijkenbank."
    ) in body
    assert "  author = {{DieGem}},\n" in client.get(cite_url(case, "bib")).content.decode()


def test_a_researcher_without_a_family_name_is_cited_as_the_page_names_them(client, framework):
    case = make_case(slug="zonder-familienaam")
    case.researchers.set([make_user("karim")])
    ris = client.get(cite_url(case, "ris")).content.decode()
    assert "AU  - karim\r\n" in ris
    assert json.loads(client.get(cite_url(case, "json")).content)[0]["author"] == [
        {"literal": "karim"}
    ]


def test_the_version_date_moves_when_the_public_content_changes(client, known_case, researcher):
    known_case.title = "Samen en solidair"
    services.case_write(case=known_case, actor=researcher, comment="Titel aangepast")
    today = timezone.localdate().isoformat()
    bib = client.get(cite_url(known_case, "bib")).content.decode()
    assert "  title = {{Samen en solidair}},\n" in bib
    assert f"  date = {{{today}}},\n" in bib


def test_a_save_that_changes_nothing_keeps_the_version_date(client, known_case, researcher):
    services.case_write(case=known_case, actor=researcher, comment="")
    assert "  date = {2026-12-05},\n" in client.get(cite_url(known_case, "bib")).content.decode()


@pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
def test_a_draft_is_a_404_for_anonymous_readers_and_members(client, member_client, framework, fmt):
    draft = make_case(status=Case.Status.DRAFT, title="Geheim ontwerp", slug="geheim")
    in_review = make_case(status=Case.Status.IN_REVIEW, slug="in-review")
    for case in (draft, in_review):
        assert client.get(cite_url(case, fmt)).status_code == 404
        assert member_client.get(cite_url(case, fmt)).status_code == 404


@pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
def test_researchers_may_cite_a_draft_they_preview(researcher_client, framework, fmt):
    draft = make_case(status=Case.Status.DRAFT, title="Geheim ontwerp", slug="geheim")
    response = researcher_client.get(cite_url(draft, fmt))
    assert response.status_code == 200
    assert "Geheim ontwerp" in response.content.decode()


def test_an_unknown_format_or_case_is_a_404(client, known_case):
    assert client.get("/praktijken/samen-solidair/citeer.txt").status_code == 404
    assert client.get("/praktijken/samen-solidair/citeer.").status_code == 404
    assert client.get("/praktijken/bestaat-niet/citeer.bib").status_code == 404


def test_the_version_date_is_the_day_in_brussels(client, known_case):
    """Changed at 00:30 in Brussels on 6 December (still the 5th in UTC): version of 6 December."""
    Case.objects.filter(pk=known_case.pk).update(
        updated_at=datetime.datetime(2026, 12, 5, 23, 30, tzinfo=datetime.UTC)
    )
    assert "  date = {2026-12-06},\n" in client.get(cite_url(known_case, "bib")).content.decode()


def test_downloads_answer_get_and_head_only(client, known_case):
    assert client.head(cite_url(known_case, "bib")).status_code == 200
    assert client.post(cite_url(known_case, "bib")).status_code == 405


def test_downloads_are_cached_for_anonymous_readers_and_follow_every_edit(
    client, known_case, researcher
):
    url = cite_url(known_case, "ris")
    assert client.get(url)["X-Page-Cache"] == "miss"
    cached = client.get(url)
    assert cached["X-Page-Cache"] == "hit"
    assert cached["Content-Disposition"] == 'attachment; filename="diegem-samen-solidair.ris"'
    assert cached["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    known_case.title = "Samen en solidair"
    services.case_write(case=known_case, actor=researcher, comment="Titel aangepast")
    assert "TI  - Samen en solidair\r\n" in client.get(url).content.decode()


def test_an_unpublished_case_leaves_the_cached_downloads_at_once(client, known_case, researcher):
    url = cite_url(known_case, "bib")
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    services.case_transition(case=known_case, action="unpublish", actor=researcher)
    assert client.get(url).status_code == 404


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_citation_costs_no_query_per_researcher(researcher_client, framework):
    """Logged in (never cached): the page and the download cost the same with one researcher and eight."""
    few = make_case(slug="weinig")
    few.researchers.set([make_user(first_name="Eén", last_name="Onderzoeker")])
    many = make_case(slug="veel")
    many.researchers.set(
        [make_user(first_name=f"Naam{i}", last_name=f"Onderzoeker{i}") for i in range(8)]
    )
    for url in ("/praktijken/{}/", "/praktijken/{}/citeer.bib"):
        assert queries(researcher_client, url.format("weinig")) == queries(
            researcher_client, url.format("veel")
        )
    assert queries(researcher_client, "/praktijken/veel/citeer.json") <= 8
