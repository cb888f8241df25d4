"""State changes of cases. Views, forms, admin actions and commands call these."""

from __future__ import annotations

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from taggit.models import Tag

from cases import history
from cases.evidence import reanchor_evidence, sync_grounds_with_evidence
from cases.models import (
    PLAIN_TEXT_FIELDS,
    TEXT_SECTION_FIELDS,
    Case,
    CaseAction,
    CaseTransition,
    CodingEvidence,
    Grounds,
    SourceCoding,
    TensionPosition,
)
from cases.search import rebuild_vocabulary, refresh_search_vectors
from diegem.lib.workflow import IllegalTransition, Workflow
from frameworks.annotatable import announce_text_changes, normalize_plain_text
from frameworks.models import Domain, Source, TensionField

Status = Case.Status


class CaseIncomplete(IllegalTransition):
    """Publication refused: the coding is incomplete. `missing` says what lacks."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(_("Deze praktijk is nog niet klaar om te publiceren: ") + " ".join(missing))


class VersionIncomplete(Exception):
    """A published case is not restored to a version whose coding is incomplete. `missing` says what lacks."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(_("Deze versie is onvolledig voor een gepubliceerde praktijk: ") + " ".join(missing))


# The workflow, one row per allowed move: (action, current status) -> new status. The actions
# and their Dutch labels: CaseAction (cases.models).
WORKFLOW = Workflow(
    {
        # A researcher offers a draft to colleagues for a second reading.
        (CaseAction.SUBMIT, Status.DRAFT): Status.IN_REVIEW,
        # The reading is done and the coding complete: the case goes public.
        (CaseAction.PUBLISH, Status.IN_REVIEW): Status.PUBLISHED,
        # The reader sends it back for more work.
        (CaseAction.RETURN_TO_DRAFT, Status.IN_REVIEW): Status.DRAFT,
        # A published case is taken off the public site to be reworked.
        (CaseAction.UNPUBLISH, Status.PUBLISHED): Status.DRAFT,
    }
)

# Actions that make or unmake a public case need the publish permission.
NEEDS_PUBLISH_PERMISSION = {CaseAction.PUBLISH, CaseAction.UNPUBLISH}


def allowed_actions(case: Case, user) -> list[str]:
    """The actions this user may take on the case in its current status."""
    return [action for action in WORKFLOW.actions_from(case.status) if _may(user, action)]


def _may(user, action: str) -> bool:
    if not user.has_perm("cases.change_case"):
        return False
    return action not in NEEDS_PUBLISH_PERMISSION or user.has_perm("cases.publish_case")


@transaction.atomic
def case_transition(*, case: Case, action: str, actor, note: str = "") -> Case:
    """Move the case by `action`, record who did it, and return the fresh case.

    The row is locked so that two researchers acting at once cannot both win:
    the second sees the status the first left and is refused.
    """
    if not _may(actor, action):
        raise PermissionDenied(_("U mag deze stap niet zetten."))
    locked = Case.objects.select_for_update().get(pk=case.pk)
    new_status = WORKFLOW.next_status(action, locked.status)
    if new_status is None:
        label = CaseAction(action).label if action in CaseAction.values else action
        raise IllegalTransition(
            _("De stap ‘%(action)s’ kan niet vanuit de status ‘%(status)s’.")
            % {"action": label, "status": locked.get_status_display()}
        )
    if new_status == Status.PUBLISHED:
        missing = locked.missing_for_publication()
        if missing:
            raise CaseIncomplete(missing)
        locked.published_at = timezone.now()
    old_status = locked.status
    locked.status = new_status
    locked.save(update_fields=["status", "published_at", "updated_at"])
    CaseTransition.objects.create(
        case=locked, actor=actor, old_status=old_status, new_status=new_status, note=note
    )
    if Status.PUBLISHED in (old_status, new_status):
        # The published texts changed: "did you mean" must know exactly those words.
        rebuild_vocabulary()
    return locked


def case_snapshot(*, case: Case, actor, comment: str) -> None:
    """Keep a version of the case as it now stands, with its coding, evidence and keywords.

    Taken explicitly at the end of a change (the admin's save, an import row, a
    restore), when every related row is written: django-reversion serialises
    what it is given at the moment it is given it. A new version means the case
    changed, its coding or keywords included: its `updated_at` (the feed's and
    the sitemap's date) moves too, even when its own row was not written.
    """
    case.updated_at = timezone.now()
    Case.objects.filter(pk=case.pk).update(updated_at=case.updated_at)
    with reversion.create_revision(manage_manually=True):
        if actor is not None:
            reversion.set_user(actor)
        reversion.set_comment(comment)
        reversion.add_to_revision(case)


# The case's own columns that a save writes (not its timestamps or search vector).
ROW_FIELDS = tuple(f.attname for f in Case._meta.concrete_fields if f.editable and not f.primary_key)


