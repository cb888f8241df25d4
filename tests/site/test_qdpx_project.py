"""The bank as a REFI-QDA project (`.qdpx`): valid, resolvable, stable, and nothing unpublished in it."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import etree

from annotations import qdpx_project
from annotations.models import Annotation
from cases import exchange
from cases.models import Case, CodingEvidence, Grounds, SourceCoding, TensionPosition
from frameworks.models import Section
from tests.conftest import logged_in
from tests.factories import cite, make_annotation, make_case, make_reading, make_reply, make_user

pytestmark = pytest.mark.django_db
STANDARDS = Path(__file__).resolve().parent.parent / "standards"
NS = {"q": "urn:QDA-XML:project:1.0"}
PRACTICE = "Soep 🍲 voor iedereen.\n\nIedereen schuift aan, ook wie niet betaalt."


def unpack(content: bytes) -> tuple[etree._Element, dict[str, str]]:
    """project.qde parsed, and the source texts by path (`internal://<guid>.txt`)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert names[0] == "project.qde"
        assert all(name.startswith("Sources/") for name in names[1:])
        project = etree.fromstring(archive.read("project.qde"))
        texts = {
            "internal://" + name.removeprefix("Sources/"): archive.read(name).decode("utf-8")
            for name in names[1:]
        }
    return project, texts


def everything(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())


