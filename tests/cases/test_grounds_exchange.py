"""Exports carry the grounds of every coding; the import reads them back and checks them; the round trip keeps them."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Case, CodingEvidence, Grounds, SourceCoding, TensionPosition
from tests.factories import cite, good_row, make_case, run_import, wide_csv, xlsx_text_rows
from tests.html import parse, texts

pytestmark = pytest.mark.django_db

PRACTICE = (
    "Buren koken samen in het buurthuis.\n\nZe voeren actie tegen de sluiting van het zwembad."
)


@pytest.fixture
def graded(framework):
    """A published case with a coding of each kind: on evidence, interpreted, and not to be told."""
    case = make_case(
        slug="buurtkeuken",
        title="Buurtkeuken",
        practice=PRACTICE,
        strengths={"strijd": 2},
        positions={"afstand-nabijheid": "both", "economisch-cultureel": -1},
        grounds={
            "strijd": Grounds.EVIDENCE,
            "ontmoeting": Grounds.UNDETERMINED,
            "consensus-conflict": Grounds.UNDETERMINED,
        },
    )
    cite(case, "strijd", "Ze voeren actie")
    return case


# --- exports ---------------------------------------------------------------------------------------


def csv_rows(client, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(client.get(reverse(name)).getvalue().decode())))


def test_the_wide_export_has_a_grounds_column_beside_each_value(client, graded):
    header = next(
        csv.reader(io.StringIO(client.get(reverse("export-cases-csv")).getvalue().decode()))
    )
    at = header.index("bron_strijd")
    assert header[at : at + 3] == ["bron_strijd", "bron_strijd_grond", "bron_strijd_onderbouwing"]
    at = header.index("veld_consensus-conflict")
    assert header[at : at + 3] == [
        "veld_consensus-conflict",
        "veld_consensus-conflict_grond",
        "veld_consensus-conflict_onderbouwing",
    ]
    [row] = csv_rows(client, "export-cases-csv")
    cells = {
        column: (row[column], row[f"{column}_grond"], row[f"{column}_onderbouwing"])
        for column in (
            "bron_strijd",
            "bron_ontmoeting",
            "bron_normen-en-waarden",
            "veld_consensus-conflict",
            "veld_afstand-nabijheid",
            "veld_economisch-cultureel",
        )
    }
    assert cells == {
        "bron_strijd": ("2", "tekstbewijs", "Onderbouwing voor Strijd."),
        "bron_ontmoeting": ("", "niet_te_bepalen", "Onderbouwing voor Ontmoeting."),
        "bron_normen-en-waarden": (
            "1",
            "interpretatie",
            "Onderbouwing voor Gedeelde normen en waarden.",
        ),
        "veld_consensus-conflict": (
            "",
            "niet_te_bepalen",
            "Onderbouwing voor consensus – conflict.",
        ),
        "veld_afstand-nabijheid": (
            "beide",
            "interpretatie",
            "Onderbouwing voor afstand – nabijheid.",
        ),
        "veld_economisch-cultureel": (
            "-1",
            "interpretatie",
            "Onderbouwing voor economisch – cultureel.",
        ),
    }


def test_the_wide_workbook_holds_the_grounds_as_text_and_no_value_for_niet_te_bepalen(
    client, graded
):

    sheet = load_workbook(
        io.BytesIO(client.get(reverse("export-cases-xlsx")).getvalue())
    ).worksheets[0]
    header, row = [[cell.value for cell in line] for line in sheet.iter_rows(max_row=2)]
    cells = dict(zip(header, row, strict=True))
    assert (cells["bron_strijd"], cells["bron_strijd_grond"]) == (2, "tekstbewijs")
    assert (cells["bron_ontmoeting"], cells["bron_ontmoeting_grond"]) == (None, "niet_te_bepalen")
    assert (cells["veld_consensus-conflict"], cells["veld_consensus-conflict_grond"]) == (
        None,
        "niet_te_bepalen",
    )
    assert (cells["veld_afstand-nabijheid"], cells["veld_afstand-nabijheid_grond"]) == (
        "beide",
        "interpretatie",
    )
    assert xlsx_text_rows(client.get(reverse("export-cases-xlsx")).getvalue()) == [
        list(line)
        for line in csv.reader(
            io.StringIO(client.get(reverse("export-cases-csv")).getvalue().decode())
        )
    ]


LONG_EXPECTED = {
    # A source has no poles: "beide_polen" is empty, not 0.
    ("bron", "strijd"): ("2", "", "tekstbewijs"),
    ("bron", "ontmoeting"): ("", "", "niet_te_bepalen"),
    ("bron", "normen-en-waarden"): ("1", "", "interpretatie"),
    ("spanningsveld", "consensus-conflict"): ("", "", "niet_te_bepalen"),
    ("spanningsveld", "afstand-nabijheid"): ("", "1", "interpretatie"),
    ("spanningsveld", "economisch-cultureel"): ("-1", "0", "interpretatie"),
}


def test_the_long_export_has_a_grounds_column_and_no_value_for_niet_te_bepalen(client, graded):
    rows = csv_rows(client, "export-codings-csv")
    assert list(rows[0]) == [
        "slug",
        "titel",
        "soort",
        "domein",
        "gemeente",
        "dimensie",
        "sleutel",
        "naam",
        "waarde",
        "beide_polen",
        "grond",
        "onderbouwing",
    ]
    found = {
        (row["dimensie"], row["sleutel"]): (row["waarde"], row["beide_polen"], row["grond"])
        for row in rows
    }
    assert {key: found[key] for key in LONG_EXPECTED} == LONG_EXPECTED
    workbook = xlsx_text_rows(client.get(reverse("export-codings-xlsx")).getvalue())
    assert workbook == [
        list(line)
        for line in csv.reader(
            io.StringIO(client.get(reverse("export-codings-csv")).getvalue().decode())
        )
    ]


def test_the_json_export_holds_every_value_of_the_wide_table(client, graded):
    """ "dezelfde gegevens als JSON", as /data/ says: the texts in every language, the
    translators and the rationales in every language too."""
    Case.objects.filter(pk=graded.pk).update(
        title_fr="Cuisine de quartier", translated_by_fr="Redactie", summary_en="A kitchen."
    )
    SourceCoding.objects.filter(case=graded, source__key="strijd").update(
        rationale_fr="Ils mènent des actions."
    )
    [row] = csv_rows(client, "export-cases-csv")
    [item] = json.loads(client.get(reverse("export-cases-json")).getvalue())["praktijken"]
    codings = {**item["codering"]["bronnen"], **item["codering"]["spanningsvelden"]}
    found = {}
    for column in row:
        prefix, _, rest = column.partition("_")
        if prefix in ("bron", "veld") and (key := _coding_key(rest, codings)):
            shown = _json_value(codings[key], rest[len(key) :])
            found[column] = "" if shown is None else str(shown)
        elif column in ("trefwoorden", "ook_in"):  # lists in the JSON
            found[column] = "; ".join(item[column])
        elif column in ("breedtegraad", "lengtegraad", "startjaar"):  # numbers, or null
            found[column] = item[column]
            row[column] = _number(row[column])
        else:
            found[column] = item[column]
    assert found == row
    assert item["titel_fr"] == "Cuisine de quartier" and item["vertaald_door_fr"] == "Redactie"
    assert codings["strijd"]["onderbouwing_fr"] == "Ils mènent des actions."


def _number(cell: str) -> float | int | None:
    """A number cell of the CSV as the JSON gives it."""
    if not cell:
        return None
    return float(cell) if "." in cell else int(cell)


def _coding_key(rest: str, codings: dict) -> str | None:
    """The framework key a wide column is named by (`strijd` in `bron_strijd_grond`)."""
    keys = [key for key in codings if rest == key or rest.startswith(key + "_")]
    return max(keys, key=len, default=None)


def _json_value(coding: dict, suffix: str):
    """What the JSON says for one coding column of the wide table, by the column's suffix."""
    if suffix == "":
        if coding.get("beide_polen"):
            return "beide"
        return coding["sterkte"] if "sterkte" in coding else coding["positie"]
    if suffix in ("_grond", "_onderbouwing"):
        return coding[suffix[1:]]
    return coding["onderbouwing_" + suffix.removeprefix("_onderbouwing_")]


