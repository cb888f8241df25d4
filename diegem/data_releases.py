"""Cutting a citable release: a numbered, frozen ZIP of the published data.

`release_cut` is the one way to make a release (the workbench, `manage.py
cut_release` and the benchmark call it). Under an advisory lock it takes the
next number, writes every member of `RELEASE_FILES` into one deterministic ZIP
(`diegem.lib.archives`: every entry dated at the cut, sorted, fixed
compression) and stores it with its size and SHA-256. Nothing writes a release
afterwards, so a download is byte-identical forever.

Only published data go in: `exchange.published_cases()` (Case.objects.published())
and `annotations.api.published_annotations()` (Annotation.objects.public()). The
changelog reads the history (django-reversion) only at the moments a case was
public, so a draft's codings never reach it.

The members are one table, `RELEASE_FILES`: a name, the function that writes
it, what it holds (Dutch and English) and, for a table, its data dictionary.
Adding a file to every release is one line there.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from django import forms
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from reversion.models import Version

from annotations.api import ALL_LABEL, published_annotations, write_collection_document
from annotations.qdpx_project import write_published_project
from cases import exchange
from cases.coding_reliability import RELIABILITY_COLUMNS, reliability_rows
from cases.history import Change, coding_changes, snapshot
from cases.models import Case, CaseTransition
from diegem.lib.archives import Member, store_file, workbook_at, write_zip
from diegem.lib.built_files import as_text
from diegem.lib.languages import in_dutch
from diegem.lib.locking import one_at_a_time
from diegem.lib.versioning import current_content_version
from diegem.lib.visible_text import has_visible_text, visible_or_empty
from diegem.releases import Release
from frameworks.models import Source, TensionField

# Who the releases name as authors (CITATION.cff, the "Citeer" of a release): the research project.
AUTHORS = ("DieGem",)
PUBLISHER = "Praktijkenbank DieGem"
LICENCE_NAME = "Creative Commons Naamsvermelding 4.0 Internationaal (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_SPDX = "CC-BY-4.0"
CHUNK = 500


@dataclass(frozen=True)
class ReleaseContext:
    """What every member of one release is written from."""

    number: int
    title: str
    description: str
    cut_at: datetime  # local time
    site_url: str
    previous: Release | None
    changelog: str

    @property
    def url(self) -> str:
        return self.site_url + reverse("release-detail", args=[self.number])


# --- the data dictionary ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One column of a table (or one key of the JSON): type, allowed values and meaning, in Dutch and English."""

    name: str
    type_nl: str
    type_en: str
    allowed_nl: str
    allowed_en: str
    meaning_nl: str
    meaning_en: str


TEXT = ("tekst", "text")
INTEGER = ("geheel getal", "integer")
DECIMAL = ("decimaal getal", "decimal number")
CODE = ("code", "code")

# English meanings of the columns of the exchange format (the Dutch ones are the import form's help texts).
CASE_MEANINGS_EN = {
    "slug": "The last part of the web address; how an import recognises an existing case.",
    "titel": "The name of the practice.",
    "soort": "A pilot case or a case study.",
    "domein": "The domain of social life (housing, work, learning, leisure).",
    "gemeente": "The municipality where the practice takes place (its Dutch name in the register).",
    "nis": "The municipality's NIS code (five digits, Statbel's REFNIS); empty: looked up by name.",
    "ook_in": "Only for a practice spread over several municipalities: the others, by their NIS codes, separated by semicolons (in the JSON: a list).",
    "buurt": "The neighbourhood or district.",
    "breedtegraad": "Latitude in decimal degrees; with the longitude, or neither.",
    "lengtegraad": "Longitude in decimal degrees; with the latitude, or neither.",
    "initiatief": "The organisation, initiative or network carrying the practice.",
    "website": "The initiative's website.",
    "startjaar": "The year the initiative began.",
    "samenvatting": "Two to five sentences for lists and search results.",
    "context": "Text section ‘context’ (Dutch); a blank line starts a new paragraph.",
    "praktijk": "Text section ‘the practice’ (Dutch); a blank line starts a new paragraph.",
    "plaats": "Text section ‘place’ (Dutch); a blank line starts a new paragraph.",
    "burgerschapspraktijken": "Text section ‘citizenship practices’ (Dutch).",
    "leerprocessen": "Text section ‘learning processes’ (Dutch).",
    "interventies": "Text section ‘interventions and the role of professionals’ (Dutch).",
    "aandachtspunten": "Text section ‘lessons for policy and practice’ (Dutch).",
    "trefwoorden": "Keywords, separated by a semicolon.",
    "status": "Workflow status; always ‘gepubliceerd’ (published) in a release.",
}


LANGUAGE_NAMES_EN = {"nl": "Dutch", "fr": "French", "en": "English"}


