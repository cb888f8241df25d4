"""Cases in and out: spreadsheet import with a dry run, and the public exports.

The exchange format has one row per case (Dutch column names, see COLUMNS):
the case's fields, its keywords (separated by ";"), its status, and per source
`bron_<key>` (0-3) with `bron_<key>_onderbouwing`, per tension field
`veld_<key>` (-2..2, or "beide") with `veld_<key>_onderbouwing`. The wide CSV
export is exactly this format, so an export imports back to the same data.

An import validates every row before it writes anything; an error anywhere
(named by row and column) means nothing is saved. Saving goes through the
services: a version is kept, text changes re-anchor, statuses move through the
workflow (with its checks) and are logged.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import TEXT_SECTIONS, Case, Position, SourceCoding, Strength, TensionPosition
from frameworks.models import FORMER_KEYS, Domain, Source, TensionField

# --- the format ------------------------------------------------------------------------------

# Column -> Case field, in the order of the file.
CASE_COLUMNS = {
    "slug": "slug",
    "titel": "title",
    "soort": "kind",
    "domein": "domain",
    "gemeente": "municipality",
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
BOTH = "beide"
KEYWORD_MAX_LENGTH = 100  # taggit's tag names
MAX_FILE_BYTES = 5 * 1024 * 1024
NAMESPACE = uuid.UUID("6f1d6c1e-0b7a-5c3e-9a55-5d1e3a4c2b10")  # fixed: codebook identifiers stay the same


def coding_columns(sources: list[Source], tension_fields: list[TensionField]) -> list[str]:
    columns = []
    for source in sources:
        columns += [f"bron_{source.key}", f"bron_{source.key}_onderbouwing"]
    for tension_field in tension_fields:
        columns += [f"veld_{tension_field.key}", f"veld_{tension_field.key}_onderbouwing"]
    return columns


def all_columns(sources, tension_fields) -> list[str]:
    return [*CASE_COLUMNS, "trefwoorden", "status", *coding_columns(sources, tension_fields)]


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


def case_row(case: Case, sources, tension_fields) -> dict[str, str]:
    row = {}
    for column, name in CASE_COLUMNS.items():
        value = case.domain.key if name == "domain" else getattr(case, name)
        row[column] = "" if value is None else str(value)
    row["trefwoorden"] = "; ".join(sorted(tag.name for tag in case.keywords.all()))
    row["status"] = case.status
    strengths = {c.source_id: c for c in case.source_codings.all()}
    positions = {p.tension_field_id: p for p in case.tension_positions.all()}
    for source in sources:
        coding = strengths.get(source.pk)
        row[f"bron_{source.key}"] = "" if coding is None else str(coding.strength)
        row[f"bron_{source.key}_onderbouwing"] = "" if coding is None else coding.rationale
    for tension_field in tension_fields:
        position = positions.get(tension_field.pk)
        value = "" if position is None else (BOTH if position.holds_both else str(position.position))
        row[f"veld_{tension_field.key}"] = value
        row[f"veld_{tension_field.key}_onderbouwing"] = "" if position is None else position.rationale
    return row


def export_wide_csv(cases: Iterable[Case], out: io.TextIOBase) -> int:
    """One row per case, the import format. Returns the number of rows."""
    sources, tension_fields = _framework()
    writer = csv.DictWriter(out, fieldnames=all_columns(sources, tension_fields))
    writer.writeheader()
    count = 0
    for case in cases:
        writer.writerow(case_row(case, sources, tension_fields))
        count += 1
    return count


LONG_COLUMNS = ["slug", "titel", "soort", "domein", "gemeente", "dimensie", "sleutel", "naam", "waarde", "beide_polen", "onderbouwing"]


def export_long_csv(cases: Iterable[Case], out: io.TextIOBase) -> int:
    """One row per case and source or tension field: ready for R or SPSS."""
    writer = csv.writer(out)
    writer.writerow(LONG_COLUMNS)
    count = 0
    for case in cases:
        base = [case.slug, case.title, case.kind, case.domain.key, case.municipality]
        for coding in sorted(case.source_codings.all(), key=lambda c: c.source.order):
            writer.writerow([*base, "bron", coding.source.key, coding.source.name, coding.strength, 0, coding.rationale])
            count += 1
        for position in sorted(case.tension_positions.all(), key=lambda p: p.tension_field.number):
            field_ = position.tension_field
            value = "" if position.holds_both else position.position
            writer.writerow([*base, "spanningsveld", field_.key, field_.name, value, int(position.holds_both), position.rationale])
            count += 1
    return count


def export_json(cases: Iterable[Case], site_url: str) -> str:
    sources, tension_fields = _framework()
    items = []
    for case in cases:
        row = case_row(case, sources, tension_fields)
        items.append(
            {
                **{column: row[column] for column in CASE_COLUMNS},
                "trefwoorden": [name for name in row["trefwoorden"].split("; ") if name],
                "url": site_url + case.get_absolute_url(),
                "gepubliceerd": case.published_at.isoformat() if case.published_at else None,
                "codering": {
                    "bronnen": {
                        s.key: {"sterkte": _int(row[f"bron_{s.key}"]), "onderbouwing": row[f"bron_{s.key}_onderbouwing"]}
                        for s in sources
                    },
                    "spanningsvelden": {
                        f.key: {
                            "positie": None if row[f"veld_{f.key}"] in ("", BOTH) else int(row[f"veld_{f.key}"]),
                            "beide_polen": row[f"veld_{f.key}"] == BOTH,
                            "onderbouwing": row[f"veld_{f.key}_onderbouwing"],
                        }
                        for f in tension_fields
                    },
                },
            }
        )
    return json.dumps(
        {"licentie": "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)", "bron": site_url, "praktijken": items},
        ensure_ascii=False,
        indent=2,
    )


def _int(value: str):
    return int(value) if value not in ("", None) else None


# Codebook GUIDs were minted from the first (English) keys; they never change.
_MINTED_FROM = {new: old for old, new in FORMER_KEYS.items()}


def _guid(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{_MINTED_FROM.get(key, key)}"))


def export_codebook() -> bytes:
    """The framework as a REFI-QDA codebook (QDA-XML codebook 1.0), stable GUIDs."""
    ns = "urn:QDA-XML:codebook:1.0"
    ET.register_namespace("", ns)

    def code(parent, kind, key, name, codable, description="", color=None):
        element = ET.SubElement(
            parent,
            f"{{{ns}}}Code",
            {"guid": _guid(kind, key), "name": name, "isCodable": "true" if codable else "false", **({"color": color} if color else {})},
        )
        if description:
            ET.SubElement(element, f"{{{ns}}}Description").text = description
        return element

    root = ET.Element(f"{{{ns}}}CodeBook", {"origin": "Praktijkenbank DieGem"})
    codes = ET.SubElement(root, f"{{{ns}}}Codes")
    source_group = code(codes, "group", "sources", "Bronnen van solidariteit", False,
                        "Waar solidariteit vandaan komt; een praktijk kan uit meerdere bronnen tegelijk putten.")
    colors = {"wederzijdse-afhankelijkheid": "#1F4E79", "normen-en-waarden": "#6B3D8F", "strijd": "#A4262C", "ontmoeting": "#1E6B35"}
    for source in Source.objects.all():
        code(source_group, "source", source.key, source.name, True, source.summary, colors.get(source.key))
    field_group = code(codes, "group", "tension-fields", "Spanningsvelden", False,
                       "Zes spectra tussen twee polen; een praktijk neemt een positie in of houdt beide polen vast.")
    pole_guids = []
    for tension_field in TensionField.objects.all():
        spectrum = code(field_group, "tension-field", tension_field.key, tension_field.name, False, tension_field.question)
        code(spectrum, "pole-a", tension_field.key, tension_field.pole_a, True, tension_field.pole_a_description)
        code(spectrum, "pole-b", tension_field.key, tension_field.pole_b, True, tension_field.pole_b_description)
        code(spectrum, "both-poles", tension_field.key, f"{tension_field.name}: beide polen", True, "De praktijk houdt beide polen vast.")
        pole_guids += [_guid("pole-a", tension_field.key), _guid("pole-b", tension_field.key)]
    lens = code(codes, "group", "here-and-now", "Hier en nu", False, "Waar en hoe de solidariteit zich toont.")
    for section in TEXT_SECTIONS[2:]:
        code(lens, "lens", section.field, str(section.title), True, str(section.help_text))
    domains = code(codes, "group", "domains", "Domeinen", False, "Vier domeinen van het maatschappelijke leven.")
    for domain in Domain.objects.all():
        code(domains, "domain", domain.key, domain.name, True, domain.description)
    sets = ET.SubElement(root, f"{{{ns}}}Sets")
    for key, name, members in (
        ("sources", "Bronnen", [_guid("source", s.key) for s in Source.objects.all()]),
        ("poles", "Polen", pole_guids),
    ):
        element = ET.SubElement(sets, f"{{{ns}}}Set", {"guid": _guid("set", key), "name": name})
        for member in members:
            ET.SubElement(element, f"{{{ns}}}MemberCode", {"guid": member})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


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
            messages += [_("Rij %(row)d, kolom ‘%(column)s’: %(message)s") % {"row": row.number, "column": c, "message": m} for c, m in row.errors]
        return messages

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        counts = {action: sum(1 for row in self.rows if row.action == action) for action in ("new", "changed", "unchanged")}
        return _("%(new)d nieuw, %(changed)d gewijzigd, %(unchanged)d ongewijzigd") % counts


def read_rows(content: bytes, filename: str) -> list[dict[str, str]]:
    """The rows of a CSV (UTF-8, comma or semicolon) or XLSX file, as column -> text."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(_("Het bestand is groter dan 5 MB."))
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    if filename.lower().endswith((".csv", ".txt")):
        return _read_csv(content)
    raise ImportFileError(_("Kies een .csv- of .xlsx-bestand."))


