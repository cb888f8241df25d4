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
    Grounds,
    KeywordedCase,
    SourceCoding,
    TensionPosition,
    describe_position,
    describe_strength,
)
from diegem.lib.languages import column_version, language_versions_of, translation_column
from diegem.lib.textdiff import word_diff
from diegem.lib.visible_text import has_visible_text
from frameworks.models import Source, TensionField

# The case's own fields a version shows and a restore brings back.
RESTORED_FIELDS = [
    "title",
    "slug",
    "kind",
    "domain",
    "municipality",
    "nis_code",
    "more_places",
    "neighbourhood",
    "latitude",
    "longitude",
    "initiative",
    "website",
    "start_year",
    "summary",
    *TEXT_SECTION_FIELDS,
    # Every language: the original's language, the translations and who made them.
    "original_language",
    *(
        column
        for column in language_versions_of(Case, "title", "summary", *TEXT_SECTION_FIELDS)
        if column_version(Case, column)[1]
    ),
    *(f"translated_by_{language}" for language in Case.TRANSLATION_LANGUAGES),
]
TEXT_FIELDS = set(language_versions_of(Case, "title", "summary", *TEXT_SECTION_FIELDS))
# A coding's rationale in every language (`CodingState.translations`).
RATIONALE_TRANSLATIONS = tuple(
    translation_column("rationale", language) for language in SourceCoding.TRANSLATION_LANGUAGES
)


def versions_of(case: Case):
    """The case's versions, newest first, with who saved them."""
    return Version.objects.get_for_object(case).select_related("revision__user")


@dataclass(frozen=True)
class CodingState:
    """One coding as a version holds it. `value` is the strength or position (None: both poles, or not to be told)."""

    value: int | None
    grounds: str
    rationale: str
    holds_both: bool = False
    orphaned: bool = False
    # The rationale's translations, by column ("rationale_fr"); versions from before there
    # were translations have none.
    translations: tuple[tuple[str, str], ...] = ()


@dataclass
class Snapshot:
    """A case as one version holds it."""

    fields: dict
    strengths: dict[int, CodingState] = field(default_factory=dict)
    positions: dict[int, CodingState] = field(default_factory=dict)
    evidence: set[tuple[str, str, str]] = field(default_factory=set)
    evidence_rows: list[dict] = field(default_factory=list)
    keyword_ids: set[int] = field(default_factory=set)


def snapshot(version: Version) -> Snapshot:
    related = version.revision.version_set.all()
    by_model = {
        model: ContentType.objects.get_for_model(model).pk
        for model in (SourceCoding, TensionPosition, CodingEvidence, KeywordedCase)
    }
    shot = Snapshot(fields=version.field_dict)
    case_id = int(version.object_id)
    for item in related:
        data = item.field_dict
        if item.content_type_id == by_model[SourceCoding] and data["case_id"] == case_id:
            shot.strengths[data["source_id"]] = _coding_state(data, data["strength"])
        elif item.content_type_id == by_model[TensionPosition] and data["case_id"] == case_id:
            shot.positions[data["tension_field_id"]] = _coding_state(
                data, data["position"], holds_both=data["holds_both"]
            )
        elif item.content_type_id == by_model[CodingEvidence] and data["case_id"] == case_id:
            coding = (
                f"source:{data['source_id']}"
                if data["source_id"]
                else f"field:{data['tension_field_id']}"
            )
            shot.evidence.add((coding, data["case_field"], data["quote_exact"]))
            shot.evidence_rows.append(data)
        elif (
            item.content_type_id == by_model[KeywordedCase] and data["content_object_id"] == case_id
        ):
            shot.keyword_ids.add(data["tag_id"])
    return shot


def _coding_state(data: dict, value, holds_both: bool = False) -> CodingState:
    # Versions kept before codings had grounds read as the default: interpretation.
    return CodingState(
        value=value,
        grounds=data.get("grounds") or Grounds.INTERPRETATION,
        rationale=data["rationale"],
        holds_both=holds_both,
        orphaned=bool(data.get("evidence_orphaned")),
        translations=tuple((column, data.get(column) or "") for column in RATIONALE_TRANSLATIONS),
    )


@dataclass
class Change:
    label: str
    old: str
    new: str
    diff: list[tuple[str, str]] | None = None


