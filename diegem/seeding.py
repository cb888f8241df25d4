"""Loading the seed again never overwrites what researchers edited.

Each seeded object (a framework row, a pilot case with its coding, a margin
note) is compared in a canonical description with what the seed wrote last
time (`SeedRecord`, by fingerprint):

- missing: it is created;
- untouched since the seed wrote it: it follows the seed (a corrected fixture
  reaches every database that still holds the old version);
- changed by someone since: it is left alone and reported;
- in the database from before seed records existed: left alone unless it
  already equals the seed (then it is recorded).

`reset=True` restores the seed's version of everything on purpose.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core import serializers
from django.db import transaction

from annotations.models import Annotation
from annotations.seed import note_state, note_write, read_notes
from cases.models import Case
from cases.seed import case_seed_write, case_state, read_cases
from diegem.models import SeedRecord
from frameworks.models import Section
from frameworks.services import section_save

NEW, UPDATED, UNCHANGED, KEPT = "nieuw", "bijgewerkt", "ongewijzigd", "behouden (bewerkt)"


def fingerprint(description) -> str:
    """A stable hash of a canonical description (dicts, lists, strings, numbers)."""
    text = json.dumps(description, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class SeedReport:
    """What loading the seed did, per outcome; `kept` names the objects left alone."""

    counts: Counter = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return ", ".join(f"{self.counts[outcome]} {outcome}" for outcome in (NEW, UPDATED, UNCHANGED, KEPT))


@transaction.atomic
def seed_object(
    report: SeedReport,
    *,
    key: str,
    wanted: dict,
    read: Callable[[], dict | None],
    write: Callable[[], object],
    reset: bool = False,
) -> str:
    """Bring one object in line with the seed unless someone else changed it; returns the outcome.

    `read` describes the stored object as the seed would (None: not there);
    `write` creates or overwrites it from the seed.
    """
    record = SeedRecord.objects.select_for_update().filter(key=key).first()
    current = read()
    if current is None:
        outcome = NEW
    elif reset:
        outcome = UNCHANGED if fingerprint(current) == fingerprint(wanted) else UPDATED
    elif record is None:
        # From before the records: only an object equal to the seed is known to be the seed's.
        outcome = UNCHANGED if fingerprint(current) == fingerprint(wanted) else KEPT
    elif fingerprint(current) != record.written:
        outcome = KEPT
    else:
        outcome = UNCHANGED if record.wanted == fingerprint(wanted) else UPDATED
    if outcome in (NEW, UPDATED):
        write()
        current = read()
    report.counts[outcome] += 1
    if outcome == KEPT:
        report.kept.append(key)
        return outcome
    recorded = {"wanted": fingerprint(wanted), "written": fingerprint(current)}
    if record is None or (record.wanted, record.written) != (recorded["wanted"], recorded["written"]):
        SeedRecord.objects.update_or_create(key=key, defaults=recorded)
    return outcome


# --- the three parts of the seed -------------------------------------------------------------


def _row_description(instance) -> dict:
    """A framework row as the fixture gives it: every concrete field but the primary key."""
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if not f.primary_key}


def seed_framework(path: Path, report: SeedReport, *, reset: bool = False) -> None:
    """The framework fixture (sections, sources, tension fields, domains), row by row."""
    with path.open(encoding="utf-8") as stream:
        for deserialized in serializers.deserialize("yaml", stream, handle_forward_references=False):
            instance = deserialized.object
            model = type(instance)
            natural_key = instance.natural_key()

            def read(model=model, natural_key=natural_key):
                stored = model.objects.filter(**{model.natural_key_field: natural_key[0]}).first()
                return None if stored is None else _row_description(stored)

            def write(instance=instance, model=model, natural_key=natural_key):
                stored = model.objects.filter(**{model.natural_key_field: natural_key[0]}).first()
                instance.pk = stored.pk if stored else None
                if isinstance(instance, Section):
                    section_save(section=instance)  # annotations on the text re-anchor
                else:
                    instance.save()

            seed_object(
                report,
                key=f"{model._meta.label_lower}:{natural_key[0]}",
                wanted=_row_description(instance),
                read=read,
                write=write,
                reset=reset,
            )


def seed_cases(path: Path, report: SeedReport, *, reset: bool = False) -> None:
    """The pilot cases with their coding, evidence and keywords."""
    for entry in read_cases(path):

        def read(slug=entry["slug"]):
            case = Case.objects.filter(slug=slug).first()
            return None if case is None else case_state(case)

        seed_object(
            report,
            key=f"cases.case:{entry['slug']}",
            wanted=entry,
            read=read,
            write=lambda entry=entry: case_seed_write(entry=entry),
            reset=reset,
        )


def seed_margin_notes(path: Path, report: SeedReport, *, reset: bool = False) -> None:
    """The margin notes of the research text, as approved annotations."""
    for note in read_notes(path):

        def read(key=note["key"]):
            annotation = Annotation.objects.filter(seed_key=key).select_related("section", "case", "echo_section").first()
            return None if annotation is None else note_state(annotation)

        seed_object(
            report,
            key=f"annotations.annotation:{note['key']}",
            wanted=note,
            read=read,
            write=lambda note=note: note_write(note),
            reset=reset,
        )