def _read_csv(content: bytes) -> list[dict[str, str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _encoding_error(content) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    csv.field_size_limit(MAX_FILE_BYTES)  # long text sections are fine; the file as a whole is capped
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    return [{key.strip(): (value or "") for key, value in row.items() if key is not None} for row in reader]


def _encoding_error(content: bytes) -> ImportFileError:
    """Name the first row and column holding bytes that are not UTF-8."""
    text = content.decode("utf-8", errors="replace").lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = rows[0] if rows else []
    for number, row in enumerate(rows, start=1):
        for index, cell in enumerate(row):
            if "\ufffd" in cell:
                column = header[index] if index < len(header) else "?"
                return ImportFileError(
                    _("Rij %(row)d, kolom ‘%(column)s’: het bestand is niet in UTF-8 gecodeerd. Bewaar het als ‘CSV UTF-8’ en probeer opnieuw.")
                    % {"row": number, "column": column}
                )
    return ImportFileError(_("Het bestand is niet in UTF-8 gecodeerd. Bewaar het als ‘CSV UTF-8’ en probeer opnieuw."))


def _read_xlsx(content: bytes) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(_("Dit is geen leesbaar XLSX-bestand (%(error)s).") % {"error": error.__class__.__name__}) from None
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = [str(cell).strip() if cell is not None else "" for cell in next(rows, [])]
    result = []
    for values in rows:
        if values is None or all(v in (None, "") for v in values):
            continue
        result.append({column: _cell_text(value) for column, value in zip(header, values, strict=False) if column})
    return result


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class CaseRowForm(forms.Form):
    """One row of the exchange format; field names are the column names."""

    def __init__(self, data, *, sources, tension_fields, domains):
        super().__init__(data)
        f = self.fields
        f["slug"] = forms.SlugField(max_length=200)
        f["titel"] = forms.CharField(max_length=200)
        f["soort"] = forms.ChoiceField(choices=Case.Kind.choices)
        f["domein"] = forms.ChoiceField(choices=[(d.key, d.name) for d in domains])
        f["gemeente"] = forms.CharField(max_length=100)
        f["buurt"] = forms.CharField(max_length=100, required=False)
        f["breedtegraad"] = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False)
        f["lengtegraad"] = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False)
        f["initiatief"] = forms.CharField(max_length=200)
        f["website"] = forms.URLField(max_length=200, required=False, assume_scheme="https")
        f["startjaar"] = forms.IntegerField(min_value=1800, max_value=2100, required=False)
        f["samenvatting"] = forms.CharField(max_length=1200)
        for column, name in CASE_COLUMNS.items():
            if name in {s.field for s in TEXT_SECTIONS}:
                f[column] = forms.CharField(required=False, strip=False)
        f["trefwoorden"] = forms.CharField(required=False)
        f["status"] = forms.ChoiceField(choices=Case.Status.choices, required=False)
        for source in sources:
            f[f"bron_{source.key}"] = forms.TypedChoiceField(
                choices=[("", "")] + [(str(s.value), str(s.value)) for s in Strength], coerce=int, empty_value=None, required=False
            )
            f[f"bron_{source.key}_onderbouwing"] = forms.CharField(required=False)
        for tension_field in tension_fields:
            f[f"veld_{tension_field.key}"] = forms.ChoiceField(
                choices=[("", ""), (BOTH, BOTH)] + [(str(p.value), str(p.value)) for p in Position], required=False
            )
            f[f"veld_{tension_field.key}_onderbouwing"] = forms.CharField(required=False)

    def clean_trefwoorden(self):
        names = _keywords(self.cleaned_data["trefwoorden"])
        too_long = [name for name in names if len(name) > KEYWORD_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("trefwoorden zijn hoogstens %(max)d tekens lang: ‘%(name)s…’") % {"max": KEYWORD_MAX_LENGTH, "name": too_long[0][:30]}
            )
        return self.cleaned_data["trefwoorden"]

    def clean(self):
        cleaned = super().clean()
        coordinates_valid = "breedtegraad" not in self.errors and "lengtegraad" not in self.errors
        if coordinates_valid and (cleaned.get("breedtegraad") is None) != (cleaned.get("lengtegraad") is None):
            self.add_error("lengtegraad", _("Geef breedte- en lengtegraad samen, of geen van beide."))
        return cleaned


