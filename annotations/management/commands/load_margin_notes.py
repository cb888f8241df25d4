"""Load the margin notes of the research text as approved annotations."""

from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotations import services
from annotations.models import Kind, Voice
from annotations.targets import case_target, section_target
from cases.models import TEXT_SECTION_FIELDS, Case
from frameworks.models import Section

DEFAULT_FILE = Path(settings.BASE_DIR) / "fixtures" / "margin-notes.yaml"


class Command(BaseCommand):
    help = "Load fixtures/margin-notes.yaml as approved annotations (safe to repeat)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)

    @transaction.atomic
    def handle(self, *args, file: Path, **options):
        try:
            notes = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise CommandError(f"{file}: {error}") from error
        created = 0
        for number, note in enumerate(notes, start=1):
            where = f"{file.name}, note {number} ({note.get('key', '?')})"
            if note.get("voice") not in Voice.values or note.get("kind") not in Kind.values:
                raise CommandError(f"{where}: voice must be one of {Voice.values}, kind one of {Kind.values}")
            target_spec = note.get("target") or {}
            try:
                if "section" in target_spec:
                    target = section_target(Section.objects.get(key=target_spec["section"]))
                else:
                    if target_spec.get("field") not in TEXT_SECTION_FIELDS:
                        raise CommandError(f"{where}: field must be one of {TEXT_SECTION_FIELDS}")
                    target = case_target(Case.objects.get(slug=target_spec.get("case")), target_spec["field"])
            except (Section.DoesNotExist, Case.DoesNotExist):
                raise CommandError(f"{where}: target {target_spec} does not exist; load the framework and pilots first") from None
            try:
                _annotation, was_created = services.annotation_seed(
                    key=note["key"],
                    target=target,
                    passage=note["passage"],
                    voice=note["voice"],
                    kind=note["kind"],
                    body=note["body"],
                    attribution=note.get("attribution", ""),
                    link=note.get("link", ""),
                )
            except services.AnchorError as error:
                raise CommandError(f"{where}: {error}") from error
            created += was_created
        self.stdout.write(f"{len(notes)} margin notes: {created} new, {len(notes) - created} already there.")
