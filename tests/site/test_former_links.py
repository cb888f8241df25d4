"""Links of the first release, made with English keys, lead to the Dutch addresses."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from annotations.models import Annotation
from cases.exchange import import_cases
from cases.models import SourceCoding
from tests.factories import make_case

pytestmark = pytest.mark.django_db

# (old address, new address), written out.
MOVED_PAGES = [
    ("/bronnen/interdependence/", "/bronnen/wederzijdse-afhankelijkheid/"),
    ("/bronnen/norms-values/", "/bronnen/normen-en-waarden/"),
    ("/bronnen/struggle/", "/bronnen/strijd/"),
    ("/bronnen/encounter/", "/bronnen/ontmoeting/"),
    (
        "/spanningsvelden/universal-particularistic/",
        "/spanningsvelden/universeel-particularistisch/",
    ),
    ("/spanningsvelden/economic-cultural/", "/spanningsvelden/economisch-cultureel/"),
    ("/spanningsvelden/integration-transformation/", "/spanningsvelden/integratie-transformatie/"),
    ("/spanningsvelden/distance-proximity/", "/spanningsvelden/afstand-nabijheid/"),
    (
        "/spanningsvelden/negotiable-non-negotiable/",
        "/spanningsvelden/onderhandelbaar-niet-onderhandelbaar/",
    ),
]


@pytest.mark.parametrize(("old", "new"), MOVED_PAGES)
def test_english_source_and_field_addresses_redirect_permanently(client, framework, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
    assert client.get(new).status_code == 200


def test_the_dutch_addresses_are_the_ones_the_site_links_to(client, framework):
    assert client.get("/bronnen/strijd/").status_code == 200
    assert client.get("/spanningsvelden/consensus-conflict/").status_code == 200
    page = client.get("/kader/").content.decode()
    assert 'href="/bronnen/strijd/"' in page
    assert "/bronnen/struggle/" not in page


def test_a_filtered_list_with_english_parameter_names_redirects_to_the_dutch_ones(
    client, framework
):
    response = client.get(
        "/praktijken/",
        {"bron-struggle": "2", "negotiable-non-negotiable-van": "-1", "domein": "wonen"},
    )
    assert response.status_code == 301
    assert response["Location"] == (
        "/praktijken/?domein=wonen&bron-strijd=2&onderhandelbaar-niet-onderhandelbaar-van=-1"
    )


def test_a_case_text_iri_with_a_field_name_redirects_to_the_dutch_section_name(client, framework):
    case = make_case(slug="buurtkeuken")
    response = client.get("/praktijken/buurtkeuken/tekst/practice/")
    assert response.status_code == 301
    assert response["Location"] == "/praktijken/buurtkeuken/tekst/praktijk/"
    assert client.get(response["Location"]).content.decode() == case.practice


def test_case_text_sections_have_dutch_anchors(client, framework):
    call_command("seed", verbosity=0)
    page = client.get(reverse("case-detail", args=["torekes"])).content.decode()
    for anchor in ("context", "praktijk", "plaats", "burgerschapspraktijken", "leerprocessen"):
        assert f'id="{anchor}"' in page
    assert 'id="practice"' not in page
    note = Annotation.objects.filter(case__slug="torekes", case_field="practice").first()
    assert note.target_url == "/praktijken/torekes/#praktijk"


def test_a_spreadsheet_with_the_first_release_column_names_still_imports(framework, researcher):
    make_case(slug="oud-bestand", status="draft")
    content = (
        "slug,titel,soort,domein,gemeente,initiatief,samenvatting,bron_struggle,bron_struggle_onderbouwing\n"
        "oud-bestand,Oud bestand,case_study,wonen,Gent,Buurtwerk,Kort.,3,Strijd staat centraal.\n"
    )
    report = import_cases(content.encode(), filename="oud.csv", actor=researcher, dry_run=False)
    assert report.ok, report.errors
    coding = SourceCoding.objects.get(case__slug="oud-bestand", source__key="strijd")
    assert (coding.strength, coding.rationale) == (3, "Strijd staat centraal.")
