"""Cases in and out: spreadsheet import with a dry run, and the public exports.

The exchange format has one row per case (Dutch column names, see CASE_COLUMNS):
the case's fields, its keywords (separated by ";"), its status, and per source
`bron_<key>` (0-3) with `bron_<key>_grond` and `bron_<key>_onderbouwing`, per
tension field `veld_<key>` (-2..2, or "beide") with `veld_<key>_grond` and
`veld_<key>_onderbouwing`. The grounds say how a coding is known (tekstbewijs,
interpretatie, niet_te_bepalen); a coding that cannot be told has no value. The wide
export (CSV or XLSX) is exactly this format, so an export imports back to the
same data. Exports write Dutch codes (`casestudie`, `gepubliceerd`); imports
also read the labels the admin shows and the English codes of older files.

After those columns come the language columns (`language_columns`), in this
order: `oorspronkelijke_taal` (nl, fr or en: the language the plain text columns
are written in), then one block per language version, Dutch, French, English:
the texts `titel_<taal>`, `samenvatting_<taal>` and `<tekstsectie>_<taal>` (in
the order of CASE_COLUMNS), `vertaald_door_<taal>`, and the rationales
`bron_<key>_onderbouwing_<taal>`, `veld_<key>_onderbouwing_<taal>` (in the
order of the coding columns). An empty cell is no translation. Every language
column may be left out of a file: the import then leaves what is stored (a new
case: Dutch, no translations).

An import validates every row and reports every error (by row and column) in
one dry run; with any error nothing is saved. Saving goes through the
services: a version is kept, text changes re-anchor, statuses move through the
workflow (with its checks) and are logged. Rows that change nothing are left
alone.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
import re
import textwrap
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cases import case_places, services
from cases.coding_reliability import reliability_json
from cases.evidence import lacks_evidence, rationale_refusal
from cases.forms import KEYWORD_MAX_LENGTH, validate_keyword_lengths
from cases.models import (
    PLAIN_TEXT_FIELDS,
    TEXT_SECTIONS,
    Case,
    CodingEvidence,
    Grounds,
    Position,
    SourceCoding,
    Strength,
    TensionPosition,
    describe_position,
    text_section,
)
from diegem.lib import qdpx
from diegem.lib.annotatable import PlainTextField, normalize_plain_text
from diegem.lib.languages import LANGUAGE_NAMES_IN_DUTCH, in_dutch, translation_column
from diegem.lib.locking import one_at_a_time
from diegem.lib.workflow import IllegalTransition
from frameworks.models import FORMER_KEYS, Domain, Source, TensionField

# --- the format ------------------------------------------------------------------------------

# Column -> Case field, in the order of the file.
CASE_COLUMNS = {
    "slug": "slug",
    "titel": "title",
    "soort": "kind",
    "domein": "domain",
    "gemeente": "municipality",
    "nis": "nis_code",
    "ook_in": "more_places",
    "buurt": "neighbourhood",
    "breedtegraad": "latitude",
    "lengtegraad": "longitude",
    "initiatief": "initiative",
    "website": "website",
    "startjaar": "start_year",
    "samenvatting": "summary",
    "context": "context",
    "praktijk": "practice",
    "plaats": "place_text",
    "burgerschapspraktijken": "citizenship",
    "leerprocessen": "learning",
    "interventies": "interventions",
    "aandachtspunten": "lessons",
}
assert set(CASE_COLUMNS.values()) >= {s.field for s in TEXT_SECTIONS}
LIST_SEPARATOR = "; "  # between the items of a list in one cell (`trefwoorden`, `ook_in`)

# The languages a text of a case (and a rationale) has a version in: nl, fr, en.
TEXT_LANGUAGES = Case.TRANSLATION_LANGUAGES
LANGUAGE_COLUMN = "oorspronkelijke_taal"  # -> Case.original_language
TRANSLATOR_COLUMN = "vertaald_door"  # + "_<taal>" -> Case.translated_by_<taal>


def _case_language_columns() -> dict[str, tuple[str, str]]:
    """Column -> (language, Case field) of the translations and translators, by language:
    `titel_nl` … `aandachtspunten_nl`, `vertaald_door_nl`, `titel_fr` … `vertaald_door_en`."""
    columns = {}
    for language in TEXT_LANGUAGES:
        for column, name in CASE_COLUMNS.items():
            if name in Case.TRANSLATED_FIELDS:
                columns[f"{column}_{language}"] = (language, translation_column(name, language))
        columns[f"{TRANSLATOR_COLUMN}_{language}"] = (language, f"translated_by_{language}")
    return columns


CASE_LANGUAGE_COLUMNS = _case_language_columns()
CASE_COLUMN_OF = {name: column for column, (_language, name) in CASE_LANGUAGE_COLUMNS.items()}
BOTH = "beide"
MAX_FILE_BYTES = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAMESPACE = uuid.UUID(
    "6f1d6c1e-0b7a-5c3e-9a55-5d1e3a4c2b10"
)  # fixed: codebook identifiers stay the same


# --- the values of choice columns ------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    value: object  # as the import hands it on
    code: str  # as an export writes it
    labels: tuple[str, ...] = ()  # other spellings a person may use, named in messages
    legacy: tuple[str, ...] = ()  # spellings of older files, still read


@dataclass(frozen=True)
class Vocabulary:
    """The values of a choice column: one code each, and every spelling an import reads.

    Spellings match whatever their capitals and spacing.
    """

    choices: tuple[Choice, ...]

    def parse(self, text: str):
        wanted = _spelling(text)
        for choice in self.choices:
            if wanted in {_spelling(s) for s in (choice.code, *choice.labels, *choice.legacy)}:
                return choice.value
        raise KeyError(text)

    def code(self, value) -> str:
        return next(choice.code for choice in self.choices if choice.value == value)

    def allowed(self) -> str:
        """The valid values in words: the codes, then other spellings that differ from them."""
        codes = [choice.code for choice in self.choices]
        others = [
            label
            for choice in self.choices
            for label in choice.labels
            if _spelling(label) not in {_spelling(code) for code in codes}
        ]
        text = ", ".join(codes)
        return text + (_(" (of: %(labels)s)") % {"labels": ", ".join(others)} if others else "")


def _spelling(text) -> str:
    return " ".join(str(text).split()).casefold()


@in_dutch  # the words of the data, whatever the workbench's language
def kinds() -> Vocabulary:
    return Vocabulary(
        (
            Choice(Case.Kind.PILOT, "pilootcase", (str(Case.Kind.PILOT.label),), ("pilot",)),
            Choice(
                Case.Kind.CASE_STUDY,
                "casestudie",
                (str(Case.Kind.CASE_STUDY.label),),
                ("case_study",),
            ),
        )
    )


@in_dutch  # the words of the data, whatever the workbench's language
def statuses() -> Vocabulary:
    return Vocabulary(
        (
            Choice(Case.Status.DRAFT, "concept", (str(Case.Status.DRAFT.label),), ("draft",)),
            Choice(
                Case.Status.IN_REVIEW,
                "ter-nalezing",
                (str(Case.Status.IN_REVIEW.label),),
                ("in_review",),
            ),
            Choice(
                Case.Status.PUBLISHED,
                "gepubliceerd",
                (str(Case.Status.PUBLISHED.label),),
                ("published",),
            ),
        )
    )


def domain_choices(domains) -> Vocabulary:
    return Vocabulary(tuple(Choice(d.key, d.key, (d.name,)) for d in domains))


@in_dutch  # the words of the data, whatever the workbench's language
def strengths() -> Vocabulary:
    return Vocabulary(tuple(Choice(s.value, str(s.value), (str(s.label),)) for s in Strength))


@in_dutch  # the words of the data, whatever the workbench's language
def positions(tension_field: TensionField) -> Vocabulary:
    """-2..2 (also written +1, +2), the words of the field's own poles, or both poles."""
    steps = tuple(
        Choice(
            str(p.value),
            str(p.value),
            (describe_position(tension_field, p.value, False),),
            (f"{p.value:+d}",),
        )
        for p in Position
    )
    return Vocabulary((*steps, Choice(BOTH, BOTH, (describe_position(tension_field, None, True),))))


@in_dutch  # the words of the data, whatever the workbench's language
def grounds_vocabulary() -> Vocabulary:
    """How a coding is known; "niet te bepalen" is also read as the admin and the site write it."""
    return Vocabulary(
        (
            Choice(Grounds.EVIDENCE, "tekstbewijs", (str(Grounds.EVIDENCE.label),)),
            Choice(Grounds.INTERPRETATION, "interpretatie", (str(Grounds.INTERPRETATION.label),)),
            Choice(
                Grounds.UNDETERMINED,
                "niet_te_bepalen",
                (str(Grounds.UNDETERMINED.label),),
                ("niet-te-bepalen",),
            ),
        )
    )


@in_dutch  # the words of the data, whatever the workbench's language
def text_languages() -> Vocabulary:
    """The language a case is written in: its code (nl, fr, en), or its name in Dutch."""
    return Vocabulary(
        tuple(Choice(code, code, (str(LANGUAGE_NAMES_IN_DUTCH[code]),)) for code in TEXT_LANGUAGES)
    )


# The columns that follow each coding's value column, in the order of the file.
GROUNDS_SUFFIX, RATIONALE_SUFFIX = "_grond", "_onderbouwing"


def _coding_value_columns(sources, tension_fields) -> list[str]:
    return [f"bron_{s.key}" for s in sources] + [f"veld_{f.key}" for f in tension_fields]


def coding_columns(sources: list[Source], tension_fields: list[TensionField]) -> list[str]:
    columns = []
    for column in _coding_value_columns(sources, tension_fields):
        columns += [column, column + GROUNDS_SUFFIX, column + RATIONALE_SUFFIX]
    return columns