def public_file() -> bytes:
    response = Client().get(reverse("export-project"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return response.getvalue()


@pytest.fixture
def soup_kitchen(framework, researcher):
    """A published case with evidence on a source and a tension field, notes and a reading."""
    case = make_case(
        title="Soepbar De Pot",
        slug="soepbar-de-pot",
        practice=PRACTICE,
        strengths={"ontmoeting": 3},
        positions={"consensus-conflict": "both"},
    )
    case.researchers.set([researcher])
    cite(case, "ontmoeting", "Iedereen schuift aan")
    cite(case, "consensus-conflict", "ook wie niet betaalt")
    SourceCoding.objects.filter(case=case, source__key="ontmoeting").update(
        grounds=Grounds.EVIDENCE, rationale="Buren ontmoeten elkaar aan tafel."
    )
    return case


def test_the_project_validates_against_the_schema_and_every_reference_resolves(
    soup_kitchen, researcher
):
    member = make_user("lidje", first_name="Lies", last_name="Lid")
    note = make_annotation(target=soup_kitchen, passage="voor iedereen", author=member)
    make_reply(note, author=member, body="Een antwoord in de draad.")
    make_annotation(target=Section.objects.get(key="ontmoeting"), body="Op het kader.")
    make_reading(soup_kitchen, source="strijd", passage="Soep", body="Lezing met passage.")
    make_reading(soup_kitchen, tension_field="consensus-conflict", body="Lezing zonder passage.")

    project, texts = unpack(public_file())

    schema = etree.XMLSchema(etree.parse(str(STANDARDS / "Project.xsd")))
    assert schema.validate(project), schema.error_log
    guids = {
        kind: set(project.xpath(f"//q:{kind}/@guid", namespaces=NS))
        for kind in ("User", "Code", "Variable", "Case", "TextSource", "Note", "PlainTextSelection")
    }
    every_guid = project.xpath("//@guid")
    assert len(every_guid) == len(set(every_guid))  # no GUID names two things
    assert set(project.xpath("//q:CodeRef/@targetGUID", namespaces=NS)) <= guids["Code"]
    assert set(project.xpath("//q:MemberCode/@targetGUID", namespaces=NS)) <= guids["Code"]
    assert set(project.xpath("//q:VariableRef/@targetGUID", namespaces=NS)) <= guids["Variable"]
    assert set(project.xpath("//q:SourceRef/@targetGUID", namespaces=NS)) <= guids["TextSource"]
    note_refs = set(project.xpath("//q:NoteRef/@targetGUID", namespaces=NS))
    assert note_refs and note_refs <= guids["Note"]
    creators = set(project.xpath("//@creatingUser", namespaces=NS))
    assert creators and creators <= guids["User"]
    for link in project.xpath("//q:Link", namespaces=NS):
        assert link.get("originGUID") in guids["Note"]
        assert link.get("targetGUID") in guids["Case"]
    # Every text source has its file, and every selection lies within it.
    for source in project.xpath("//q:TextSource", namespaces=NS):
        text = texts[source.get("plainTextPath")]
        assert source.get("plainTextPath") == f"internal://{source.get('guid')}.txt"
        for selection in source.xpath("q:PlainTextSelection", namespaces=NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert 0 <= start < end <= len(text)
    assert len(texts) == len(guids["TextSource"])
    # Every note is about something: a selection, a coding or (by a link) a case.
    linked = set(project.xpath("//q:Link/@originGUID", namespaces=NS))
    assert guids["Note"] == note_refs | linked


def test_an_evidence_passage_is_a_selection_of_its_quote_coded_with_its_framework_code(
    soup_kitchen,
):
    project, texts = unpack(public_file())

    [source] = project.xpath("//q:TextSource[@name='Soepbar De Pot · De praktijk']", namespaces=NS)
    text = texts[source.get("plainTextPath")]
    assert text == "Soep 🍲 voor iedereen.\n\nIedereen schuift aan, ook wie niet betaalt."
    [meeting] = source.xpath("q:PlainTextSelection[@name='Tekstbewijs: Ontmoeting']", namespaces=NS)
    # Code points, not UTF-16 units: the soup bowl counts as one.
    assert (meeting.get("startPosition"), meeting.get("endPosition")) == ("23", "43")
    assert text[23:43] == "Iedereen schuift aan"
    assert meeting.xpath("q:Coding/q:CodeRef/@targetGUID", namespaces=NS) == [
        "ffaa9f82-3a4a-526c-b054-9d0945dcf7bb"  # Ontmoeting in the .qdc
    ]
    [rationale_ref] = meeting.xpath("q:Coding/q:NoteRef/@targetGUID", namespaces=NS)
    [rationale] = project.xpath(f"//q:Note[@guid='{rationale_ref}']", namespaces=NS)
    assert rationale.findtext("q:PlainTextContent", namespaces=NS) == (
        "Ontmoeting: sterk (tekstbewijs)\n\nBuren ontmoeten elkaar aan tafel."
    )
    # A passage for a tension field the case holds both poles of: its "beide polen" code.
    [tension] = source.xpath(
        "q:PlainTextSelection[@name='Tekstbewijs: consensus – conflict']", namespaces=NS
    )
    start, end = int(tension.get("startPosition")), int(tension.get("endPosition"))
    assert (start, end, text[start:end]) == (45, 65, "ook wie niet betaalt")
    [code] = tension.xpath("q:Coding/q:CodeRef/@targetGUID", namespaces=NS)
    assert project.xpath(f"//q:Code[@guid='{code}']/@name", namespaces=NS) == [
        "consensus – conflict: beide polen"
    ]


def test_a_case_carries_its_variables_and_its_sources(soup_kitchen, researcher):
    SourceCoding.objects.filter(case=soup_kitchen, source__key="strijd").update(
        grounds=Grounds.UNDETERMINED, strength=None
    )
    project, _texts = unpack(public_file())

    [case] = project.xpath("//q:Case[@name='Soepbar De Pot']", namespaces=NS)
    names = {v.get("guid"): v.get("name") for v in project.xpath("//q:Variable", namespaces=NS)}
    values = {
        names[value.find("q:VariableRef", NS).get("targetGUID")]: value[1].text
        for value in case.xpath("q:VariableValue", namespaces=NS)
    }
    assert {
        name: values.get(name)
        for name in (
            "soort",
            "domein",
            "gemeente",
            "status",
            "bron_ontmoeting",
            "bron_ontmoeting_grond",
            "bron_strijd",
            "bron_strijd_grond",
            "veld_consensus-conflict",
            "veld_consensus-conflict_grond",
        )
    } == {
        "soort": "casestudie",
        "domein": "wonen",
        "gemeente": "Gent",
        "status": "gepubliceerd",
        "bron_ontmoeting": "3",
        "bron_ontmoeting_grond": "tekstbewijs",
        "bron_strijd": None,  # cannot be told: no value, only its grounds
        "bron_strijd_grond": "niet_te_bepalen",
        "veld_consensus-conflict": "beide",
        "veld_consensus-conflict_grond": "interpretatie",
    }
    sections = case.xpath("q:SourceRef/@targetGUID", namespaces=NS)
    assert [
        project.xpath(f"//q:TextSource[@guid='{guid}']/@name", namespaces=NS)[0]
        for guid in sections
    ] == ["Soepbar De Pot · De praktijk"]
    # The researchers, named as the case page names them; nothing else about them.
    assert [(u.get("name"), u.get("id")) for u in project.xpath("//q:User", namespaces=NS)] == [
        ("Rita Onderzoek", None)
    ]
    assert researcher.email not in everything(public_file())


def test_code_guids_are_those_of_the_codebook(soup_kitchen):
    project, _texts = unpack(public_file())
    codebook = etree.fromstring(Client().get(reverse("export-codebook")).content)
    qdc = {"q": "urn:QDA-XML:codebook:1.0"}

    def codes(document, ns):
        return [
            (code.get("guid"), code.get("name"), code.get("isCodable"))
            for code in document.xpath("//q:Code", namespaces=ns)
        ]

    assert codes(project, NS) == codes(codebook, qdc)
    assert len(codes(project, NS)) > 30
    assert project.xpath("//q:Set/@guid", namespaces=NS) == codebook.xpath(
        "//q:Set/@guid", namespaces=qdc
    )


def test_guids_stay_across_exports_and_a_new_title_and_slug(soup_kitchen):
    make_annotation(target=soup_kitchen, passage="voor iedereen")

    def identifiers():
        project, _texts = unpack(qdpx_project.published_project_bytes())
        return sorted(
            (element.tag.split("}")[1], element.get("guid"))
            for element in project.xpath("//*[@guid]")
        )

    first = identifiers()
    assert identifiers() == first
    soup_kitchen.title = "Soepbar De Grote Pot"
    soup_kitchen.slug = "soepbar-de-grote-pot"
    soup_kitchen.save()
    assert identifiers() == first
    project, _texts = unpack(qdpx_project.published_project_bytes())
    assert project.xpath("//q:Case/@name", namespaces=NS) == ["Soepbar De Grote Pot"]


def test_two_exports_of_the_same_data_are_byte_identical(soup_kitchen):
    make_annotation(target=soup_kitchen, passage="voor iedereen")
    first = public_file()
    assert public_file() == first
    assert qdpx_project.published_project_bytes() == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_nothing_unpublished_reaches_the_public_file(soup_kitchen):
    hidden_researcher = make_user("verborgen", first_name="Verborgen", last_name="Onderzoeker")
    draft = make_case(
        title="CONCEPTPRAKTIJK",
        status=Case.Status.DRAFT,
        practice="CONCEPTTEKST van een praktijk in opbouw.",
    )
    draft.researchers.set([hidden_researcher])
    make_annotation(target=draft, passage="CONCEPTTEKST", body="NOOT-OP-CONCEPT")
    make_annotation(target=soup_kitchen, passage="Soep", status="pending", body="WACHTENDE-NOOT")
    make_annotation(target=soup_kitchen, passage="Soep", status="rejected", body="AFGEWEZEN-NOOT")
    hidden = make_annotation(
        target=soup_kitchen, passage="Soep", status="hidden", body="VERBORGEN-NOOT"
    )
    make_reply(hidden, body="ANTWOORD-ONDER-VERBORGEN-NOOT")
    make_reading(soup_kitchen, source="strijd", status="pending", body="WACHTENDE-LEZING")
    make_annotation(target=soup_kitchen, passage="Soep", body="GOEDGEKEURDE-NOOT")

    content = everything(public_file())

    assert '<Project xmlns="urn:QDA-XML:project:1.0" name="Praktijkenbank DieGem"' in content
    assert "GOEDGEKEURDE-NOOT" in content  # the file does carry public notes
    for marker in (
        "CONCEPTPRAKTIJK",
        "CONCEPTTEKST",
        "NOOT-OP-CONCEPT",
        "Verborgen Onderzoeker",
        "WACHTENDE-NOOT",
        "AFGEWEZEN-NOOT",
        "VERBORGEN-NOOT",
        "ANTWOORD-ONDER-VERBORGEN-NOOT",
        "WACHTENDE-LEZING",
    ):
        assert marker not in content, marker


def test_a_researcher_exports_drafts_from_the_workbench(soup_kitchen, researcher):
    draft = make_case(title="CONCEPTPRAKTIJK", status=Case.Status.DRAFT, practice="In opbouw.")
    make_annotation(target=draft, passage="In opbouw", body="NOOT-OP-CONCEPT")
    make_annotation(target=draft, passage="In opbouw", status="pending", body="WACHTENDE-NOOT")
    client = logged_in(researcher)
    changelist = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert reverse("export-draft-project") in changelist

    response = client.get(reverse("export-draft-project"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    download = response.getvalue()
    content = everything(download)
    assert "CONCEPTPRAKTIJK" in content and "Soepbar De Pot" in content
    assert "NOOT-OP-CONCEPT" in content  # approved, on a draft this researcher may read
    assert "WACHTENDE-NOOT" not in content
    project, _texts = unpack(download)
    assert project.get("name") == "Praktijkenbank DieGem (met concepten)"
    schema = etree.XMLSchema(etree.parse(str(STANDARDS / "Project.xsd")))
    assert schema.validate(project), schema.error_log


def test_no_one_else_gets_the_export_with_drafts(framework, member, staff_without_role):
    make_case(title="CONCEPTPRAKTIJK", status=Case.Status.DRAFT)
    url = reverse("export-draft-project")
    for client in (Client(), logged_in(member)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert logged_in(staff_without_role).get(url).status_code == 403
    changelist = logged_in(staff_without_role).get(reverse("admin:cases_case_changelist"))
    assert url not in changelist.content.decode()
    with pytest.raises(PermissionDenied):
        qdpx_project.draft_project_bytes(member)


def test_the_data_page_offers_the_project_and_says_how_to_open_it(client, framework):
    page = client.get(reverse("open-data")).content.decode()
    assert reverse("export-project") in page
    assert "QualCoder" in page and "NVivo" in page


def _queries(count: int) -> int:
    for i in range(count):
        case = make_case(practice=PRACTICE)
        case.researchers.add(make_user(first_name=f"Onderzoeker {i}"))
        cite(case, "ontmoeting", "Iedereen schuift aan")
        cite(case, "consensus-conflict", "ook wie niet betaalt")
        note = make_annotation(target=case, passage="voor iedereen")
        make_reply(note)
        make_reading(case, source="strijd", passage="Soep")
        make_reading(case, tension_field="consensus-conflict")
        make_annotation(target=Section.objects.order_by("order")[i], body=f"Kader {i}")
    with CaptureQueriesContext(connection) as queries:
        qdpx_project.published_project_bytes()
    return len(queries)


def test_the_query_count_does_not_grow_with_the_cases(framework):
    few = _queries(1)
    Case.objects.all().delete()
    Annotation.objects.all().delete()
    many = _queries(8)
    assert few == many
    assert many <= 17


def test_a_tension_passage_is_coded_with_the_pole_the_case_leans_to(framework):
    case = make_case(practice=PRACTICE, positions={"consensus-conflict": -1})
    cite(case, "consensus-conflict", "ook wie niet betaalt")
    project, _texts = unpack(public_file())
    [code] = project.xpath("//q:PlainTextSelection/q:Coding/q:CodeRef/@targetGUID", namespaces=NS)
    [pole] = project.xpath(f"//q:Code[@guid='{code}']/@name", namespaces=NS)
    assert pole == "consensus"
    TensionPosition.objects.filter(case=case, tension_field__key="consensus-conflict").update(
        position=0
    )  # (an update in the database alone: the page cache does not know of it)
    project, _texts = unpack(qdpx_project.published_project_bytes())
    [code] = project.xpath("//q:PlainTextSelection/q:Coding/q:CodeRef/@targetGUID", namespaces=NS)
    assert project.xpath(f"//q:Code[@guid='{code}']/@name", namespaces=NS) == [
        "consensus – conflict"
    ]


def test_the_codebook_file_is_unchanged_by_sharing_its_codes(framework):
    """The .qdc as it was written before the project export shared its codes (first bytes)."""
    content = exchange.export_codebook()
    assert content.startswith(
        b"<?xml version='1.0' encoding='utf-8'?>\n"
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Praktijkenbank DieGem">\n'
        b"  <Codes>\n"
        b'    <Code guid="'
    )


def test_a_passage_that_no_longer_fits_its_text_is_never_placed_elsewhere(soup_kitchen):
    note = make_annotation(target=soup_kitchen, passage="voor iedereen", body="VERSCHOVEN-NOOT")
    Annotation.objects.filter(pk=note.pk).update(position_start=0, position_end=4)  # "Soep"
    evidence = soup_kitchen.evidence.get(quote_exact="Iedereen schuift aan")
    type(evidence).objects.filter(pk=evidence.pk).update(position_start=0, position_end=20)

    project, _texts = unpack(qdpx_project.published_project_bytes())

    assert project.xpath("//q:PlainTextSelection[@startPosition='0']", namespaces=NS) == []
    # The note stays, tied to its case; the evidence passage is left out.
    [note_guid] = project.xpath(
        "//q:Note[contains(q:PlainTextContent, 'VERSCHOVEN-NOOT')]/@guid", namespaces=NS
    )
    [case_guid] = project.xpath("//q:Case/@guid", namespaces=NS)
    assert project.xpath(f"//q:Link[@originGUID='{note_guid}']/@targetGUID", namespaces=NS) == [
        case_guid
    ]
    assert project.xpath("//q:PlainTextSelection/@name", namespaces=NS) == [
        "Tekstbewijs: consensus – conflict"
    ]


def test_the_seeded_bank_exports_as_a_valid_project_whose_passages_quote_their_text(db):
    """The real seed (cases, evidence, the research text's margin notes) through the whole export."""
    call_command("seed", verbosity=0)
    project, texts = unpack(public_file())

    schema = etree.XMLSchema(etree.parse(str(STANDARDS / "Project.xsd")))
    assert schema.validate(project), schema.error_log
    selections = project.xpath("//q:PlainTextSelection", namespaces=NS)
    evidence = CodingEvidence.objects.anchored().filter(case__status=Case.Status.PUBLISHED)
    assert len(project.xpath("//q:PlainTextSelection[q:Coding]", namespaces=NS)) == evidence.count()
    quotes = set(evidence.values_list("quote_exact", flat=True)) | set(
        Annotation.objects.public().with_passage().values_list("quote_exact", flat=True)
    )
    assert evidence.exists() and len(selections) > evidence.count()  # and the notes' passages
    for selection in selections:
        [source] = selection.xpath("..")
        text = texts[source.get("plainTextPath")]
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert text[start:end] in quotes


def test_reading_the_cases_in_rounds_changes_neither_the_bytes_nor_the_query_count_per_round(
    framework, monkeypatch
):
    one_round = _queries(7)
    whole = qdpx_project.published_project_bytes()
    monkeypatch.setattr(qdpx_project, "CASES_PER_ROUND", 3)
    with CaptureQueriesContext(connection) as queries:
        in_rounds = qdpx_project.published_project_bytes()
    assert in_rounds == whole
    # Three rounds (3 + 3 + 1 cases): two more rounds of eight queries each (the cases,
    # their researchers, source codings, positions, evidence, and the annotations in two).
    assert len(queries) == one_round + 2 * 8


def test_a_case_taken_offline_while_the_project_is_written_stays_out(framework, monkeypatch):
    staying = make_case(title="BLIJVENDE-PRAKTIJK", practice=PRACTICE)
    leaving = make_case(title="VERTREKKENDE-PRAKTIJK", practice="CONCEPTTEKST-NA-OFFLINE")
    ids = qdpx_project.Case.objects.published().order_by("title", "pk")
    read = qdpx_project._write_cases

    def taken_offline_first(writer, cases, round_ids, annotations, variables):
        Case.objects.filter(pk=leaving.pk).update(status=Case.Status.DRAFT)
        read(writer, cases, round_ids, annotations, variables)

    monkeypatch.setattr(qdpx_project, "_write_cases", taken_offline_first)
    assert list(ids.values_list("pk", flat=True)) == [staying.pk, leaving.pk]
    content = everything(qdpx_project.published_project_bytes())
    assert "BLIJVENDE-PRAKTIJK" in content
    assert "VERTREKKENDE-PRAKTIJK" not in content and "CONCEPTTEKST-NA-OFFLINE" not in content