def compare(older: Version, newer: Version, *, kept: tuple[str, ...] = ()) -> list[Change]:
    """What differs between two versions, field by field, in words a researcher reads; the
    fields in `kept` left out (what a restore keeps as it is)."""
    old, new = snapshot(older), snapshot(newer)
    changes: list[Change] = []
    for name in RESTORED_FIELDS:
        if name in kept:
            continue
        key = f"{name}_id" if name == "domain" else name
        a, b = old.fields.get(name, old.fields.get(key)), new.fields.get(name, new.fields.get(key))
        if a != b:
            label = str(Case._meta.get_field(name).verbose_name)
            a_text, b_text = "" if a is None else str(a), "" if b is None else str(b)
            changes.append(
                Change(
                    label,
                    a_text,
                    b_text,
                    word_diff(a_text, b_text) if name in TEXT_FIELDS else None,
                )
            )
    changes += coding_changes(old, new)
    for removed in sorted(old.evidence - new.evidence):
        changes.append(Change("tekstbewijs", f"‘{removed[2]}’", ""))
    for added in sorted(new.evidence - old.evidence):
        changes.append(Change("tekstbewijs", "", f"‘{added[2]}’"))
    if old.keyword_ids != new.keyword_ids:
        names = dict(
            Tag.objects.filter(pk__in=old.keyword_ids | new.keyword_ids).values_list("pk", "name")
        )
        changes.append(
            Change(
                "trefwoorden",
                ", ".join(sorted(names[i] for i in old.keyword_ids if i in names)),
                ", ".join(sorted(names[i] for i in new.keyword_ids if i in names)),
            )
        )
    return changes


def coding_changes(
    old: Snapshot, new: Snapshot, *, sources=None, tension_fields=None
) -> list[Change]:
    """What differs in the coding alone (strengths, positions, grounds, rationales) between two snapshots.

    `sources` and `tension_fields` may be given to spare their queries when
    many snapshots are compared (a release's changelog).
    """
    changes: list[Change] = []
    for source in Source.objects.all() if sources is None else sources:
        changes += _coding_changes(
            str(source.name), old.strengths.get(source.pk), new.strengths.get(source.pk), _strength
        )
    for tension_field in TensionField.objects.all() if tension_fields is None else tension_fields:
        a, b = old.positions.get(tension_field.pk), new.positions.get(tension_field.pk)
        changes += _coding_changes(
            str(tension_field.name), a, b, lambda state, f=tension_field: _position(f, state)
        )
    return changes


def _coding_changes(
    name: str, a: CodingState | None, b: CodingState | None, describe
) -> list[Change]:
    """A coding's value and rationale in one row, its grounds in another: each when it changed."""
    changes = []
    if (
        a is None
        or b is None
        or (a.value, a.holds_both, a.rationale) != (b.value, b.holds_both, b.rationale)
    ):
        if a != b:
            changes.append(Change(name, describe(a), describe(b)))
    if a is not None and b is not None:
        for (column, old), (_column, new) in zip(a.translations, b.translations, strict=False):
            if old != new:
                label = SourceCoding._meta.get_field(column).verbose_name
                changes.append(Change(f"{name}: {label}", old, new, word_diff(old, new)))
    if a is not None and b is not None and (a.grounds, a.orphaned) != (b.grounds, b.orphaned):
        changes.append(Change(_("%(coding)s: grond") % {"coding": name}, _grounds(a), _grounds(b)))
    return changes


def _grounds(state: CodingState) -> str:
    label = str(Grounds(state.grounds).label)
    return _("%(grounds)s (tekstbewijs verweesd)") % {"grounds": label} if state.orphaned else label


def _strength(state: CodingState | None) -> str:
    if state is None:
        return "—"
    return _with_grounds(describe_strength(state.value), state)


def _position(tension_field, state: CodingState | None) -> str:
    if state is None:
        return "—"
    if state.grounds == Grounds.UNDETERMINED:
        return _with_grounds(str(Grounds.UNDETERMINED.label), state)
    return _with_grounds(describe_position(tension_field, state.value, state.holds_both), state)


def _with_grounds(value: str, state: CodingState) -> str:
    """The value with its grounds and rationale, e.g. "matig (interpretatie): …"; "niet te bepalen" says it once."""
    if state.grounds != Grounds.UNDETERMINED:
        value = f"{value} ({Grounds(state.grounds).label})"
    return f"{value}: {state.rationale}" if has_visible_text(state.rationale) else value


# --- what one save in the admin changed ---------------------------------------------------------


def change_message(
    form,
    formsets,
    *,
    grounds_before: dict | None = None,
    grounds_after: dict | None = None,
    add: bool = False,
) -> str:
    """What a save of the case form changed, in words a researcher reads; "" if nothing. For a
    case added (`add`), that it was added and what it holds, each coding and passage named as
    a change names it (not in Django's words for an added row of a formset).

    Each coding names its own source or tension field with the old and new
    value (Django's own message takes the field labels of a formset from its
    first form, and so named the first source for every changed strength).
    `grounds_before` and `grounds_after` (see `grounds_of`) are the grounds
    stored before and after the save: where the evidence moved a coding's
    grounds beyond what the form said (a passage orphaned by the edit, or
    anchored again), that is named too.
    """
    parts = [_("praktijk toegevoegd")] if add else []
    labels = [] if add else [str(_field_label(form, name)) for name in form.changed_data]
    if labels:
        parts.append(_("%(fields)s gewijzigd") % {"fields": get_text_list(labels, _("en"))})
    said = dict(grounds_before or {})
    for formset in formsets:
        before = {f.instance.pk: f.initial for f in formset.initial_forms}
        parts += [_added(obj) for obj in formset.new_objects]
        parts += [
            _changed(obj, before.get(obj.pk, {}), fields) for obj, fields in formset.changed_objects
        ]
        parts += [_deleted(obj) for obj in formset.deleted_objects]
        for obj in [*formset.new_objects, *(obj for obj, _fields in formset.changed_objects)]:
            if isinstance(obj, SourceCoding | TensionPosition):
                said[_coding_name(obj)] = obj.grounds
    for name, grounds in (grounds_after or {}).items():
        if name in said and said[name] != grounds:
            parts.append(_moved_by_evidence(name, said[name], grounds))
    parts = [capfirst(part) for part in parts if part]
    return "; ".join(parts) + "." if parts else ""