def _language_meaning_en(column: str) -> str:
    """English meaning of a language column (`exchange.language_columns`), or "" for another."""
    if column == exchange.LANGUAGE_COLUMN:
        return "The language the case's texts and rationales were written in: nl, fr or en."
    base, _sep, language = column.rpartition("_")
    if language not in LANGUAGE_NAMES_EN:
        return ""
    if base == exchange.TRANSLATOR_COLUMN:
        return (
            f"Who translated the texts into {LANGUAGE_NAMES_EN[language]} (no machine translation)."
        )
    return (
        f"Column ‘{base}’ in {LANGUAGE_NAMES_EN[language]}, when that is not the original"
        " language (a translation); empty: no translation."
    )


def _coding_meaning_en(column: str, sources, tension_fields) -> str:
    """English meaning of a coding column, from the framework's own names."""
    names = {f"bron_{s.key}": ("source", s.name) for s in sources} | {
        f"veld_{f.key}": ("tension field", f"{f.name} ({f.pole_a} / {f.pole_b})")
        for f in tension_fields
    }
    for base, (kind, name) in names.items():
        if column == base:
            if kind == "source":
                return f"How strongly the practice draws on the source ‘{name}’ (0 absent – 3 strong); empty when not to be told."
            return f"The position on the tension field ‘{name}’ from -2 (first pole) to 2 (second pole), or ‘beide’ (holds both poles); empty when not to be told."
        if column == base + exchange.GROUNDS_SUFFIX:
            return f"How the coding of ‘{name}’ is known: text evidence, interpretation, or not to be told."
        if column == base + exchange.RATIONALE_SUFFIX:
            return f"Why that coding of ‘{name}’: the researchers' rationale (Dutch)."
    raise KeyError(f"No English meaning for column {column!r}: add it to CASE_MEANINGS_EN")


def _typed(form_field: forms.Field | None) -> tuple[tuple[str, str], str]:
    """The type (Dutch, English) of an import field, and its allowed values in English."""
    if isinstance(form_field, exchange.VocabularyField):
        return CODE, ", ".join(choice.code for choice in form_field.vocabulary.choices)
    if isinstance(form_field, forms.DecimalField):
        return (
            DECIMAL,
            f"a number from {form_field.min_value} to {form_field.max_value}, "
            f"at most {form_field.decimal_places} decimals",
        )
    if isinstance(form_field, forms.IntegerField):
        return INTEGER, f"a year from {form_field.min_value} to {form_field.max_value}"
    if isinstance(form_field, forms.SlugField):
        return TEXT, f"letters, digits, underscores and hyphens; at most {form_field.max_length}"
    if isinstance(form_field, forms.URLField):
        return TEXT, "a web address (http or https)"
    if form_field is not None and form_field.max_length:
        return TEXT, f"text, at most {form_field.max_length} characters"
    return TEXT, "text"


def _as_list(entry: Entry) -> Entry:
    """A column of the wide table whose cell the JSON gives as a list (of NIS codes)."""
    return dataclasses.replace(entry, type_nl="lijst", type_en="list")


def wide_columns() -> list[Entry]:
    """The wide table's columns, read from the import's column guide (the import's own form)."""
    sources, tension_fields = list(Source.objects.all()), list(TensionField.objects.all())
    entries = []
    for guide in exchange.column_guide(with_languages=True):
        (type_nl, type_en), allowed_en = _typed(guide.form_field)
        meaning_en = (
            CASE_MEANINGS_EN.get(guide.column)
            or _language_meaning_en(guide.column)
            or _coding_meaning_en(guide.column, sources, tension_fields)
        )
        entries.append(
            Entry(
                guide.column,
                type_nl,
                type_en,
                guide.allowed,
                allowed_en,
                guide.meaning,
                meaning_en,
            )
        )
    return entries