# A rationale written in Dutch only: no version in another language.
UNTRANSLATED = {"onderbouwing_nl": "", "onderbouwing_fr": "", "onderbouwing_en": ""}


def test_the_json_export_gives_each_coding_its_grounds_and_null_for_what_cannot_be_told(
    client, graded
):
    [item] = json.loads(client.get(reverse("export-cases-json")).getvalue())["praktijken"]
    sources, fields = item["codering"]["bronnen"], item["codering"]["spanningsvelden"]
    assert sources["strijd"] == {
        "sterkte": 2,
        "grond": "tekstbewijs",
        "onderbouwing": "Onderbouwing voor Strijd.",
        **UNTRANSLATED,
    }
    assert sources["ontmoeting"] == {
        "sterkte": None,
        "grond": "niet_te_bepalen",
        "onderbouwing": "Onderbouwing voor Ontmoeting.",
        **UNTRANSLATED,
    }
    assert fields["consensus-conflict"] == {
        "positie": None,
        "beide_polen": None,
        "grond": "niet_te_bepalen",
        "onderbouwing": "Onderbouwing voor consensus – conflict.",
        **UNTRANSLATED,
    }
    assert fields["afstand-nabijheid"] == {
        "positie": None,
        "beide_polen": True,
        "grond": "interpretatie",
        "onderbouwing": "Onderbouwing voor afstand – nabijheid.",
        **UNTRANSLATED,
    }
    assert (
        fields["economisch-cultureel"]["positie"] == -1
        and fields["economisch-cultureel"]["beide_polen"] is False
    )


