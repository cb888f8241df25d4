"""The three parts of the seed: the framework, the pilot cases, the margin notes.

Each object goes through `diegem.lib.seeding.seed_object`, which leaves alone
whatever someone edited since the seed wrote it (see there for the rules).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core import serializers

from annotations.models import Annotation
from annotations.seed import NotAnchored, note_retire, note_state, note_write, read_notes
from cases.models import Case
from cases.seed import SEED_TRANSLATOR, case_seed_write, case_state, read_cases
from cases.services import CodingDuringDoubleCoding
from diegem.lib.languages import translation_column, translation_columns
from diegem.lib.seeding import (
    NO_HISTORY,
    SeedHistory,
    SeedReport,
    fingerprint,
    retire_object,
    seed_object,
    translation_files,
)
from frameworks.models import Domain, Section, Source, TensionField
from frameworks.services import section_save


def row_description(instance) -> dict:
    """A framework row as the fixture gives it: every concrete field but the primary key, and
    of its translation columns those that hold a text (so that a row described before there
    were translations is described the same way: `fixtures/seed-history.yaml` still knows it)."""
    translations = translation_columns(type(instance))
    return {
        f.attname: value
        for f in instance._meta.concrete_fields
        if not f.primary_key
        and not f.generated
        and ((value := getattr(instance, f.attname)) or f.attname not in translations)
    }


def seed_framework(
    path: Path, report: SeedReport, *, reset: bool = False, history: SeedHistory = NO_HISTORY
) -> None:
    """The framework fixture (sections, sources, tension fields, domains), row by row, with
    its translations (`translations/<name>.<language>.yaml`) in the rows' language columns."""
    translations = framework_translation_columns(path)
    with path.open(encoding="utf-8") as stream:
        for deserialized in serializers.deserialize(
            "yaml", stream, handle_forward_references=False
        ):
            instance = deserialized.object
            model = type(instance)
            natural_key = instance.natural_key()
            for column, value in translations.get(
                (model._meta.label_lower, natural_key[0]), {}
            ).items():
                setattr(instance, column, value)

            def read(model=model, natural_key=natural_key):
                stored = model.objects.filter(**{model.natural_key_field: natural_key[0]}).first()
                return None if stored is None else row_description(stored)

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
                wanted=row_description(instance),
                read=read,
                write=write,
                reset=reset,
                history=history,
            )


def framework_translation_columns(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    """The framework's translations beside its fixture as column values per row:
    {("frameworks.source", "strijd"): {"name_fr": "Lutte", …, "translated_by_fr": …}}."""
    from django.apps import apps

    found: dict[tuple[str, str], dict[str, str]] = {}
    for (label, key), languages in _framework_translations(path).items():
        model = apps.get_model(label)
        columns = found.setdefault((label, key), {})
        for language, fields in languages.items():
            for name, text in fields.items():
                if name in model.TRANSLATED_FIELDS:  # not a derived name (a field's poles)
                    columns[translation_column(name, language)] = text
            columns[f"translated_by_{language}"] = SEED_TRANSLATOR
    return found


def _framework_translations(path: Path) -> dict[tuple[str, str], dict[str, dict]]:
    """The framework's translations beside its fixture: {(model, key): {language: fields}}."""
    found: dict[tuple[str, str], dict[str, dict]] = {}
    for language, translated_path in translation_files(path).items():
        for entry in yaml.safe_load(translated_path.read_text(encoding="utf-8")) or []:
            found.setdefault((entry["model"], entry["key"]), {})[language] = entry["fields"]
    return found


def seed_cases(
    path: Path, report: SeedReport, *, reset: bool = False, history: SeedHistory = NO_HISTORY
) -> None:
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
            # A pilot taken offline and being double coded waits for its consensus (`case_write`).
            skip_on=(CodingDuringDoubleCoding,),
        )


NOTE_PREFIX = "annotations.annotation:"


def _read_note(seed_key: str) -> dict | None:
    """The seed's note as it stands; none once withdrawn (retired with replies)."""
    annotation = (
        Annotation.objects.seeded()
        .filter(seed_key=seed_key)
        .select_related("section", "case", "echo_section")
        .first()
    )
    return None if annotation is None else note_state(annotation)


def seed_margin_notes(
    path: Path, report: SeedReport, *, reset: bool = False, history: SeedHistory = NO_HISTORY
) -> None:
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
            result[f"{model._meta.label_lower}:{row.key}"] = fingerprint(row_description(row))
    for case in Case.objects.all():
        result[f"cases.case:{case.slug}"] = fingerprint(case_state(case))
    for annotation in Annotation.objects.seeded().select_related("section", "case", "echo_section"):
        result[f"{NOTE_PREFIX}{annotation.seed_key}"] = fingerprint(note_state(annotation))
    return result