def long_columns() -> list[Entry]:
    """The long table's columns: those it shares with the wide one from its guide, the rest described here."""
    wide = {entry.name: entry for entry in wide_columns()}
    keys = ", ".join(
        [s.key for s in Source.objects.all()] + [f.key for f in TensionField.objects.all()]
    )
    grounds = ", ".join(choice.code for choice in exchange.grounds_vocabulary().choices)
    own = {
        "dimensie": Entry(
            "dimensie",
            *CODE,
            "bron, spanningsveld",
            "bron (source), spanningsveld (tension field)",
            "Of de rij een bron of een spanningsveld codeert.",
            "Whether the row codes a source or a tension field.",
        ),
        "sleutel": Entry(
            "sleutel",
            *CODE,
            keys,
            keys,
            "De sleutel van de bron of het spanningsveld.",
            "The key of the source or tension field.",
        ),
        "naam": Entry(
            "naam",
            *TEXT,
            "tekst",
            "text",
            "De naam van de bron of het spanningsveld.",
            "The name of the source or tension field (Dutch).",
        ),
        "waarde": Entry(
            "waarde",
            *INTEGER,
            "0 tot 3 (bron), -2 tot 2 (spanningsveld); leeg bij niet_te_bepalen of beide polen",
            "0 to 3 (source), -2 to 2 (tension field); empty when not to be told or both poles",
            "De sterkte van de bron of de positie op het spanningsveld.",
            "The strength of the source or the position on the tension field.",
        ),
        "beide_polen": Entry(
            "beide_polen",
            *INTEGER,
            "0, 1; leeg bij een bron en bij niet_te_bepalen",
            "0, 1; empty for a source and when not to be told",
            "1 als de praktijk beide polen vasthoudt (alleen bij spanningsvelden).",
            "1 when the practice holds both poles (tension fields only).",
        ),
        "grond": Entry(
            "grond",
            *CODE,
            grounds,
            grounds,
            "Hoe de codering gekend is: tekstbewijs, interpretatie of niet te bepalen.",
            "How the coding is known: text evidence, interpretation or not to be told.",
        ),
        "onderbouwing": Entry(
            "onderbouwing",
            *TEXT,
            "tekst",
            "text",
            "Waarom die codering: de onderbouwing van de onderzoekers.",
            "Why that coding: the researchers' rationale (Dutch).",
        ),
    }
    return [own.get(column) or wide[column] for column in exchange.LONG_COLUMNS]


def json_keys() -> list[Entry]:
    """The keys of praktijken.json: the case's columns as in the wide table, then its own."""
    wide = {entry.name: entry for entry in wide_columns()}
    entries = [
        Entry(
            "licentie",
            *TEXT,
            "tekst",
            "text",
            "De licentie van de gegevens.",
            "The licence of the data.",
        ),
        Entry("bron", *TEXT, "webadres", "web address", "De website.", "The website."),
        Entry(
            "praktijken",
            "lijst",
            "list",
            "objecten",
            "objects",
            "De gepubliceerde praktijken, elk met de sleutels hieronder.",
            "The published cases, each with the keys below.",
        ),
    ]
    entries += [
        _as_list(wide[column]) if column == "ook_in" else wide[column]
        for column in (*exchange.CASE_COLUMNS, "status")
        if column in wide
    ]  # as in praktijken.csv (the other places a list of NIS codes)
    entries += [
        Entry(
            "trefwoorden",
            "lijst",
            "list",
            "tekst",
            "text",
            "De trefwoorden van de praktijk.",
            "The case's keywords.",
        ),
        Entry(
            "url", *TEXT, "webadres", "web address", "De pagina van de praktijk.", "The case page."
        ),
        Entry(
            "gepubliceerd",
            "datum en tijd",
            "date and time",
            "ISO 8601",
            "ISO 8601",
            "Wanneer de praktijk gepubliceerd werd.",
            "When the case was published.",
        ),
        Entry(
            "codering",
            "object",
            "object",
            "bronnen, spanningsvelden",
            "bronnen (sources), spanningsvelden (tension fields)",
            "De codering: per bron en per spanningsveld (op hun sleutel) de sleutels hieronder.",
            "The coding: per source and per tension field (by key) the keys below.",
        ),
        Entry(
            "codering.bronnen.<sleutel>.sterkte",
            *INTEGER,
            "0 tot 3, of null",
            "0 to 3, or null",
            "De sterkte van de bron (null: niet te bepalen).",
            "The strength of the source (null: not to be told).",
        ),
        Entry(
            "codering.spanningsvelden.<sleutel>.positie",
            *INTEGER,
            "-2 tot 2, of null",
            "-2 to 2, or null",
            "De positie op het spanningsveld (null: beide polen of niet te bepalen).",
            "The position on the tension field (null: both poles or not to be told).",
        ),
        Entry(
            "codering.spanningsvelden.<sleutel>.beide_polen",
            "waar/onwaar",
            "boolean",
            "true, false, null",
            "true, false, null",
            "Of de praktijk beide polen vasthoudt (null: niet te bepalen).",
            "Whether the practice holds both poles (null: not to be told).",
        ),
        Entry(
            "codering.<...>.<sleutel>.grond",
            *CODE,
            "tekstbewijs, interpretatie, niet_te_bepalen",
            "tekstbewijs, interpretatie, niet_te_bepalen",
            "Hoe de codering gekend is.",
            "How the coding is known.",
        ),
        Entry(
            "codering.<...>.<sleutel>.onderbouwing",
            *TEXT,
            "tekst",
            "text",
            "Waarom die codering.",
            "Why that coding (Dutch).",
        ),
        Entry(
            "codering.<...>.<sleutel>.onderbouwing_<taal>",
            *TEXT,
            "tekst",
            "text",
            "De onderbouwing in het Nederlands (nl), Frans (fr) of Engels (en), als in "
            "praktijken.csv.",
            "The rationale in Dutch (nl), French (fr) or English (en), as in praktijken.csv.",
        ),
        # The case's languages, as in praktijken.csv.
        *(
            wide[column]
            for column in (exchange.LANGUAGE_COLUMN, *exchange.CASE_LANGUAGE_COLUMNS)
            if column in wide
        ),
        Entry(
            "betrouwbaarheid",
            "object",
            "object",
            "methode, dimensies",
            "methode (method), dimensies (dimensions)",
            "De overeenstemming tussen onafhankelijke coderingen (zie betrouwbaarheid.csv).",
            "Agreement between independent codings (see betrouwbaarheid.csv).",
        ),
        Entry(
            "betrouwbaarheid.methode",
            *TEXT,
            "tekst",
            "text",
            "Hoe de cijfers berekend zijn.",
            "How the figures are computed (Dutch).",
        ),
        *(
            dataclasses.replace(e, name=f"betrouwbaarheid.dimensies[].{e.name}")
            for e in reliability_columns()
        ),
    ]
    return entries