@transaction.atomic
def case_save(*, case: Case) -> list[str]:
    """Save a case's own fields; announce changed text sections so annotations re-anchor.

    A case whose fields all equal the stored row is not written: its
    `updated_at` (the feed's date) stays. Returns the text sections that
    changed. (Callers keep a version with `case_snapshot` once the related
    rows are written too.)
    """
    for name in PLAIN_TEXT_FIELDS:
        setattr(case, name, normalize_plain_text(getattr(case, name)))
    stored = Case.objects.filter(pk=case.pk).values(*ROW_FIELDS).first() if case.pk else None
    if stored is not None and all(stored[name] == getattr(case, name) for name in ROW_FIELDS):
        return []
    old_texts = {name: stored[name] for name in TEXT_SECTION_FIELDS} if stored is not None else None
    case.save()
    case_refresh_search(case=case)
    if old_texts is None:
        return []
    changed = announce_text_changes(case, old_texts)
    if case.is_public:
        rebuild_vocabulary()
    return changed


def case_refresh_search(*, case: Case) -> None:
    """Recompute the case's search vector (after its text or keywords changed)."""
    refresh_search_vectors(Case.objects.filter(pk=case.pk))


@transaction.atomic
def case_restore(*, case: Case, version, actor) -> Case:
    """Bring a case back to one of its saved versions: its fields, coding, evidence, keywords.

    Goes through `case_save`, so annotations and evidence re-anchor on the
    restored text; the status stays. A published case is not restored to an
    incomplete version.
    """
    shot = history.snapshot(version)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    for name in history.RESTORED_FIELDS:
        attname = Case._meta.get_field(name).attname
        setattr(locked, attname, shot.fields[attname])
    date = timezone.localtime(version.revision.date_created).strftime("%d-%m-%Y %H:%M")
    case_save(case=locked)
    SourceCoding.objects.filter(case=locked).exclude(source_id__in=shot.strengths).delete()
    for source_id, state in shot.strengths.items():
        SourceCoding.objects.update_or_create(
            case=locked, source_id=source_id, defaults={"strength": state.value, **_coding_defaults(state)}
        )
    TensionPosition.objects.filter(case=locked).exclude(tension_field_id__in=shot.positions).delete()
    for field_id, state in shot.positions.items():
        TensionPosition.objects.update_or_create(
            case=locked,
            tension_field_id=field_id,
            defaults={"position": state.value, "holds_both": state.holds_both, **_coding_defaults(state)},
        )
    CodingEvidence.objects.filter(case=locked).delete()
    kept = ("source_id", "tension_field_id", "case_field", *CodingEvidence.SELECTORS, "text_revision", "note")
    for row in shot.evidence_rows:
        CodingEvidence.objects.create(case=locked, **{name: row[name] for name in kept})
    for field in {row["case_field"] for row in shot.evidence_rows}:
        reanchor_evidence(locked, field)
    # The grounds come back as the version had them, then follow the evidence as it
    # stands in the restored text: no coding rests on a passage that is not there.
    sync_grounds_with_evidence(locked)
    locked.keywords.set(list(Tag.objects.filter(pk__in=shot.keyword_ids)))
    case_refresh_search(case=locked)
    if locked.is_public:
        missing = locked.missing_for_publication()
        if missing:
            raise VersionIncomplete(missing)
    case_snapshot(case=locked, actor=actor, comment=_("Teruggezet naar de versie van %(date)s.") % {"date": date})
    return locked


def _coding_defaults(state: history.CodingState) -> dict:
    return {"grounds": state.grounds, "rationale": state.rationale, "evidence_orphaned": state.orphaned}


def dashboard() -> dict:
    """The planned case studies per domain and the pilots: status, completeness, gaps."""
    sources = list(Source.objects.all())
    tension_fields = list(TensionField.objects.all())
    cases = list(
        Case.objects.select_related("domain").prefetch_related("source_codings", "tension_positions").order_by("title")
    )
    names = {("source", s.pk): s.name for s in sources} | {("field", f.pk): f.name for f in tension_fields}
    rows = []
    for case in cases:
        missing = case.missing_for_publication(sources, tension_fields)
        done = max(0, Case.REQUIREMENTS - len(missing))
        codings = [
            *((("source", c.source_id), c) for c in case.source_codings.all()),
            *((("field", p.tension_field_id), p) for p in case.tension_positions.all()),
        ]
        rows.append(
            {
                "case": case,
                "missing": missing,
                "complete": round(100 * done / Case.REQUIREMENTS),
                # How the codings are known, e.g. "4 tekstbewijs · 3 interpretatie · 3 niet te bepalen".
                "grounds": [(sum(1 for _key, c in codings if c.grounds == value), label) for value, label in Grounds.choices],
                "orphaned": [names[key] for key, c in codings if c.evidence_orphaned],
            }
        )
    domains = []
    for domain in Domain.objects.all():
        studies = [row for row in rows if row["case"].domain_id == domain.pk and row["case"].kind == Case.Kind.CASE_STUDY]
        counts = {status: sum(1 for row in studies if row["case"].status == status) for status in Case.Status.values}
        domains.append(
            {
                "domain": domain,
                "planned": domain.planned_case_studies,
                "entered": len(studies),
                "to_enter": max(0, domain.planned_case_studies - len(studies)),
                "counts": counts,
                "rows": studies,
            }
        )
    return {
        "domains": domains,
        "pilots": [row for row in rows if row["case"].kind == Case.Kind.PILOT],
        "planned_total": sum(d["planned"] for d in domains),
        "published_total": sum(d["counts"][Case.Status.PUBLISHED] for d in domains),
    }
