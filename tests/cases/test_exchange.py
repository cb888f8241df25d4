"""Import with a dry run and all-or-nothing saving; exports of published data; the codebook."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from lxml import etree
from openpyxl import Workbook, load_workbook

from cases import exchange
from cases.history import versions_of
from cases.models import Case, CaseTransition, Grounds, SourceCoding, TensionPosition
from frameworks.models import Source
from tests.cases.double_coding import make_colleague, open_round
from tests.factories import good_row, make_case, run_import, wide_csv, xlsx_text_rows
from tests.html import form_values, parse, texts

pytestmark = pytest.mark.django_db
STANDARDS = Path(__file__).resolve().parent.parent / "standards"


def test_a_good_file_is_reported_in_a_dry_run_and_saved_for_real(framework, researcher):
    content = wide_csv([good_row(), good_row(slug="tweede", titel="Tweede", status="draft")])
    dry = run_import(content, researcher, dry_run=True)
    assert dry.ok and not dry.saved
    assert [(r.number, r.action) for r in dry.rows] == [(2, "new"), (3, "new")]
    assert not Case.objects.exists()

    report = run_import(content, researcher)
    assert report.saved
    case = Case.objects.get(slug="buurtkeuken-gent")
    assert case.status == Case.Status.PUBLISHED
    assert case.practice == "Elke vrijdag koken buren.\n\nIedereen is welkom."
    assert SourceCoding.objects.filter(case=case, strength=2).count() == 4
    assert TensionPosition.objects.get(
        case=case, tension_field__key="consensus-conflict"
    ).holds_both
    assert sorted(case.keywords.names()) == ["buurt", "koken"]
    # Published through the workflow, each step logged with the importing researcher.
    assert [
        (t.old_status, t.new_status, t.actor)
        for t in CaseTransition.objects.filter(case=case).order_by("pk")
    ] == [
        ("draft", "in_review", researcher),
        ("in_review", "published", researcher),
    ]
    assert Case.objects.get(slug="tweede").status == Case.Status.DRAFT


def test_semicolon_csv_and_xlsx_are_read_too(framework, researcher):
    assert run_import(wide_csv([good_row()], delimiter=";"), researcher, dry_run=True).ok

    workbook = Workbook()
    sheet = workbook.active
    row = good_row(startjaar="2012", breedtegraad="51.05", lengtegraad="3.72")
    columns = list(csv.reader([wide_csv([]).decode().strip()]))[0]
    sheet.append(columns)
    sheet.append(
        [
            float(row[c])
            if c in ("breedtegraad", "lengtegraad")
            else (int(row[c]) if c == "startjaar" else row.get(c, ""))
            for c in columns
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run_import(buffer.getvalue(), researcher, filename="praktijken.xlsx")
    assert report.saved, report.errors
    case = Case.objects.get(slug="buurtkeuken-gent")
    assert case.start_year == 2012 and str(case.latitude) == "51.050000"


@pytest.mark.parametrize(
    "overrides, column, message",
    [
        (
            {"domein": "ruimtevaart"},
            "domein",
            "‘ruimtevaart’ is geen geldige waarde. Mogelijk zijn: wonen, werken, leren, vrije-tijd (of: Vrije tijd).",
        ),
        ({"titel": ""}, "titel", "Dit veld is verplicht."),
        (
            {"veld_afstand-nabijheid": "3"},
            "veld_afstand-nabijheid",
            "‘3’ is geen geldige waarde. Mogelijk zijn: -2, -1, 0, 1, 2, beide "
            "(of: sterk afstand, eerder afstand, in het midden, eerder nabijheid, sterk nabijheid, houdt beide polen vast).",
        ),
        (
            {"bron_strijd": "5"},
            "bron_strijd",
            "‘5’ is geen geldige waarde. Mogelijk zijn: 0, 1, 2, 3 (of: afwezig, zwak, matig, sterk).",
        ),
        (
            {"bron_strijd": "heel sterk"},
            "bron_strijd",
            "‘heel sterk’ is geen geldige waarde. Mogelijk zijn: 0, 1, 2, 3 (of: afwezig, zwak, matig, sterk).",
        ),
        (
            {"soort": "concept"},
            "soort",
            "‘concept’ is geen geldige waarde. Mogelijk zijn: pilootcase, casestudie.",
        ),
        (
            {"status": "klaar"},
            "status",
            "‘klaar’ is geen geldige waarde. Mogelijk zijn: concept, ter-nalezing, gepubliceerd (of: ter nalezing).",
        ),
        (
            {"breedtegraad": "91", "lengtegraad": "3"},
            "breedtegraad",
            "Zorg ervoor dat deze waarde hoogstens 90 is.",
        ),
        (
            {"breedtegraad": "51.0"},
            "lengtegraad",
            "Geef breedte- en lengtegraad samen, of geen van beide.",
        ),
        (
            {"slug": "met spaties"},
            "slug",
            "Voer een geldige ‘slug’ in, bestaande uit letters, cijfers, liggende streepjes en verbindingsstreepjes.",
        ),
    ],
)
def test_each_bad_value_is_named_by_row_and_column_and_nothing_is_saved(
    framework, researcher, overrides, column, message
):
    content = wide_csv([good_row(slug="eerste-goede"), good_row(**overrides)])
    report = run_import(content, researcher)
    assert not report.saved
    assert report.errors == [f"Rij 3, kolom ‘{column}’: {message}"]
    assert not Case.objects.exists()  # not even the good first row


def test_a_duplicate_slug_is_named_with_both_rows(framework, researcher):
    report = run_import(wide_csv([good_row(), good_row(titel="Dubbel")]), researcher)
    assert not report.saved
    assert report.errors == ["Rij 3, kolom ‘slug’: ‘buurtkeuken-gent’ staat ook al in rij 2."]
    assert not Case.objects.exists()


def test_a_wrong_encoding_is_named_by_row_and_column(framework, researcher):
    content = (
        wide_csv([good_row(), good_row(slug="tweede", samenvatting="Café in Rabot")])
        .decode()
        .encode("latin-1")
    )
    report = run_import(content, researcher)
    assert not report.saved
    assert len(report.errors) == 1
    assert report.errors[0].startswith(
        "Rij 3, kolom ‘samenvatting’: het bestand is niet in UTF-8 gecodeerd"
    )
    assert not Case.objects.exists()


NOT_UTF8 = "het bestand is niet in UTF-8 gecodeerd. Bewaar het als ‘CSV UTF-8’ en probeer opnieuw."


def test_a_file_that_is_no_utf8_text_is_told_so_whatever_its_bytes(framework, researcher):
    export = wide_csv([good_row()])
    for content in (
        bytes(range(256)) * 20,  # binary, with a lone carriage return among its bytes
        export.decode().encode("utf-16"),
    ):
        [told] = run_import(content, researcher, dry_run=True).errors
        assert told.endswith(NOT_UTF8[1:]), told  # with the first row and column it finds


def test_a_csv_with_an_older_macs_line_ends_is_read(framework, researcher):
    content = wide_csv([good_row(), good_row(slug="tweede", titel="Tweede")])
    report = run_import(content.replace(b"\r\n", b"\r"), researcher, dry_run=True)
    assert report.ok, report.errors
    assert [(row.number, row.slug, row.action) for row in report.rows] == [
        (2, "buurtkeuken-gent", "new"),
        (3, "tweede", "new"),
    ]


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_column_named_twice_or_a_value_without_a_column_is_a_file_error(framework, researcher):
    [header, row] = list(csv.reader(io.StringIO(wide_csv([good_row()]).decode())))
    twice = [[*header, "titel"], [*row, "Een andere titel"]]
    beyond = [header, [*row, "", "Verdwaald"]]
    told_twice = "De kolom ‘titel’ staat meer dan eens in de eerste rij."
    told_beyond = (
        "Rij 2 heeft een waarde in een kolom zonder naam in de eerste rij: geef die kolom een "
        "naam of haal de waarde weg."
    )
    for table, told in ((twice, told_twice), (beyond, told_beyond)):
        out = io.StringIO()
        csv.writer(out).writerows(table)
        assert run_import(out.getvalue().encode(), researcher).errors == [told]
        report = run_import(_xlsx(table), researcher, filename="praktijken.xlsx")
        assert report.errors == [told]
    assert not Case.objects.exists()
    # An empty cell beyond the header, as spreadsheets leave them, is nothing.
    out = io.StringIO()
    csv.writer(out).writerows([header, [*row, " "]])
    assert run_import(out.getvalue().encode(), researcher, dry_run=True).ok


def test_a_column_under_its_first_release_name_and_its_name_now_is_a_column_twice(
    framework, researcher
):
    [header, row] = list(csv.reader(io.StringIO(wide_csv([good_row()]).decode())))
    out = io.StringIO()
    csv.writer(out).writerows([[*header, "bron_struggle"], [*row, "3"]])
    assert run_import(out.getvalue().encode(), researcher).errors == [
        "De kolom ‘bron_strijd’ (‘bron_strijd’, ‘bron_struggle’) staat meer dan eens in de "
        "eerste rij."
    ]


def test_errors_name_the_row_of_the_file_also_after_an_empty_row(framework, researcher):
    [header, first] = list(csv.reader(io.StringIO(wide_csv([good_row()]).decode())))
    [_header, second] = list(
        csv.reader(io.StringIO(wide_csv([good_row(slug="tweede", domein="ruimtevaart")]).decode()))
    )
    out = io.StringIO()
    csv.writer(out).writerows([header, first, [""] * len(header), second])
    [told] = run_import(out.getvalue().encode(), researcher, dry_run=True).errors
    assert told.startswith("Rij 4, kolom ‘domein’:"), told


def _status_only(status: str) -> bytes:
    """A file of one row, the case's columns and a status: its codings stay as stored."""
    [header, row] = list(csv.reader(io.StringIO(wide_csv([good_row()]).decode())))
    kept = [i for i, column in enumerate(header) if not column.startswith(("bron_", "veld_"))]
    out = io.StringIO()
    csv.writer(out).writerows(
        [[header[i] for i in kept], [row[i] if header[i] != "status" else status for i in kept]]
    )
    return out.getvalue().encode()