def test_the_data_page_explains_the_three_grounds_and_names_the_columns(client, framework):
    page = parse(client.get(reverse("open-data")))
    section = page.xpath("//section[@aria-labelledby='grounds-title']")[0]
    assert texts(section, ".//h2") == ["Hoe elke codering gekend is"]
    assert texts(section, ".//dt") == ["tekstbewijs", "interpretatie", "niet te bepalen"]
    # Interpretations are credited to whoever coded: the seed's are the bank's editors', others the researchers'.
    assert texts(section, ".//dd")[1] == (
        "De lezing van wie de praktijk codeerde: onderzoekers of de redactie van de praktijkenbank. De onderbouwing zegt waarop ze steunt."
    )
    assert texts(section, ".//dd")[2] == (
        "Het materiaal laat geen waarde toe. Er is dan geen sterkte of positie (dus niet 0 en niet ‘afwezig’); de onderbouwing zegt waarom."
    )
    codes = texts(section, ".//code")
    assert {"bron_<sleutel>_grond", "veld_<sleutel>_grond", "grond", "niet_te_bepalen"} <= set(
        codes
    )


@pytest.mark.parametrize(
    ("language", "terms"),
    [
        ("fr", ["preuve textuelle", "interprétation", "indéterminable"]),
        ("en", ["textual evidence", "interpretation", "cannot be determined"]),
    ],
)
def test_the_data_page_names_the_grounds_in_the_readers_language(
    client, framework, language, terms
):
    page = parse(client.get(f"/{language}{reverse('open-data')}"))
    section = page.xpath("//section[@aria-labelledby='grounds-title']")[0]
    assert texts(section, ".//dt") == terms


# --- import: reading the grounds ---------------------------------------------------------------------


