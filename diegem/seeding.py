"""Loading the seed again never overwrites what researchers edited.

Each seeded object (a framework row, a pilot case with its coding, a margin
note) is compared in a canonical description with what the seed wrote last
time (`SeedRecord`, by fingerprint):

- missing: it is created;
- untouched since the seed wrote it: it follows the seed (a corrected fixture
  reaches every database that still holds the old version);
- changed by someone since: it is left alone and reported;
- in the database from before seed records existed: it follows the seed when
  it equals the seed or an earlier version of it (`fixtures/seed-history.yaml`
  lists their fingerprints), else it is left alone and reported;
- a seeded object whose key the seed retired (listed in the same file) is
  removed when nobody changed it, else left alone and reported;
- a margin note whose passage is no longer in its (edited) text is skipped and
  reported; the rest of the seed loads.

`reset=True` restores the seed's version of everything on purpose, contents
only: publication and moderation stay with the workflows.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core import serializers
from django.db import transaction

from annotations.models import Annotation
from annotations.seed import NotAnchored, note_retire, note_state, note_write, read_notes
from cases.models import Case
from cases.seed import case_seed_write, case_state, read_cases
from diegem.models import SeedRecord
from frameworks.models import Domain, Section, Source, TensionField
from frameworks.services import section_save

NEW, UPDATED, UNCHANGED, KEPT = "nieuw", "bijgewerkt", "ongewijzigd", "behouden (bewerkt)"
# Reported only when they happen.
REMOVED, SKIPPED = "verwijderd (uit de seed gehaald)", "overgeslagen (passage niet gevonden)"


@dataclass(frozen=True)
class SeedHistory:
    """What earlier versions of the seed wrote: fingerprints per key, and keys the seed dropped."""

    earlier: dict[str, frozenset[str]] = field(default_factory=dict)
    retired: tuple[str, ...] = ()
    # The fingerprint of each seed object before this load wrote anything: a margin note the
    # load itself moves (its case text changed) still counts as untouched.
    at_start: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> SeedHistory:
        if not path.exists():
            return cls()
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        earlier = {key: frozenset(values) for key, values in (document.get("earlier") or {}).items()}
        return cls(earlier=earlier, retired=tuple(document.get("retired") or ()))

    def observed(self) -> SeedHistory:
        """This history, knowing the state of every seed object before the load starts."""
        return SeedHistory(earlier=self.earlier, retired=self.retired, at_start=stored_fingerprints())

    def before(self, key: str, description: dict) -> str:
        """The object's fingerprint before this load (or now, when the load did not look)."""
        return self.at_start.get(key) or fingerprint(description)

    def wrote(self, key: str, description: dict) -> bool:
        """Whether an earlier seed left the object in this state (before this load)."""
        return self.before(key, description) in self.earlier.get(key, ())


