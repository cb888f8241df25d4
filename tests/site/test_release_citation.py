"""A data release is cited as the DieGem team's numbered dataset; its page can show the same Citeer block."""

import datetime
import json

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from diegem.release_citation import release_citation, release_cite_download
from tests.site import test_citation_formats as formats

RELEASE = release_citation(
    title="Praktijkenbank DieGem: gecodeerde praktijken",
    number=3,
    date=datetime.date(2026, 12, 2),
    url="https://praktijken.example.org/data/versies/3/",
)


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def test_a_release_is_the_teams_numbered_dataset_dated_by_its_cut():
    """The citation the format tests write out literally in each format (their RELEASE)."""
    assert RELEASE == formats.RELEASE


def test_the_bibtex_download_of_a_release():
    response = release_cite_download(RELEASE, "bib")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="diegem-versie-3.bib"'
    assert response.content.decode().startswith("@dataset{diegem-versie-3,\n")


def test_the_ris_and_csl_json_of_a_release():
    ris = release_cite_download(RELEASE, "ris")
    assert ris["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert ris["Content-Disposition"] == 'attachment; filename="diegem-versie-3.ris"'
    assert ris.content.decode().split("\r\n")[:2] == ["TY  - DATA", "AU  - DieGem"]
    assert "ET  - 3\r\n" in ris.content.decode()
    csl = release_cite_download(RELEASE, "json")
    assert csl["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert csl["Content-Disposition"] == 'attachment; filename="diegem-versie-3.json"'
    assert json.loads(csl.content)[0]["type"] == "dataset"
    assert json.loads(csl.content)[0]["version"] == "3"


def test_the_citeer_block_of_a_release():
    html = render_to_string(
        "includes/cite.html",
        {
            "citation": RELEASE,
            "bib_url": "/data/versies/3/citeer.bib",
            "ris_url": "/data/versies/3/citeer.ris",
            "json_url": "/data/versies/3/citeer.json",
            "cite_id": "citeer-versie-3",
        },
    )
    assert (
        '<section class="cite" id="citeer-versie-3" aria-labelledby="citeer-versie-3-titel">'
        in html
    )
    assert '<time datetime="2026-12-02">Versie 3 van 2 december 2026</time>' in html
    assert (
        '<p class="cite__reference" id="citeer-versie-3-referentie">DieGem. (2026). '
        "<i>Praktijkenbank DieGem: gecodeerde praktijken</i> (Versie 3 van 2 december 2026) "
        "[Dataset]. https://praktijken.example.org/data/versies/3/</p>"
    ) in html
    assert 'data-copy-from="citeer-versie-3-referentie"' in html
    assert '<a href="/data/versies/3/citeer.ris" download>' in html