def test_the_import_reads_the_grounds_as_codes_or_as_the_admin_writes_them(framework, researcher):
    case = make_case(slug="buurtkeuken-gent", title="Buurtkeuken Gent", practice=PRACTICE)
    cite(case, "strijd", "Ze voeren actie")
    row = good_row(
        **{
            "praktijk": PRACTICE,
            "bron_strijd_grond": "Tekstbewijs",
            "bron_ontmoeting": "",
            "bron_ontmoeting_grond": "Niet Te Bepalen",
            "bron_normen-en-waarden_grond": "INTERPRETATIE",
            "veld_consensus-conflict": "",
            "veld_consensus-conflict_grond": "niet_te_bepalen",
            "veld_afstand-nabijheid_grond": "interpretatie",
        }
    )
    report = run_import(wide_csv([row]), researcher)
    assert report.saved, report.errors
    assert dict(SourceCoding.objects.filter(case=case).values_list("source__key", "grounds")) == {
        "wederzijdse-afhankelijkheid": "interpretatie",
        "normen-en-waarden": "interpretatie",
        "strijd": "tekstbewijs",
        "ontmoeting": "niet_te_bepalen",
    }
    assert SourceCoding.objects.get(case=case, source__key="ontmoeting").strength is None
    position = TensionPosition.objects.get(case=case, tension_field__key="consensus-conflict")
    assert (position.grounds, position.position, position.holds_both) == (
        "niet_te_bepalen",
        None,
        False,
    )
    assert [column for column in report.rows[0].changes if column.endswith("_grond")] == [
        "bron_strijd_grond",
        "bron_ontmoeting_grond",
        "veld_consensus-conflict_grond",
    ]


def test_a_file_without_grounds_columns_keeps_the_grounds_and_new_codings_are_interpretations(
    framework, researcher
):
    case = make_case(
        slug="bestaand",
        title="Bestaand",
        practice=PRACTICE,
        strengths={"strijd": 1},
        grounds={"strijd": Grounds.EVIDENCE},
    )
    cite(case, "strijd", "Ze voeren actie")
    header = (
        "slug,titel,domein,soort,gemeente,initiatief,samenvatting,bron_strijd,bron_ontmoeting\n"
    )
    rows = f"bestaand,Bestaand,wonen,casestudie,Gent,{case.initiative},{case.summary},3,2\nnieuw,Nieuw,wonen,casestudie,Gent,X,Y,1,0\n"
    report = run_import((header + rows).encode(), researcher)
    assert report.saved, report.errors
    assert SourceCoding.objects.filter(case=case, source__key="strijd").values_list(
        "grounds", "strength"
    ).get() == ("tekstbewijs", 3)
    assert SourceCoding.objects.get(case=case, source__key="ontmoeting").grounds == "interpretatie"
    assert set(
        SourceCoding.objects.filter(case__slug="nieuw").values_list("grounds", flat=True)
    ) == {"interpretatie"}


FEW_COLUMNS = "slug,titel,domein,soort,gemeente,initiatief,samenvatting,bron_strijd_grond,bron_ontmoeting_grond,veld_afstand-nabijheid_grond\n"


def test_a_file_with_grounds_but_no_value_columns_changes_the_grounds_and_keeps_the_values(
    framework, researcher
):
    case = make_case(
        slug="bestaand",
        title="Bestaand",
        practice=PRACTICE,
        strengths={"strijd": 2},
        positions={"afstand-nabijheid": 1},
    )
    cite(case, "strijd", "Ze voeren actie")
    row = f"bestaand,Bestaand,wonen,casestudie,Gent,{case.initiative},{case.summary},tekstbewijs,niet te bepalen,Interpretatie\n"
    report = run_import((FEW_COLUMNS + row).encode(), researcher)
    assert report.saved, report.errors
    assert [(r.action, r.changes) for r in report.rows] == [
        ("changed", ["bron_strijd_grond", "bron_ontmoeting_grond"])
    ]
    assert dict(SourceCoding.objects.filter(case=case).values_list("source__key", "grounds")) == {
        "wederzijdse-afhankelijkheid": "interpretatie",
        "normen-en-waarden": "interpretatie",
        "strijd": "tekstbewijs",
        "ontmoeting": "niet_te_bepalen",
    }
    assert SourceCoding.objects.get(case=case, source__key="strijd").strength == 2
    assert SourceCoding.objects.get(case=case, source__key="ontmoeting").strength is None
    position = TensionPosition.objects.get(case=case, tension_field__key="afstand-nabijheid")
    assert (position.grounds, position.position) == ("interpretatie", 1)