def rationale_column(coding_column: str, language: str) -> str:
    """The column of a coding's rationale in one language version: `bron_strijd_onderbouwing_fr`."""
    return f"{coding_column}{RATIONALE_SUFFIX}_{language}"


def language_columns(sources, tension_fields) -> list[str]:
    """The language columns, after all others: `oorspronkelijke_taal`, then per language (nl,
    fr, en) its texts, its translator and its rationales (see the module's docstring)."""
    codings = _coding_value_columns(sources, tension_fields)
    columns = [LANGUAGE_COLUMN]
    for language in TEXT_LANGUAGES:
        columns += [c for c, (lang, _name) in CASE_LANGUAGE_COLUMNS.items() if lang == language]
        columns += [rationale_column(coding, language) for coding in codings]
    return columns


def all_columns(sources, tension_fields, *, with_languages: bool = True) -> list[str]:
    """Every column of the format, in the order of the file; the language columns last (left
    out `with_languages=False`)."""
    columns = [*CASE_COLUMNS, "trefwoorden", "status", *coding_columns(sources, tension_fields)]
    return columns + (language_columns(sources, tension_fields) if with_languages else [])


# --- export ----------------------------------------------------------------------------------


def _framework():
    return list(Source.objects.all()), list(TensionField.objects.all())


def published_cases():
    return (
        Case.objects.published()
        .select_related("domain")
        .prefetch_related("source_codings__source", "tension_positions__tension_field", "keywords")
        .order_by("title", "pk")
    )


# The published cases read per query when a whole file is written of them.
CASES_PER_QUERY = 500


def published_cases_in_chunks():
    """`published_cases` for writing a file of them all (a release's member, a data file of
    `/data/`): read a chunk at a time, their codings and keywords prefetched per chunk."""
    return published_cases().iterator(chunk_size=CASES_PER_QUERY)


def case_row(case: Case, sources, tension_fields) -> dict[str, str]:
    row = {}
    for column, name in CASE_COLUMNS.items():
        value = case.domain.key if name == "domain" else getattr(case, name)
        if name == "more_places":
            value = LIST_SEPARATOR.join(value)
        row[column] = "" if value is None else str(value)
    row["soort"] = kinds().code(case.kind)
    row["trefwoorden"] = LIST_SEPARATOR.join(sorted(tag.name for tag in case.keywords.all()))
    row["status"] = statuses().code(case.status)
    strengths = {c.source_id: c for c in case.source_codings.all()}
    positions = {p.tension_field_id: p for p in case.tension_positions.all()}
    for source in sources:
        coding = strengths.get(source.pk)
        row[f"bron_{source.key}"] = (
            "" if coding is None or coding.strength is None else str(coding.strength)
        )
        _coding_cells(row, f"bron_{source.key}", coding)
    for tension_field in tension_fields:
        position = positions.get(tension_field.pk)
        row[f"veld_{tension_field.key}"] = _position_cell(position)
        _coding_cells(row, f"veld_{tension_field.key}", position)
    row[LANGUAGE_COLUMN] = text_languages().code(case.original_language)
    for column, (_language, name) in CASE_LANGUAGE_COLUMNS.items():
        row[column] = getattr(case, name) or ""
    return row


def _position_cell(position: TensionPosition | None) -> str:
    """-2..2, "beide", or nothing (not coded, or not to be told)."""
    if position is None or position.grounds == Grounds.UNDETERMINED:
        return ""
    return BOTH if position.holds_both else str(position.position)


def _coding_cells(row: dict, column: str, coding) -> None:
    row[column + GROUNDS_SUFFIX] = (
        "" if coding is None else grounds_vocabulary().code(coding.grounds)
    )
    row[column + RATIONALE_SUFFIX] = "" if coding is None else coding.rationale
    for language in TEXT_LANGUAGES:
        row[rationale_column(column, language)] = (
            "" if coding is None else getattr(coding, translation_column("rationale", language))
        )


def wide_table(cases: Iterable[Case]) -> Iterator[list]:
    """The header, then one row per case: the import format."""
    sources, tension_fields = _framework()
    columns = all_columns(sources, tension_fields)
    yield columns
    for case in cases:
        row = case_row(case, sources, tension_fields)
        yield [row[column] for column in columns]


