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

from cases.evidence import codings_without_evidence
from cases.models import (
    TEXT_SECTION_FIELDS,
    Case,
    CodingEvidence,
    Grounds,
    SourceCoding,
    TensionPosition,
    text_section,
)
from cases.services import case_refresh_search, case_save, case_snapshot
from diegem.lib.anchoring import PassageNotFound, locate_passage
from frameworks.annotatable import normalize_plain_text
from frameworks.models import Domain, Source, TensionField

BOTH = "both"
# The case's own fields a seed entry gives, in the file's order.
FIELDS = ("title", "kind", "municipality", "neighbourhood", "initiative", "website", "start_year")
# Its texts, compared and stored in their normal form.
TEXTS = ("summary", *TEXT_SECTION_FIELDS)


class SeedError(ValueError):
    """The seed file cannot be loaded; the message says where and why."""


def read_cases(path: Path) -> list[dict]:
    """The case entries of a seed file, in a canonical form (see `canonical_entry`)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SeedError(f"{path}: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("cases"), list):
        raise SeedError(f"{path}: expected a mapping with a list under 'cases'")
    return [canonical_entry(entry, where=f"{path.name}, case {number}") for number, entry in enumerate(document["cases"], 1)]


def canonical_entry(entry: dict, *, where: str = "") -> dict:
    """One case entry with defaults filled in and texts in their stored form.

    Two entries describe the same case exactly when they are equal, which is
    what the seeder compares.
    """
    try:
        result = {
            "slug": entry["slug"],
            "domain": entry["domain"],
            **{name: entry.get(name, None if name == "start_year" else "") for name in FIELDS},
            **{name: normalize_plain_text(entry.get(name) or "") for name in TEXTS},
            "keywords": sorted(entry.get("keywords") or []),
            "sources": {key: _canonical_coding(value, "strength") for key, value in (entry.get("sources") or {}).items()},
            "tension_fields": {
                key: _canonical_coding(value, "position") for key, value in (entry.get("tension_fields") or {}).items()
            },
        }
    except (KeyError, TypeError, AttributeError) as error:
        raise SeedError(f"{where}: {error!r} is missing or malformed") from error
    return result


def _canonical_coding(value: dict, value_key: str) -> dict:
    grounds = value["grounds"]
    coding = {"grounds": grounds, "rationale": normalize_plain_text(value.get("rationale") or "")}
    if grounds != Grounds.UNDETERMINED:
        coding[value_key] = value[value_key]
    coding["evidence"] = sorted(
        (
            {"section": text_section(item["section"]).field, "passage": item["passage"], "note": item.get("note") or ""}
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
        evidence.setdefault(key, []).append({"section": item.case_field, "passage": item.quote_exact, "note": item.note})

    def coding(row, kind: str, pk: int, value_key: str, value) -> dict:
        result = {"grounds": row.grounds, "rationale": row.rationale}
        if row.grounds != Grounds.UNDETERMINED:
            result[value_key] = value
        result["evidence"] = sorted(evidence.get((kind, pk), []), key=lambda item: (item["section"], item["passage"]))
        return result

    return {
        "slug": case.slug,
        "domain": case.domain.key,
        **{name: getattr(case, name) for name in (*FIELDS, *TEXTS)},
        "keywords": sorted(tag.name for tag in case.keywords.all()),
        "sources": {
            row.source.key: coding(row, "source", row.source_id, "strength", row.strength)
            for row in case.source_codings.select_related("source")
        },
        "tension_fields": {
            row.tension_field.key: coding(
                row, "field", row.tension_field_id, "position", BOTH if row.holds_both else row.position
            )
            for row in case.tension_positions.select_related("tension_field")
        },
    }


@transaction.atomic
def case_seed_write(*, entry: dict) -> Case:
    """Create or overwrite a seed case as the entry describes it, published.

    Refuses (SeedError) a passage that is not in the case's text, or a coding
    on "tekstbewijs" without a passage: the seed keeps the rules researchers keep.
    """
    slug = entry["slug"]
    case = Case.objects.filter(slug=slug).first() or Case(slug=slug)
    try:
        case.domain = Domain.objects.get(key=entry["domain"])
    except Domain.DoesNotExist:
        raise SeedError(f"{slug}: unknown domain {entry['domain']!r}; load the framework first") from None
    for name in (*FIELDS, *TEXTS):
        setattr(case, name, entry[name])
    if case.status != Case.Status.PUBLISHED:
        # The seed's cases are the research's own pilots: public from the start. The text
        # gives no date, so the date is the day they were published on this site.
        case.status, case.published_at = Case.Status.PUBLISHED, timezone.now()
    case_save(case=case)
    _write_codings(case, entry)
    case.keywords.set(entry["keywords"])
    unbacked = codings_without_evidence(case)
    if unbacked:
        raise SeedError(f"{slug}: tekstbewijs without an anchored passage for {', '.join(unbacked)}")
    case_refresh_search(case=case)
    case_snapshot(case=case, actor=None, comment=_("Geladen uit de seed (pilots.yaml)."))
    return case


def _write_codings(case: Case, entry: dict) -> None:
    sources = {source.key: source for source in Source.objects.all()}
    fields = {field.key: field for field in TensionField.objects.all()}
    CodingEvidence.objects.filter(case=case).delete()
    for key, coding in entry["sources"].items():
        source = _framework_row(sources, key, case.slug)
        SourceCoding.objects.update_or_create(
            case=case,
            source=source,
            defaults={
                "grounds": coding["grounds"],
                "strength": coding.get("strength"),
                "rationale": coding["rationale"],
                "evidence_orphaned": False,
            },
        )
        _write_evidence(case, coding["evidence"], source=source)
    for key, coding in entry["tension_fields"].items():
        tension_field = _framework_row(fields, key, case.slug)
        value = coding.get("position")
        TensionPosition.objects.update_or_create(
            case=case,
            tension_field=tension_field,
            defaults={
                "grounds": coding["grounds"],
                "position": None if value in (None, BOTH) else value,
                "holds_both": value == BOTH,
                "rationale": coding["rationale"],
                "evidence_orphaned": False,
            },
        )
        _write_evidence(case, coding["evidence"], tension_field=tension_field)


def _framework_row(rows: dict, key: str, slug: str):
    try:
        return rows[key]
    except KeyError:
        raise SeedError(f"{slug}: unknown source or tension field {key!r}") from None


def _write_evidence(case: Case, items: list[dict], **coding) -> None:
    for item in items:
        text = getattr(case, item["section"])
        try:
            anchor = locate_passage(text, item["passage"])
        except PassageNotFound as error:
            raise SeedError(f"{case.slug}, evidence in {item['section']}: {error} ({item['passage']!r})") from None
        evidence = CodingEvidence(case=case, case_field=item["section"], note=item["note"], **coding)
        evidence.anchor_to(anchor, text)
        evidence.save()