def test_a_dry_run_without_a_user_foresees_a_refused_step_to_review(framework, researcher):
    case = make_case(slug="buurtkeuken-gent", status=Case.Status.DRAFT)
    SourceCoding.objects.filter(case=case, source__key="strijd").update(rationale="")
    content = _status_only("ter nalezing")
    told = "Ter nalezing kan pas als elke codering een onderbouwing heeft: De codering van de bron ‘Strijd’ heeft geen onderbouwing."
    dry = exchange.import_cases(content, filename="p.csv", actor=None, dry_run=True)
    assert dry.errors == [f"Rij 2, kolom ‘status’: {told}"]
    # As the import in a researcher's name says.
    assert run_import(content, researcher).errors == dry.errors
    assert Case.objects.get(pk=case.pk).status == Case.Status.DRAFT


def test_a_dry_run_without_a_user_foresees_a_publication_during_a_double_coding(
    framework, researcher
):
    case = make_case(slug="buurtkeuken-gent", status=Case.Status.DRAFT)
    open_round(case, researcher, make_colleague())
    content = _status_only("gepubliceerd")
    dry = exchange.import_cases(content, filename="p.csv", actor=None, dry_run=True)
    assert dry.errors == [
        "Rij 2, kolom ‘status’: Er loopt een dubbele codering voor deze praktijk: publiceer pas "
        "na de consensus."
    ]
    assert run_import(content, researcher).errors == dry.errors