def reliability_columns() -> list[Entry]:
    """The columns of betrouwbaarheid.csv (cases.coding_reliability), in its order."""
    kinds = "bron, spanningsveld, alle_bronnen, alle_spanningsvelden"
    entries = {
        "soort": Entry(
            "soort",
            *CODE,
            kinds,
            kinds,
            "Wat gemeten is: één bron, één spanningsveld, of alle bronnen of velden samen.",
            "What is measured: one source, one tension field, or all sources or fields pooled.",
        ),
        "sleutel": Entry(
            "sleutel",
            *CODE,
            "de sleutel van een bron of spanningsveld; leeg bij alle samen",
            "the key of a source or tension field; empty when pooled",
            "Welke bron of welk spanningsveld.",
            "Which source or tension field.",
        ),
        "naam": Entry(
            "naam",
            *TEXT,
            "tekst",
            "text",
            "De naam van de dimensie.",
            "The name of the dimension (Dutch).",
        ),
        "metriek": Entry(
            "metriek",
            *CODE,
            "ordinal, interval",
            "ordinal, interval",
            "De metriek van Krippendorffs alfa: ordinaal voor sterktes, interval voor posities.",
            "The metric of Krippendorff's alpha: ordinal for strengths, interval for positions.",
        ),
        "dubbel_gecodeerde_praktijken": Entry(
            "dubbel_gecodeerde_praktijken",
            *INTEGER,
            "0 of meer",
            "0 or more",
            "Hoeveel gepubliceerde praktijken twee onafhankelijke, ingediende coderingen hebben.",
            "How many published cases have two independent, submitted codings.",
        ),
        "alpha": Entry(
            "alpha",
            *DECIMAL,
            "-1 tot 1, drie decimalen; leeg als niet te berekenen",
            "-1 to 1, three decimals; empty when not computable",
            "Krippendorffs alfa ('niet te bepalen' en 'beide polen' tellen als ontbrekend).",
            "Krippendorff's alpha ('not to be told' and 'both poles' count as missing).",
        ),
        "eenheden_alpha": Entry(
            "eenheden_alpha",
            *INTEGER,
            "0 of meer",
            "0 or more",
            "Op hoeveel paarbare eenheden alfa berekend is.",
            "On how many pairable units alpha is computed.",
        ),
        "procent_overeenstemming": Entry(
            "procent_overeenstemming",
            *DECIMAL,
            "0 tot 100, één decimaal; leeg zonder eenheden",
            "0 to 100, one decimal; empty without units",
            "Het aandeel eenheden waarop beide coderingen hetzelfde antwoord geven.",
            "The share of units on which both codings give the same answer.",
        ),
    }
    return [entries[column] for column in RELIABILITY_COLUMNS]


# --- the members ----------------------------------------------------------------------------------


# The published cases, a chunk at a time, as the live data files read them.
_cases = exchange.published_cases_in_chunks


def _wide_csv(ctx: ReleaseContext):
    return as_text(lambda out: exchange.export_wide_csv(_cases(), out))


def _long_csv(ctx: ReleaseContext):
    return as_text(lambda out: exchange.export_long_csv(_cases(), out))


def _wide_xlsx(ctx: ReleaseContext):
    return lambda out: out.write(
        workbook_at(exchange.export_wide_xlsx(_cases()), moment=ctx.cut_at)
    )


def _long_xlsx(ctx: ReleaseContext):
    return lambda out: out.write(
        workbook_at(exchange.export_long_xlsx(_cases()), moment=ctx.cut_at)
    )


def _json(ctx: ReleaseContext):
    return as_text(lambda out: exchange.write_json(_cases(), ctx.site_url, out))


def _codebook(ctx: ReleaseContext):
    return lambda out: out.write(exchange.export_codebook())


def _project(ctx: ReleaseContext):
    return write_published_project


