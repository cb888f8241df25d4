"""Import and export carry the language columns (`oorspronkelijke_taal`, `titel_fr`, …) and
the round trip keeps them; the REFI-QDA codebook in every language, with the same codes."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree
from openpyxl import load_workbook

from cases import exchange
from cases.models import Case, SourceCoding, TensionPosition
from frameworks.models import Domain, Source, TensionField
from tests.factories import good_row, make_case, run_import, wide_csv

pytestmark = pytest.mark.django_db
STANDARDS = Path(__file__).resolve().parent.parent / "standards"
QDC = {"q": "urn:QDA-XML:codebook:1.0"}

SOURCE_KEYS = ["wederzijdse-afhankelijkheid", "normen-en-waarden", "strijd", "ontmoeting"]
FIELD_KEYS = [
    "universeel-particularistisch",
    "consensus-conflict",
    "economisch-cultureel",
    "integratie-transformatie",
    "afstand-nabijheid",
    "onderhandelbaar-niet-onderhandelbaar",
]
TEXTS = [
    "titel",
    "samenvatting",
    "context",
    "praktijk",
    "plaats",
    "burgerschapspraktijken",
    "leerprocessen",
    "interventies",
    "aandachtspunten",
]
CODINGS = [f"bron_{key}" for key in SOURCE_KEYS] + [f"veld_{key}" for key in FIELD_KEYS]


def language_block(language: str) -> list[str]:
    return [
        *(f"{text}_{language}" for text in TEXTS),
        f"vertaald_door_{language}",
        *(f"{coding}_onderbouwing_{language}" for coding in CODINGS),
    ]


LANGUAGE_COLUMNS = [
    "oorspronkelijke_taal",
    *language_block("nl"),
    *language_block("fr"),
    *language_block("en"),
]
# Every column a case has a language version in, and its translators.
CASE_LANGUAGE_FIELDS = [
    "original_language",
    *(
        f"{field}_{language}"
        for language in ("nl", "fr", "en")
        for field in (
            "title",
            "summary",
            "context",
            "practice",
            "place_text",
            "citizenship",
            "learning",
            "interventions",
            "lessons",
        )
    ),
    "translated_by_nl",
    "translated_by_fr",
    "translated_by_en",
]


def header_of(content: str) -> list[str]:
    return next(csv.reader(io.StringIO(content)))


def export_csv() -> str:
    out = io.StringIO()
    exchange.export_wide_csv(exchange.published_cases(), out)
    return out.getvalue()


def language_state() -> dict:
    """Every language column of every case and coding, by slug and framework key."""
    state = {}
    for case in Case.objects.order_by("slug"):
        state[case.slug] = {name: getattr(case, name) for name in CASE_LANGUAGE_FIELDS}
        for coding in SourceCoding.objects.filter(case=case).select_related("source"):
            state[case.slug][f"bron_{coding.source.key}"] = (
                coding.rationale,
                coding.rationale_nl,
                coding.rationale_fr,
                coding.rationale_en,
            )
        for position in TensionPosition.objects.filter(case=case).select_related("tension_field"):
            state[case.slug][f"veld_{position.tension_field.key}"] = (
                position.rationale,
                position.rationale_nl,
                position.rationale_fr,
                position.rationale_en,
            )
    return state


def translated_case() -> Case:
    """A case written in French, translated into Dutch and English, rationales too."""
    case = make_case(
        title="Cuisine de quartier",
        slug="cuisine-de-quartier",
        summary="Des voisins cuisinent ensemble.",
        practice="Chaque vendredi, des voisins cuisinent.\n\nTout le monde est bienvenu.",
        original_language="fr",
        title_nl="Buurtkeuken",
        title_en="Neighbourhood kitchen",
        summary_nl="Buren koken samen.",
        summary_en="Neighbours cook together.",
        practice_nl="Elke vrijdag koken buren.\n\nIedereen is welkom.",
        practice_en="Every Friday, neighbours cook.\n\nEveryone is welcome.",
        lessons_en="Keep the door open.",
        translated_by_nl="Rita Onderzoek",
        translated_by_en="Sam Translator",
    )
    SourceCoding.objects.filter(case=case, source__key="strijd").update(
        rationale="Parce que.", rationale_nl="Omdat.", rationale_en="2"
    )
    TensionPosition.objects.filter(case=case, tension_field__key="consensus-conflict").update(
        rationale="Les deux.", rationale_nl="Allebei.", rationale_en="Both."
    )
    return case


# --- the columns --------------------------------------------------------------------------------


def test_the_language_columns_follow_the_others_in_a_fixed_order(framework):
    make_case(title="Gewoon", slug="gewoon")
    header = header_of(export_csv())
    assert header[:3] == ["slug", "titel", "soort"]
    last_coding = header.index("veld_onderhandelbaar-niet-onderhandelbaar_onderbouwing")
    assert header[last_coding + 1 :] == LANGUAGE_COLUMNS
    assert LANGUAGE_COLUMNS[:12] == [
        "oorspronkelijke_taal",
        "titel_nl",
        "samenvatting_nl",
        "context_nl",
        "praktijk_nl",
        "plaats_nl",
        "burgerschapspraktijken_nl",
        "leerprocessen_nl",
        "interventies_nl",
        "aandachtspunten_nl",
        "vertaald_door_nl",
        "bron_wederzijdse-afhankelijkheid_onderbouwing_nl",
    ]
    assert len(header) == 53 + 61
    # The template lists them too, in the same order.
    assert exchange.template_table()[0] == header


def test_the_export_writes_the_language_of_the_case_its_translations_and_translators(framework):
    translated_case()
    [row] = list(csv.DictReader(io.StringIO(export_csv())))
    assert row["titel"] == "Cuisine de quartier"
    assert row["oorspronkelijke_taal"] == "fr"
    assert (row["titel_nl"], row["titel_fr"], row["titel_en"]) == (
        "Buurtkeuken",
        "",
        "Neighbourhood kitchen",
    )
    assert row["praktijk_en"] == "Every Friday, neighbours cook.\n\nEveryone is welcome."
    assert row["aandachtspunten_en"] == "Keep the door open."
    assert (row["vertaald_door_nl"], row["vertaald_door_fr"], row["vertaald_door_en"]) == (
        "Rita Onderzoek",
        "",
        "Sam Translator",
    )
    assert row["bron_strijd_onderbouwing"] == "Parce que."
    assert row["bron_strijd_onderbouwing_nl"] == "Omdat."
    assert row["veld_consensus-conflict_onderbouwing_en"] == "Both."


def test_a_rationale_that_looks_like_a_number_stays_text_in_the_workbook(framework):
    translated_case()
    sheet = load_workbook(
        io.BytesIO(exchange.export_wide_xlsx(exchange.published_cases())), read_only=True
    ).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][rows[0].index("bron_strijd_onderbouwing_en")] == "2"  # not the number 2


# --- the round trip -----------------------------------------------------------------------------


def test_export_then_import_into_an_empty_bank_keeps_every_language_column(framework, researcher):
    translated_case()
    make_case(title="Gewoon Nederlands", slug="gewoon")
    before = language_state()
    first = export_csv()

    Case.objects.all().delete()
    report = run_import(first.encode(), researcher)
    assert report.saved, report.errors

    assert language_state() == before
    assert Case.objects.get(slug="cuisine-de-quartier").original_language == "fr"
    assert Case.objects.get(slug="gewoon").original_language == "nl"
    assert export_csv() == first


def test_the_excel_export_imports_back_with_its_language_columns(framework, researcher):
    translated_case()
    before = language_state()
    content = exchange.export_wide_xlsx(exchange.published_cases())
    Case.objects.all().delete()
    report = run_import(content, researcher, filename="praktijken.xlsx")
    assert report.saved, report.errors
    assert language_state() == before


def test_an_export_imported_over_itself_changes_nothing(framework, researcher):
    translated_case()
    before = language_state()
    report = run_import(export_csv().encode(), researcher)
    assert report.ok, report.errors
    assert [(row.action, row.changes) for row in report.rows] == [("unchanged", [])]
    assert language_state() == before


def test_a_changed_translation_is_named_and_saved(framework, researcher):
    translated_case()
    [row] = list(csv.DictReader(io.StringIO(export_csv())))
    row.update(
        {
            "titel_en": "Neighbourhood kitchen, Ghent",
            "vertaald_door_fr": "Marie Dubois",
            "bron_strijd_onderbouwing_nl": "Strijd.",
        }
    )
    report = run_import(wide_csv([row]), researcher)
    assert report.saved, report.errors
    assert report.rows[0].changes == [  # in the order of the file
        "vertaald_door_fr",
        "titel_en",
        "bron_strijd_onderbouwing_nl",
    ]
    case = Case.objects.get(slug="cuisine-de-quartier")
    assert (case.title_en, case.translated_by_fr) == (
        "Neighbourhood kitchen, Ghent",
        "Marie Dubois",
    )
    coding = SourceCoding.objects.get(case=case, source__key="strijd")
    assert (coding.rationale, coding.rationale_nl, coding.rationale_fr, coding.rationale_en) == (
        "Parce que.",
        "Strijd.",
        "",
        "2",
    )


def test_a_file_without_language_columns_leaves_the_translations_as_they_are(framework, researcher):
    translated_case()
    before = language_state()
    [row] = list(csv.DictReader(io.StringIO(export_csv())))
    row["initiatief"] = "Een ander initiatief"
    columns = [column for column in row if column not in LANGUAGE_COLUMNS]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerow(row)
    report = run_import(out.getvalue().encode(), researcher)
    assert report.saved, report.errors
    assert report.rows[0].changes == ["initiatief"]
    assert language_state() == before


def test_a_new_case_without_a_language_is_dutch_and_the_language_may_be_named(
    framework, researcher
):
    report = run_import(
        wide_csv(
            [
                good_row(),
                good_row(slug="cuisine", titel="Cuisine", oorspronkelijke_taal="Frans"),
                good_row(slug="kitchen", titel="Kitchen", oorspronkelijke_taal=" EN "),
            ]
        ),
        researcher,
    )
    assert report.saved, report.errors
    assert dict(Case.objects.values_list("slug", "original_language")) == {
        "buurtkeuken-gent": "nl",
        "cuisine": "fr",
        "kitchen": "en",
    }
    # An empty cell keeps the stored language.
    run_import(wide_csv([good_row(slug="cuisine", titel="Cuisine")]), researcher)
    assert Case.objects.get(slug="cuisine").original_language == "fr"


def test_a_bad_original_language_is_named_by_row_and_column_and_nothing_is_saved(
    framework, researcher
):
    content = wide_csv(
        [
            good_row(slug="goed", titel_fr="Bon"),
            good_row(slug="fout", oorspronkelijke_taal="Duits", titel_fr="Mauvais"),
        ]
    )
    report = run_import(content, researcher)
    assert report.errors == [
        "Rij 3, kolom ‘oorspronkelijke_taal’: ‘Duits’ is geen geldige waarde. "
        "Mogelijk zijn: nl, fr, en (of: Nederlands, Frans, Engels)."
    ]
    assert not report.saved
    assert not Case.objects.exists()


def test_a_too_long_translated_title_is_named(framework, researcher):
    report = run_import(wide_csv([good_row(titel_fr="x" * 201)]), researcher)
    [error] = report.errors
    assert error.startswith("Rij 2, kolom ‘titel_fr’: ") and "200" in error, error
    assert not Case.objects.exists()


def test_the_column_guide_explains_the_language_columns_when_asked(framework):
    plain = [guide.column for guide in exchange.column_guide()]
    assert "oorspronkelijke_taal" not in plain and len(plain) == 53
    guide = {g.column: g for g in exchange.column_guide(with_languages=True)}
    assert list(guide)[53:] == LANGUAGE_COLUMNS
    assert guide["oorspronkelijke_taal"].allowed == "nl, fr, en (of: Nederlands, Frans, Engels)"
    assert not guide["oorspronkelijke_taal"].required
    assert "Frans" in guide["titel_fr"].meaning


# --- the codebook in every language -------------------------------------------------------------


def translate_framework() -> None:
    """Two sources, one tension field and one domain in French (from the French seed)."""
    Source.objects.filter(key="strijd").update(name_fr="Lutte")
    Source.objects.filter(key="ontmoeting").update(name_fr="Rencontre")
    TensionField.objects.filter(key="universeel-particularistisch").update(
        pole_a_fr="universel", pole_b_fr="particulariste"
    )
    Domain.objects.filter(key="wonen").update(name_fr="Logement")


def codes(document) -> dict[str, str]:
    return {
        code.get("guid"): code.get("name") for code in document.xpath("//q:Code", namespaces=QDC)
    }


def test_the_french_codebook_validates_has_the_french_names_and_the_same_codes(framework):
    translate_framework()
    Source.objects.filter(key="wederzijdse-afhankelijkheid").update(name_fr="")
    schema = etree.XMLSchema(etree.parse(str(STANDARDS / "Codebook.xsd")))
    dutch = etree.fromstring(exchange.export_codebook())
    french = etree.fromstring(exchange.export_codebook("fr"))
    assert schema.validate(french), schema.error_log

    names = set(codes(french).values())
    assert {"Lutte", "Rencontre", "universel", "particulariste", "Logement"} <= names
    assert "universel – particulariste" in names
    assert "Champs de tension" in names
    # What is not translated yet is named in Dutch, the original.
    assert "Wederzijdse afhankelijkheid" in names
    assert "Strijd" not in names

    # The same codes in the same order, and the same sets: only the names differ.
    assert french.xpath("//q:Code/@guid", namespaces=QDC) == dutch.xpath(
        "//q:Code/@guid", namespaces=QDC
    )
    assert french.xpath("//q:MemberCode/@guid", namespaces=QDC) == dutch.xpath(
        "//q:MemberCode/@guid", namespaces=QDC
    )
    guid_of = {name: guid for guid, name in codes(french).items()}
    assert guid_of["Lutte"] == "b26e7bc8-ea0f-599d-a26c-00815e03934f"  # Strijd's, as in Dutch


def test_the_dutch_codebook_is_unchanged_by_translations(framework):
    before = exchange.export_codebook()
    translate_framework()
    assert exchange.export_codebook() == before
    assert exchange.export_codebook("nl") == before
    names = set(codes(etree.fromstring(before)).values())
    assert {"Strijd", "Ontmoeting", "universeel", "Wonen", "Spanningsvelden"} <= names


def test_the_english_codebook_validates_and_an_unknown_language_is_refused(framework):
    schema = etree.XMLSchema(etree.parse(str(STANDARDS / "Codebook.xsd")))
    english = etree.fromstring(exchange.export_codebook("en"))
    assert schema.validate(english), schema.error_log
    assert "Tension fields" in codes(english).values()
    with pytest.raises(ValueError):
        exchange.export_codebook("de")


def test_the_command_exports_the_codebook_in_a_language(framework, tmp_path):
    translate_framework()
    out = tmp_path / "kader.fr.qdc"
    call_command("exchange", "export", "--format", "qdc", "--language", "fr", "--out", str(out))
    assert "Lutte" in codes(etree.fromstring(out.read_bytes())).values()


def test_a_translation_into_the_rows_own_original_language_is_refused(framework, researcher):
    content = wide_csv(
        [good_row(slug="cuisine", titel="La cuisine", oorspronkelijke_taal="fr", titel_fr="Idem")]
    )
    report = run_import(content, researcher)
    assert report.errors == [
        "Rij 2, kolom ‘oorspronkelijke_taal’: De oorspronkelijke taal kan geen taal zijn waarin "
        "de praktijk een vertaling heeft: maak eerst ‘titel_fr’ leeg, of kies een andere taal."
    ]
    assert not Case.objects.exists()


def narrow_csv(row: dict) -> bytes:
    """One row with only the columns it gives: the file is silent on every other column."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue().encode()