def test_a_publication_the_import_refuses_names_all_it_lacks_at_once(framework, researcher):
    case = make_case(slug="buurtkeuken-gent", status=Case.Status.DRAFT)
    SourceCoding.objects.filter(case=case, source__key="strijd").update(rationale="")
    TensionPosition.objects.filter(case=case, tension_field__key="consensus-conflict").delete()
    assert run_import(_status_only("gepubliceerd"), researcher).errors == [
        "Rij 2, kolom ‘status’: kan niet gepubliceerd worden: De codering van de bron ‘Strijd’ "
        "heeft geen onderbouwing. Het spanningsveld ‘consensus – conflict’ is niet gecodeerd."
    ]
    assert Case.objects.get(pk=case.pk).status == Case.Status.DRAFT


def test_a_text_section_longer_than_the_bank_keeps_is_named_by_row_and_column(
    framework, researcher
):
    content = wide_csv([good_row(context="woord " * 8334)])  # 50,004 characters
    assert run_import(content, researcher).errors == [
        "Rij 2, kolom ‘context’: Zorg dat deze waarde niet meer dan 50000 tekens bevat (het "
        "zijn er nu 50003)."
    ]
    assert not Case.objects.exists()


def test_a_publication_the_workflow_refuses_saves_nothing(framework, researcher):
    # Not coded on ontmoeting (an empty rationale is refused at its own column before the workflow is asked).
    incomplete = good_row(
        slug="onvolledig", **{"bron_ontmoeting": "", "bron_ontmoeting_onderbouwing": ""}
    )
    report = run_import(wide_csv([good_row(), incomplete]), researcher)
    assert not report.saved
    assert any(
        m.startswith("Rij 3, kolom ‘status’: kan niet gepubliceerd worden") for m in report.errors
    )
    assert not Case.objects.exists()


def test_missing_or_unknown_columns_are_refused(framework, researcher):
    assert (
        run_import(b"slug,titel\nx,y\n", researcher).errors[0]
        == "Deze kolommen ontbreken: soort, domein, gemeente, initiatief, samenvatting."
    )
    content = wide_csv([good_row()]).replace(b"slug,", b"slug,kleur,", 1)
    assert "Onbekende kolommen" in run_import(content, researcher).errors[0]
    assert "csv" in run_import(b"x", researcher, filename="praktijken.pdf").errors[0]


def test_export_then_import_gives_the_same_data(framework, researcher):
    # (The seed's round trip, evidence and all, is in test_grounds_exchange: the import cannot add passages.)
    make_case(
        title="Piloot",
        kind=Case.Kind.PILOT,
        positions={"consensus-conflict": "both"},
        grounds={"strijd": Grounds.UNDETERMINED},
    )
    make_case(
        title="Met coördinaten",
        latitude="51.054300",
        longitude="3.717400",
        start_year=2013,
        keywords=("markt", "taal"),
    )
    make_case(title="Gespreid", municipality="Gent", more_places=["11002", "31005"])
    make_case(title="Concept", status=Case.Status.DRAFT)
    first = io.StringIO()
    exchange.export_wide_csv(exchange.published_cases(), first)
    Case.objects.all().delete()
    report = run_import(first.getvalue().encode(), researcher)
    assert report.saved, report.errors
    second = io.StringIO()
    exchange.export_wide_csv(exchange.published_cases(), second)
    assert second.getvalue() == first.getvalue()
    assert not Case.objects.filter(title="Concept").exists()
    assert Case.objects.get(title="Gespreid").more_places == ["11002", "31005"]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        # Stored in the register's order (by name), each once, without the case's own (Gent).
        ("31005; 11002", ["11002", "31005"]),
        ("Brugge;antwerpen ; 31005", ["11002", "31005"]),
        ("Gent; 31005", ["31005"]),
        ("Molenbeek-Saint-Jean", ["21012"]),  # the French name
        ("", []),
    ],
)
def test_the_other_places_are_read_by_nis_code_or_name(framework, researcher, given, stored):
    report = run_import(wide_csv([good_row(ook_in=given)]), researcher)

    assert report.saved, report.errors
    assert Case.objects.get(slug="buurtkeuken-gent").more_places == stored