def _reliability_csv(ctx: ReleaseContext):
    return as_text(lambda out: exchange.write_csv(reliability_rows(), out))


class SiteAddress:
    """Stands in for a request where only absolute addresses are needed: the site's own (SITE_URL)."""

    def __init__(self, site_url: str):
        self.site_url = site_url

    def build_absolute_uri(self, location: str = "/") -> str:
        return self.site_url + location


def _annotations(ctx: ReleaseContext):
    def write(out: io.TextIOBase) -> None:
        write_collection_document(
            SiteAddress(ctx.site_url),
            published_annotations(),
            reverse("api-annotations"),
            ALL_LABEL,
            out,
        )

    return as_text(write)


def _readme(ctx: ReleaseContext):
    return as_text(lambda out: out.write(readme(ctx)))


def _licence(ctx: ReleaseContext):
    return as_text(lambda out: out.write(licence_text(ctx)))


def _citation(ctx: ReleaseContext):
    return as_text(lambda out: out.write(citation_cff(ctx)))


def _changelog(ctx: ReleaseContext):
    return as_text(lambda out: out.write(ctx.changelog))


@dataclass(frozen=True)
class ReleaseFile:
    """A member of every release: its name, what writes it, what it holds and (for a table) its columns."""

    name: str
    producer: Callable[[ReleaseContext], Callable[[BinaryIO], None]]
    about_nl: str
    about_en: str
    dictionary: Callable[[], list[Entry]] | None = None


# Every member of a release, in the order the README lists them (the ZIP sorts by name).
# A new member is one line, e.g.
#   ReleaseFile("betrouwbaarheid.csv", _reliability_csv, "…", "…", reliability_columns),
# where the producer returns a writer of the member's bytes and, for a table, the
# dictionary function lists every column (tests/site/test_release_dictionary.py checks
# the header of every .csv and .xlsx member against the README).
RELEASE_FILES: tuple[ReleaseFile, ...] = (
    ReleaseFile(
        "praktijken.csv",
        _wide_csv,
        "Eén rij per praktijk: tekst, sterkte per bron, positie per spanningsveld, met grond en onderbouwing (UTF-8, komma).",
        "One row per case: text, strength per source, position per tension field, with grounds and rationale (UTF-8, comma).",
        wide_columns,
    ),
    ReleaseFile(
        "praktijken-lang.csv",
        _long_csv,
        "Eén rij per praktijk en bron of spanningsveld (lang formaat, voor R of SPSS).",
        "One row per case and source or tension field (long format, for R or SPSS).",
        long_columns,
    ),
    ReleaseFile(
        "praktijken.xlsx",
        _wide_xlsx,
        "De brede tabel als Excel-werkboek.",
        "The wide table as an Excel workbook.",
        wide_columns,
    ),
    ReleaseFile(
        "praktijken-lang.xlsx",
        _long_xlsx,
        "De lange tabel als Excel-werkboek.",
        "The long table as an Excel workbook.",
        long_columns,
    ),
    ReleaseFile(
        "praktijken.json",
        _json,
        "Dezelfde gegevens als JSON.",
        "The same data as JSON.",
        json_keys,
    ),
    ReleaseFile(
        "kader.qdc",
        _codebook,
        "Het kader als REFI-QDA-codeboek (QDA-XML 1.0), met vaste GUID's.",
        "The framework as a REFI-QDA codebook (QDA-XML 1.0), with stable GUIDs.",
    ),
    ReleaseFile(
        "praktijken.qdpx",
        _project,
        "De praktijken als REFI-QDA-project (QDA-XML 1.0) voor NVivo, ATLAS.ti, MAXQDA of QualCoder: teksten, tekstbewijs gecodeerd met het kader, onderbouwingen en kanttekeningen als notities.",
        "The cases as a REFI-QDA project (QDA-XML 1.0) for NVivo, ATLAS.ti, MAXQDA or QualCoder: texts, evidence coded with the framework, rationales and annotations as notes.",
    ),
    ReleaseFile(
        "betrouwbaarheid.csv",
        _reliability_csv,
        "De overeenstemming tussen onafhankelijke coderingen per bron, per spanningsveld en samen: Krippendorffs alfa en procentuele overeenstemming.",
        "Agreement between independent codings per source, per tension field and pooled: Krippendorff's alpha and percentage agreement.",
        reliability_columns,
    ),
    ReleaseFile(
        "kanttekeningen.jsonld",
        _annotations,
        "Alle goedgekeurde openbare kanttekeningen, antwoorden en lezingen als één W3C AnnotationCollection (JSON-LD).",
        "Every approved public annotation, reply and reading as one W3C AnnotationCollection (JSON-LD).",
    ),
    ReleaseFile(
        "README.md",
        _readme,
        "Deze beschrijving met het gegevenswoordenboek.",
        "This description with the data dictionary.",
    ),
    ReleaseFile("LICENSE", _licence, "De licentie (CC BY 4.0).", "The licence (CC BY 4.0)."),
    ReleaseFile(
        "CITATION.cff",
        _citation,
        "Hoe deze versie te citeren (Citation File Format 1.2.0).",
        "How to cite this release (Citation File Format 1.2.0).",
    ),
    ReleaseFile(
        "CHANGELOG.md",
        _changelog,
        "Wijzigingen in de codering sinds de vorige versie, en de praktijken die sindsdien niet meer gepubliceerd zijn.",
        "Changes in the coding since the previous release, and the cases no longer published since.",
    ),
)