LONG_COLUMNS = [
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


def long_table(cases: Iterable[Case]) -> Iterator[list]:
    """The header, then one row per case and source or tension field: ready for R or SPSS.

    A coding that cannot be told has no value and no "beide_polen" (missing, not 0); a source
    has no poles, so no "beide_polen" either.
    """
    yield LONG_COLUMNS
    vocabulary = grounds_vocabulary()
    for case in cases:
        base = [case.slug, case.title, kinds().code(case.kind), case.domain.key, case.municipality]
        for coding in sorted(case.source_codings.all(), key=lambda c: c.source.order):
            value = "" if coding.strength is None else coding.strength
            source = coding.source
            yield [
                *base,
                "bron",
                source.key,
                source.name,
                value,
                "",  # both poles: a tension field's only
                vocabulary.code(coding.grounds),
                coding.rationale,
            ]
        for position in sorted(case.tension_positions.all(), key=lambda p: p.tension_field.number):
            field_ = position.tension_field
            value = "" if position.position is None else position.position
            both = "" if position.grounds == Grounds.UNDETERMINED else int(position.holds_both)
            yield [
                *base,
                "spanningsveld",
                field_.key,
                field_.name,
                value,
                both,
                vocabulary.code(position.grounds),
                position.rationale,
            ]


def write_csv(table: Iterable[list], out: io.TextIOBase) -> int:
    """The table as CSV (UTF-8, comma). Returns the number of rows after the header."""
    writer = csv.writer(out)
    count = -1
    for row in table:
        writer.writerow(row)
        count += 1
    return count


def write_xlsx(table: Iterable[list], title: str) -> bytes:
    """The table as an Excel workbook: numbers as numbers, text as text (never a formula)."""
    buffer = io.BytesIO()
    save_xlsx(table, title, buffer)
    return buffer.getvalue()


def save_xlsx(table: Iterable[list], title: str, out: BinaryIO) -> None:
    """`write_xlsx` into the file `out`: the rows go through a temporary file of openpyxl's, never
    the memory, however many there are."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    rows = iter(table)
    header = next(rows)
    sheet.append(header)
    for row in rows:
        cells = []
        for column, value in zip(header, row, strict=True):
            if value in ("", None):
                cells.append(None)
            elif _is_number_column(column) and _NUMBER.fullmatch(text := str(value)):
                cell = WriteOnlyCell(sheet, value=float(text) if "." in text else int(text))
                if "." in text:
                    cell.number_format = (
                        "0.000000"  # coordinates: the six decimals they are stored with
                    )
                cells.append(cell)
            else:
                # Case text is data: "=…" stays text, and characters XML cannot hold are dropped.
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
                cell.data_type = "s"
                cells.append(cell)
        if cells and cells[-1] is None:
            # An empty last cell all the same: a write-only sheet says not how wide it is, and
            # readers take a row to end at its last cell (the language columns are often empty).
            cells[-1] = WriteOnlyCell(sheet, value="")
            cells[-1].data_type = "s"
        sheet.append(cells)
    workbook.save(out)


_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _is_number_column(column: str) -> bool:
    if column in ("breedtegraad", "lengtegraad", "startjaar", "waarde", "beide_polen"):
        return True
    return column.startswith(("bron_", "veld_")) and not column.endswith(
        (GROUNDS_SUFFIX, RATIONALE_SUFFIX, *(rationale_column("", l) for l in TEXT_LANGUAGES))
    )


def export_wide_csv(cases: Iterable[Case], out: io.TextIOBase) -> int:
    """One row per case, the import format. Returns the number of rows."""
    return write_csv(wide_table(cases), out)


def export_long_csv(cases: Iterable[Case], out: io.TextIOBase) -> int:
    """One row per case and source or tension field: ready for R or SPSS."""
    return write_csv(long_table(cases), out)


def export_wide_xlsx(cases: Iterable[Case]) -> bytes:
    """The wide export as an Excel workbook: opens in columns whatever Excel's list separator."""
    return write_xlsx(wide_table(cases), "praktijken")


def export_long_xlsx(cases: Iterable[Case]) -> bytes:
    return write_xlsx(long_table(cases), "praktijken-lang")


def export_json(cases: Iterable[Case], site_url: str) -> str:
    out = io.StringIO()
    write_json(cases, site_url, out)
    return out.getvalue()


def write_json(cases: Iterable[Case], site_url: str, out: io.TextIOBase) -> None:
    """The JSON export written case by case (as `json.dumps(..., indent=2)` would write it whole).

    Memory stays that of one case however many there are (a release of 10,000 cases).
    """
    out.write("{\n")
    out.write(f'  "licentie": {json.dumps(JSON_LICENCE, ensure_ascii=False)},\n')
    out.write(f'  "bron": {json.dumps(site_url, ensure_ascii=False)},\n')
    out.write('  "praktijken": [')
    sources, tension_fields = _framework()
    first = True
    for case in cases:
        item = json.dumps(
            _json_item(case, site_url, sources, tension_fields), ensure_ascii=False, indent=2
        )
        out.write(("" if first else ",") + "\n" + textwrap.indent(item, "    "))
        first = False
    out.write("]" if first else "\n  ]")
    # Agreement between independent codings (aggregate; cases.coding_reliability).
    reliability = json.dumps(reliability_json(), ensure_ascii=False, indent=2)
    out.write(f',\n  "betrouwbaarheid": {textwrap.indent(reliability, "  ").lstrip()}\n}}')


JSON_LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"


def _rationales(row: dict, column: str) -> dict:
    """A coding's rationale in each language version, as the wide table's columns have it."""
    return {
        f"onderbouwing_{language}": row[rationale_column(column, language)]
        for language in TEXT_LANGUAGES
    }


def _json_item(case: Case, site_url: str, sources, tension_fields) -> dict:
    """One case: what its row of the wide table holds (the same names), keywords as a list and
    the coding as objects, and where and since when it is published."""
    row = case_row(case, sources, tension_fields)
    return {
        **{column: _json_value(column, row[column]) for column in CASE_COLUMNS},
        "status": row["status"],
        "trefwoorden": [name for name in row["trefwoorden"].split(LIST_SEPARATOR) if name],
        "url": site_url + case.get_absolute_url(),
        "gepubliceerd": case.published_at.isoformat() if case.published_at else None,
        "codering": {
            "bronnen": {
                s.key: {
                    "sterkte": _int(row[f"bron_{s.key}"]),
                    "grond": row[f"bron_{s.key}_grond"] or None,
                    "onderbouwing": row[f"bron_{s.key}_onderbouwing"],
                    **_rationales(row, f"bron_{s.key}"),
                }
                for s in sources
            },
            "spanningsvelden": {
                f.key: {
                    "positie": None
                    if row[f"veld_{f.key}"] in ("", BOTH)
                    else int(row[f"veld_{f.key}"]),
                    # Not to be told: neither a place nor both poles (null, not false).
                    "beide_polen": None
                    if row[f"veld_{f.key}"] == ""
                    else row[f"veld_{f.key}"] == BOTH,
                    "grond": row[f"veld_{f.key}_grond"] or None,
                    "onderbouwing": row[f"veld_{f.key}_onderbouwing"],
                    **_rationales(row, f"veld_{f.key}"),
                }
                for f in tension_fields
            },
        },
        # Its languages, after all else as in the table: the original's, then each language's
        # texts and translator.
        LANGUAGE_COLUMN: row[LANGUAGE_COLUMN],
        **{column: row[column] for column in CASE_LANGUAGE_COLUMNS},
    }


def _int(value: str):
    return int(value) if value not in ("", None) else None


# The case's own columns that are numbers: a number in the JSON export (null when not given),
# as its data dictionary says; the CSV writes them as text.
_JSON_NUMBERS = {"breedtegraad": float, "lengtegraad": float, "startjaar": int}


def _json_value(column: str, value):
    """A column of the wide table as the JSON export gives it: a number column as a number
    (degrees of six decimals come back unchanged from a float's shortest form) or null; the
    other places as a list of NIS codes."""
    if column == "ook_in":
        return [code for code in value.split(LIST_SEPARATOR) if code]
    kind = _JSON_NUMBERS.get(column)
    if kind is None:
        return value
    return kind(value) if value not in ("", None) else None


# Codebook GUIDs were minted from the first (English) keys; they never change.
_MINTED_FROM = {new: old for old, new in FORMER_KEYS.items()}


def qda_guid(kind: str, key: str, *, case_pk: int | None = None) -> str:
    """The stable REFI-QDA identifier of one thing: the same in every export, `.qdc` and `.qdpx` alike.

    A uuid5 over a fixed namespace from natural keys, never from names: a code
    keeps its GUID when the framework renames it (framework keys as first
    minted, see FORMER_KEYS). What belongs to a case (its texts, its codings)
    is named by the case's primary key, not its slug: researchers change a
    slug when a title changes, and the analysis software would then see a new
    case beside the old one.
    """
    minted = _MINTED_FROM.get(key, key)
    return str(
        uuid.uuid5(
            NAMESPACE, f"{kind}:{minted}" if case_pk is None else f"{kind}:{case_pk}:{minted}"
        )
    )


# Colours of the source codes in analysis software.
SOURCE_COLORS = {
    "wederzijdse-afhankelijkheid": "#1F4E79",
    "normen-en-waarden": "#6B3D8F",
    "strijd": "#A4262C",
    "ontmoeting": "#1E6B35",
}


def pole_code_guid(tension_field: TensionField, position: int | None, holds_both: bool) -> str:
    """The code a passage that supports this position on a tension field is coded with.

    Towards pole A (-2, -1) its pole A, towards pole B (1, 2) its pole B, both
    poles held its "beide polen" code; the middle (0), which leans to neither
    pole, the tension field itself.
    """
    if holds_both:
        return qda_guid("both-poles", tension_field.key)
    if position is not None and position < 0:
        return qda_guid("pole-a", tension_field.key)
    if position is not None and position > 0:
        return qda_guid("pole-b", tension_field.key)
    return qda_guid("tension-field", tension_field.key)


# The codebook's own words (its groups, sets and the "both poles" codes) in each language it is
# written in; everything else is the framework's text, translated in its own columns.
CODEBOOK_WORDS = {
    "nl": {
        "sources": "Bronnen van solidariteit",
        "sources_about": (
            "Waar solidariteit vandaan komt; een praktijk kan uit meerdere bronnen tegelijk putten."
        ),
        "tension_fields": "Spanningsvelden",
        "tension_fields_about": (
            "Zes spectra tussen twee polen; een praktijk neemt een positie in of houdt beide polen vast."
        ),
        "both_poles": "{name}: beide polen",
        "both_poles_about": "De praktijk houdt beide polen vast.",
        "here_and_now": "Hier en nu",
        "here_and_now_about": "Waar en hoe de solidariteit zich toont.",
        "domains": "Domeinen",
        "domains_about": "Vier domeinen van het maatschappelijke leven.",
        "set_sources": "Bronnen",
        "set_poles": "Polen",
    },
    "fr": {
        "sources": "Sources de solidarité",
        "sources_about": (
            "D’où vient la solidarité ; une pratique peut puiser dans plusieurs sources à la fois."
        ),
        "tension_fields": "Champs de tension",
        "tension_fields_about": (
            "Six spectres entre deux pôles ; une pratique y prend une position ou tient les deux pôles."
        ),
        "both_poles": "{name} : les deux pôles",
        "both_poles_about": "La pratique tient les deux pôles.",
        "here_and_now": "Ici et maintenant",
        "here_and_now_about": "Où et comment la solidarité se manifeste.",
        "domains": "Domaines",
        "domains_about": "Quatre domaines de la vie sociale.",
        "set_sources": "Sources",
        "set_poles": "Pôles",
    },
    "en": {
        "sources": "Sources of solidarity",
        "sources_about": (
            "Where solidarity comes from; a practice may draw on several sources at once."
        ),
        "tension_fields": "Tension fields",
        "tension_fields_about": (
            "Six spectra between two poles; a practice takes a position or holds both poles."
        ),
        "both_poles": "{name}: both poles",
        "both_poles_about": "The practice holds both poles.",
        "here_and_now": "Here and now",
        "here_and_now_about": "Where and how solidarity shows itself.",
        "domains": "Domains",
        "domains_about": "Four domains of social life.",
        "set_sources": "Sources",
        "set_poles": "Poles",
    },
}
CODEBOOK_LANGUAGES = tuple(CODEBOOK_WORDS)  # nl (the default), fr, en


def framework_codebook(language: str = "nl") -> qdpx.Codebook:
    """The framework as REFI-QDA codes with stable GUIDs: the `.qdc` and every `.qdpx` project.

    In `language` (one of CODEBOOK_LANGUAGES): the framework's translations where there are
    any, else its Dutch originals (`shown_text`). The codes and their GUIDs are the same in
    every language; only their names and descriptions differ.
    """
    if language not in CODEBOOK_WORDS:
        raise ValueError(f"No codebook in {language!r}: one of {', '.join(CODEBOOK_LANGUAGES)}.")
    words = CODEBOOK_WORDS[language]

    def code(kind, key, name, codable, description="", color=None, children=()):
        return qdpx.Code(qda_guid(kind, key), name, codable, description, color, tuple(children))

    def text(obj, field: str) -> str:
        return obj.shown_text(field, language)[0]

    def field_name(tension_field: TensionField) -> str:
        return f"{text(tension_field, 'pole_a')} – {text(tension_field, 'pole_b')}"

    sources = list(Source.objects.all())
    tension_fields = list(TensionField.objects.all())
    with translation.override(language):  # the text sections' titles and help texts
        lenses = [
            code("lens", section.field, str(section.title), True, str(section.help_text))
            for section in TEXT_SECTIONS[2:]
        ]
    codes = (
        code(
            "group",
            "sources",
            words["sources"],
            False,
            words["sources_about"],
            children=[
                code(
                    "source",
                    s.key,
                    text(s, "name"),
                    True,
                    text(s, "summary"),
                    SOURCE_COLORS.get(s.key),
                )
                for s in sources
            ],
        ),
        code(
            "group",
            "tension-fields",
            words["tension_fields"],
            False,
            words["tension_fields_about"],
            children=[
                code(
                    "tension-field",
                    f.key,
                    field_name(f),
                    False,
                    text(f, "question"),
                    children=[
                        code(
                            "pole-a", f.key, text(f, "pole_a"), True, text(f, "pole_a_description")
                        ),
                        code(
                            "pole-b", f.key, text(f, "pole_b"), True, text(f, "pole_b_description")
                        ),
                        code(
                            "both-poles",
                            f.key,
                            words["both_poles"].format(name=field_name(f)),
                            True,
                            words["both_poles_about"],
                        ),
                    ],
                )
                for f in tension_fields
            ],
        ),
        code(
            "group",
            "here-and-now",
            words["here_and_now"],
            False,
            words["here_and_now_about"],
            children=lenses,
        ),
        code(
            "group",
            "domains",
            words["domains"],
            False,
            words["domains_about"],
            children=[
                code("domain", d.key, text(d, "name"), True, text(d, "description"))
                for d in Domain.objects.all()
            ],
        ),
    )
    poles = [qda_guid(kind, f.key) for f in tension_fields for kind in ("pole-a", "pole-b")]
    sets = (
        qdpx.CodeSet(
            qda_guid("set", "sources"),
            words["set_sources"],
            tuple(qda_guid("source", s.key) for s in sources),
        ),
        qdpx.CodeSet(qda_guid("set", "poles"), words["set_poles"], tuple(poles)),
    )
    return qdpx.Codebook(codes, sets)


def export_codebook(language: str = "nl") -> bytes:
    """The framework as a REFI-QDA codebook (QDA-XML codebook 1.0), stable GUIDs, in
    `language` (nl, fr or en; ValueError for another)."""
    return qdpx.codebook_xml(framework_codebook(language), origin=ORIGIN)


ORIGIN = "Praktijkenbank DieGem"


# --- import ----------------------------------------------------------------------------------


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says where and why."""


@dataclass
class RowResult:
    number: int  # the spreadsheet row: the header is row 1
    slug: str
    action: str = ""  # new, changed, unchanged
    changes: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    dry_run: bool = True
    saved: bool = False

    @property
    def errors(self) -> list[str]:
        messages = list(self.file_errors)
        for row in self.rows:
            messages += [
                _("Rij %(row)d, kolom ‘%(column)s’: %(message)s")
                % {"row": row.number, "column": c, "message": m}
                for c, m in row.errors
            ]
        return messages

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        """What happened or would happen; with errors, how many and that nothing is saved."""
        if not self.ok:
            errors = len(self.errors)
            text = ngettext("%(count)d fout", "%(count)d fouten", errors) % {"count": errors}
            rows = sum(1 for row in self.rows if row.errors)
            if rows:
                text += " " + ngettext("in %(count)d rij", "in %(count)d rijen", rows) % {
                    "count": rows
                }
            return text + ". " + _("Er wordt niets bewaard tot alle fouten opgelost zijn.")
        counts = {
            action: sum(1 for row in self.rows if row.action == action)
            for action in ("new", "changed", "unchanged")
        }
        return _("%(new)d nieuw, %(changed)d gewijzigd, %(unchanged)d ongewijzigd") % counts


def read_rows(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the rows of a CSV (UTF-8, comma or semicolon) or XLSX file: each row's
    number in the file (the header is row 1) and its columns -> text. Columns are named as
    they are now (`_current_column_name`: a first release's `bron_struggle` is `bron_strijd`).

    Rows with nothing in them (spreadsheets often leave a few at the end) are skipped.
    """
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(_("Het bestand is groter dan 5 MB."))
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    if filename.lower().endswith((".csv", ".txt")):
        return _read_csv(content)
    raise ImportFileError(_("Kies een .csv- of .xlsx-bestand."))


def _read_csv(content: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _encoding_error(content) from None
    csv.field_size_limit(
        MAX_FILE_BYTES
    )  # long text sections are fine; the file as a whole is capped
    try:
        table = _csv_table(text)
    except csv.Error:  # in practice a cell beyond the size limit
        raise ImportFileError(
            _("Dit is geen leesbaar CSV-bestand: een cel is groter dan 5 MB.")
        ) from None
    return _named_rows(table[0] if table else [], table[1:], str)


def _csv_table(text: str) -> list[list[str]]:
    """Every record of a CSV text, comma or semicolon, whatever its line ends (\r\n, \n, or
    the \r of an older Mac's "CSV (Macintosh)": the reader is given the text untranslated)."""
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]  # the line ends csv knows
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _named_rows(header_cells, records, as_text) -> tuple[list, list[tuple[int, dict]]]:
    """The header's named columns, and each record with something in it: its number in the
    file and its columns -> text.

    A column named twice (also under a name of the first release and its name now), or a
    value in a column without a name (a row longer than the header), is a file error: which
    of two values to take, or where one belongs, is for the researcher to say, not for the
    import to guess.
    """
    typed = [as_text(cell).strip() for cell in header_cells]
    header = [_current_column_name(column) for column in typed]
    named = [column for column in header if column]
    twice = sorted({column for column in named if named.count(column) > 1})
    if twice:
        raise ImportFileError(
            ngettext(
                "De kolom %(columns)s staat meer dan eens in de eerste rij.",
                "De kolommen %(columns)s staan meer dan eens in de eerste rij.",
                len(twice),
            )
            % {"columns": ", ".join(_as_typed(column, header, typed) for column in twice)}
        )
    rows = []
    for number, values in enumerate(records, start=2):
        cells = [as_text(value) for value in values]
        if not any(cell.strip() for cell in cells):
            continue  # spreadsheets often leave a few empty rows at the end
        if any(cell.strip() for i, cell in enumerate(cells) if i >= len(header) or not header[i]):
            raise ImportFileError(
                _(
                    "Rij %(row)d heeft een waarde in een kolom zonder naam in de eerste rij: "
                    "geef die kolom een naam of haal de waarde weg."
                )
                % {"row": number}
            )
        rows.append(
            (
                number,
                {
                    column: cells[i] if i < len(cells) else ""
                    for i, column in enumerate(header)
                    if column
                },
            )
        )
    return named, rows


def _encoding_error(content: bytes) -> ImportFileError:
    """Name the first row and column holding bytes that are not UTF-8."""
    text = content.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        rows = _csv_table(text)
    except csv.Error:  # not a table at all (a binary file named .csv): say what is sure
        rows = []
    header = rows[0] if rows else []
    for number, row in enumerate(rows, start=1):
        for index, cell in enumerate(row):
            if "\ufffd" in cell:
                column = header[index] if index < len(header) else "?"
                return ImportFileError(
                    _(
                        "Rij %(row)d, kolom ‘%(column)s’: het bestand is niet in UTF-8 gecodeerd. Bewaar het als ‘CSV UTF-8’ en probeer opnieuw."
                    )
                    % {"row": number, "column": column}
                )
    return ImportFileError(
        _("Het bestand is niet in UTF-8 gecodeerd. Bewaar het als ‘CSV UTF-8’ en probeer opnieuw.")
    )


def _as_typed(column: str, header: list[str], typed: list[str]) -> str:
    """A column named twice, with the names the file gives it when they differ (a first
    release's name beside the name now): ‘bron_strijd’ (‘bron_struggle’, ‘bron_strijd’)."""
    names = [written for now, written in zip(header, typed, strict=True) if now == column]
    if len(set(names)) == 1:
        return f"‘{column}’"
    return f"‘{column}’ ({', '.join(f'‘{name}’' for name in names)})"


def _read_xlsx(content: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(
            _("Dit is geen leesbaar XLSX-bestand (%(error)s).")
            % {"error": error.__class__.__name__}
        ) from None
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    return _named_rows(next(rows, None) or (), (values or () for values in rows), _cell_text)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class VocabularyField(forms.Field):
    """A choice column: any spelling its vocabulary reads; an error lists the valid values."""

    def __init__(self, vocabulary: Vocabulary, *, empty_value="", **kwargs):
        self.vocabulary, self.empty_value = vocabulary, empty_value
        super().__init__(**kwargs)

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return self.empty_value
        try:
            return self.vocabulary.parse(text)
        except KeyError:
            raise forms.ValidationError(
                _("‘%(value)s’ is geen geldige waarde. Mogelijk zijn: %(allowed)s."),
                code="invalid_choice",
                params={"value": text, "allowed": self.vocabulary.allowed()},
            ) from None


class DegreesField(forms.DecimalField):
    """Decimal degrees, with a point or (as a Flemish spreadsheet writes it) a comma."""

    def to_python(self, value):
        return super().to_python(value.replace(",", ".") if isinstance(value, str) else value)


class PlacesField(forms.CharField):
    """Other municipalities of a case (`Case.more_places`), by NIS code or by name, separated
    by semicolons: their NIS codes, each once; an unknown one is named in the message
    (`case_write` keeps them in the register's order, without the case's own municipality)."""

    def to_python(self, value):
        text = super().to_python(value)
        codes, unknown = [], []
        for given in (part.strip() for part in text.split(";")):
            if not given:
                continue
            found = case_places.municipality(given) or case_places.find_municipality(given)
            if found is None:
                unknown.append(given)
            elif found.nis not in codes:
                codes.append(found.nis)
        if unknown:
            raise forms.ValidationError(
                _(
                    "Onbekende gemeente(n): %(places)s. Geef de NIS-code of de naam van een "
                    "Belgische gemeente zoals in de lijst, gescheiden door een puntkomma."
                )
                % {"places": ", ".join(unknown)}
            )
        return codes


class CaseRowForm(forms.Form):
    """One row of the exchange format; field names are the column names.

    The column guide on the import page is read from these fields (help text,
    allowed values, required), so it says what the import does.
    """

    def __init__(self, data=None, *, sources, tension_fields, domains):
        super().__init__(data)
        f = self.fields
        f["slug"] = forms.SlugField(
            max_length=200,
            help_text=_(
                "Het laatste deel van het webadres; zo herkent de import een bestaande praktijk."
            ),
        )
        f["titel"] = forms.CharField(max_length=200, help_text=_("De naam van de praktijk."))
        f["soort"] = VocabularyField(kinds(), help_text=_("Een pilootcase of een casestudie."))
        f["domein"] = VocabularyField(
            domain_choices(domains), help_text=_("Het domein van het maatschappelijke leven.")
        )
        f["gemeente"] = forms.CharField(
            max_length=100, help_text=_("De gemeente waar de praktijk plaatsvindt.")
        )
        f["nis"] = forms.CharField(
            max_length=5,
            required=False,
            help_text=_(
                "De NIS-code van de gemeente (vijf cijfers, bv. 44021 voor Gent); leeg: de gemeente wordt op haar "
                "naam gezocht. Een onbekende gemeente wordt geweigerd."
            ),
        )
        f["ook_in"] = PlacesField(
            required=False,
            help_text=_(
                "Alleen als de praktijk over meer gemeenten gespreid is: de andere gemeenten, "
                "met hun NIS-code of naam, gescheiden door een puntkomma."
            ),
        )
        f["buurt"] = forms.CharField(
            max_length=100, required=False, help_text=_("De buurt of wijk.")
        )
        f["breedtegraad"] = DegreesField(
            max_digits=9,
            decimal_places=6,
            min_value=-90,
            max_value=90,
            required=False,
            help_text=_(
                "Breedtegraad in decimale graden; samen met de lengtegraad, of geen van beide."
            ),
        )
        f["lengtegraad"] = DegreesField(
            max_digits=9,
            decimal_places=6,
            min_value=-180,
            max_value=180,
            required=False,
            help_text=_(
                "Lengtegraad in decimale graden; samen met de breedtegraad, of geen van beide."
            ),
        )
        f["initiatief"] = forms.CharField(
            max_length=200,
            help_text=_("De organisatie, het initiatief of het netwerk dat de praktijk draagt."),
        )
        f["website"] = forms.URLField(
            max_length=200,
            required=False,
            assume_scheme="https",
            help_text=_("De website van het initiatief."),
        )
        f["startjaar"] = forms.IntegerField(
            min_value=1800,
            max_value=2100,
            required=False,
            help_text=_("Het jaar waarin het initiatief begon."),
        )
        f["samenvatting"] = PlainTextField(
            max_length=1200, help_text=_("Twee tot vijf zinnen voor de lijst en de zoekresultaten.")
        )
        for column, name in CASE_COLUMNS.items():
            if section := text_section(name):
                f[column] = PlainTextField(
                    required=False,
                    max_length=Case._meta.get_field(name).max_length,
                    help_text=_("Tekstsectie ‘%(title)s’; een lege regel begint een nieuwe alinea.")
                    % {"title": section.title},
                )
        f["trefwoorden"] = forms.CharField(
            required=False,
            help_text=_(
                "Trefwoorden, gescheiden door een puntkomma (of een komma); elk hoogstens %(max)d tekens."
            )
            % {"max": KEYWORD_MAX_LENGTH},
        )
        f["status"] = VocabularyField(
            statuses(),
            required=False,
            help_text=_(
                "Leeg: een nieuwe praktijk wordt een concept, een bestaande houdt haar status."
            ),
        )
        # The value column of each coding and its vocabulary (see `clean`).
        self.coding_values: dict[str, Vocabulary] = {}
        for source in sources:
            column = f"bron_{source.key}"
            self.coding_values[column] = strengths()
            f[column] = VocabularyField(
                strengths(),
                empty_value=None,
                required=False,
                help_text=_(
                    "Hoe sterk de praktijk put uit de bron ‘%(source)s’. Leeg bij de grond ‘niet te bepalen’; "
                    "leeg zonder grond: geen codering, of de bestaande blijft."
                )
                % {"source": source.name},
            )
            f[column + GROUNDS_SUFFIX] = self._grounds_field(
                _("de sterkte voor ‘%(name)s’") % {"name": source.name}
            )
            f[column + RATIONALE_SUFFIX] = PlainTextField(
                required=False,
                help_text=_("Waarom die sterkte voor ‘%(source)s’.") % {"source": source.name},
            )
        for tension_field in tension_fields:
            column = f"veld_{tension_field.key}"
            self.coding_values[column] = positions(tension_field)
            f[column] = VocabularyField(
                positions(tension_field),
                required=False,
                help_text=_(
                    "De positie op ‘%(field)s’: van -2 (%(a)s) tot 2 (%(b)s), of beide polen. Leeg bij de grond "
                    "‘niet te bepalen’; leeg zonder grond: geen codering, of de bestaande blijft."
                )
                % {
                    "field": tension_field.name,
                    "a": tension_field.pole_a,
                    "b": tension_field.pole_b,
                },
            )
            f[column + GROUNDS_SUFFIX] = self._grounds_field(
                _("de positie op ‘%(name)s’") % {"name": tension_field.name}
            )
            f[column + RATIONALE_SUFFIX] = PlainTextField(
                required=False,
                help_text=_("Waarom die positie op ‘%(field)s’.") % {"field": tension_field.name},
            )
        self._language_fields(sources, tension_fields)

    def _language_fields(self, sources, tension_fields) -> None:
        """The language columns: the original language, the translations and translators."""
        f = self.fields
        f[LANGUAGE_COLUMN] = VocabularyField(
            text_languages(),
            required=False,
            help_text=_(
                "De taal waarin titel, samenvatting, tekstsecties en onderbouwingen geschreven zijn. "
                "Leeg: een nieuwe praktijk is Nederlands, een bestaande houdt haar taal."
            ),
        )
        for column, (language, name) in CASE_LANGUAGE_COLUMNS.items():
            in_language = LANGUAGE_NAMES_IN_DUTCH[language]
            max_length = Case._meta.get_field(name).max_length
            if column.startswith(TRANSLATOR_COLUMN):
                f[column] = forms.CharField(
                    max_length=max_length,
                    required=False,
                    help_text=_("Wie de teksten in het %(language)s vertaalde.")
                    % {"language": in_language},
                )
            else:
                original = column.removesuffix(f"_{language}")
                plain_text = CASE_COLUMNS[original] in PLAIN_TEXT_FIELDS
                f[column] = (PlainTextField if plain_text else forms.CharField)(
                    max_length=max_length,
                    required=False,
                    help_text=_translation_help(original, in_language),
                )
        for language in TEXT_LANGUAGES:
            for column in _coding_value_columns(sources, tension_fields):
                f[rationale_column(column, language)] = PlainTextField(
                    required=False,
                    help_text=_translation_help(
                        column + RATIONALE_SUFFIX, LANGUAGE_NAMES_IN_DUTCH[language]
                    ),
                )

    @staticmethod
    def _grounds_field(what: str) -> VocabularyField:
        return VocabularyField(
            grounds_vocabulary(),
            required=False,
            help_text=_(
                "Hoe %(what)s gekend is: tekstbewijs (een passage uit de tekst, die u in de werkbank verankert), "
                "interpretatie (de lezing van wie codeerde: onderzoekers of de redactie), of niet te bepalen (zonder waarde). Leeg: een bestaande "
                "codering houdt haar grond, een nieuwe wordt interpretatie."
            )
            % {"what": what},
        )

    def _resolve_place(self, cleaned) -> None:
        """The municipality from the register (by NIS code, else by name); given coordinates checked against it."""
        nis, name = cleaned.get("nis", ""), cleaned.get("gemeente", "")
        by_code, by_name = case_places.municipality(nis), case_places.find_municipality(name)
        if by_code and name and by_name != by_code:
            self.add_error(
                "gemeente",
                _(
                    "Kolom gemeente (‘%(name)s’) en kolom nis (%(code)s, %(register)s) spreken elkaar tegen: "
                    "laat ze overeenkomen, of geef er één."
                )
                % {"name": name, "code": nis, "register": by_code.name},
            )
            return
        try:
            place = case_places.resolve_place(
                nis=cleaned.get("nis", ""),
                name=cleaned.get("gemeente", ""),
                latitude=cleaned.get("breedtegraad"),
                longitude=cleaned.get("lengtegraad"),
                fields={"nis": "nis", "name": "gemeente", "latitude": "breedtegraad"},
            )
        except ValidationError as error:
            self.add_error(None, error)
            return
        # The coordinates stay as given: without them the map places the case at its municipality.
        cleaned["gemeente"], cleaned["nis"] = place.municipality.name, place.municipality.nis

    def clean_trefwoorden(self):
        validate_keyword_lengths(_keywords(self.cleaned_data["trefwoorden"]))
        return self.cleaned_data["trefwoorden"]

    def clean(self):
        cleaned = super().clean()
        coordinates_valid = "breedtegraad" not in self.errors and "lengtegraad" not in self.errors
        if coordinates_valid and (cleaned.get("breedtegraad") is None) != (
            cleaned.get("lengtegraad") is None
        ):
            self.add_error(
                "lengtegraad", _("Geef breedte- en lengtegraad samen, of geen van beide.")
            )
        elif coordinates_valid and not {"gemeente", "nis"} & set(self.errors):
            self._resolve_place(cleaned)
        for column, vocabulary in self.coding_values.items():
            if column in self.errors or column + GROUNDS_SUFFIX in self.errors:
                continue
            value, given = cleaned.get(column), cleaned.get(column + GROUNDS_SUFFIX)
            if given == Grounds.UNDETERMINED and value not in (None, ""):
                self.add_error(
                    column + GROUNDS_SUFFIX,
                    _(
                        "Bij ‘niet te bepalen’ hoort geen waarde, maar kolom ‘%(column)s’ geeft ‘%(value)s’: maak die leeg, "
                        "of kies als grond tekstbewijs of interpretatie."
                    )
                    % {"column": column, "value": str(self.data.get(column, "")).strip()},
                )
            elif (
                given in (Grounds.EVIDENCE, Grounds.INTERPRETATION)
                and value in (None, "")
                and column in self.data
            ):
                # (Without the value column, an existing coding keeps its value: see _coding_fields.)
                self.add_error(column, _value_missing(given, vocabulary))
        return cleaned


def _translation_help(column: str, language) -> str:
    return _(
        "Kolom ‘%(column)s’ in het %(language)s, als die niet de oorspronkelijke taal is "
        "(een vertaling); leeg: geen vertaling."
    ) % {"column": column, "language": language}


def _errors_of(form: forms.Form) -> list[tuple[str, str]]:
    return [(column, message) for column, messages in form.errors.items() for message in messages]


def required_columns(sources, tension_fields, domains) -> list[str]:
    """The columns every row needs (the row form's required fields), in the file's order."""
    form = CaseRowForm(sources=sources, tension_fields=tension_fields, domains=domains)
    return [name for name, field in form.fields.items() if field.required]


def import_cases(
    content: bytes, *, filename: str, actor, dry_run: bool = True, progress=None
) -> ImportReport:
    """Check every row and report every error; unless this is a dry run and if all is well, save them all."""
    report = ImportReport(dry_run=dry_run)
    try:
        header, rows = read_rows(content, filename)
    except ImportFileError as error:
        report.file_errors.append(str(error))
        return report
    sources, tension_fields = _framework()
    domains = list(Domain.objects.all())
    present = set(header)
    missing = [
        column
        for column in required_columns(sources, tension_fields, domains)
        if column not in present
    ]
    if missing:
        report.file_errors.append(
            _("Deze kolommen ontbreken: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    expected = all_columns(sources, tension_fields)
    unknown = [column for column in header if column not in expected]
    if unknown:
        report.file_errors.append(
            _("Onbekende kolommen: %(columns)s.") % {"columns": ", ".join(unknown)}
        )
    if not report.file_errors and not rows:
        report.file_errors.append(_("Het bestand bevat geen rijen."))
    if report.file_errors:
        return report
    seen: dict[str, int] = {}
    checked = []
    for number, raw in _progress(rows, progress):
        form = CaseRowForm(raw, sources=sources, tension_fields=tension_fields, domains=domains)
        valid = form.is_valid()
        slug = (
            form.cleaned_data["slug"]
            if "slug" in form.cleaned_data
            else (raw.get("slug") or "").strip()
        )
        result = RowResult(number=number, slug=slug, errors=_errors_of(form))
        if slug in seen:
            result.errors.append(
                (
                    "slug",
                    _("‘%(slug)s’ staat ook al in rij %(row)d.")
                    % {"slug": slug, "row": seen[slug]},
                )
            )
        elif slug:
            seen[slug] = number
        if valid and not result.errors and _codes_blind(actor, slug):
            # The report would show the coding it changes ("was ..."): not to a blind coder.
            result.errors.append(
                (
                    "slug",
                    _(
                        "U codeert ‘%(slug)s’ blind in een dubbele codering: importeer deze praktijk pas na uw indiening."
                    )
                    % {"slug": slug},
                )
            )
        if valid and not result.errors:
            existing = (
                Case.objects.filter(slug=slug)
                .prefetch_related("source_codings", "tension_positions", "keywords")
                .first()
            )
            result.action, result.changes = _diff(
                existing, form.cleaned_data, present, sources, tension_fields
            )
        report.rows.append(result)
        checked.append((result, form))
    # Save every row that passed its checks, through the services and the workflow,
    # so that what they refuse (an incomplete coding marked for publication) is
    # reported with the other errors; roll it all back on a dry run or any error.
    try:
        with transaction.atomic():
            # One import at a time (a double click on "Importeren", the workbench and the
            # command on one file): the second waits, then finds the first's cases by their slug.
            one_at_a_time("case-import")
            for result, form in checked:
                if result.action in ("new", "changed"):
                    _save_row(
                        form.cleaned_data, present, actor, sources, tension_fields, domains, result
                    )
            if dry_run or not report.ok:
                raise _Undo
    except _Undo:
        return report
    report.saved = True
    return report


def _current_column_name(column: str) -> str:
    """`bron_struggle` of a file exported by the first release is `bron_strijd` now."""
    for prefix in ("bron_", "veld_"):
        if column.startswith(prefix):
            key, suffix = column[len(prefix) :], ""
            languages = [rationale_column("", language) for language in TEXT_LANGUAGES]
            for known in (*languages, GROUNDS_SUFFIX, RATIONALE_SUFFIX):
                if key.endswith(known):
                    key, suffix = key.removesuffix(known), known
                    break
            if key in FORMER_KEYS:
                return f"{prefix}{FORMER_KEYS[key]}{suffix}"
    return column


class _Undo(Exception):
    """Roll the import back (a dry run, or a row the workflow refused)."""


def _progress(rows, progress):
    return progress(rows) if progress else rows


def _case_values(data: dict, present: set[str], domains) -> dict:
    values = {}
    by_key = {d.key: d for d in domains}
    for column, name in CASE_COLUMNS.items():
        if column not in present and not (column == "nis" and "gemeente" in present):
            continue
        value = data[column]
        if name == "domain":
            value = by_key[value]
        elif value is None and name not in ("latitude", "longitude", "start_year"):
            value = ""
        values[name] = value
    if data.get(LANGUAGE_COLUMN):  # empty: a new case is Dutch, a stored one keeps its language
        values["original_language"] = data[LANGUAGE_COLUMN]
    for column, (_language, name) in CASE_LANGUAGE_COLUMNS.items():
        if column in present:
            values[name] = data[column] or ""
    return values


def _diff(
    existing: Case | None, data: dict, present: set[str], sources, tension_fields
) -> tuple[str, list[str]]:
    if existing is None:
        return "new", []
    changes = []
    for column, name in CASE_COLUMNS.items():
        if column not in present:
            continue
        current = existing.domain.key if name == "domain" else getattr(existing, name)
        new = data[column]
        if name == "more_places":  # as case_write will store them
            new = case_places.other_places(new, data.get("nis") or existing.nis_code)
        if isinstance(current, Decimal) or isinstance(new, Decimal):
            same = _decimal(current) == _decimal(new)
        elif (
            name in PLAIN_TEXT_FIELDS
        ):  # the new text is in its stored form already (PlainTextField)
            same = current == new
        else:
            same = (current or "") == (new or "") or str(current or "").strip() == str(
                new or ""
            ).strip()
        if not same:
            changes.append(column)
    if data.get(LANGUAGE_COLUMN) and data[LANGUAGE_COLUMN] != existing.original_language:
        changes.append(LANGUAGE_COLUMN)
    for column, (_language, name) in CASE_LANGUAGE_COLUMNS.items():
        if column in present and (getattr(existing, name) or "") != (data[column] or ""):
            changes.append(column)
    if "trefwoorden" in present and sorted(t.name for t in existing.keywords.all()) != _keywords(
        data["trefwoorden"]
    ):
        changes.append("trefwoorden")
    if data.get("status") and data["status"] != existing.status:
        changes.append("status")
    strengths = {c.source_id: c for c in existing.source_codings.all()}
    for source in sources:
        column = f"bron_{source.key}"
        changes += _coding_changes(data, column, present, strengths.get(source.pk), _strength_cell)
    positions = {p.tension_field_id: p for p in existing.tension_positions.all()}
    for tension_field in tension_fields:
        column = f"veld_{tension_field.key}"
        changes += _coding_changes(
            data, column, present, positions.get(tension_field.pk), _position_cell
        )
    return ("changed" if changes else "unchanged"), changes


def _coding_changes(data: dict, column: str, present: set[str], coding, value_of) -> list[str]:
    """The columns of one coding whose cells differ from the stored coding: the value (with the rationale), the grounds."""
    if not _coding_given(data, column, present):
        return []
    changes = []
    value_changed = (
        column in present
        and coding is not None
        and _or_blank(value_of(coding)) != _or_blank(data[column])
    )
    if (
        coding is None
        or value_changed
        or _rationale(data, column, present, coding) != coding.rationale
    ):
        changes.append(column)
    if coding is not None and _grounds_given(data, column, present) not in (None, coding.grounds):
        changes.append(column + GROUNDS_SUFFIX)
    if coding is not None:
        changes += [
            translated
            for translated, text in _rationale_translations(data, column, present, coding).items()
            if text != getattr(coding, _rationale_attribute(translated))
        ]
    return changes


def _or_blank(value) -> str:
    return "" if value is None else str(value)


def _coding_given(data: dict, column: str, present: set[str]) -> bool:
    """A coding is in the row when its value or its grounds are; empty cells leave it as it is."""
    return (column in present and data[column] not in (None, "")) or _grounds_given(
        data, column, present
    ) is not None


def _grounds_given(data: dict, column: str, present: set[str]) -> str | None:
    """The grounds the row gives for a coding, or None: the file has no such column, or the cell is empty."""
    if column + GROUNDS_SUFFIX in present and data[column + GROUNDS_SUFFIX]:
        return data[column + GROUNDS_SUFFIX]
    return None


def _rationale(data: dict, column: str, present: set[str], current) -> str:
    """The rationale the row gives, or the current one when the file has no such column."""
    if column + RATIONALE_SUFFIX in present:
        return data[column + RATIONALE_SUFFIX]
    return current.rationale if current else ""


def _rationale_attribute(column: str) -> str:
    """`bron_strijd_onderbouwing_fr` -> `rationale_fr`."""
    return translation_column("rationale", column.rsplit("_", 1)[1])


def _rationale_translations(data: dict, column: str, present: set[str], current) -> dict:
    """The rationale's language versions the row gives, by column; the current ones (or
    nothing, for a new coding) where the file has no such column."""
    versions = {}
    for language in TEXT_LANGUAGES:
        translated = rationale_column(column, language)
        if translated in present:
            versions[translated] = data[translated] or ""
        else:
            versions[translated] = (
                getattr(current, translation_column("rationale", language)) if current else ""
            )
    return versions


def _decimal(value):
    try:
        return None if value in (None, "") else Decimal(value).quantize(Decimal("0.000001"))
    except InvalidOperation:
        return value


def _keywords(text: str) -> list[str]:
    return sorted(
        {part.strip() for part in (text or "").replace(",", ";").split(";") if part.strip()}
    )


def _codes_blind(actor, slug: str) -> bool:
    """Whether the actor may not read the coding of the case with this slug (a blind second coder)."""
    if actor is None or not Case.objects.filter(slug=slug).exists():
        return False
    return not Case.objects.codings_visible_to(actor).filter(slug=slug).exists()


def _save_row(data, present, actor, sources, tension_fields, domains, result: RowResult) -> None:
    """Write one row through `case_write`, then move the case through the workflow to the row's status.

    What the row cannot save is noted in `result` (the import then rolls
    everything back). A coding the row puts on "tekstbewijs" needs a passage
    anchored in the case's text as it stands after the write: the row may have
    edited the text, and the import cannot add passages.
    """
    case = Case.objects.filter(slug=data["slug"]).first() or Case()
    stored_language = case.original_language if case.pk else None
    # The texts in the case's language as stored, before the row: only what it changes counts.
    stored_texts = _own_language_texts(case, stored_language) if case.pk else {}
    for name, value in _case_values(data, present, domains).items():
        setattr(case, name, value)
    stored_strengths = {c.source_id: c for c in case.source_codings.all()} if case.pk else {}
    stored_positions = (
        {p.tension_field_id: p for p in case.tension_positions.all()} if case.pk else {}
    )
    source_codings, tension_positions, on_evidence = [], [], []
    # Every coding as the row leaves it, by column: the stored ones, then the row's.
    after = {f"bron_{s.key}": stored_strengths[s.pk] for s in sources if s.pk in stored_strengths}
    after |= {
        f"veld_{f.key}": stored_positions[f.pk] for f in tension_fields if f.pk in stored_positions
    }
    if case.pk:
        stored_texts |= _own_language_rationales(after, stored_language)
    # The passages the case cites now (the import adds none: the workbench does). Whether they still
    # stand once the row's text is written is checked again after the write, below.
    anchored = (
        CodingEvidence.objects.filter(case=case).anchored()
        if case.pk
        else CodingEvidence.objects.none()
    )
    cited = {
        ("source", pk)
        for pk in anchored.filter(source__isnull=False).values_list("source_id", flat=True)
    }
    cited |= {
        ("field", pk)
        for pk in anchored.filter(tension_field__isnull=False).values_list(
            "tension_field_id", flat=True
        )
    }
    # The status the case will have once the row is saved: a case in review or published needs every rationale.
    status = data.get("status") or case.status
    for source in sources:
        column = f"bron_{source.key}"
        if _coding_given(data, column, present):
            current = stored_strengths.get(source.pk)
            cell = _CodingCell(
                column, source.name, strengths(), _strength_cell, ("source", source.pk) in cited
            )
            if (fields := _coding_fields(data, present, cell, current, status, result)) is not None:
                value = fields.pop("value")
                strength = None if value == "" else int(value)
                coding = _set(
                    current or SourceCoding(case=case, source=source), strength=strength, **fields
                )
                source_codings.append(coding)
                after[column] = coding
                on_evidence += (
                    [(cell, coding)]
                    if _grounds_given(data, column, present) == Grounds.EVIDENCE
                    else []
                )
    for tension_field in tension_fields:
        column = f"veld_{tension_field.key}"
        if _coding_given(data, column, present):
            current = stored_positions.get(tension_field.pk)
            cell = _CodingCell(
                column,
                tension_field.name,
                positions(tension_field),
                _position_cell,
                ("field", tension_field.pk) in cited,
            )
            if (fields := _coding_fields(data, present, cell, current, status, result)) is not None:
                value = fields.pop("value")
                position = _set(
                    current or TensionPosition(case=case, tension_field=tension_field),
                    position=None if value in ("", BOTH) else int(value),
                    holds_both=value == BOTH,
                    **fields,
                )
                tension_positions.append(position)
                after[column] = position
                on_evidence += (
                    [(cell, position)]
                    if _grounds_given(data, column, present) == Grounds.EVIDENCE
                    else []
                )
    if _translated_into_original(case, after, present, stored_language, stored_texts, result):
        return
    comment = (
        _("Geïmporteerd; gewijzigd: %(columns)s.") % {"columns": ", ".join(result.changes)}
        if result.changes
        else ""
    )
    try:
        services.case_write(
            case=case,
            codings=services.Rows(save=source_codings),
            positions=services.Rows(save=tension_positions),
            keywords=_keywords(data["trefwoorden"]) if "trefwoorden" in present else None,
            actor=actor,
            comment=comment or _("Geïmporteerd."),
        )
    except services.PublishedCaseIncomplete as refused:
        result.errors.append(("status", str(refused)))
        return
    except services.CodingDuringDoubleCoding as refused:
        columns = {("source", source.pk): f"bron_{source.key}" for source in sources} | {
            ("field", field.pk): f"veld_{field.key}" for field in tension_fields
        }
        result.errors.append((columns[next(iter(refused.changed))], str(refused)))
        return
    for cell, coding in on_evidence:
        coding.refresh_from_db(fields=["grounds"])
        if (
            coding.grounds != Grounds.EVIDENCE
        ):  # no anchored passage for it: `case_write` made it an interpretation
            result.errors.append((cell.column + GROUNDS_SUFFIX, _no_evidence(cell)))
    if result.errors:
        return  # nothing of this row stays; its status is checked once its codings can be saved
    _move_to_status(case, data.get("status"), actor, result)


def _set(coding, **values):
    """The coding with these values (not saved)."""
    for name, value in values.items():
        setattr(coding, name, value)
    return coding


def _no_evidence(cell: _CodingCell) -> str:
    return _(
        "‘tekstbewijs’ vraagt een verankerde passage uit de tekst van deze praktijk voor ‘%(name)s’, en die is er niet. "
        "De import leest geen tekstbewijs: voeg de passage toe in de werkbank onder ‘Tekstbewijs voor de codering’, "
        "of kies hier interpretatie."
    ) % {"name": cell.name}


def _move_to_status(case: Case, target: str | None, actor, result: RowResult) -> None:
    """Move the case through the workflow to the row's status (with the workflow's checks)."""
    if not target or target == case.status:
        return
    if target == Case.Status.PUBLISHED and (missing := case.missing_for_publication()):
        # All publication lacks, before a step on the way (to review) names only a part of it.
        result.errors.append(
            (
                "status",
                _("kan niet gepubliceerd worden: %(missing)s") % {"missing": " ".join(missing)},
            )
        )
    elif actor is None:
        # A dry run without a user in whose name to move it: check what the steps check.
        if target == Case.Status.IN_REVIEW and (gaps := case.rationales_missing()):
            result.errors.append(("status", services.not_ready_for_review(gaps)))
        elif target == Case.Status.PUBLISHED and services.double_coding_open(case):
            result.errors.append(("status", str(services.DOUBLE_CODING_OPEN)))
    else:
        try:
            for action in services.WORKFLOW.path(case.status, target):
                case = services.case_transition(
                    case=case, action=action, actor=actor, note=_("Bij het importeren.")
                )
        except services.CaseIncomplete as error:
            result.errors.append(
                (
                    "status",
                    _("kan niet gepubliceerd worden: %(missing)s")
                    % {"missing": " ".join(error.missing)},
                )
            )
        except (IllegalTransition, PermissionDenied) as error:
            result.errors.append(("status", str(error)))


@dataclass(frozen=True)
class _CodingCell:
    """One coding's columns in a row, and what the import needs to know to save it."""

    column: str  # the value column, e.g. "bron_strijd"
    name: str  # the source or tension field, for messages
    vocabulary: Vocabulary  # the values the column takes
    value_of: Callable  # a stored coding -> its value as the column writes it
    cited: bool = False  # the coding has a passage anchored in the case's text


def _strength_cell(coding: SourceCoding) -> str:
    return "" if coding.strength is None else str(coding.strength)


def _own_language_texts(case: Case, language: str) -> dict:
    """Column -> text of the case's translations into `language` (its original language): what
    `WrittenIn.translations_into_original` looks at, named as the file names it."""
    return {
        CASE_COLUMN_OF[translation_column(field, language)]: getattr(
            case, translation_column(field, language), ""
        )
        for field in Case.TRANSLATED_FIELDS
    }


def _own_language_rationales(codings: dict, language: str) -> dict:
    """Column -> rationale in `language` of `codings` (by coding column), likewise."""
    rationale = translation_column("rationale", language)
    return {
        rationale_column(column, language): getattr(coding, rationale, "")
        for column, coding in codings.items()
    }


def _changed(text: str, stored: str | None) -> bool:
    """Does the row's text differ from the stored one, as the import reads a cell (in its
    normal form, without surrounding space)?"""
    return normalize_plain_text(text or "").strip() != normalize_plain_text(stored or "").strip()


def _translated_into_original(
    case: Case, codings: dict, present: set, stored: str | None, stored_texts: dict, result
) -> bool:
    """Does the case, as the row leaves it (`codings`: by column, the row's and the stored ones
    it is silent on), hold a translation into its own original language
    (`WrittenIn.translations_into_original`)? Noted in `result`, naming the columns. Where the
    row keeps the language the case had (`stored`), only what the row changes counts: a text
    stored there before this rule (`stored_texts`) is never shown, and never blocks an
    import, of a file as exported too."""
    relabelled = case.original_language != stored
    filled = [CASE_COLUMN_OF[name] for name in case.translations_into_original()]
    filled += [
        rationale_column(column, case.original_language)
        for column, coding in codings.items()
        if coding.translations_into_original()
    ]
    language = case.original_language
    now = _own_language_texts(case, language) | _own_language_rationales(codings, language)
    filled = [
        column
        for column in filled
        if relabelled or (column in present and _changed(now[column], stored_texts.get(column)))
    ]
    if filled:
        result.errors.append(
            (
                LANGUAGE_COLUMN,
                _(
                    "De oorspronkelijke taal kan geen taal zijn waarin de praktijk een vertaling "
                    "heeft: maak eerst %(fields)s leeg, of kies een andere taal."
                )
                % {"fields": ", ".join(f"‘{column}’" for column in filled)},
            )
        )
    return bool(filled)


def _coding_fields(
    data: dict, present: set[str], cell: _CodingCell, current, status: str, result: RowResult
) -> dict | None:
    """The value (as the column writes it), grounds, rationale and flag a row gives one coding.

    None, with the error noted, when they cannot stand. Without grounds in the
    row a coding keeps its own (a new one is an interpretation); without its
    value column, its value; without its rationale column, its rationale.
    "Tekstbewijs" needs a passage anchored in the case's text, which the import
    cannot add: the workbench does (checked again once the row is written:
    `_save_row`). A case in review or published (`status`, as the row leaves
    it) needs a rationale for every coding.
    """
    column = cell.column
    given = _grounds_given(data, column, present)
    grounds = given or (current.grounds if current else Grounds.INTERPRETATION)
    if column in present:
        value = "" if data[column] is None else str(data[column])
    else:
        value = cell.value_of(current) if current and grounds != Grounds.UNDETERMINED else ""
    if given is None and grounds == Grounds.UNDETERMINED and value:
        result.errors.append(
            (
                column,
                _(
                    "‘%(name)s’ is nu ‘niet te bepalen’, zonder waarde. Geef bij deze waarde in kolom ‘%(grounds_column)s’ een grond "
                    "(tekstbewijs of interpretatie), of laat de waarde leeg."
                )
                % {"name": cell.name, "grounds_column": column + GROUNDS_SUFFIX},
            )
        )
        return None
    if grounds != Grounds.UNDETERMINED and not value:
        result.errors.append((column, _value_missing(grounds, cell.vocabulary)))
        return None
    if lacks_evidence(grounds, cited=cell.cited):
        result.errors.append(
            (
                column + GROUNDS_SUFFIX,
                _(
                    "‘tekstbewijs’ vraagt een verankerde passage uit de tekst van deze praktijk voor ‘%(name)s’, en die is er niet. "
                    "De import leest geen tekstbewijs: voeg de passage toe in de werkbank onder ‘Tekstbewijs voor de codering’, "
                    "of kies hier interpretatie."
                )
                % {"name": cell.name},
            )
        )
        return None
    rationale = _rationale(data, column, present, current)
    if refusal := rationale_refusal(grounds=grounds, rationale=rationale, status=status):
        result.errors.append((column + RATIONALE_SUFFIX, refusal))
        return None
    return {
        "value": "" if grounds == Grounds.UNDETERMINED else value,
        "grounds": grounds,
        "rationale": rationale,
        **{
            _rationale_attribute(translated): text
            for translated, text in _rationale_translations(data, column, present, current).items()
        },
        # Only an interpretation carries the flag of orphaned evidence; it stays until a passage is anchored again.
        "evidence_orphaned": bool(
            current and current.evidence_orphaned and grounds == Grounds.INTERPRETATION
        ),
    }


def _value_missing(grounds: str, vocabulary: Vocabulary) -> str:
    return _(
        "Bij de grond ‘%(grounds)s’ hoort een waarde. Mogelijk zijn: %(allowed)s. Of kies als grond niet_te_bepalen."
    ) % {
        "grounds": grounds_vocabulary().code(grounds),
        "allowed": vocabulary.allowed(),
    }


# --- the admin's import form ------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Bestand (CSV of XLSX)"), required=False)
    # After a clean dry run the same file is carried along, so that "Importeren" saves what was checked.
    content = forms.CharField(widget=forms.HiddenInput, required=False)
    filename = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            if upload.size > MAX_FILE_BYTES:
                self.add_error("file", _("Het bestand is groter dan 5 MB."))
        elif cleaned.get("content"):
            try:
                self._content = base64.b64decode(cleaned["content"], validate=True)
            except (binascii.Error, ValueError):
                # Only a changed page sends this: name what the researcher can act on.
                self.add_error(
                    "file",
                    _(
                        "Het bestand van de proefdraai kwam beschadigd terug. Kies het bestand opnieuw."
                    ),
                )
            if not cleaned.get("filename"):
                self.add_error(
                    "file",
                    _(
                        "Het bestand van de proefdraai kwam zonder naam terug. Kies het bestand opnieuw."
                    ),
                )
        else:
            self.add_error("file", _("Kies een bestand."))
        return cleaned

    def file_content(self) -> bytes:
        if not hasattr(self, "_content"):
            self._content = self.cleaned_data["file"].read()
        return self._content

    def file_name(self) -> str:
        upload = self.cleaned_data.get("file")
        return upload.name if upload else self.cleaned_data["filename"]


def confirm_form(form: ImportForm, report: ImportReport | None) -> ImportForm | None:
    """After a clean dry run: the same file, carried along, ready to import for real."""
    if report is None or not report.ok or report.saved:
        return None
    return ImportForm(
        initial={
            "content": base64.b64encode(form.file_content()).decode(),
            "filename": form.file_name(),
            "confirm": True,
        }
    )


# --- the template file and the column guide ----------------------------------------------------


@dataclass(frozen=True)
class ColumnGuide:
    column: str
    meaning: str
    allowed: str
    required: bool
    # The import's field for the column: what a data dictionary reads its type and limits from.
    form_field: forms.Field | None = field(default=None, compare=False, repr=False)


def column_guide(*, with_languages: bool = False) -> list[ColumnGuide]:
    """Every column of the import, what it means and what it takes: read from the import's own form.

    The language columns only `with_languages` (the import page and the data dictionary of a
    release list the others).
    """
    sources, tension_fields = _framework()
    form = CaseRowForm(
        sources=sources, tension_fields=tension_fields, domains=list(Domain.objects.all())
    )
    return [
        ColumnGuide(
            column,
            str(form.fields[column].help_text),
            _allowed(form.fields[column]),
            form.fields[column].required,
            form.fields[column],
        )
        for column in all_columns(sources, tension_fields, with_languages=with_languages)
    ]


def _allowed(field: forms.Field) -> str:
    if isinstance(field, VocabularyField):
        return field.vocabulary.allowed()
    if isinstance(field, forms.DecimalField):
        return _(
            "een getal van %(min)s tot %(max)s, met hoogstens %(places)d cijfers na de komma"
        ) % {
            "min": field.min_value,
            "max": field.max_value,
            "places": field.decimal_places,
        }
    if isinstance(field, forms.IntegerField):
        return _("een jaartal van %(min)s tot %(max)s") % {
            "min": field.min_value,
            "max": field.max_value,
        }
    if isinstance(field, forms.SlugField):
        return _(
            "letters, cijfers, liggende streepjes en koppeltekens, zonder spaties; hoogstens %(max)d tekens"
        ) % {"max": field.max_length}
    if isinstance(field, forms.URLField):
        return _("een webadres (http of https)")
    if field.max_length:
        return _("tekst, hoogstens %(max)d tekens") % {"max": field.max_length}
    return _("tekst")


def template_table() -> list[list[str]]:
    """The header of the import format and one example row, in the codes an export writes."""
    sources, tension_fields = _framework()
    domains = list(Domain.objects.all())
    example = {
        "slug": "voorbeeld-buurtrestaurant",
        "titel": "Buurtrestaurant De Tafel (voorbeeld)",
        "soort": kinds().code(Case.Kind.CASE_STUDY),
        "domein": domains[0].key if domains else "",
        "gemeente": "Gent",
        "nis": "44021",
        "buurt": "Rabot",
        "breedtegraad": "51.062000",
        "lengtegraad": "3.711000",
        "initiatief": "vzw De Tafel",
        "website": "https://example.org/de-tafel",
        "startjaar": "2018",
        "samenvatting": "Buren koken elke week samen en eten aan één lange tafel.",
        "praktijk": "Elke donderdag koken vrijwilligers uit de buurt.\n\nWie wil, schuift aan.",
        "trefwoorden": "koken; ontmoeting",
        "status": statuses().code(Case.Status.DRAFT),
        LANGUAGE_COLUMN: text_languages().code("nl"),
        "titel_fr": "Restaurant de quartier De Tafel (exemple)",
        "samenvatting_fr": "Des voisins cuisinent ensemble chaque semaine et mangent à une longue table.",
        f"{TRANSLATOR_COLUMN}_fr": "Naam van wie vertaalde",
    }
    interpretation = grounds_vocabulary().code(Grounds.INTERPRETATION)
    for source in sources:
        example[f"bron_{source.key}"] = "2"
        example[f"bron_{source.key}_grond"] = interpretation
        example[f"bron_{source.key}_onderbouwing"] = (
            "Interpretatie: waarom deze sterkte, en waarop die lezing steunt."
        )
    for tension_field in tension_fields:
        example[f"veld_{tension_field.key}"] = "0"
        example[f"veld_{tension_field.key}_grond"] = interpretation
        example[f"veld_{tension_field.key}_onderbouwing"] = "Interpretatie: waarom deze positie."
    columns = all_columns(sources, tension_fields)
    return [columns, [example.get(column, "") for column in columns]]