def test_an_unknown_other_place_is_named_on_its_column_and_nothing_is_saved(framework, researcher):
    report = run_import(wide_csv([good_row(ook_in="Brugge; Atlantis; 99999")]), researcher)

    assert not Case.objects.exists()
    [row] = report.rows
    assert row.errors == [
        (
            "ook_in",
            "Onbekende gemeente(n): Atlantis, 99999. Geef de NIS-code of de naam van een "
            "Belgische gemeente zoals in de lijst, gescheiden door een puntkomma.",
        )
    ]


def test_the_same_places_in_another_order_are_no_change(framework, researcher, researcher_client):
    first = run_import(wide_csv([good_row(ook_in="Brugge; Antwerpen")]), researcher)
    assert first.saved, first.errors
    case = Case.objects.get(slug="buurtkeuken-gent")
    updated_at = case.updated_at

    again = run_import(wide_csv([good_row(ook_in="31005; Gent; 11002")]), researcher, dry_run=True)
    form = form_values(
        researcher_client.get(reverse("admin:cases_case_change", args=[case.pk])), "case_form"
    )
    saved = researcher_client.post(reverse("admin:cases_case_change", args=[case.pk]), form)

    assert [(row.action, row.changes) for row in again.rows] == [("unchanged", [])]
    assert saved.status_code == 302
    case.refresh_from_db()
    assert (case.more_places, case.updated_at) == (["11002", "31005"], updated_at)


def test_a_file_without_the_other_places_leaves_them_as_they_are(framework, researcher):
    make_case(slug="buurtkeuken-gent", title="Buurtkeuken Gent", more_places=["31005"])
    out = io.StringIO()  # the columns good_row names, no `ook_in` among them
    writer = csv.DictWriter(out, fieldnames=list(good_row()))
    writer.writeheader()
    writer.writerow(good_row())

    report = run_import(out.getvalue().encode(), researcher)

    assert report.saved, report.errors
    assert Case.objects.get(slug="buurtkeuken-gent").more_places == ["31005"]


def test_the_json_export_gives_numbers_as_numbers_and_missing_ones_as_null(client, framework):
    make_case(
        title="Met plaats",
        municipality="Gent",
        latitude="51.054300",
        longitude="3.717400",
        start_year=2012,
    )
    make_case(title="Zonder", municipality="Gent", start_year=None)

    data = json.loads(client.get(reverse("export-cases-json")).getvalue())

    numbers = {
        case["titel"]: [case[key] for key in ("breedtegraad", "lengtegraad", "startjaar")]
        for case in data["praktijken"]
    }
    assert numbers == {"Met plaats": [51.0543, 3.7174, 2012], "Zonder": [None, None, None]}