# --- the texts ------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def readme(ctx: ReleaseContext) -> str:
    """The release's README: what it is, its files, and the data dictionary of every table."""
    date = ctx.cut_at.strftime("%Y-%m-%d")
    lines = [
        f"# {PUBLISHER}, versie {ctx.number}: {ctx.title}",
        "",
        *([ctx.description, ""] if ctx.description else []),
        f"Versie {ctx.number}, uitgebracht op {date}. Release {ctx.number}, released on {date}.",
        "",
        f"Alleen gepubliceerde praktijken en goedgekeurde kanttekeningen. Only published cases and approved annotations. {ctx.url}",
        "",
        f"Licentie / licence: {LICENCE_NAME}, {LICENCE_URL}. Citeer / cite: CITATION.cff.",
        "",
        "## Bestanden / Files",
        "",
        "| Bestand / File | Inhoud | Contents |",
        "|---|---|---|",
        *(f"| `{f.name}` | {f.about_nl} | {f.about_en} |" for f in RELEASE_FILES),
        "",
        "## Gegevenswoordenboek / Data dictionary",
    ]
    described: dict[Callable, str] = {}
    for member in RELEASE_FILES:
        if member.dictionary is None:
            continue
        lines += ["", f"### `{member.name}`", ""]
        if member.dictionary in described:
            first = described[member.dictionary]
            lines.append(f"Dezelfde kolommen als `{first}`. The same columns as `{first}`.")
            continue
        described[member.dictionary] = member.name
        lines += [
            "| Kolom / Column | Type | Toegestane waarden | Allowed values | Betekenis | Meaning |",
            "|---|---|---|---|---|---|",
        ]
        for entry in member.dictionary():
            lines.append(
                f"| `{entry.name}` | {entry.type_nl} / {entry.type_en} | {_cell(entry.allowed_nl)} | "
                f"{_cell(entry.allowed_en)} | {_cell(entry.meaning_nl)} | {_cell(entry.meaning_en)} |"
            )
    return "\n".join(lines) + "\n"


def licence_text(ctx: ReleaseContext) -> str:
    year = ctx.cut_at.year
    return (
        f"{PUBLISHER}, versie {ctx.number} ({year})\n\n"
        f"De gegevens in dit archief vallen onder de licentie {LICENCE_NAME}.\n"
        f"Hergebruik is vrij, ook commercieel, met vermelding van ‘{PUBLISHER}’.\n\n"
        f"The data in this archive are licensed under the Creative Commons Attribution 4.0\n"
        f"International licence (CC BY 4.0). Reuse is free, commercial reuse included,\n"
        f"with attribution to ‘{PUBLISHER}’.\n\n"
        f"Samenvatting / summary: {LICENCE_URL}\n"
        f"Juridische tekst / legal code: {LICENCE_URL}legalcode\n"
    )


def _yaml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML string


def citation_cff(ctx: ReleaseContext) -> str:
    authors = "".join(f"  - name: {_yaml_string(name)}\n" for name in AUTHORS)
    return (
        "cff-version: 1.2.0\n"
        f"message: {_yaml_string('Citeer deze gegevens zo. If you use these data, please cite them as below.')}\n"
        "type: dataset\n"
        f"title: {_yaml_string(f'{PUBLISHER}: {ctx.title}')}\n"
        f'version: "{ctx.number}"\n'
        f"date-released: {ctx.cut_at.strftime('%Y-%m-%d')}\n"
        "authors:\n"
        f"{authors}"
        f"license: {LICENCE_SPDX}\n"
        f"url: {_yaml_string(ctx.url)}\n"
        f"repository-artifact: {_yaml_string(ctx.site_url + reverse('release-download', args=[ctx.number, ctx.number]))}\n"
    )


# --- the changelog ----------------------------------------------------------------------------------


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _public_at(transitions: list, moment: datetime) -> bool:
    """Was the case published at `moment`? Read from its workflow log; without one, it always was."""
    status = transitions[0]["old_status"] if transitions else Case.Status.PUBLISHED
    for transition in transitions:
        if transition["created_at"] > moment:
            break
        status = transition["new_status"]
    return status == Case.Status.PUBLISHED