def test_new_grounds_without_a_value_column_for_a_new_coding_are_refused(framework, researcher):
    row = "nieuw,Nieuw,wonen,casestudie,Gent,X,Y,interpretatie,,\n"
    report = run_import((FEW_COLUMNS + row).encode(), researcher)
    assert report.errors == [
        "Rij 2, kolom ‘bron_strijd’: Bij de grond ‘interpretatie’ hoort een waarde. Mogelijk zijn: 0, 1, 2, 3 (of: afwezig, zwak, "
        "matig, sterk). Of kies als grond niet_te_bepalen."
    ]
    assert not Case.objects.exists()


# (what the second row says, the column named, the message)
BAD_GROUNDS = [
    (
        {"bron_strijd": "2", "bron_strijd_grond": "niet te bepalen"},
        "bron_strijd_grond",
        "Bij ‘niet te bepalen’ hoort geen waarde, maar kolom ‘bron_strijd’ geeft ‘2’: maak die leeg, of kies als grond tekstbewijs "
        "of interpretatie.",
    ),
    (
        {"veld_consensus-conflict": "", "veld_consensus-conflict_grond": "interpretatie"},
        "veld_consensus-conflict",
        "Bij de grond ‘interpretatie’ hoort een waarde. Mogelijk zijn: -2, -1, 0, 1, 2, beide (of: sterk consensus, eerder consensus, "
        "in het midden, eerder conflict, sterk conflict, houdt beide polen vast). Of kies als grond niet_te_bepalen.",
    ),
    (
        {"bron_strijd": "", "bron_strijd_grond": "tekstbewijs"},
        "bron_strijd",
        "Bij de grond ‘tekstbewijs’ hoort een waarde. Mogelijk zijn: 0, 1, 2, 3 (of: afwezig, zwak, matig, sterk). "
        "Of kies als grond niet_te_bepalen.",
    ),
    (
        {"bron_strijd_grond": "zeker"},
        "bron_strijd_grond",
        "‘zeker’ is geen geldige waarde. Mogelijk zijn: tekstbewijs, interpretatie, niet_te_bepalen (of: niet te bepalen).",
    ),
    (
        {"bron_strijd_grond": "tekstbewijs"},
        "bron_strijd_grond",
        "‘tekstbewijs’ vraagt een verankerde passage uit de tekst van deze praktijk voor ‘Strijd’, en die is er niet. De import "
        "leest geen tekstbewijs: voeg de passage toe in de werkbank onder ‘Tekstbewijs voor de codering’, of kies hier interpretatie.",
    ),
]


@pytest.mark.parametrize(("overrides", "column", "message"), BAD_GROUNDS)
def test_grounds_that_cannot_stand_are_named_by_row_and_column_and_nothing_is_saved(
    framework, researcher, overrides, column, message
):
    report = run_import(
        wide_csv([good_row(slug="eerste-goede"), good_row(**overrides)]), researcher
    )
    assert not report.saved
    assert report.errors == [f"Rij 3, kolom ‘{column}’: {message}"]
    assert not Case.objects.exists()


def test_tekstbewijs_for_a_case_whose_passage_is_orphaned_is_refused(framework, researcher):
    case = make_case(slug="buurtkeuken-gent", practice=PRACTICE)
    CodingEvidence.objects.filter(pk=cite(case, "strijd", "Ze voeren actie").pk).update(
        anchor_state="orphaned"
    )
    report = run_import(
        wide_csv([good_row(praktijk=PRACTICE, bron_strijd_grond="tekstbewijs")]),
        researcher,
        dry_run=True,
    )
    assert report.errors == [
        "Rij 2, kolom ‘bron_strijd_grond’: ‘tekstbewijs’ vraagt een verankerde passage uit de tekst van deze praktijk voor ‘Strijd’, "
        "en die is er niet. De import leest geen tekstbewijs: voeg de passage toe in de werkbank onder ‘Tekstbewijs voor de "
        "codering’, of kies hier interpretatie."
    ]
    assert SourceCoding.objects.get(case=case, source__key="strijd").grounds == "interpretatie"


