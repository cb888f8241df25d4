"""The seed cases (`fixtures/pilots.yaml`): read them, describe a stored case the same way, write one.

The file describes each case whole: its fields, keywords, and per source and
tension field the grounds, the value (none when it cannot be told), the
rationale and the evidence passages (copied from the case's own text). A stored
case is described in exactly that shape (`case_state`), so the seeder can tell
whether the researchers changed a seeded case since it was loaded. Writing
goes through the services: text changes re-anchor annotations and evidence, the
search vector follows, a version is kept.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    TEXT_SECTION_FIELDS,
    Case,
    CodingEvidence,
    Grounds,
    SourceCoding,
    TensionPosition,
    text_section,
)
from cases.services import Rows, case_write
from diegem.lib.anchoring import PassageNotFound, locate_passage
from diegem.lib.annotatable import normalize_plain_text
from diegem.lib.languages import translation_column
from diegem.lib.seeding import translation_files
from frameworks.models import Domain, Source, TensionField

BOTH = "both"
# Who wrote the seed's translations (fixtures/translations/): the editors of this site, from
# their Dutch paraphrase of the research text, without machine translation.
SEED_TRANSLATOR = "Redactie DieGem-praktijkenbank"
# The case's own fields a seed entry gives, in the file's order.
FIELDS = (
    "title",
    "kind",
    "municipality",
    "nis_code",
    "neighbourhood",
    "initiative",
    "website",
    "start_year",
)
# Its texts, compared and stored in their normal form.
TEXTS = ("summary", *TEXT_SECTION_FIELDS)


class SeedError(ValueError):
    """The seed file cannot be loaded; the message says where and why."""


def _read_document(path: Path) -> dict:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SeedError(f"{path}: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("cases"), list):
        raise SeedError(f"{path}: expected a mapping with a list under 'cases'")
    return document


def read_cases(path: Path) -> list[dict]:
    """The case entries of a seed file, in a canonical form (see `canonical_entry`), with their
    translations from `translations/<name>.<language>.yaml` beside it, where there are any."""
    document = _read_document(path)
    translations: dict[str, dict[str, dict]] = {}
    for language, translated_path in translation_files(path).items():
        for entry in _read_document(translated_path)["cases"]:
            translations.setdefault(entry["slug"], {})[language] = entry
    return [
        canonical_entry(
            entry, translations.get(entry.get("slug"), {}), where=f"{path.name}, case {number}"
        )
        for number, entry in enumerate(document["cases"], 1)
    ]


def canonical_entry(entry: dict, translations: dict | None = None, *, where: str = "") -> dict:
    """One case entry with defaults filled in and texts in their stored form, with its
    translations (by language, as the translation files give them).

    Two entries describe the same case exactly when they are equal, which is
    what the seeder compares.
    """
    try:
        result = {
            "slug": entry["slug"],
            # The seed publishes its pilots; one taken offline since counts as edited.
            "status": Case.Status.PUBLISHED.value,
            "domain": entry["domain"],
            **{name: entry.get(name, None if name == "start_year" else "") for name in FIELDS},
            **{name: normalize_plain_text(entry.get(name) or "") for name in TEXTS},
            "keywords": sorted(entry.get("keywords") or []),
            "sources": {
                key: _canonical_coding(value, "strength")
                for key, value in (entry.get("sources") or {}).items()
            },
            "tension_fields": {
                key: _canonical_coding(value, "position")
                for key, value in (entry.get("tension_fields") or {}).items()
            },
        }
        if entry.get("original_language", "nl") != "nl":
            result["original_language"] = entry["original_language"]
        described = {
            language: _canonical_translation(translated)
            for language, translated in sorted((translations or {}).items())
        }
        if described := {language: t for language, t in described.items() if t}:
            result["translations"] = described
    except (KeyError, TypeError, AttributeError) as error:
        raise SeedError(f"{where}: {error!r} is missing or malformed") from error
    return result


def _canonical_translation(translated: dict) -> dict:
    """A case's translation into one language, as a seed entry describes it: the texts that
    are translated, the rationales by source and tension field, and who translated them.
    Empty texts are left out (a stored case describes its empty columns the same way)."""
    texts = {
        name: normalize_plain_text(text) if name in TEXTS else text
        for name, text in (translated.get("fields") or {}).items()
        if text
    }
    rationales = {
        kind: {
            key: normalize_plain_text(value["rationale"])
            for key, value in sorted((translated.get(kind) or {}).items())
            if value.get("rationale")
        }
        for kind in ("sources", "tension_fields")
    }
    result = {"texts": texts, **{kind: r for kind, r in rationales.items() if r}}
    if not texts and len(result) == 1:
        return {}
    result["translated_by"] = translated.get("translated_by", SEED_TRANSLATOR)
    return result


def _canonical_coding(value: dict, value_key: str) -> dict:
    grounds = value["grounds"]
    coding = {"grounds": grounds, "rationale": normalize_plain_text(value.get("rationale") or "")}
    if grounds != Grounds.UNDETERMINED:
        coding[value_key] = value[value_key]
    coding["evidence"] = sorted(
        (
            {
                "section": text_section(item["section"]).field,
                "passage": item["passage"],
                "note": item.get("note") or "",
            }
            for item in value.get("evidence") or []
        ),
        key=lambda item: (item["section"], item["passage"]),
    )
    return coding


def case_state(case: Case) -> dict:
    """A stored case described as a seed entry (what `canonical_entry` makes of the file)."""
    evidence: dict[tuple[str, int], list[dict]] = {}
    for item in case.evidence.all():
        key = ("source", item.source_id) if item.source_id else ("field", item.tension_field_id)
        evidence.setdefault(key, []).append(
            {"section": item.case_field, "passage": item.quote_exact, "note": item.note}
        )

    def coding(row, kind: str, pk: int, value_key: str, value) -> dict:
        result = {"grounds": row.grounds, "rationale": row.rationale}
        if row.grounds != Grounds.UNDETERMINED:
            result[value_key] = value
        result["evidence"] = sorted(
            evidence.get((kind, pk), []), key=lambda item: (item["section"], item["passage"])
        )
        return result

    source_codings = list(case.source_codings.select_related("source"))
    tension_positions = list(case.tension_positions.select_related("tension_field"))
    state = {
        "slug": case.slug,
        "status": case.status,
        "domain": case.domain.key,
        **{name: getattr(case, name) for name in (*FIELDS, *TEXTS)},
        "keywords": sorted(tag.name for tag in case.keywords.all()),
        "sources": {
            row.source.key: coding(row, "source", row.source_id, "strength", row.strength)
            for row in source_codings
        },
        "tension_fields": {
            row.tension_field.key: coding(
                row,
                "field",
                row.tension_field_id,
                "position",
                BOTH if row.holds_both else row.position,
            )
            for row in tension_positions
        },
    }
    if case.original_language != "nl":
        state["original_language"] = case.original_language
    translations = {}
    for language in case.TRANSLATION_LANGUAGES:
        translated = _canonical_translation(
            {
                "fields": {
                    name: getattr(case, translation_column(name, language))
                    for name in ("title", *TEXTS)
                },
                "sources": {
                    row.source.key: {
                        "rationale": getattr(row, translation_column("rationale", language))
                    }
                    for row in source_codings
                },
                "tension_fields": {
                    row.tension_field.key: {
                        "rationale": getattr(row, translation_column("rationale", language))
                    }
                    for row in tension_positions
                },
                "translated_by": getattr(case, f"translated_by_{language}"),
            }
        )
        if translated:
            translations[language] = translated
    if translations:
        state["translations"] = translations
    return state


@transaction.atomic
def case_seed_write(*, entry: dict) -> Case:
    """Create a seed case as the entry describes it, published, or overwrite its contents, through `case_write`.

    Refuses (SeedError) a passage that is not in the case's text, or a coding
    on "tekstbewijs" without a passage: the seed keeps the rules researchers keep.
    """
    slug = entry["slug"]
    case = Case.objects.filter(slug=slug).first() or Case(slug=slug)
    try:
        case.domain = Domain.objects.get(key=entry["domain"])
    except Domain.DoesNotExist:
        raise SeedError(
            f"{slug}: unknown domain {entry['domain']!r}; load the framework first"
        ) from None
    for name in (*FIELDS, *TEXTS):
        setattr(case, name, entry[name])
    case.original_language = entry.get("original_language", "nl")
    translations = entry.get("translations", {})
    for language in case.TRANSLATION_LANGUAGES:
        translated = translations.get(language, {})
        for name in ("title", *TEXTS):
            setattr(
                case, translation_column(name, language), translated.get("texts", {}).get(name, "")
            )
        setattr(case, f"translated_by_{language}", translated.get("translated_by", ""))
    if case.pk is None:
        # The seed's cases are the research's own pilots: public from the start. The text
        # gives no date, so the date is the day they were published on this site. A case
        # that exists keeps its status: only the workflow publishes or takes offline
        # (even `--reset` restores contents, not publication).
        case.status, case.published_at = Case.Status.PUBLISHED, timezone.now()
    codings, positions, evidence = _rows(case, entry)
    case_write(
        case=case,
        codings=codings,
        positions=positions,
        evidence=evidence,
        keywords=entry["keywords"],
        actor=None,
        comment=_("Geladen uit de seed (pilots.yaml)."),
    )
    return case


def _rows(case: Case, entry: dict) -> tuple[Rows, Rows, Rows]:
    """The entry's codings, positions and evidence as rows to write; the case's other evidence goes."""
    sources = {source.key: source for source in Source.objects.all()}
    fields = {field.key: field for field in TensionField.objects.all()}
    stored_codings = {c.source_id: c for c in case.source_codings.all()} if case.pk else {}
    stored_positions = (
        {p.tension_field_id: p for p in case.tension_positions.all()} if case.pk else {}
    )
    codings, positions, evidence = [], [], []
    for key, coding in entry["sources"].items():
        source = _framework_row(sources, key, case.slug)
        row = stored_codings.get(source.pk) or SourceCoding(case=case, source=source)
        codings.append(
            _set(
                row,
                grounds=coding["grounds"],
                strength=coding.get("strength"),
                rationale=coding["rationale"],
                **_rationale_translations(entry, "sources", key),
            )
        )
        evidence += _evidence(case, source.name, coding, source=source)
    for key, coding in entry["tension_fields"].items():
        tension_field = _framework_row(fields, key, case.slug)
        value = coding.get("position")
        row = stored_positions.get(tension_field.pk) or TensionPosition(
            case=case, tension_field=tension_field
        )
        positions.append(
            _set(
                row,
                grounds=coding["grounds"],
                position=None if value in (None, BOTH) else value,
                holds_both=value == BOTH,
                rationale=coding["rationale"],
                **_rationale_translations(entry, "tension_fields", key),
            )
        )
        evidence += _evidence(case, tension_field.name, coding, tension_field=tension_field)
    stored_evidence = list(CodingEvidence.objects.filter(case=case)) if case.pk else []
    return Rows(save=codings), Rows(save=positions), Rows(save=evidence, delete=stored_evidence)


def _rationale_translations(entry: dict, kind: str, key: str) -> dict[str, str]:
    """The translated rationales of one coding of the entry, as column values (empty for none)."""
    translations = entry.get("translations", {})
    return {
        translation_column("rationale", language): translations.get(language, {})
        .get(kind, {})
        .get(key, "")
        for language in SourceCoding.TRANSLATION_LANGUAGES
    }


def _set(coding, **values):
    """The coding with these values, its evidence not orphaned (not saved)."""
    for name, value in {**values, "evidence_orphaned": False}.items():
        setattr(coding, name, value)
    return coding


def _framework_row(rows: dict, key: str, slug: str):
    try:
        return rows[key]
    except KeyError:
        raise SeedError(f"{slug}: unknown source or tension field {key!r}") from None


def _evidence(case: Case, name: str, coding: dict, **framework_row) -> list[CodingEvidence]:
    """The coding's evidence passages, anchored in the case's text (not saved)."""
    if coding["grounds"] == Grounds.EVIDENCE and not coding["evidence"]:
        raise SeedError(f"{case.slug}: tekstbewijs without an anchored passage for {name}")
    rows = []
    for item in coding["evidence"]:
        text = getattr(case, item["section"])
        try:
            anchor = locate_passage(text, item["passage"])
        except PassageNotFound as error:
            raise SeedError(
                f"{case.slug}, evidence in {item['section']}: {error} ({item['passage']!r})"
            ) from None
        evidence = CodingEvidence(
            case=case, case_field=item["section"], note=item["note"], **framework_row
        )
        evidence.anchor_to(anchor, text)
        rows.append(evidence)
    return rows