def _errors_of(form: forms.Form) -> list[tuple[str, str]]:
    return [(column, message) for column, messages in form.errors.items() for message in messages]


def import_cases(content: bytes, *, filename: str, actor, dry_run: bool = True, progress=None) -> ImportReport:
    """Validate every row; unless this is a dry run and if all rows are valid, save them all."""
    report = ImportReport(dry_run=dry_run)
    try:
        rows = read_rows(content, filename)
    except ImportFileError as error:
        report.file_errors.append(str(error))
        return report
    rows = [_with_current_column_names(row) for row in rows]
    sources, tension_fields = _framework()
    domains = list(Domain.objects.all())
    expected = set(all_columns(sources, tension_fields))
    present = set(rows[0]) if rows else set()
    missing = sorted({"slug", "titel", "domein"} - present)
    if missing:
        report.file_errors.append(_("Deze kolommen ontbreken: %(columns)s.") % {"columns": ", ".join(missing)})
        return report
    unknown = sorted(present - expected)
    if unknown:
        report.file_errors.append(_("Onbekende kolommen: %(columns)s.") % {"columns": ", ".join(unknown)})
        return report
    if not rows:
        report.file_errors.append(_("Het bestand bevat geen rijen."))
        return report
    seen: dict[str, int] = {}
    forms_by_row = []
    for number, raw in enumerate(_progress(rows, progress), start=2):
        form = CaseRowForm(raw, sources=sources, tension_fields=tension_fields, domains=domains)
        result = RowResult(number=number, slug=raw.get("slug", ""))
        if form.is_valid():
            slug = form.cleaned_data["slug"]
            if slug in seen:
                result.errors.append(("slug", _("‘%(slug)s’ staat ook al in rij %(row)d.") % {"slug": slug, "row": seen[slug]}))
            seen.setdefault(slug, number)
            existing = Case.objects.filter(slug=slug).prefetch_related("source_codings", "tension_positions", "keywords").first()
            result.action, result.changes = _diff(existing, form.cleaned_data, present, sources, tension_fields)
        else:
            result.errors += _errors_of(form)
        report.rows.append(result)
        forms_by_row.append((result, form))
    if not report.ok:
        return report
    # Save every row, through the services and the workflow. A dry run does the
    # same and then rolls back, so it reports what the real run would refuse.
    try:
        with transaction.atomic():
            for result, form in forms_by_row:
                _save_row(form.cleaned_data, present, actor, sources, tension_fields, domains, result)
                if result.errors:
                    raise _Undo
            if dry_run:
                raise _Undo
    except _Undo:
        return report
    report.saved = True
    return report