def test_a_value_for_a_coding_that_cannot_be_told_needs_its_grounds(framework, researcher):
    case = make_case(slug="bestaand", title="Bestaand", grounds={"strijd": Grounds.UNDETERMINED})
    content = b"slug,titel,domein,soort,gemeente,initiatief,samenvatting,bron_strijd\n" + (
        f"bestaand,Bestaand,wonen,casestudie,Gent,{case.initiative},{case.summary},3\n".encode()
    )
    report = run_import(content, researcher)
    assert report.errors == [
        "Rij 2, kolom ‘bron_strijd’: ‘Strijd’ is nu ‘niet te bepalen’, zonder waarde. Geef bij deze waarde in kolom "
        "‘bron_strijd_grond’ een grond (tekstbewijs of interpretatie), of laat de waarde leeg."
    ]
    assert SourceCoding.objects.filter(case=case, source__key="strijd").values_list(
        "grounds", "strength"
    ).get() == (
        "niet_te_bepalen",
        None,
    )


RATIONALE_NEEDED = (
    "Een onderbouwing is nodig zolang de praktijk ter nalezing ligt of gepubliceerd is: {asks}."
)


# (the row's status, what it says of one coding, the column named, the message)
ROWS_WITHOUT_RATIONALE = [
    (
        "published",
        {"bron_strijd_grond": "interpretatie", "bron_strijd_onderbouwing": ""},
        "bron_strijd_onderbouwing",
        RATIONALE_NEEDED.format(asks="zeg waarop de interpretatie steunt"),
    ),
    (
        "published",
        {
            "veld_consensus-conflict": "",
            "veld_consensus-conflict_grond": "niet_te_bepalen",
            "veld_consensus-conflict_onderbouwing": " ",
        },
        "veld_consensus-conflict_onderbouwing",
        RATIONALE_NEEDED.format(asks="zeg waarom het materiaal geen waarde toelaat"),
    ),
    (
        "in_review",
        {
            "bron_ontmoeting": "",
            "bron_ontmoeting_grond": "niet te bepalen",
            "bron_ontmoeting_onderbouwing": "",
        },
        "bron_ontmoeting_onderbouwing",
        RATIONALE_NEEDED.format(asks="zeg waarom het materiaal geen waarde toelaat"),
    ),
]


@pytest.mark.parametrize(("status", "overrides", "column", "message"), ROWS_WITHOUT_RATIONALE)
def test_a_coding_without_rationale_for_a_case_in_review_or_published_is_refused_by_row_and_column(
    framework, researcher, status, overrides, column, message
):
    report = run_import(
        wide_csv([good_row(slug="eerste-goede"), good_row(status=status, **overrides)]), researcher
    )
    assert not report.saved
    assert report.errors == [f"Rij 3, kolom ‘{column}’: {message}"]
    assert not Case.objects.exists()


def test_a_published_case_cannot_lose_a_rationale_through_the_import(framework, researcher):
    case = make_case(slug="bestaand", title="Bestaand", grounds={"strijd": Grounds.UNDETERMINED})
    content = (
        b"slug,titel,domein,soort,gemeente,initiatief,samenvatting,bron_strijd_grond,bron_strijd_onderbouwing\n"
        + (
            f"bestaand,Bestaand,wonen,casestudie,Gent,{case.initiative},{case.summary},niet_te_bepalen,\n".encode()
        )
    )
    report = run_import(content, researcher)
    assert report.errors == [
        "Rij 2, kolom ‘bron_strijd_onderbouwing’: "
        + RATIONALE_NEEDED.format(asks="zeg waarom het materiaal geen waarde toelaat")
    ]
    assert (
        SourceCoding.objects.get(case=case, source__key="strijd").rationale
        == "Onderbouwing voor Strijd."
    )


def test_a_draft_may_come_in_without_a_rationale(framework, researcher):
    row = good_row(status="draft", bron_strijd_grond="interpretatie", bron_strijd_onderbouwing="")
    report = run_import(wide_csv([row]), researcher)
    assert report.saved, report.errors
    coding = SourceCoding.objects.get(case__slug="buurtkeuken-gent", source__key="strijd")
    assert (coding.grounds, coding.strength, coding.rationale) == ("interpretatie", 2, "")