def test_exports_hold_published_cases_only(client, framework):
    make_case(title="Openbaar geval", slug="openbaar")
    make_case(title="GEHEIM-CONCEPT", slug="geheim", status=Case.Status.DRAFT)
    make_case(title="GEHEIM-NALEZING", slug="nalezing", status=Case.Status.IN_REVIEW)
    for name in ("export-cases-csv", "export-codings-csv", "export-cases-json"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        body = response.getvalue().decode()
        assert "Openbaar geval" in body and "GEHEIM" not in body, name
    for name in ("export-cases-xlsx", "export-codings-xlsx"):
        cells = " ".join(
            " ".join(row) for row in xlsx_text_rows(client.get(reverse(name)).getvalue())
        )
        assert "Openbaar geval" in cells and "GEHEIM" not in cells, name
    long_rows = list(
        csv.DictReader(io.StringIO(client.get(reverse("export-codings-csv")).getvalue().decode()))
    )
    assert len(long_rows) == 10 and {r["dimensie"] for r in long_rows} == {"bron", "spanningsveld"}
    data = json.loads(client.get(reverse("export-cases-json")).getvalue())
    assert data["licentie"].startswith("CC BY 4.0")
    assert set(data["praktijken"][0]["codering"]["bronnen"]) == {
        "wederzijdse-afhankelijkheid",
        "normen-en-waarden",
        "strijd",
        "ontmoeting",
    }


def test_the_codebook_validates_against_the_refi_qda_schema_and_keeps_its_identifiers(
    client, framework
):
    schema = etree.XMLSchema(etree.parse(str(STANDARDS / "Codebook.xsd")))
    first = client.get(reverse("export-codebook")).getvalue()
    document = etree.fromstring(first)
    assert schema.validate(document), schema.error_log
    ns = {"q": "urn:QDA-XML:codebook:1.0"}
    names = document.xpath("//q:Code/@name", namespaces=ns)
    assert {"Ontmoeting", "Strijd", "universeel", "particularistisch", "Wonen"} <= set(names)
    guids = document.xpath("//q:Code/@guid", namespaces=ns)
    assert len(guids) == len(set(guids))

    source = Source.objects.get(key="ontmoeting")
    source.name = "Ontmoeting (herwerkt)"
    source.save()
    second = etree.fromstring(exchange.export_codebook())
    assert (
        second.xpath("//q:Code/@guid", namespaces=ns) == guids
    )  # identifiers do not change with names
    members = set(second.xpath("//q:MemberCode/@guid", namespaces=ns))
    assert members <= set(guids)


def test_codebook_guids_are_those_of_the_first_release_after_the_keys_became_dutch(
    client, framework
):
    """The GUIDs were minted from the English keys; renaming the keys did not change them."""
    document = etree.fromstring(client.get(reverse("export-codebook")).getvalue())
    ns = {"q": "urn:QDA-XML:codebook:1.0"}
    guid_of = {
        code.get("name"): code.get("guid") for code in document.xpath("//q:Code", namespaces=ns)
    }
    assert guid_of["Strijd"] == "b26e7bc8-ea0f-599d-a26c-00815e03934f"
    assert guid_of["Ontmoeting"] == "ffaa9f82-3a4a-526c-b054-9d0945dcf7bb"
    assert guid_of["onderhandelbaar"] == "ea66706e-ea93-500c-811e-3801fd26cce5"


def test_the_data_page_links_every_export_with_the_licence(client, framework):
    page = client.get(reverse("open-data")).getvalue().decode()
    for name in (
        "export-cases-csv",
        "export-codings-csv",
        "export-cases-xlsx",
        "export-codings-xlsx",
        "export-cases-json",
        "export-codebook",
        "api-annotations",
    ):
        assert reverse(name) in page
    assert "creativecommons.org/licenses/by/4.0" in page
    assert reverse("open-data") in client.get(reverse("home")).getvalue().decode()  # in the footer


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
    with pytest.raises(
        CommandError,
        match="^1 fout in 1 rij. Er wordt niets bewaard tot alle fouten opgelost zijn.$",
    ):
        call_command("exchange", "import", str(bad), "--apply", "--user", researcher.username)


def test_the_admin_import_runs_a_dry_run_then_imports(framework, researcher_client):
    upload = SimpleUploadedFile("praktijken.csv", wide_csv([good_row()]), content_type="text/csv")
    dry = researcher_client.post(reverse("admin:cases_case_import"), {"file": upload})
    assert dry.status_code == 200 and "Proefdraai: geen fouten" in dry.getvalue().decode()
    assert not Case.objects.exists()
    confirm = dry.context["confirm_form"]
    response = researcher_client.post(
        reverse("admin:cases_case_import"),
        {
            "content": confirm.initial["content"],
            "filename": confirm.initial["filename"],
            "confirm": "True",
        },
    )
    assert response.status_code == 302
    assert Case.objects.filter(slug="buurtkeuken-gent").exists()
    bad = SimpleUploadedFile("fout.csv", wide_csv([good_row(titel="")]), content_type="text/csv")
    errors = (
        researcher_client.post(reverse("admin:cases_case_import"), {"file": bad})
        .getvalue()
        .decode()
    )
    assert "Rij 2, kolom ‘titel’" in errors


# --- the import reads what the admin shows, reports everything, explains itself -----------------


def test_the_import_reads_the_admins_words_whatever_their_capitals(framework, researcher):
    row = good_row(
        soort="Pilootcase",
        status="Ter Nalezing",
        domein="vrije TIJD",
        **{
            "bron_wederzijdse-afhankelijkheid": "Sterk",
            "bron_normen-en-waarden": "afwezig",
            "bron_strijd": "MATIG",
            "bron_ontmoeting": "1",
            "veld_universeel-particularistisch": "Houdt beide polen vast",
            "veld_consensus-conflict": "eerder consensus",
            "veld_economisch-cultureel": "+1",
            "veld_integratie-transformatie": "sterk transformatie",
            "veld_afstand-nabijheid": "in het midden",
            "veld_onderhandelbaar-niet-onderhandelbaar": "BEIDE",
        },
    )
    report = run_import(wide_csv([row]), researcher)
    assert report.saved, report.errors
    case = Case.objects.get(slug="buurtkeuken-gent")
    assert (case.kind, case.status, case.domain.key) == ("pilot", "in_review", "vrije-tijd")
    assert dict(case.source_codings.values_list("source__key", "strength")) == {
        "wederzijdse-afhankelijkheid": 3,
        "normen-en-waarden": 0,
        "strijd": 2,
        "ontmoeting": 1,
    }
    assert {
        p.tension_field.key: (p.position, p.holds_both) for p in case.tension_positions.all()
    } == {
        "universeel-particularistisch": (None, True),
        "consensus-conflict": (-1, False),
        "economisch-cultureel": (1, False),
        "integratie-transformatie": (2, False),
        "afstand-nabijheid": (0, False),
        "onderhandelbaar-niet-onderhandelbaar": (None, True),
    }


def test_files_with_the_first_releases_english_codes_still_import(framework, researcher):
    rows = [
        good_row(soort="case_study", status="published"),
        good_row(slug="piloot", titel="Piloot", soort="pilot", status="in_review"),
    ]
    report = run_import(wide_csv(rows), researcher)
    assert report.saved, report.errors
    assert list(Case.objects.order_by("slug").values_list("slug", "kind", "status")) == [
        ("buurtkeuken-gent", "case_study", "published"),
        ("piloot", "pilot", "in_review"),
    ]


def test_exports_write_dutch_codes(client, framework):
    make_case(title="Piloot", slug="piloot", kind=Case.Kind.PILOT)
    wide = list(
        csv.DictReader(io.StringIO(client.get(reverse("export-cases-csv")).getvalue().decode()))
    )
    assert [(row["soort"], row["status"]) for row in wide] == [("pilootcase", "gepubliceerd")]
    long_rows = list(
        csv.DictReader(io.StringIO(client.get(reverse("export-codings-csv")).getvalue().decode()))
    )
    assert {row["soort"] for row in long_rows} == {"pilootcase"}
    assert (
        json.loads(client.get(reverse("export-cases-json")).getvalue())["praktijken"][0]["soort"]
        == "pilootcase"
    )


def test_a_duplicate_slug_is_reported_even_when_its_first_row_has_another_error(
    framework, researcher
):
    report = run_import(
        wide_csv([good_row(titel=""), good_row(titel="Dubbel")]), researcher, dry_run=True
    )
    assert report.errors == [
        "Rij 2, kolom ‘titel’: Dit veld is verplicht.",
        "Rij 3, kolom ‘slug’: ‘buurtkeuken-gent’ staat ook al in rij 2.",
    ]


@pytest.mark.parametrize("who", ["researcher", "nobody (a command-line dry run)"])
def test_one_dry_run_reports_what_the_workflow_refuses_with_the_other_rows_errors(
    framework, researcher, who
):
    rows = [
        good_row(slug="fout-1", domein="maan"),
        good_row(slug="goed", titel="Goed"),
        good_row(
            slug="fout-6",
            status="published",
            **{"bron_ontmoeting": "", "bron_ontmoeting_onderbouwing": ""},
        ),
    ]
    report = run_import(wide_csv(rows), researcher if who == "researcher" else None, dry_run=True)
    assert report.errors == [
        "Rij 2, kolom ‘domein’: ‘maan’ is geen geldige waarde. Mogelijk zijn: wonen, werken, leren, vrije-tijd (of: Vrije tijd).",
        "Rij 4, kolom ‘status’: kan niet gepubliceerd worden: De bron ‘Ontmoeting’ is niet gecodeerd.",
    ]
    assert (
        report.summary
        == "2 fouten in 2 rijen. Er wordt niets bewaard tot alle fouten opgelost zijn."
    )
    assert not report.saved and not Case.objects.exists()


def test_the_summary_counts_file_errors_and_says_nothing_is_saved(framework, researcher):
    report = run_import(b"slug;kleur\nx;rood\n", researcher)
    assert report.errors == [
        "Deze kolommen ontbreken: titel, soort, domein, gemeente, initiatief, samenvatting.",
        "Onbekende kolommen: kleur.",
    ]
    assert report.summary == "2 fouten. Er wordt niets bewaard tot alle fouten opgelost zijn."


def test_a_clean_dry_run_counts_what_would_change(framework, researcher):
    make_case(slug="bestaand", title="Bestaand")
    first = io.StringIO()
    exchange.export_wide_csv(exchange.published_cases(), first)
    rows = list(csv.DictReader(io.StringIO(first.getvalue())))
    changed = dict(rows[0], titel="Bestaand, herzien")
    report = run_import(
        wide_csv([good_row(), changed, good_row(slug="ander", titel="Ander")]),
        researcher,
        dry_run=True,
    )
    assert report.ok
    assert report.summary == "2 nieuw, 1 gewijzigd, 0 ongewijzigd"


def test_an_empty_file_names_the_columns_it_needs(framework, researcher):
    assert run_import(b"", researcher).errors == [
        "Deze kolommen ontbreken: slug, titel, soort, domein, gemeente, initiatief, samenvatting."
    ]


def test_a_file_without_a_required_column_says_so_once_not_per_row(framework, researcher):
    content = (
        "slug,titel,domein,gemeente,initiatief,samenvatting\n"
        "een,Een,wonen,Gent,Buurtwerk,Kort.\n"
        "twee,Twee,wonen,Gent,Buurtwerk,Kort.\n"
    )
    assert run_import(content.encode(), researcher).errors == ["Deze kolommen ontbreken: soort."]


def test_a_header_without_rows_says_the_file_has_no_rows(framework, researcher):
    assert run_import(wide_csv([]), researcher).errors == ["Het bestand bevat geen rijen."]
    with_empty_lines = wide_csv([]) + b",,,,\n\n" + b"," * 40 + b"\n"
    assert run_import(with_empty_lines, researcher).errors == ["Het bestand bevat geen rijen."]

    workbook = Workbook()
    workbook.active.append(list(csv.reader([wide_csv([]).decode().strip()]))[0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert run_import(buffer.getvalue(), researcher, filename="leeg.xlsx").errors == [
        "Het bestand bevat geen rijen."
    ]


def test_coordinates_may_use_a_decimal_comma(framework, researcher):
    report = run_import(
        wide_csv([good_row(breedtegraad="51,054300", lengtegraad="3,7174")], delimiter=";"),
        researcher,
    )
    assert report.saved, report.errors
    assert str(Case.objects.get().latitude) == "51.054300"


def test_rows_that_change_nothing_are_left_alone(framework, researcher):
    case = make_case(slug="bestaand", title="Bestaand")
    updated_at = case.updated_at
    out = io.StringIO()
    exchange.export_wide_csv(exchange.published_cases(), out)
    crlf = out.getvalue().replace("\n\nEen tweede alinea.", "\r\n\r\nEen tweede alinea.")
    report = run_import(crlf.encode(), researcher)
    assert [(row.slug, row.action) for row in report.rows] == [("bestaand", "unchanged")]
    assert report.saved
    case.refresh_from_db()
    assert case.updated_at == updated_at
    assert not versions_of(case).exists()


def test_a_file_without_rationale_columns_keeps_the_rationales(framework, researcher):
    case = make_case(slug="bestaand", title="Bestaand", strengths={"strijd": 1})
    content = b"slug,titel,domein,soort,gemeente,initiatief,samenvatting,bron_strijd\n" + (
        f"bestaand,Bestaand,wonen,casestudie,Gent,{case.initiative},{case.summary},3\n".encode()
    )
    report = run_import(content, researcher)
    assert report.saved, report.errors
    assert [(row.action, row.changes) for row in report.rows] == [("changed", ["bron_strijd"])]
    coding = SourceCoding.objects.get(case=case, source__key="strijd")
    assert (coding.strength, coding.rationale) == (3, "Onderbouwing voor Strijd.")
    assert (
        versions_of(case).first().revision.get_comment() == "Geïmporteerd; gewijzigd: bron_strijd."
    )


# --- the template file and the column guide ------------------------------------------------------


def test_the_template_files_hold_the_header_and_an_example_that_imports(
    framework, researcher, researcher_client
):
    csv_response = researcher_client.get(reverse("admin:cases_case_import_template", args=["csv"]))
    assert csv_response["Content-Disposition"] == 'attachment; filename="praktijken-sjabloon.csv"'
    rows = list(csv.reader(io.StringIO(csv_response.getvalue().decode())))
    assert rows[0] == list(csv.reader([wide_csv([]).decode().strip()]))[0]
    assert len(rows) == 2
    example = dict(zip(rows[0], rows[1], strict=True))
    assert (example["slug"], example["soort"], example["status"], example["bron_strijd"]) == (
        "voorbeeld-buurtrestaurant",
        "casestudie",
        "concept",
        "2",
    )
    dry = run_import(csv_response.getvalue(), researcher, dry_run=True)
    assert dry.ok and [(r.slug, r.action) for r in dry.rows] == [
        ("voorbeeld-buurtrestaurant", "new")
    ]

    xlsx_response = researcher_client.get(
        reverse("admin:cases_case_import_template", args=["xlsx"])
    )
    assert (
        xlsx_response["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert xlsx_text_rows(xlsx_response.getvalue()) == rows
    assert run_import(
        xlsx_response.getvalue(), researcher, filename="sjabloon.xlsx", dry_run=True
    ).ok
    assert (
        researcher_client.get(reverse("admin:cases_case_import_template", args=["pdf"])).status_code
        == 404
    )


def test_the_import_page_explains_every_column(framework, researcher_client):
    page = parse(researcher_client.get(reverse("admin:cases_case_import")))
    guide = {
        row[0]: row[1:]
        for row in (
            texts(tr, "./*")
            for tr in page.xpath("//table[contains(@class,'import-guide')]/tbody/tr")
        )
    }
    assert len(guide) == 114  # 53, and the 61 language columns (test_exchange_languages)
    assert guide["soort"] == ["Een pilootcase of een casestudie.", "pilootcase, casestudie", "ja"]
    assert guide["status"] == [
        "Leeg: een nieuwe praktijk wordt een concept, een bestaande houdt haar status.",
        "concept, ter-nalezing, gepubliceerd (of: ter nalezing)",
        "nee",
    ]
    assert guide["bron_strijd"] == [
        "Hoe sterk de praktijk put uit de bron ‘Strijd’. Leeg bij de grond ‘niet te bepalen’; leeg zonder grond: geen codering, "
        "of de bestaande blijft.",
        "0, 1, 2, 3 (of: afwezig, zwak, matig, sterk)",
        "nee",
    ]
    assert guide["breedtegraad"][1:] == [
        "een getal van -90 tot 90, met hoogstens 6 cijfers na de komma",
        "nee",
    ]
    assert guide["slug"][1:] == [
        "letters, cijfers, liggende streepjes en koppeltekens, zonder spaties; hoogstens 200 tekens",
        "ja",
    ]
    links = page.xpath("//div[@id='content-main']//a[@download]/@href")
    assert reverse("admin:cases_case_import_template", args=["xlsx"]) in links
    assert reverse("admin:cases_case_import_template", args=["csv"]) in links


def test_a_tampered_carried_file_is_a_message_on_the_file_field_not_a_500(
    framework, researcher_client
):
    response = researcher_client.post(
        reverse("admin:cases_case_import"),
        {"content": "dit is geen base64!", "filename": "praktijken.csv", "confirm": "True"},
    )
    assert response.status_code == 200
    page = parse(response)
    assert texts(
        page, "//input[@name='file']/ancestor::div[1]//ul[contains(@class,'errorlist')]/li"
    ) == ["Het bestand van de proefdraai kwam beschadigd terug. Kies het bestand opnieuw."]
    assert not Case.objects.exists()


def test_the_admin_report_counts_errors_instead_of_new_rows(framework, researcher_client):

    upload = SimpleUploadedFile(
        "fout.csv", wide_csv([good_row(slug="een"), good_row(slug="twee", domein="maan")])
    )
    page = parse(researcher_client.post(reverse("admin:cases_case_import"), {"file": upload}))
    assert texts(page, "//p[contains(@class,'import-summary')]") == [
        "1 fout in 1 rij. Er wordt niets bewaard tot alle fouten opgelost zijn."
    ]
    assert not page.xpath("//input[@type='submit' and @value='Importeren']")


# --- Excel-ready exports ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "xlsx, csv_name",
    [("export-cases-xlsx", "export-cases-csv"), ("export-codings-xlsx", "export-codings-csv")],
)
def test_the_excel_downloads_hold_the_same_rows_as_the_csv(client, framework, xlsx, csv_name):
    make_case(
        title="Met coördinaten",
        latitude="51.054300",
        longitude="3.717400",
        start_year=2013,
        keywords=("markt",),
    )
    make_case(title='=HYPERLINK("https://example.org")', positions={"consensus-conflict": "both"})
    make_case(title="GEHEIM-CONCEPT", status=Case.Status.DRAFT)
    response = client.get(reverse(xlsx))
    assert response.status_code == 200
    assert (
        response["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = response.getvalue()  # a file served from disk: read once
    rows = xlsx_text_rows(workbook)
    assert rows == list(csv.reader(io.StringIO(client.get(reverse(csv_name)).getvalue().decode())))
    assert not any("GEHEIM" in cell for row in rows for cell in row)

    cells = [
        cell
        for row in load_workbook(io.BytesIO(workbook)).worksheets[0].iter_rows()
        for cell in row
    ]
    assert not [
        cell.coordinate for cell in cells if cell.data_type == "f"
    ]  # case text never becomes a formula


def test_the_excel_export_imports_back_unchanged(client, framework, researcher):
    make_case(
        title="Piloot",
        kind=Case.Kind.PILOT,
        positions={"consensus-conflict": "both"},
        grounds={"ontmoeting": Grounds.UNDETERMINED},
    )
    make_case(
        title="Met coördinaten",
        latitude="51.054300",
        longitude="3.717400",
        start_year=2013,
        keywords=("markt", "taal"),
    )
    before = client.get(reverse("export-cases-csv")).getvalue()
    workbook = client.get(reverse("export-cases-xlsx")).getvalue()
    Case.objects.all().delete()
    report = run_import(workbook, researcher, filename="praktijken.xlsx")
    assert report.saved, report.errors
    cache.clear()
    assert client.get(reverse("export-cases-csv")).getvalue() == before


def test_the_command_exports_excel(framework, tmp_path):
    make_case(title="Via de opdrachtregel", slug="opdrachtregel")
    out = tmp_path / "praktijken.xlsx"
    call_command("exchange", "export", "--format", "xlsx", "--out", str(out))
    assert xlsx_text_rows(out.read_bytes())[1][0] == "opdrachtregel"
    long_out = tmp_path / "praktijken-lang.xlsx"
    call_command("exchange", "export", "--format", "long-xlsx", "--out", str(long_out))
    assert len(xlsx_text_rows(long_out.read_bytes())) == 11


def test_a_keyword_longer_than_the_database_holds_is_named(framework, researcher):
    report = run_import(wide_csv([good_row(trefwoorden="koken; " + "b" * 101)]), researcher)
    assert report.errors == [
        f"Rij 2, kolom ‘trefwoorden’: Een trefwoord is hoogstens 100 tekens lang: ‘{'b' * 30}…’"
    ]


# --- what the dry run names, and a big file --------------------------------------------------------------


def one_row(**overrides) -> bytes:
    return wide_csv(
        [good_row(**{"slug": "uit-import", "titel": "Uit import", "status": "draft", **overrides})]
    )


def test_a_three_megabyte_import_goes_through_the_confirm_step(framework, researcher_client):
    # Four sections of 45,500 characters each (a section holds at most 50,000), in 17 cases.
    long = "Lange tekst. " * 3_500
    sections = {column: long for column in ("context", "praktijk", "plaats", "leerprocessen")}
    content = wide_csv(
        [
            good_row(slug=f"uit-import-{n}", titel=f"Uit import {n}", status="draft", **sections)
            for n in range(17)
        ]
    )
    assert len(content) > 3_000_000
    dry = researcher_client.post(
        reverse("admin:cases_case_import"), {"file": SimpleUploadedFile("p.csv", content)}
    )
    confirm = dry.context["confirm_form"]
    response = researcher_client.post(
        reverse("admin:cases_case_import"),
        {"content": confirm.initial["content"], "filename": "p.csv", "confirm": "True"},
    )
    assert response.status_code == 302
    assert Case.objects.filter(slug__startswith="uit-import-").count() == 17


@pytest.mark.parametrize(
    "overrides, column",
    [
        ({"website": "https://example.org/" + "x" * 200}, "website"),
        ({"trefwoorden": "k" * 101}, "trefwoorden"),
    ],
)
def test_too_long_values_are_errors_by_row_and_column(framework, researcher, overrides, column):
    """Values the database would refuse are named in the dry run."""
    report = exchange.import_cases(
        one_row(**overrides), filename="p.csv", actor=researcher, dry_run=True
    )
    assert any(error.startswith(f"Rij 2, kolom ‘{column}’") for error in report.errors), (
        report.errors
    )


def test_the_dry_run_reports_what_the_workflow_would_refuse(framework, researcher):
    content = one_row(status="published", **{"bron_strijd": "", "bron_strijd_onderbouwing": ""})
    report = exchange.import_cases(content, filename="p.csv", actor=researcher, dry_run=True)
    assert any(
        error.startswith("Rij 2, kolom ‘status’: kan niet gepubliceerd worden")
        for error in report.errors
    )
    assert not Case.objects.exists()
