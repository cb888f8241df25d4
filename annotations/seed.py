"""The margin notes of the research text (`fixtures/margin-notes.yaml`) as seed annotations.

Read the file, describe a stored seed annotation the way the file does (so the
seeder can tell whether a reviewer changed it since it was loaded), write one
through `services.annotation_seed`.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from annotations import services
from annotations.models import Annotation, Kind, Status, Voice
from annotations.targets import Target, case_target, section_target
from cases.models import Case, text_section
from frameworks.models import Section


class SeedError(ValueError):
    """The notes file cannot be loaded; the message says where and why."""


class NotAnchored(SeedError):
    """A note's passage is not (exactly once) in its text: the text was edited since, or the file is wrong."""


CONTENT = ("voice", "kind", "body", "attribution", "link")


def read_notes(path: Path) -> list[dict]:
    """The notes of the file, checked and in canonical form (see `note_state`)."""
    try:
        notes = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SeedError(f"{path}: {error}") from error
    if not isinstance(notes, list):
        raise SeedError(f"{path}: expected a list of notes")
    result = []
    for number, note in enumerate(notes, start=1):
        where = f"{path.name}, note {number} ({note.get('key', '?') if isinstance(note, dict) else '?'})"
        if not isinstance(note, dict) or not note.get("key") or not note.get("passage"):
            raise SeedError(f"{where}: every note needs a key, a target and a passage")
        if note.get("voice") not in Voice.values or note.get("kind") not in Kind.values:
            raise SeedError(
                f"{where}: voice must be one of {Voice.values}, kind one of {Kind.values}"
            )
        target = note.get("target") or {}
        if "section" not in target and text_section(target.get("field", "")) is None:
            raise SeedError(f"{where}: a target is a framework section or a case with a text field")
        if note.get("echo_section") and "section" in target:
            raise SeedError(f"{where}: only a note on a case can echo a framework section")
        result.append(
            {
                "key": note["key"],
                **{name: note.get(name) or "" for name in CONTENT},
                "target": _canonical_target(target),
                "passage": note["passage"],
                "echo_section": note.get("echo_section") or "",
                # The seed approves its notes; one a reviewer took offline since counts as edited.
                "status": Status.APPROVED.value,
            }
        )
    return result


def _canonical_target(target: dict) -> dict:
    if "section" in target:
        return {"section": target["section"]}
    return {"case": target.get("case", ""), "field": text_section(target["field"]).field}


def note_target(note: dict) -> Target:
    """The text a note stands on; SeedError when it is not there (load the framework and pilots first)."""
    spec = note["target"]
    try:
        if "section" in spec:
            return section_target(Section.objects.get(key=spec["section"]))
        return case_target(Case.objects.get(slug=spec["case"]), spec["field"])
    except (Section.DoesNotExist, Case.DoesNotExist):
        raise SeedError(
            f"{note['key']}: target {spec} does not exist; load the framework and pilots first"
        ) from None


def note_state(annotation: Annotation) -> dict:
    """A stored seed annotation described as the file describes a note."""
    if annotation.section_id:
        target = {"section": annotation.section.key}
    else:
        target = {"case": annotation.case.slug, "field": annotation.case_field}
    return {
        "key": annotation.seed_key,
        **{name: getattr(annotation, name) for name in CONTENT},
        "target": target,
        "passage": annotation.quote_exact,
        "echo_section": annotation.echo_section.key if annotation.echo_section_id else "",
        "status": annotation.status,
    }


def note_write(note: dict) -> Annotation:
    """Create or overwrite the note's annotation (approved), anchored on its passage."""
    echo_section = None
    if note["echo_section"]:
        echo_section = Section.objects.filter(key=note["echo_section"]).first()
        if echo_section is None:
            raise SeedError(
                f"{note['key']}: echo_section {note['echo_section']!r} is no framework section"
            )
    try:
        annotation, _created = services.annotation_seed(
            key=note["key"],
            target=note_target(note),
            passage=note["passage"],
            echo_section=echo_section,
            **{name: note[name] for name in CONTENT},
        )
    except services.AnchorError as error:
        raise NotAnchored(f"de passage staat niet (meer) in de tekst ({error})") from error
    return annotation


def note_retire(seed_key: str) -> bool:
    """Take away a note the seed no longer has (the seeder checked nobody changed it); one
    with replies is withdrawn, not deleted (`annotation_seed_retire`)."""
    return services.annotation_seed_retire(key=seed_key)