def _public_versions(versions: list[Version], transitions: list) -> list[Version]:
    """The versions the public saw: saved while published, or the last one before a publication."""
    shown = {v.pk for v in versions if _public_at(transitions, v.revision.date_created)}
    for transition in transitions:
        if transition["new_status"] == Case.Status.PUBLISHED:
            before = [v for v in versions if v.revision.date_created <= transition["created_at"]]
            if before:
                shown.add(before[-1].pk)
    return [v for v in versions if v.pk in shown]


def _case_entries(
    versions: list[Version], transitions: list, since: datetime | None, sources, fields
) -> list[tuple[datetime, str]]:
    """(moment, line) for each coding change of one case the public saw after `since`."""
    public = _public_versions(versions, transitions)
    if since is not None and _public_at(transitions, since):
        earlier = [v for v in public if v.revision.date_created <= since]
        previous = snapshot(earlier[-1]) if earlier else None
    else:
        previous = None
    lines: list[tuple[datetime, str]] = []
    for version in public:
        moment = version.revision.date_created
        if since is not None and moment <= since:
            continue
        current = snapshot(version)
        if previous is None:
            published = [
                t["created_at"]
                for t in transitions
                if t["new_status"] == Case.Status.PUBLISHED
                and (since is None or t["created_at"] > since)
            ]
            lines.append((published[0] if published else moment, "gepubliceerd / published"))
        else:
            changes: list[Change] = coding_changes(
                previous, current, sources=sources, tension_fields=fields
            )
            lines += [(moment, f"{c.label}: {c.old} → {c.new}") for c in changes]
        previous = current
    return lines


def _versions_by_case(ids: list[int], until: datetime, *, with_related: bool) -> dict[int, list]:
    """The saved versions of these cases up to `until`, oldest first (with their revision's
    other rows, the codings, when `with_related`)."""
    query = (
        Version.objects.get_for_model(Case)
        .filter(object_id__in=[str(pk) for pk in ids], revision__date_created__lte=until)
        .select_related("revision")
        .order_by("revision__date_created", "pk")
    )
    if with_related:
        query = query.prefetch_related("revision__version_set")
    versions: dict[int, list[Version]] = {}
    for version in query:
        versions.setdefault(int(version.object_id), []).append(version)
    return versions


def _transitions_by_case(ids: list[int], until: datetime) -> dict[int, list]:
    """The workflow log of these cases up to `until`, oldest first."""
    transitions: dict[int, list] = {}
    for row in (
        CaseTransition.objects.filter(case_id__in=ids, created_at__lte=until)
        .order_by("created_at", "pk")
        .values("case_id", "created_at", "old_status", "new_status")
    ):
        transitions.setdefault(row["case_id"], []).append(row)
    return transitions


def changelog(*, number: int, previous: Release | None, until: datetime) -> str:
    """The coding changes of the published cases that the public saw since `previous` (or since the start)."""
    since = previous.cut_at if previous else None
    sources, fields = list(Source.objects.all()), list(TensionField.objects.all())
    heading = [f"# Wijzigingen in versie {number} / Changes in release {number}", ""]
    if previous:
        heading.append(
            f"Coderingen (sterkte, positie, grond) die veranderden sinds versie {previous.number} "
            f"({_local(previous.cut_at)}) tot {_local(until)}. Codings (strength, position, grounds) "
            f"changed since release {previous.number}."
        )
    else:
        heading.append(
            f"Coderingen (sterkte, positie, grond) van het begin tot {_local(until)}. "
            "Codings (strength, position, grounds) from the start."
        )
    body: list[str] = []
    cases = list(
        Case.objects.published().order_by("title", "pk").values_list("pk", "slug", "title")
    )
    for start in range(0, len(cases), CHUNK):
        chunk = cases[start : start + CHUNK]
        ids = [pk for pk, _slug, _title in chunk]
        versions = _versions_by_case(ids, until, with_related=True)
        transitions = _transitions_by_case(ids, until)
        for pk, slug, title in chunk:
            entries = _case_entries(
                versions.get(pk, []), transitions.get(pk, []), since, sources, fields
            )
            if entries:
                body += ["", f"## {title} (`{slug}`)", ""]
                body += [f"- {_local(moment)}: {line}" for moment, line in entries]
    withdrawn = _withdrawn(since, until) if since is not None else []
    if withdrawn:
        body += ["", "## Niet meer gepubliceerd / Withdrawn", ""]
        body += [
            f"- {_local(moment)}: {title} (`{slug}`): niet meer gepubliceerd, dus niet in deze "
            "versie / no longer published, so not in this release"
            for moment, title, slug in withdrawn
        ]
    if not body:
        body = ["", "Geen wijzigingen in de codering. No changes in the coding."]
    return "\n".join(heading + body) + "\n"