def grounds_of(case: Case) -> dict[str, str]:
    """The stored grounds of each of the case's codings, by the name of its source or tension field."""
    sources = SourceCoding.objects.filter(case=case).select_related("source")
    fields = TensionPosition.objects.filter(case=case).select_related("tension_field")
    return {str(c.source.name): c.grounds for c in sources} | {
        str(p.tension_field.name): p.grounds for p in fields
    }


def _moved_by_evidence(name: str, old: str, new: str) -> str:
    change = _grounds_change(old, new)
    if new == Grounds.EVIDENCE:
        return _("%(coding)s: %(change)s (tekstbewijs opnieuw verankerd)") % {
            "coding": name,
            "change": change,
        }
    return _("%(coding)s: %(change)s (het tekstbewijs staat niet meer in de tekst)") % {
        "coding": name,
        "change": change,
    }


def _grounds_change(old: str, new: str) -> str:
    return _("grond %(old)s → %(new)s") % {"old": Grounds(old).label, "new": Grounds(new).label}


def _field_label(form, name: str) -> str:
    try:
        return form._meta.model._meta.get_field(name).verbose_name
    except FieldDoesNotExist:  # a form field of its own
        return form.fields[name].label or name


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"‘{text[:60]}…’" if len(text) > 60 else f"‘{text}’"


def _coding_name(obj) -> str:
    """The source or tension field of a coding or an evidence row."""
    return str(obj.source.name if getattr(obj, "source_id", None) else obj.tension_field.name)


def _added(obj) -> str:
    if isinstance(obj, SourceCoding | TensionPosition):
        if obj.grounds == Grounds.UNDETERMINED:
            return _("%(coding)s: gecodeerd als niet te bepalen") % {"coding": _coding_name(obj)}
        return _("%(coding)s: gecodeerd als %(value)s, grond %(grounds)s") % {
            "coding": _coding_name(obj),
            "value": obj.label,
            "grounds": obj.get_grounds_display(),
        }
    if isinstance(obj, CodingEvidence):
        return _("tekstbewijs voor %(coding)s toegevoegd: %(passage)s") % {
            "coding": _coding_name(obj),
            "passage": _quote(obj.quote_exact),
        }
    return ""


def _deleted(obj) -> str:
    if isinstance(obj, SourceCoding):
        return _("%(coding)s: codering verwijderd") % {"coding": obj.source.name}
    if isinstance(obj, TensionPosition):
        return _("%(coding)s: codering verwijderd") % {"coding": obj.tension_field.name}
    if isinstance(obj, CodingEvidence):
        return _("tekstbewijs voor %(coding)s verwijderd: %(passage)s") % {
            "coding": _coding_name(obj),
            "passage": _quote(obj.quote_exact),
        }
    return ""


def _changed(obj, before: dict, fields: list[str]) -> str:
    details = []
    if isinstance(obj, SourceCoding):
        name = obj.source.name
        if "source" in fields:
            details.append(
                _("was ‘%(source)s’") % {"source": Source.objects.get(pk=before["source"]).name}
            )
        if "grounds" in fields:
            details.append(_grounds_change(before["grounds"], obj.grounds))
        if "strength" in fields:
            details.append(
                _("sterkte %(old)s → %(new)s")
                % {"old": describe_strength(before["strength"]), "new": obj.label}
            )
    elif isinstance(obj, TensionPosition):
        name = obj.tension_field.name
        if "tension_field" in fields:
            details.append(
                _("was ‘%(field)s’")
                % {"field": TensionField.objects.get(pk=before["tension_field"]).name}
            )
        if "grounds" in fields:
            details.append(_grounds_change(before["grounds"], obj.grounds))
        if {"position", "holds_both"} & set(fields):
            if before.get("grounds") == Grounds.UNDETERMINED:
                old = str(Grounds.UNDETERMINED.label)
            else:
                old = describe_position(
                    obj.tension_field, before.get("position"), before.get("holds_both", False)
                )
            details.append(_("positie %(old)s → %(new)s") % {"old": old, "new": obj.label})
    elif isinstance(obj, CodingEvidence):
        return _("tekstbewijs voor %(coding)s gewijzigd: %(passage)s") % {
            "coding": _coding_name(obj),
            "passage": _quote(obj.quote_exact),
        }
    else:
        return ""
    if "rationale" in fields:
        details.append(_("onderbouwing gewijzigd"))
    return f"{name}: {', '.join(str(d) for d in details)}" if details else ""
