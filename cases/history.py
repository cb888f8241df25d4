"""The saved versions of a case (django-reversion): list them, compare two, say what a save changed.

A revision holds the case with its codings, evidence and keyword links as
they were when it was saved; restoring one is `cases.services.case_restore`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _
from reversion.models import Version
from taggit.models import Tag

from cases.models import (
    TEXT_SECTION_FIELDS,
    Case,
    CodingEvidence,
    KeywordedCase,
    SourceCoding,
    Strength,
    TensionPosition,
    describe_position,
)
from frameworks.models import Source, TensionField
from frameworks.textdiff import word_diff

# The case's own fields a version shows and a restore brings back.
RESTORED_FIELDS = [
    "title", "slug", "kind", "domain", "municipality", "neighbourhood", "latitude", "longitude", "initiative",
    "website", "start_year", "summary", *TEXT_SECTION_FIELDS,
]
TEXT_FIELDS = {"title", "summary", *TEXT_SECTION_FIELDS}


def versions_of(case: Case):
    """The case's versions, newest first, with who saved them."""
    return Version.objects.get_for_object(case).select_related("revision__user")


@dataclass
class Snapshot:
    """A case as one version holds it."""

    fields: dict
    strengths: dict[int, tuple[int, str]] = field(default_factory=dict)
    positions: dict[int, tuple[int | None, bool, str]] = field(default_factory=dict)
    evidence: set[tuple[str, str, str]] = field(default_factory=set)
    evidence_rows: list[dict] = field(default_factory=list)
    keyword_ids: set[int] = field(default_factory=set)


def snapshot(version: Version) -> Snapshot:
    related = version.revision.version_set.all()
    by_model = {model: ContentType.objects.get_for_model(model).pk for model in (SourceCoding, TensionPosition, CodingEvidence, KeywordedCase)}
    shot = Snapshot(fields=version.field_dict)
    case_id = int(version.object_id)
    for item in related:
        data = item.field_dict
        if item.content_type_id == by_model[SourceCoding] and data["case_id"] == case_id:
            shot.strengths[data["source_id"]] = (data["strength"], data["rationale"])
        elif item.content_type_id == by_model[TensionPosition] and data["case_id"] == case_id:
            shot.positions[data["tension_field_id"]] = (data["position"], data["holds_both"], data["rationale"])
        elif item.content_type_id == by_model[CodingEvidence] and data["case_id"] == case_id:
            coding = f"source:{data['source_id']}" if data["source_id"] else f"field:{data['tension_field_id']}"
            shot.evidence.add((coding, data["case_field"], data["quote_exact"]))
            shot.evidence_rows.append(data)
        elif item.content_type_id == by_model[KeywordedCase] and data["content_object_id"] == case_id:
            shot.keyword_ids.add(data["tag_id"])
    return shot


@dataclass
class Change:
    label: str
    old: str
    new: str
    diff: list[tuple[str, str]] | None = None


def compare(older: Version, newer: Version) -> list[Change]:
    """What differs between two versions, field by field, in words a researcher reads."""
    old, new = snapshot(older), snapshot(newer)
    changes: list[Change] = []
    for name in RESTORED_FIELDS:
        key = f"{name}_id" if name == "domain" else name
        a, b = old.fields.get(name, old.fields.get(key)), new.fields.get(name, new.fields.get(key))
        if a != b:
            label = str(Case._meta.get_field(name).verbose_name)
            a_text, b_text = "" if a is None else str(a), "" if b is None else str(b)
            changes.append(Change(label, a_text, b_text, word_diff(a_text, b_text) if name in TEXT_FIELDS else None))
    for source in Source.objects.all():
        a, b = old.strengths.get(source.pk), new.strengths.get(source.pk)
        if a != b:
            changes.append(Change(str(source.name), _strength(a), _strength(b)))
    for tension_field in TensionField.objects.all():
        a, b = old.positions.get(tension_field.pk), new.positions.get(tension_field.pk)
        if a != b:
            changes.append(Change(tension_field.name, _position(tension_field, a), _position(tension_field, b)))
    for removed in sorted(old.evidence - new.evidence):
        changes.append(Change("tekstbewijs", f"‘{removed[2]}’", ""))
    for added in sorted(new.evidence - old.evidence):
        changes.append(Change("tekstbewijs", "", f"‘{added[2]}’"))
    if old.keyword_ids != new.keyword_ids:
        names = dict(Tag.objects.filter(pk__in=old.keyword_ids | new.keyword_ids).values_list("pk", "name"))
        changes.append(
            Change("trefwoorden", ", ".join(sorted(names[i] for i in old.keyword_ids if i in names)), ", ".join(sorted(names[i] for i in new.keyword_ids if i in names)))
        )
    return changes