def test_the_guide_and_the_template_show_the_grounds_columns(
    framework, researcher, researcher_client
):
    page = parse(researcher_client.get(reverse("admin:cases_case_import")))
    guide = {
        row[0]: row[1:]
        for row in (
            texts(tr, "./*")
            for tr in page.xpath("//table[contains(@class,'import-guide')]/tbody/tr")
        )
    }
    assert guide["bron_strijd_grond"] == [
        "Hoe de sterkte voor ‘Strijd’ gekend is: tekstbewijs (een passage uit de tekst, die u in de werkbank verankert), "
        "interpretatie (de lezing van wie codeerde: onderzoekers of de redactie), of niet te bepalen (zonder waarde). Leeg: een "
        "bestaande codering houdt haar grond, een nieuwe wordt interpretatie.",
        "tekstbewijs, interpretatie, niet_te_bepalen (of: niet te bepalen)",
        "nee",
    ]
    assert guide["veld_afstand-nabijheid_grond"][1:] == [
        "tekstbewijs, interpretatie, niet_te_bepalen (of: niet te bepalen)",
        "nee",
    ]
    header, example = list(
        csv.reader(
            io.StringIO(
                researcher_client.get(reverse("admin:cases_case_import_template", args=["csv"]))
                .getvalue()
                .decode()
            )
        )
    )
    assert [column for column in header if column.endswith("_grond")] == [
        "bron_wederzijdse-afhankelijkheid_grond",
        "bron_normen-en-waarden_grond",
        "bron_strijd_grond",
        "bron_ontmoeting_grond",
        "veld_universeel-particularistisch_grond",
        "veld_consensus-conflict_grond",
        "veld_economisch-cultureel_grond",
        "veld_integratie-transformatie_grond",
        "veld_afstand-nabijheid_grond",
        "veld_onderhandelbaar-niet-onderhandelbaar_grond",
    ]
    assert list(guide) == header  # the guide and the template come from the same columns
    assert dict(zip(header, example, strict=True))["bron_strijd_grond"] == "interpretatie"


# --- the round trip on the seed ---------------------------------------------------------------------


def stored_grounds() -> dict[tuple[str, str], tuple]:
    sources = SourceCoding.objects.values_list("case__slug", "source__key", "grounds", "strength")
    fields = TensionPosition.objects.values_list(
        "case__slug", "tension_field__key", "grounds", "position", "holds_both"
    )
    return {(slug, key): rest for slug, key, *rest in [*sources, *fields]}


def unsettle_every_grounds() -> None:
    """Give every seeded coding other grounds than the export wrote (evidence stays anchored)."""
    SourceCoding.objects.filter(grounds=Grounds.EVIDENCE).update(grounds=Grounds.INTERPRETATION)
    TensionPosition.objects.filter(grounds=Grounds.EVIDENCE).update(grounds=Grounds.INTERPRETATION)
    SourceCoding.objects.filter(grounds=Grounds.UNDETERMINED).update(
        grounds=Grounds.INTERPRETATION, strength=1
    )
    TensionPosition.objects.filter(grounds=Grounds.UNDETERMINED).update(
        grounds=Grounds.INTERPRETATION, position=0
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_round_trip_on_the_seed_keeps_every_grounds(client, framework, researcher, fmt):
    call_command("seed", verbosity=0)
    before = stored_grounds()
    assert {value[0] for value in before.values()} == {
        "tekstbewijs",
        "interpretatie",
        "niet_te_bepalen",
    }
    wide = client.get(reverse("export-cases-csv")).getvalue()
    exported = wide if fmt == "csv" else client.get(reverse("export-cases-xlsx")).getvalue()
    filename = f"praktijken.{fmt}"

    # Imported over itself, the export changes nothing.
    untouched = run_import(exported, researcher, filename=filename, dry_run=True)
    assert untouched.ok and {row.action for row in untouched.rows} == {"unchanged"}

    unsettle_every_grounds()
    report = run_import(exported, researcher, filename=filename)
    assert report.saved, report.errors
    assert stored_grounds() == before
    cache.clear()
    assert client.get(reverse("export-cases-csv")).getvalue() == wide