def _withdrawn(since: datetime, until: datetime) -> list[tuple[datetime, str, str]]:
    """The cases public at `since` (the previous release) and not published at `until`.

    Named by their title and slug at the previous release (the last public version of
    the case in the history at that moment), never by what they became as drafts
    afterwards. Read from the workflow log and the history: a case with no saved
    version before the previous release, or taken offline by a transition dated
    before that release but committed after it, is not named.
    """
    taken_offline = (
        CaseTransition.objects.filter(
            old_status=Case.Status.PUBLISHED, created_at__gt=since, created_at__lte=until
        )
        .exclude(case__in=Case.objects.published())
        .values_list("case_id", flat=True)
        .distinct()
    )
    ids = list(taken_offline)
    transitions = _transitions_by_case(ids, until)
    versions = _versions_by_case(ids, until, with_related=False)
    rows = []
    for pk in ids:
        log = transitions.get(pk, [])
        if _public_at(log, until) or not _public_at(log, since):
            continue  # back online by the cut, or never public at the previous release
        seen = [
            v
            for v in _public_versions(versions.get(pk, []), log)
            if v.revision.date_created <= since
        ]
        if not seen:
            continue  # no public version on record: nothing the public saw to name it by
        fields = seen[-1].field_dict
        moment = next(
            t["created_at"] for t in reversed(log) if t["old_status"] == Case.Status.PUBLISHED
        )
        rows.append((moment, fields["title"], fields["slug"]))
    return sorted(rows, key=lambda row: (row[1], row[2]))


# --- the service ----------------------------------------------------------------------------------


def members(ctx: ReleaseContext) -> list[Member]:
    return [Member(f.name, f.producer(ctx)) for f in RELEASE_FILES]


# How many times a cut starts again when the content changes while it is read.
CUT_ATTEMPTS = 3


class TitleMissing(ValueError):
    """A release's title has nothing to see (`has_visible_text`); nothing was cut."""


class ContentKeptChanging(Exception):
    """Every attempt at a cut saw the public content change while it read it; nothing was cut."""


@in_dutch  # frozen data: the same whatever the language of the workbench it is cut from
@transaction.atomic
def release_cut(*, title: str, description: str = "", actor=None, form_key: str = "") -> Release:
    """Cut the next numbered release of the published data and store it, frozen.

    Numbers go 1, 2, 3… under an advisory lock held to the end of the
    transaction, so two cuts at once get two numbers and the second sees the
    first as its previous release. Every member is read from one state of the
    public content: a change while they are read starts the cut again
    (`CUT_ATTEMPTS`, then ContentKeptChanging). Raises TitleMissing on a title with
    nothing to see (`has_visible_text`).

    `form_key` is the key of the workbench's form (diegem.lib.form_keys): the same form sent
    twice (a double click, a resend after "back") is the release cut the first time, returned
    as it is; a number once given is never given for nothing.
    """
    title, description = title.strip(), visible_or_empty(description)
    if not has_visible_text(title):
        raise TitleMissing("A release needs a title")
    one_at_a_time("release-cut")
    if form_key and (cut_before := Release.objects.listed().filter(form_key=form_key).first()):
        return cut_before
    previous = Release.objects.listed().first()
    number = (previous.number if previous else 0) + 1
    for _attempt in range(CUT_ATTEMPTS):
        # The members are read one after another (READ COMMITTED): if the public content
        # changed meanwhile (every such write gives it a new version, diegem.lib.versioning),
        # two members could disagree. Then the cut starts again from the new state.
        version = current_content_version()
        cut_at = timezone.now()
        ctx = ReleaseContext(
            number=number,
            title=title,
            description=description,
            cut_at=timezone.localtime(cut_at),
            site_url=settings.SITE_URL,
            previous=previous,
            changelog=changelog(number=number, previous=previous, until=cut_at),
        )
        written = write_zip(members(ctx), moment=ctx.cut_at)
        if current_content_version() == version:
            break
        written.file.close()
    else:
        raise ContentKeptChanging(
            _(
                "De gegevens veranderden telkens terwijl de versie gemaakt werd (%(n)d pogingen): "
                "er is niets uitgebracht. Probeer het opnieuw als het rustiger is."
            )
            % {"n": CUT_ATTEMPTS}
        )
    # Saving a release bumps the content version (diegem.lib.versioning): /data/ is made anew.
    release = Release.objects.create(
        number=number,
        title=title,
        description=description,
        cut_at=cut_at,
        cut_by=actor,
        archive=b"",
        size=written.size,
        sha256=written.sha256,
        contents=[[name, size] for name, size in written.sizes.items()],
        changelog=ctx.changelog,
        form_key=form_key,
    )
    with written.file:
        # Streamed into the row: a 40 MB archive never sits in memory as an SQL literal.
        store_file(
            table=Release._meta.db_table,
            column="archive",
            pk=release.pk,
            file=written.file,
            size=written.size,
        )
    return Release.objects.listed().get(pk=release.pk)  # the archive read only when asked for
