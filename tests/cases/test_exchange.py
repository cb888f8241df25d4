"""Import with a dry run and all-or-nothing saving; exports of published data; the codebook."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from lxml import etree

from cases import exchange
from cases.models import Case, CaseTransition, SourceCoding, TensionPosition
from tests.factories import make_case

pytestmark = pytest.mark.django_db
STANDARDS = Path(__file__).resolve().parent.parent / "standards"


def wide_csv(rows: list[dict], *, delimiter=",") -> bytes:
    from frameworks.models import Source, TensionField

    columns = exchange.all_columns(list(Source.objects.all()), list(TensionField.objects.all()))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return out.getvalue().encode("utf-8")


def good_row(**overrides) -> dict:
    row = {
        "slug": "buurtkeuken-gent",
        "titel": "Buurtkeuken Gent",
        "soort": "case_study",
        "domein": "wonen",
        "gemeente": "Gent",
        "initiatief": "vzw De Keuken",
        "samenvatting": "Buren koken samen.",
        "praktijk": "Elke vrijdag koken buren.\n\nIedereen is welkom.",
        "trefwoorden": "koken; buurt",
        "status": "published",
    }
    for key in ("wederzijdse-afhankelijkheid", "normen-en-waarden", "strijd", "ontmoeting"):
        row[f"bron_{key}"] = "2"
        row[f"bron_{key}_onderbouwing"] = "Omdat."
    for key in ("universeel-particularistisch", "consensus-conflict", "economisch-cultureel",
                "integratie-transformatie", "afstand-nabijheid", "onderhandelbaar-niet-onderhandelbaar"):
        row[f"veld_{key}"] = "-1"
        row[f"veld_{key}_onderbouwing"] = "Omdat."
    row["veld_consensus-conflict"] = "beide"
    row.update(overrides)
    return row


def run(content: bytes, researcher, *, filename="praktijken.csv", dry_run=False):
    return exchange.import_cases(content, filename=filename, actor=researcher, dry_run=dry_run)


def test_a_good_file_is_reported_in_a_dry_run_and_saved_for_real(framework, researcher):
    content = wide_csv([good_row(), good_row(slug="tweede", titel="Tweede", status="draft")])
    dry = run(content, researcher, dry_run=True)
    assert dry.ok and not dry.saved
    assert [(r.number, r.action) for r in dry.rows] == [(2, "new"), (3, "new")]
    assert not Case.objects.exists()

    report = run(content, researcher)
    assert report.saved
    case = Case.objects.get(slug="buurtkeuken-gent")
    assert case.status == Case.Status.PUBLISHED
    assert case.practice == "Elke vrijdag koken buren.\n\nIedereen is welkom."
    assert SourceCoding.objects.filter(case=case, strength=2).count() == 4
    assert TensionPosition.objects.get(case=case, tension_field__key="consensus-conflict").holds_both
    assert sorted(case.keywords.names()) == ["buurt", "koken"]
    # Published through the workflow, each step logged with the importing researcher.
    assert [(t.old_status, t.new_status, t.actor) for t in CaseTransition.objects.filter(case=case).order_by("pk")] == [
        ("draft", "in_review", researcher),
        ("in_review", "published", researcher),
    ]
    assert Case.objects.get(slug="tweede").status == Case.Status.DRAFT


def test_semicolon_csv_and_xlsx_are_read_too(framework, researcher):
    assert run(wide_csv([good_row()], delimiter=";"), researcher, dry_run=True).ok
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    row = good_row(startjaar="2012", breedtegraad="51.05", lengtegraad="3.72")
    columns = list(csv.reader([wide_csv([]).decode().strip()]))[0]
    sheet.append(columns)
    sheet.append([float(row[c]) if c in ("breedtegraad", "lengtegraad") else (int(row[c]) if c == "startjaar" else row.get(c, "")) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run(buffer.getvalue(), researcher, filename="praktijken.xlsx")
    assert report.saved, report.errors
    case = Case.objects.get(slug="buurtkeuken-gent")
    assert case.start_year == 2012 and str(case.latitude) == "51.050000"


@pytest.mark.parametrize(
    "overrides, column, words",
    [
        ({"domein": "ruimtevaart"}, "domein", "geldige keuze"),
        ({"titel": ""}, "titel", "verplicht"),
        ({"veld_afstand-nabijheid": "3"}, "veld_afstand-nabijheid", "geldige keuze"),
        ({"bron_strijd": "5"}, "bron_strijd", "geldige keuze"),
        ({"breedtegraad": "91", "lengtegraad": "3"}, "breedtegraad", "hoogstens 90"),
        ({"breedtegraad": "51.0"}, "lengtegraad", "samen"),
        ({"slug": "met spaties"}, "slug", "slug"),
    ],
)
def test_each_bad_value_is_named_by_row_and_column_and_nothing_is_saved(framework, researcher, overrides, column, words):
    content = wide_csv([good_row(slug="eerste-goede"), good_row(**overrides)])
    report = run(content, researcher)
    assert not report.saved
    messages = report.errors
    assert any(m.startswith(f"Rij 3, kolom ‘{column}’:") and words in m for m in messages), messages
    assert not Case.objects.exists()  # not even the good first row


def test_a_duplicate_slug_is_named_with_both_rows(framework, researcher):
    report = run(wide_csv([good_row(), good_row(titel="Dubbel")]), researcher)
    assert not report.saved
    assert report.errors == ["Rij 3, kolom ‘slug’: ‘buurtkeuken-gent’ staat ook al in rij 2."]
    assert not Case.objects.exists()


def test_a_wrong_encoding_is_named_by_row_and_column(framework, researcher):
    content = wide_csv([good_row(), good_row(slug="tweede", samenvatting="Café in Rabot")]).decode().encode("latin-1")
    report = run(content, researcher)
    assert not report.saved
    assert len(report.errors) == 1
    assert report.errors[0].startswith("Rij 3, kolom ‘samenvatting’: het bestand is niet in UTF-8 gecodeerd")
    assert not Case.objects.exists()


def test_a_publication_the_workflow_refuses_saves_nothing(framework, researcher):
    incomplete = good_row(slug="onvolledig", **{"bron_ontmoeting": "2", "bron_ontmoeting_onderbouwing": ""})
    report = run(wide_csv([good_row(), incomplete]), researcher)
    assert not report.saved
    assert any(m.startswith("Rij 3, kolom ‘status’: kan niet gepubliceerd worden") for m in report.errors)
    assert not Case.objects.exists()


def test_missing_or_unknown_columns_are_refused(framework, researcher):
    assert "ontbreken: domein" in run(b"slug,titel\nx,y\n", researcher).errors[0]
    content = wide_csv([good_row()]).replace(b"slug,", b"slug,kleur,", 1)
    assert "Onbekende kolommen" in run(content, researcher).errors[0]
    assert "csv" in run(b"x", researcher, filename="praktijken.pdf").errors[0]


def test_export_then_import_gives_the_same_data(framework, researcher):
    call_command("seed", verbosity=0)
    make_case(title="Met coördinaten", latitude="51.054300", longitude="3.717400", start_year=2013, keywords=("markt", "taal"))
    make_case(title="Concept", status=Case.Status.DRAFT)
    first = io.StringIO()
    exchange.export_wide_csv(exchange.published_cases(), first)
    Case.objects.all().delete()
    report = run(first.getvalue().encode(), researcher)
    assert report.saved, report.errors
    second = io.StringIO()
    exchange.export_wide_csv(exchange.published_cases(), second)
    assert second.getvalue() == first.getvalue()
    assert not Case.objects.filter(title="Concept").exists()


def test_exports_hold_published_cases_only(client, framework):
    make_case(title="Openbaar geval", slug="openbaar")
    make_case(title="GEHEIM-CONCEPT", slug="geheim", status=Case.Status.DRAFT)
    make_case(title="GEHEIM-NALEZING", slug="nalezing", status=Case.Status.IN_REVIEW)
    for name in ("export-cases-csv", "export-codings-csv", "export-cases-json"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Openbaar geval" in body and "GEHEIM" not in body, name
    long_rows = list(csv.DictReader(io.StringIO(client.get(reverse("export-codings-csv")).content.decode())))
    assert len(long_rows) == 10 and {r["dimensie"] for r in long_rows} == {"bron", "spanningsveld"}
    data = json.loads(client.get(reverse("export-cases-json")).content)
    assert data["licentie"].startswith("CC BY 4.0")
    assert set(data["praktijken"][0]["codering"]["bronnen"]) == {"wederzijdse-afhankelijkheid", "normen-en-waarden", "strijd", "ontmoeting"}


def test_the_codebook_validates_against_the_refi_qda_schema_and_keeps_its_identifiers(client, framework):
    schema = etree.XMLSchema(etree.parse(str(STANDARDS / "Codebook.xsd")))
    first = client.get(reverse("export-codebook")).content
    document = etree.fromstring(first)
    assert schema.validate(document), schema.error_log
    ns = {"q": "urn:QDA-XML:codebook:1.0"}
    names = document.xpath("//q:Code/@name", namespaces=ns)
    assert {"Ontmoeting", "Strijd", "universeel", "particularistisch", "Wonen"} <= set(names)
    guids = document.xpath("//q:Code/@guid", namespaces=ns)
    assert len(guids) == len(set(guids))
    from frameworks.models import Source

    source = Source.objects.get(key="ontmoeting")
    source.name = "Ontmoeting (herwerkt)"
    source.save()
    second = etree.fromstring(exchange.export_codebook())
    assert second.xpath("//q:Code/@guid", namespaces=ns) == guids  # identifiers do not change with names
    members = set(second.xpath("//q:MemberCode/@guid", namespaces=ns))
    assert members <= set(guids)


def test_codebook_guids_are_those_of_the_first_release_after_the_keys_became_dutch(client, framework):
    """The GUIDs were minted from the English keys; renaming the keys did not change them."""
    document = etree.fromstring(client.get(reverse("export-codebook")).content)
    ns = {"q": "urn:QDA-XML:codebook:1.0"}
    guid_of = {code.get("name"): code.get("guid") for code in document.xpath("//q:Code", namespaces=ns)}
    assert guid_of["Strijd"] == "b26e7bc8-ea0f-599d-a26c-00815e03934f"
    assert guid_of["Ontmoeting"] == "ffaa9f82-3a4a-526c-b054-9d0945dcf7bb"
    assert guid_of["onderhandelbaar"] == "ea66706e-ea93-500c-811e-3801fd26cce5"


def test_the_data_page_links_every_export_with_the_licence(client, framework):
    page = client.get(reverse("open-data")).content.decode()
    for name in ("export-cases-csv", "export-codings-csv", "export-cases-json", "export-codebook", "api-annotations"):
        assert reverse(name) in page
    assert "creativecommons.org/licenses/by/4.0" in page
    assert reverse("open-data") in client.get(reverse("home")).content.decode()  # in the footer


def test_the_command_exports_and_imports(framework, researcher, tmp_path, capsys):
    make_case(title="Via de opdrachtregel", slug="opdrachtregel")
    out = tmp_path / "praktijken.csv"
    call_command("exchange", "export", "--format", "csv", "--out", str(out))
    assert "opdrachtregel" in out.read_text()
    qdc = tmp_path / "kader.qdc"
    call_command("exchange", "export", "--format", "qdc", "--out", str(qdc))
    assert qdc.read_bytes().startswith(b"<?xml")
    Case.objects.all().delete()
    call_command("exchange", "import", str(out))  # a dry run
    assert not Case.objects.exists()
    with pytest.raises(CommandError, match="--user"):
        call_command("exchange", "import", str(out), "--apply")
    call_command("exchange", "import", str(out), "--apply", "--user", researcher.username)
    assert Case.objects.get(slug="opdrachtregel").status == Case.Status.PUBLISHED
    bad = tmp_path / "fout.csv"
    bad.write_bytes(wide_csv([good_row(domein="maan")]))
    with pytest.raises(CommandError, match="Niets bewaard"):
        call_command("exchange", "import", str(bad), "--apply", "--user", researcher.username)


def test_the_admin_import_runs_a_dry_run_then_imports(framework, researcher_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("praktijken.csv", wide_csv([good_row()]), content_type="text/csv")
    dry = researcher_client.post(reverse("admin:cases_case_import"), {"file": upload})
    assert dry.status_code == 200 and "Proefdraai: geen fouten" in dry.content.decode()
    assert not Case.objects.exists()
    confirm = dry.context["confirm_form"]
    response = researcher_client.post(
        reverse("admin:cases_case_import"),
        {"content": confirm.initial["content"], "filename": confirm.initial["filename"], "confirm": "True"},
    )
    assert response.status_code == 302
    assert Case.objects.filter(slug="buurtkeuken-gent").exists()
    bad = SimpleUploadedFile("fout.csv", wide_csv([good_row(titel="")]), content_type="text/csv")
    errors = researcher_client.post(reverse("admin:cases_case_import"), {"file": bad}).content.decode()
    assert "Rij 2, kolom ‘titel’" in errors