def test_a_stored_translation_into_the_rows_new_original_language_is_refused(framework, researcher):
    """The file is silent on the translation; the stored case has it: the case as the row
    would leave it holds a translation into its own language."""
    make_case(slug="buurtkeuken-gent", title_fr="Cuisine de quartier")
    report = run_import(narrow_csv(good_row(oorspronkelijke_taal="fr")), researcher)
    assert report.errors == [
        "Rij 2, kolom ‘oorspronkelijke_taal’: De oorspronkelijke taal kan geen taal zijn waarin "
        "de praktijk een vertaling heeft: maak eerst ‘titel_fr’ leeg, of kies een andere taal."
    ]
    assert Case.objects.get(slug="buurtkeuken-gent").original_language == "nl"


def test_a_stored_rationale_in_the_rows_new_original_language_is_refused(framework, researcher):
    case = make_case(slug="buurtkeuken-gent")
    SourceCoding.objects.filter(case=case, source__key="strijd").update(rationale_fr="Parce que.")
    report = run_import(narrow_csv(good_row(oorspronkelijke_taal="fr")), researcher)
    assert report.errors == [
        "Rij 2, kolom ‘oorspronkelijke_taal’: De oorspronkelijke taal kan geen taal zijn waarin "
        "de praktijk een vertaling heeft: maak eerst ‘bron_strijd_onderbouwing_fr’ leeg, of kies een "
        "andere taal."
    ]
    # Emptied in the same row, it is taken.
    report = run_import(
        narrow_csv(good_row(oorspronkelijke_taal="fr", bron_strijd_onderbouwing_fr="")),
        researcher,
    )
    assert report.saved, report.errors
    assert Case.objects.get(slug="buurtkeuken-gent").original_language == "fr"