def _current_column_name(column: str) -> str:
    """`bron_struggle` of a file exported by the first release is `bron_strijd` now."""
    for prefix in ("bron_", "veld_"):
        if column.startswith(prefix):
            key, sep, rest = column[len(prefix) :].partition("_onderbouwing")
            if key in FORMER_KEYS:
                return f"{prefix}{FORMER_KEYS[key]}{sep}{rest}"
    return column


def _with_current_column_names(row: dict[str, str]) -> dict[str, str]:
    return {_current_column_name(column): value for column, value in row.items()}


class _Undo(Exception):
    """Roll the import back (a dry run, or a row the workflow refused)."""


def _progress(rows, progress):
    return progress(rows) if progress else rows


def _case_values(data: dict, present: set[str], domains) -> dict:
    values = {}
    by_key = {d.key: d for d in domains}
    for column, name in CASE_COLUMNS.items():
        if column not in present:
            continue
        value = data[column]
        if name == "domain":
            value = by_key[value]
        elif value is None and name not in ("latitude", "longitude", "start_year"):
            value = ""
        values[name] = value
    return values


def _diff(existing: Case | None, data: dict, present: set[str], sources, tension_fields) -> tuple[str, list[str]]:
    if existing is None:
        return "new", []
    changes = []
    for column, name in CASE_COLUMNS.items():
        if column not in present:
            continue
        current = existing.domain.key if name == "domain" else getattr(existing, name)
        new = data[column]
        if isinstance(current, Decimal) or isinstance(new, Decimal):
            same = _decimal(current) == _decimal(new)
        else:
            same = (current or "") == (new or "") or str(current or "").strip() == str(new or "").strip()
        if not same:
            changes.append(column)
    if "trefwoorden" in present and sorted(t.name for t in existing.keywords.all()) != _keywords(data["trefwoorden"]):
        changes.append("trefwoorden")
    if data.get("status") and data["status"] != existing.status:
        changes.append("status")
    strengths = {c.source_id: c for c in existing.source_codings.all()}
    for source in sources:
        column = f"bron_{source.key}"
        if column in present:
            coding = strengths.get(source.pk)
            if (coding.strength if coding else None) != data[column] or (coding.rationale if coding else "") != data[f"{column}_onderbouwing"]:
                changes.append(column)
    positions = {p.tension_field_id: p for p in existing.tension_positions.all()}
    for tension_field in tension_fields:
        column = f"veld_{tension_field.key}"
        if column in present:
            position = positions.get(tension_field.pk)
            current = "" if position is None else (BOTH if position.holds_both else str(position.position))
            if current != data[column] or (position.rationale if position else "") != data[f"{column}_onderbouwing"]:
                changes.append(column)
    return ("changed" if changes else "unchanged"), changes


