"""What a save in the workbench records: only real changes, each named by its own field."""

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from lxml import etree
from taggit.models import Tag

from cases import exchange
from cases.history import snapshot, versions_of
from cases.models import Case, CodingEvidence, SourceCoding, TensionPosition
from frameworks.models import Source
from tests.cases.conftest import change_url, comments, row_of, the_form
from tests.factories import good_row, make_case, wide_csv
from tests.html import form_values

pytestmark = pytest.mark.django_db

PRACTICE = (
    "Elke zaterdag koken buren samen in het buurthuis.\n\nZe leren elkaars recepten en talen."
)
CONTEXT = "Een wijk met veel nieuwkomers.\n\nHet buurthuis is oud."


def feed_updated(client, slug: str) -> str:
    cache.clear()
    feed = etree.fromstring(client.get(reverse("case-feed")).content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = next(
        e
        for e in feed.xpath("//a:entry", namespaces=ns)
        if slug in e.xpath("string(a:link/@href)", namespaces=ns)
    )
    return entry.xpath("string(a:updated)", namespaces=ns)


@pytest.fixture
def case(framework):
    case = make_case(
        slug="buurtkeuken",
        title="Buurtkeuken",
        practice=PRACTICE,
        context=CONTEXT,
        place_text="Gent.\n\nRabot.",
    )
    SourceCoding.objects.filter(case=case, source__key="strijd").update(
        rationale="Eerste lijn.\nTweede lijn."
    )
    return case


def test_saving_an_unchanged_case_keeps_no_version_and_leaves_its_dates(
    case, researcher_client, client
):
    researcher_client.post(
        change_url(case), the_form(researcher_client, case) | {"summary": "Een eerste versie."}
    )
    case.refresh_from_db()
    updated_at, feed_date = case.updated_at, feed_updated(client, "buurtkeuken")

    response = researcher_client.post(
        change_url(case), the_form(researcher_client, case) | {"_continue": "1"}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert comments(case) == ["Samenvatting gewijzigd."]
    assert case.updated_at == updated_at
    assert feed_updated(client, "buurtkeuken") == feed_date
    assert (
        SourceCoding.objects.get(case=case, source__key="strijd").rationale
        == "Eerste lijn.\nTweede lijn."
    )


def test_a_case_without_coordinates_keeps_none_when_saved_unchanged(case, researcher_client):
    # The map places it at its municipality; the data say only what a researcher gave.
    assert (case.nis_code, case.latitude, case.longitude) == ("44021", None, None)
    updated_at = case.updated_at

    response = researcher_client.post(change_url(case), the_form(researcher_client, case))

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.latitude, case.longitude, case.updated_at) == (None, None, updated_at)
    assert comments(case) == []  # nothing changed: no version
    out = io.StringIO()
    exchange.export_wide_csv(Case.objects.filter(pk=case.pk), out)
    [row] = csv.DictReader(io.StringIO(out.getvalue()))
    assert (row["breedtegraad"], row["lengtegraad"]) == ("", "")


def test_a_save_that_only_adds_evidence_is_one_version_about_the_evidence(case, researcher_client):
    updated_at = case.updated_at
    data = the_form(researcher_client, case)
    encounter = Source.objects.get(key="ontmoeting")
    data |= {
        "evidence-TOTAL_FORMS": "1",
        "evidence-0-coding": f"source:{encounter.pk}",
        "evidence-0-case_field": "practice",
        "evidence-0-passage": "koken buren samen",
        "evidence-0-note": "",
    }
    assert researcher_client.post(change_url(case), data).status_code == 302
    assert CodingEvidence.objects.filter(case=case).count() == 1
    assert comments(case) == ["Tekstbewijs voor Ontmoeting toegevoegd: ‘koken buren samen’."]
    case.refresh_from_db()
    assert (
        case.updated_at > updated_at
    )  # a new version is a change of the case: the feed's date moves


def test_a_changed_strength_names_its_own_source_with_both_values(case, researcher_client):
    data = the_form(researcher_client, case)
    struggle = row_of(data, "source_codings", "source", Source.objects.get(key="strijd").pk)
    data[f"{struggle}-strength"] = "2"
    researcher_client.post(change_url(case), data)
    assert comments(case) == ["Strijd: sterkte zwak → matig."]


def test_changes_to_several_codings_are_each_named(case, researcher_client):
    data = the_form(researcher_client, case)
    encounter = row_of(data, "source_codings", "source", Source.objects.get(key="ontmoeting").pk)
    conflict = row_of(
        data,
        "tension_positions",
        "tension_field",
        TensionPosition.objects.get(
            case=case, tension_field__key="consensus-conflict"
        ).tension_field_id,
    )
    distance = row_of(
        data,
        "tension_positions",
        "tension_field",
        TensionPosition.objects.get(
            case=case, tension_field__key="afstand-nabijheid"
        ).tension_field_id,
    )
    data |= {
        "practice": PRACTICE.replace("\n", "\r\n") + "\r\n\r\nEen derde alinea.",
        "context": "Een andere context.",
        f"{encounter}-rationale": "Ze zien elkaar elke week.",
        f"{conflict}-position": "2",
        f"{conflict}-rationale": "Er wordt stevig gediscussieerd.",
        f"{distance}-position": "",
        f"{distance}-holds_both": "on",
    }
    assert researcher_client.post(change_url(case), data).status_code == 302
    assert comments(case) == [
        "Context en de praktijk gewijzigd; "
        "Ontmoeting: onderbouwing gewijzigd; "
        "Consensus – conflict: positie in het midden → sterk conflict, onderbouwing gewijzigd; "
        "Afstand – nabijheid: positie in het midden → houdt beide polen vast."
    ]


def test_removed_and_added_codings_are_named(framework, researcher_client):
    # A draft: a published case keeps a coding on every source (tests/cases/test_published_stays_complete.py).
    case = make_case(slug="half", title="Half", status=Case.Status.DRAFT)
    SourceCoding.objects.filter(case=case, source__key="strijd").delete()
    data = the_form(researcher_client, case)
    # The empty row offered for the missing source, and the first existing row ticked for deletion.
    new_row = next(
        k.rsplit("-", 1)[0]
        for k, v in data.items()
        if k.startswith("source_codings-") and k.endswith("-id") and not v
    )
    data |= {
        f"{new_row}-source": str(Source.objects.get(key="strijd").pk),
        f"{new_row}-strength": "3",
        f"{new_row}-rationale": "Actie.",
    }
    solidarity = row_of(
        data, "source_codings", "source", Source.objects.get(key="wederzijdse-afhankelijkheid").pk
    )
    data[f"{solidarity}-DELETE"] = "on"
    assert researcher_client.post(change_url(case), data).status_code == 302
    assert comments(case) == [
        "Strijd: gecodeerd als sterk, grond interpretatie; Wederzijdse afhankelijkheid: codering verwijderd."
    ]
    assert Case.objects.get(pk=case.pk).source_codings.count() == 3


def test_a_changed_strength_moves_the_cases_date_in_the_feed(case, researcher_client, client):
    before = feed_updated(client, "buurtkeuken")
    data = the_form(researcher_client, case)
    row = next(
        key
        for key, value in data.items()
        if key.endswith("-source") and value == str(Source.objects.get(key="strijd").pk)
    )
    data[row.replace("-source", "-strength")] = "3"
    assert researcher_client.post(change_url(case), data).status_code == 302
    assert comments(case)[0].startswith("Strijd: sterkte")
    assert feed_updated(client, "buurtkeuken") > before


def test_versions_hold_what_the_change_wrote(framework, researcher, researcher_client):
    """A version holds the coding and keywords written in the same change: by an import, and in the admin."""
    content = wide_csv([good_row(slug="uit-import", titel="Uit import", status="draft")])
    report = exchange.import_cases(content, filename="p.csv", actor=researcher, dry_run=False)
    assert report.saved, report.errors
    case = Case.objects.get(slug="uit-import")
    shot = snapshot(versions_of(case).first())
    assert len(shot.strengths) == 4 and len(shot.positions) == 6
    data = form_values(researcher_client.get(change_url(case)), "case_form")
    data["keywords"] = "markt, taal"
    assert researcher_client.post(change_url(case), data).status_code == 302

    latest = snapshot(versions_of(case).first())
    assert {Tag.objects.get(pk=pk).name for pk in latest.keyword_ids} == {"markt", "taal"}