def fingerprint(description) -> str:
    """A stable hash of a canonical description (dicts, lists, strings, numbers)."""
    text = json.dumps(description, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class SeedReport:
    """What loading the seed did, per outcome; `kept` names the objects left alone."""

    counts: Counter = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        outcomes = [NEW, UPDATED, UNCHANGED, KEPT, *(outcome for outcome in (REMOVED, SKIPPED) if self.counts[outcome])]
        return ", ".join(f"{self.counts[outcome]} {outcome}" for outcome in outcomes)


@transaction.atomic
def seed_object(
    report: SeedReport,
    *,
    key: str,
    wanted: dict,
    read: Callable[[], dict | None],
    write: Callable[[], object],
    reset: bool = False,
    history: SeedHistory = SeedHistory(),
    skip_on: tuple[type[Exception], ...] = (),
) -> str:
    """Bring one object in line with the seed unless someone else changed it; returns the outcome.

    `read` describes the stored object as the seed would (None: not there);
    `write` creates or overwrites it from the seed. An error in `skip_on`
    raised by `write` skips this object (reported) instead of ending the load.
    """
    record = SeedRecord.objects.select_for_update().filter(key=key).first()
    current = read()
    if current is None:
        outcome = NEW
    elif reset:
        outcome = UNCHANGED if fingerprint(current) == fingerprint(wanted) else UPDATED
    elif record is None:
        # From before the records: only an object equal to this seed or to an earlier one
        # is known to be the seed's.
        if fingerprint(current) == fingerprint(wanted):
            outcome = UNCHANGED
        else:
            outcome = UPDATED if history.wrote(key, current) else KEPT
    elif history.before(key, current) != record.written:
        outcome = KEPT
    else:
        outcome = UNCHANGED if record.wanted == fingerprint(wanted) else UPDATED
    if outcome in (NEW, UPDATED):
        try:
            with transaction.atomic():
                write()
        except skip_on as error:
            report.counts[SKIPPED] += 1
            report.skipped.append(f"{key}: {error}")
            return SKIPPED
        current = read()
    report.counts[outcome] += 1
    if outcome == KEPT:
        report.kept.append(key)
        return outcome
    recorded = {"wanted": fingerprint(wanted), "written": fingerprint(current)}
    if record is None or (record.wanted, record.written) != (recorded["wanted"], recorded["written"]):
        SeedRecord.objects.update_or_create(key=key, defaults=recorded)
    return outcome


@transaction.atomic
def retire_object(
    report: SeedReport,
    *,
    key: str,
    read: Callable[[], dict | None],
    remove: Callable[[], object],
    reset: bool = False,
    history: SeedHistory = SeedHistory(),
) -> str | None:
    """Remove an object the seed no longer has, unless someone changed it since a seed wrote it."""
    record = SeedRecord.objects.select_for_update().filter(key=key).first()
    current = read()
    if current is None:
        if record is not None:
            record.delete()
        return None
    untouched = record.written == history.before(key, current) if record is not None else history.wrote(key, current)
    if not (untouched or reset):
        report.counts[KEPT] += 1
        report.kept.append(key)
        return KEPT
    remove()
    SeedRecord.objects.filter(key=key).delete()
    report.counts[REMOVED] += 1
    return REMOVED


# --- the three parts of the seed -------------------------------------------------------------


def _row_description(instance) -> dict:
    """A framework row as the fixture gives it: every concrete field but the primary key."""
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if not f.primary_key and not f.generated
    }


def seed_framework(path: Path, report: SeedReport, *, reset: bool = False, history: SeedHistory = SeedHistory()) -> None:
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
                history=history,
            )


def seed_cases(path: Path, report: SeedReport, *, reset: bool = False, history: SeedHistory = SeedHistory()) -> None:
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
            history=history,
        )


NOTE_PREFIX = "annotations.annotation:"


def _read_note(seed_key: str) -> dict | None:
    annotation = Annotation.objects.filter(seed_key=seed_key).select_related("section", "case", "echo_section").first()
    return None if annotation is None else note_state(annotation)


def seed_margin_notes(path: Path, report: SeedReport, *, reset: bool = False, history: SeedHistory = SeedHistory()) -> None:
    """The margin notes of the research text, as approved annotations; retired notes leave."""
    for note in read_notes(path):
        seed_object(
            report,
            key=f"{NOTE_PREFIX}{note['key']}",
            wanted=note,
            read=lambda seed_key=note["key"]: _read_note(seed_key),
            write=lambda note=note: note_write(note),
            reset=reset,
            history=history,
            skip_on=(NotAnchored,),
        )
    for key in history.retired:
        if key.startswith(NOTE_PREFIX):
            seed_key = key.removeprefix(NOTE_PREFIX)
            retire_object(
                report,
                key=key,
                read=lambda seed_key=seed_key: _read_note(seed_key),
                remove=lambda seed_key=seed_key: note_retire(seed_key),
                reset=reset,
                history=history,
            )


def stored_fingerprints() -> dict[str, str]:
    """The fingerprint of every seed object in the database, by seed key (for `fixtures/seed-history.yaml`)."""
    result = {}
    for model in (Section, Source, TensionField, Domain):
        for row in model.objects.all():
            result[f"{model._meta.label_lower}:{row.key}"] = fingerprint(_row_description(row))
    for case in Case.objects.all():
        result[f"cases.case:{case.slug}"] = fingerprint(case_state(case))
    for annotation in Annotation.objects.exclude(seed_key=None).select_related("section", "case", "echo_section"):
        result[f"{NOTE_PREFIX}{annotation.seed_key}"] = fingerprint(note_state(annotation))
    return result