def _decimal(value):
    try:
        return None if value in (None, "") else Decimal(value).quantize(Decimal("0.000001"))
    except InvalidOperation:
        return value


def _keywords(text: str) -> list[str]:
    return sorted({part.strip() for part in (text or "").replace(",", ";").split(";") if part.strip()})


def _save_row(data, present, actor, sources, tension_fields, domains, result: RowResult) -> None:
    from cases import services

    case = Case.objects.filter(slug=data["slug"]).first() or Case()
    for name, value in _case_values(data, present, domains).items():
        setattr(case, name, value)
    services.case_save(case=case)
    for source in sources:
        column = f"bron_{source.key}"
        if column in present and data[column] is not None:
            SourceCoding.objects.update_or_create(
                case=case, source=source, defaults={"strength": data[column], "rationale": data[f"{column}_onderbouwing"]}
            )
    for tension_field in tension_fields:
        column = f"veld_{tension_field.key}"
        if column in present and data[column] != "":
            both = data[column] == BOTH
            TensionPosition.objects.update_or_create(
                case=case,
                tension_field=tension_field,
                defaults={"position": None if both else int(data[column]), "holds_both": both, "rationale": data[f"{column}_onderbouwing"]},
            )
    if "trefwoorden" in present:
        case.keywords.set(_keywords(data["trefwoorden"]))
    services.case_refresh_search(case=case)
    services.case_snapshot(case=case, actor=actor, comment=_("Geïmporteerd."))
    target = data.get("status")
    if target and target != case.status and actor is None:
        # A dry run without a user in whose name to move it: check what publication checks.
        missing = case.missing_for_publication() if target == Case.Status.PUBLISHED else []
        if missing:
            result.errors.append(("status", _("kan niet gepubliceerd worden: %(missing)s") % {"missing": " ".join(missing)}))
    elif target and target != case.status:
        try:
            for action in services.steps_between(case.status, target):
                case = services.case_transition(case=case, action=action, actor=actor, note=_("Bij het importeren."))
        except services.CaseIncomplete as error:
            result.errors.append(("status", _("kan niet gepubliceerd worden: %(missing)s") % {"missing": " ".join(error.missing)}))
        except (services.TransitionError, PermissionDenied) as error:
            result.errors.append(("status", str(error)))


# --- the admin's import form ------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Bestand (CSV of XLSX)"), required=False)
    content = forms.CharField(widget=forms.HiddenInput, required=False)
    filename = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("content"):
            self.add_error("file", _("Kies een bestand."))
        upload = cleaned.get("file")
        if upload and upload.size > MAX_FILE_BYTES:
            self.add_error("file", _("Het bestand is groter dan 5 MB."))
        return cleaned

    def file_content(self) -> bytes:
        if not hasattr(self, "_content"):
            upload = self.cleaned_data.get("file")
            self._content = upload.read() if upload else base64.b64decode(self.cleaned_data["content"])
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

