"""Readings are open data: a long CSV and JSON, and every coding has an IRI of its own."""

import csv
import io
import json
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation, Reading
from tests.factories import make_case, make_reading

pytestmark = pytest.mark.django_db

SUBMITTED = timezone.make_aware(datetime(2026, 3, 4, 10, 0))
ANSWERED = timezone.make_aware(datetime(2026, 3, 9, 15, 30))


@pytest.fixture
def readings(framework, member_a):
    case = make_case(
        title="Buurtkeuken",
        slug="buurtkeuken",
        strengths={"ontmoeting": 2},
        positions={"consensus-conflict": 0},
    )
    organisation = member_a.membership.organisation
    first = make_reading(case, source="ontmoeting", author=member_a, organisation=organisation)
    second = make_reading(
        case,
        tension_field="consensus-conflict",
        value={"holds_both": True},
        author=member_a,
        organisation=organisation,
    )
    Annotation.objects.filter(pk__in=[first.pk, second.pk]).update(submitted_at=SUBMITTED)
    Reading.objects.filter(annotation=second).update(
        answer="Nee.", answer_html="<p>Nee.</p>", answered_at=ANSWERED
    )
    return case, first, second


def test_the_readings_as_a_long_csv(client, readings):
    case, first, second = readings
    response = client.get("/data/lezingen.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="lezingen.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [
        {
            "lezing": str(first.pk),
            "iri": f"http://testserver/api/kanttekeningen/{first.pk}/",
            "praktijk_slug": "buurtkeuken",
            "praktijk_titel": "Buurtkeuken",
            "codering": "ontmoeting",
            "soort": "bron",
            "huidige_waarde": "2",
            "huidige_waarde_woorden": "matig",
            "voorgestelde_waarde": "3",
            "voorgestelde_waarde_woorden": "sterk",
            "organisatie": "Samenlevingsopbouw Testwijk",
            "ingediend": "2026-03-04",
            "antwoord_status": "geen antwoord",
            "antwoord_datum": "",
        },
        {
            "lezing": str(second.pk),
            "iri": f"http://testserver/api/kanttekeningen/{second.pk}/",
            "praktijk_slug": "buurtkeuken",
            "praktijk_titel": "Buurtkeuken",
            "codering": "consensus-conflict",
            "soort": "spanningsveld",
            "huidige_waarde": "0",
            "huidige_waarde_woorden": "in het midden",
            "voorgestelde_waarde": "beide",
            "voorgestelde_waarde_woorden": "houdt beide polen vast",
            "organisatie": "Samenlevingsopbouw Testwijk",
            "ingediend": "2026-03-04",
            "antwoord_status": "beantwoord",
            "antwoord_datum": "2026-03-09",
        },
    ]
    assert "Amal" not in response.content.decode()  # the organisation, never a person's name


def test_the_readings_as_json(client, readings):
    _case, first, _second = readings
    response = client.get("/data/lezingen.json")

    assert response["Content-Type"] == "application/json"
    rows = json.loads(response.content)["lezingen"]
    assert rows[0]["lezing"] == first.pk
    assert rows[0]["antwoord_datum"] is None
    assert rows[1]["voorgestelde_waarde"] == "beide"
    assert rows[1]["antwoord_status"] == "beantwoord"


def test_the_data_page_documents_the_readings(client, readings):
    page = client.get(reverse("open-data")).content.decode()
    assert 'href="/data/lezingen.csv"' in page
    assert 'href="/data/lezingen.json"' in page
    assert "<code>antwoord_status</code>" in page


def test_a_coding_iri_leads_to_the_coding_on_its_case_page(client, readings):
    case, _first, _second = readings
    iri = f"/coderingen/{case.pk}/ontmoeting/"

    response = client.get(iri)
    assert response.status_code == 302
    assert response["Location"] == "/praktijken/buurtkeuken/#codering-ontmoeting"

    case.slug = "buurtkeuken-gent"
    case.save()
    assert client.get(iri)["Location"] == "/praktijken/buurtkeuken-gent/#codering-ontmoeting"
    assert client.get(f"/coderingen/{case.pk}/bestaat-niet/").status_code == 404


def test_a_coding_iri_answers_json_ld_when_asked(client, readings):
    case, _first, _second = readings
    response = client.get(f"/coderingen/{case.pk}/ontmoeting/", HTTP_ACCEPT="application/ld+json")

    data = json.loads(response.content)
    assert data["id"] == f"http://testserver/coderingen/{case.pk}/ontmoeting/"
    assert (data["name"], data["value"], data["valueReference"]) == ("Ontmoeting", "2", "matig")
    assert data["subjectOf"]["id"] == "http://testserver/praktijken/buurtkeuken/"