def _strength(value) -> str:
    if value is None:
        return "—"
    strength, rationale = value
    return f"{Strength(strength).label}: {rationale}".strip(": ")


def _position(tension_field, value) -> str:
    if value is None:
        return "—"
    position, holds_both, rationale = value
    return f"{describe_position(tension_field, position, holds_both)}: {rationale}".strip(": ")


# --- what one save in the admin changed ---------------------------------------------------------


def change_message(form, formsets) -> str:
    """What a save of the case form changed, in words a researcher reads; "" if nothing.

    Each coding names its own source or tension field with the old and new
    value (Django's own message takes the field labels of a formset from its
    first form, and so named the first source for every changed strength).
    """
    parts = []
    labels = [str(_field_label(form, name)) for name in form.changed_data]
    if labels:
        parts.append(_("%(fields)s gewijzigd") % {"fields": get_text_list(labels, _("en"))})
    for formset in formsets:
        before = {f.instance.pk: f.initial for f in formset.initial_forms}
        parts += [_added(obj) for obj in formset.new_objects]
        parts += [_changed(obj, before.get(obj.pk, {}), fields) for obj, fields in formset.changed_objects]
        parts += [_deleted(obj) for obj in formset.deleted_objects]
    parts = [capfirst(part) for part in parts if part]
    return "; ".join(parts) + "." if parts else ""


def _field_label(form, name: str) -> str:
    try:
        return form._meta.model._meta.get_field(name).verbose_name
    except FieldDoesNotExist:  # a form field of its own
        return form.fields[name].label or name


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"‘{text[:60]}…’" if len(text) > 60 else f"‘{text}’"


def _coding_name(obj) -> str:
    return str(obj.source.name if obj.source_id else obj.tension_field.name)


def _added(obj) -> str:
    if isinstance(obj, SourceCoding):
        return _("%(coding)s: gecodeerd als %(strength)s") % {"coding": obj.source.name, "strength": obj.get_strength_display()}
    if isinstance(obj, TensionPosition):
        return _("%(coding)s: gecodeerd als %(position)s") % {"coding": obj.tension_field.name, "position": obj.label}
    if isinstance(obj, CodingEvidence):
        return _("tekstbewijs voor %(coding)s toegevoegd: %(passage)s") % {"coding": _coding_name(obj), "passage": _quote(obj.quote_exact)}
    return ""


def _deleted(obj) -> str:
    if isinstance(obj, SourceCoding):
        return _("%(coding)s: codering verwijderd") % {"coding": obj.source.name}
    if isinstance(obj, TensionPosition):
        return _("%(coding)s: codering verwijderd") % {"coding": obj.tension_field.name}
    if isinstance(obj, CodingEvidence):
        return _("tekstbewijs voor %(coding)s verwijderd: %(passage)s") % {"coding": _coding_name(obj), "passage": _quote(obj.quote_exact)}
    return ""


def _changed(obj, before: dict, fields: list[str]) -> str:
    details = []
    if isinstance(obj, SourceCoding):
        name = obj.source.name
        if "source" in fields:
            details.append(_("was ‘%(source)s’") % {"source": Source.objects.get(pk=before["source"]).name})
        if "strength" in fields:
            details.append(
                _("sterkte %(old)s → %(new)s") % {"old": Strength(before["strength"]).label, "new": obj.get_strength_display()}
            )
    elif isinstance(obj, TensionPosition):
        name = obj.tension_field.name
        if "tension_field" in fields:
            details.append(_("was ‘%(field)s’") % {"field": TensionField.objects.get(pk=before["tension_field"]).name})
        if {"position", "holds_both"} & set(fields):
            old = describe_position(obj.tension_field, before.get("position"), before.get("holds_both", False))
            details.append(_("positie %(old)s → %(new)s") % {"old": old, "new": obj.label})
    elif isinstance(obj, CodingEvidence):
        return _("tekstbewijs voor %(coding)s gewijzigd: %(passage)s") % {"coding": _coding_name(obj), "passage": _quote(obj.quote_exact)}
    else:
        return ""
    if "rationale" in fields:
        details.append(_("onderbouwing gewijzigd"))
    return f"{name}: {', '.join(str(d) for d in details)}" if details else ""