def test_a_text_stored_in_the_original_language_before_the_rule_never_blocks_an_import(
    framework, researcher
):
    case = make_case(slug="buurtkeuken-gent", title_nl="Een oude kopie")
    SourceCoding.objects.filter(case=case, source__key="strijd").update(rationale_nl="Oud.")
    report = run_import(narrow_csv(good_row(initiatief="Een ander initiatief")), researcher)
    assert report.saved, report.errors
    assert Case.objects.get(slug="buurtkeuken-gent").initiative == "Een ander initiatief"


def test_an_export_with_old_text_in_the_original_language_imports_back(framework, researcher):
    """Text stored in a case's own language before the rule goes out in the export and comes
    back unchanged: the import refuses only what the row changes there."""
    case = make_case(slug="buurtkeuken-gent", status=Case.Status.PUBLISHED, title_nl="Oude kopie")
    SourceCoding.objects.filter(case=case, source__key="strijd").update(rationale_nl="Oud.")
    [row] = list(csv.DictReader(io.StringIO(export_csv())))
    assert (row["titel_nl"], row["bron_strijd_onderbouwing_nl"]) == ("Oude kopie", "Oud.")
    row["initiatief"] = "Een ander initiatief"
    report = run_import(wide_csv([row]), researcher)
    assert report.saved, report.errors
    # Changing that text is refused, by its column.
    row["titel_nl"], row["bron_strijd_onderbouwing_nl"] = "Nieuwe kopie", "Nieuw."
    report = run_import(wide_csv([row]), researcher)
    assert report.errors == [
        "Rij 2, kolom ‘oorspronkelijke_taal’: De oorspronkelijke taal kan geen taal zijn waarin "
        "de praktijk een vertaling heeft: maak eerst ‘titel_nl’, ‘bron_strijd_onderbouwing_nl’ "
        "leeg, of kies een andere taal."
    ]
