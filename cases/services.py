"""State changes of cases. Views, forms, admin actions and commands call these."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import reversion
import reversion.models
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from taggit.models import Tag

from cases import case_places, history, vocabulary
from cases.evidence import reanchor_stale_evidence, sync_grounds_with_evidence
from cases.models import (
    PLAIN_TEXT_FIELDS,
    TEXT_SECTION_FIELDS,
    Case,
    CaseAction,
    CaseTransition,
    CodingEvidence,
    DoubleCodingRound,
    SourceCoding,
    TensionPosition,
)
from cases.roles import unnamed_refusal, without_a_full_name
from diegem.lib.annotatable import announce_text_changes, normalize_plain_text
from diegem.lib.languages import language_versions_of, original_language_changed
from diegem.lib.people import shown_name
from diegem.lib.versioning import bump_content_version
from diegem.lib.workflow import IllegalTransition, Workflow
from frameworks.models import Source, TensionField

Status = Case.Status


class CaseIncomplete(IllegalTransition):
    """Publication refused: the coding is incomplete. `missing` says what lacks."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(
            _("Deze praktijk is nog niet klaar om te publiceren: ") + " ".join(missing)
        )


class PublishedCaseIncomplete(Exception):
    """A write refused: it would leave a published case incomplete (what publication refuses).
    `missing` says what would lack."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(self.lead() + " ".join(missing))

    def lead(self) -> str:
        return _(
            "Deze praktijk is gepubliceerd en mag niet onvolledig worden; vul aan, of zet ze "
            "eerst offline: "
        )


class ResearcherUnnamed(ValueError):
    """A researcher added to a case without a first and last name: the case's reference would
    name them by login (`cases.roles.without_a_full_name`). The workbench's form says so first."""

    def __init__(self, users):
        self.users = list(users)
        super().__init__(unnamed_refusal(self.users))


class CodingDuringDoubleCoding(Exception):
    """A write refused: it would change the coding of a case that is being double coded, whose
    consensus becomes its coding (`round_settle`) and would replace the change without a word.
    `changed` are the sources and tension fields it would change: ("source" or "field", pk) and
    their names."""

    def __init__(self, changed: dict[tuple[str, int], str]):
        self.changed = changed
        names = list(changed.values())
        super().__init__(
            _(
                "Er loopt een dubbele codering voor deze praktijk: haar consensus wordt de "
                "codering en zou deze wijziging vervangen. Laat de codering van %(names)s staan "
                "tot na de consensus; niets is bewaard."
            )
            % {"names": get_text_list([f"‘{name}’" for name in names], _("en"))}
        )


def _coding_state(case: Case) -> dict[tuple[str, int], tuple]:
    """Each coding of the case as a reader sees it, by source or tension field: its value,
    grounds and rationale."""
    state = {
        ("source", pk): (*rest[:-1], normalize_plain_text(rest[-1]))
        for pk, *rest in SourceCoding.objects.filter(case=case).values_list(
            "source_id", "strength", "grounds", "rationale"
        )
    }
    state |= {
        ("field", pk): (*rest[:-1], normalize_plain_text(rest[-1]))
        for pk, *rest in TensionPosition.objects.filter(case=case).values_list(
            "tension_field_id", "position", "holds_both", "grounds", "rationale"
        )
    }
    return state


def _given_codings(codings: Rows | None, positions: Rows | None) -> set[tuple[str, int]]:
    """The codings a write gives (saved or deleted), as `_coding_state` names them: by the
    source or field each row names, and the one it is stored under (a row moved to another)."""
    given = set()
    for rows, model, column, kind in (
        (codings, SourceCoding, "source_id", "source"),
        (positions, TensionPosition, "tension_field_id", "field"),
    ):
        if rows is None:
            continue
        instances = [*rows.save, *rows.delete]
        given |= {(kind, getattr(row, column)) for row in instances}
        stored = model.objects.filter(pk__in=[row.pk for row in instances if row.pk])
        given |= {(kind, pk) for pk in stored.values_list(column, flat=True)}
    return given


def _changed_codings(before: dict, after: dict) -> dict[tuple[str, int], str]:
    """The codings that differ between two `_coding_state`s (added or gone too), in the
    framework's order, with their names."""
    changed = {key for key in [*before, *after] if before.get(key) != after.get(key)}
    if not changed:
        return {}
    items = [("source", source) for source in Source.objects.all()]
    items += [("field", field) for field in TensionField.objects.all()]
    return {(kind, item.pk): item.name for kind, item in items if (kind, item.pk) in changed}


class CaseChangedMeanwhile(Exception):
    """A write refused: the form was opened before another save of the case (`opened_at`, its
    `updated_at` then), whose changes it would undo unseen. `updated_at` is the stored one: a
    form that says it now was opened after that save."""

    def __init__(self, stored: Case, user, opened_at: datetime):
        self.updated_at = stored.updated_at
        changes = _changes_since(stored, opened_at)
        mine = getattr(user, "pk", None)
        others = [(when, writer) for when, writer in changes if writer is None or writer.pk != mine]
        named = list(
            dict.fromkeys(shown_name(writer) for _when, writer in others if writer is not None)
        )
        if changes and not others:
            message = _(
                "U bewaarde deze praktijk intussen al (%(when)s), in een ander tabblad of met "
                "een dubbele klik. Wat hieronder staat, is niet nog eens bewaard: kijk het na en "
                "bewaar opnieuw als het moet."
            ) % {"when": _moment(changes[-1][0])}
        else:
            # The time of the last change by someone else (or of the case, when none says who).
            when = _moment(others[-1][0] if others else stored.updated_at)
            if named and any(writer is None for _when, writer in others):
                named.append(_("iemand"))  # a write that names nobody (a command), after them
            message = ngettext(
                "%(who)s bewaarde deze praktijk %(when)s, nadat u ze opende. Uw wijzigingen zijn "
                "niet bewaard en staan hieronder nog; bekijk in ‘Geschiedenis’ wat er veranderde, "
                "en bewaar opnieuw om uw versie te houden.",
                "%(who)s bewaarden deze praktijk nadat u ze opende, het laatst %(when)s. Uw "
                "wijzigingen zijn niet bewaard en staan hieronder nog; bekijk in ‘Geschiedenis’ "
                "wat er veranderde, en bewaar opnieuw om uw versie te houden.",
                max(1, len(named)),
            ) % {
                "who": get_text_list(named, _("en")) if named else _("Iemand"),
                "when": when,
            }
        super().__init__(message)


def _changes_since(case: Case, opened_at: datetime) -> list:
    """Who changed the case after `opened_at`, and when, in order: its versions (dated as the
    case's `updated_at` they set) and workflow steps (recorded before the step moves it)."""
    versions = (
        reversion.models.Version.objects.get_for_object(case)
        .filter(revision__date_created__gt=opened_at)
        .select_related("revision__user")
    )
    steps = case.transitions.filter(created_at__gt=opened_at).select_related("actor")
    changes = [(v.revision.date_created, v.revision.user) for v in versions]
    changes += [(step.created_at, step.actor) for step in steps]
    return sorted(changes, key=lambda change: change[0])


def _moment(when: datetime) -> str:
    """A time of today, or a day and time, as the message says it."""
    local = timezone.localtime(when)
    if local.date() == timezone.localdate():
        return _("om %(time)s") % {"time": local.strftime("%H:%M:%S")}
    return _("op %(date)s om %(time)s") % {
        "date": date_format(local, "j F Y"),
        "time": local.strftime("%H:%M"),
    }


class VersionIncomplete(PublishedCaseIncomplete):
    """A published case is not restored to a version whose coding is incomplete. `missing` says what lacks."""

    def lead(self) -> str:
        return _("Deze versie is onvolledig voor een gepubliceerde praktijk: ")


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


DOUBLE_CODING_OPEN = gettext_lazy(
    "Er loopt een dubbele codering voor deze praktijk: publiceer pas na de consensus."
)


def double_coding_open(case: Case) -> bool:
    """Whether a double coding of the case is unsettled: what is published is its consensus
    (cases.double_coding_rounds.round_settle), so not before."""
    return DoubleCodingRound.objects.unsettled().filter(case=case).exists()


def not_ready_for_review(gaps: list[str]) -> str:
    """Why a case cannot go to review: its codings without a rationale (`rationales_missing`)."""
    return _("Ter nalezing kan pas als elke codering een onderbouwing heeft: %(gaps)s") % {
        "gaps": " ".join(gaps)
    }


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
    if new_status == Status.IN_REVIEW and (gaps := locked.rationales_missing()):
        # What the form and the import refuse of a case in review: a coding without a rationale.
        raise IllegalTransition(not_ready_for_review(gaps))
    if new_status == Status.PUBLISHED:
        missing = locked.missing_for_publication()
        if missing:
            raise CaseIncomplete(missing)
        if double_coding_open(locked):
            raise IllegalTransition(DOUBLE_CODING_OPEN)
        locked.published_at = timezone.now()
    old_status = locked.status
    # Recorded before the case's `updated_at` moves: a form opened after the step sees it
    # as before its opening (`CaseChangedMeanwhile` names who changed the case since).
    CaseTransition.objects.create(
        case=locked, actor=actor, old_status=old_status, new_status=new_status, note=note
    )
    locked.status = new_status
    locked.save(update_fields=["status", "published_at", "updated_at"])
    if old_status == Status.PUBLISHED:
        # Taken offline: "did you mean" forgets its words in this transaction, so that no
        # moment after the commit suggests a word only a draft has.
        vocabulary.rebuild()
    elif new_status == Status.PUBLISHED:
        # Published: its words join once this transaction commits (once for many).
        rebuild_vocabulary_on_commit()
    return locked


@dataclass(frozen=True)
class Rows:
    """Related rows of one write of a case: instances to save (new or changed, not yet saved), and stored ones to delete."""

    save: Sequence[models.Model] = ()
    delete: Sequence[models.Model] = ()


@transaction.atomic
def case_write(
    *,
    case: Case,
    codings: Rows | None = None,
    positions: Rows | None = None,
    evidence: Rows | None = None,
    keywords: list | None = None,
    researchers=None,
    actor,
    comment: str | Callable[[], str],
    opened_at: datetime | None = None,
) -> list[str]:
    """The one way to write a case, with its codings, positions, evidence, keywords (tags or names) and researchers.

    The admin, the import, restore, the seed and the commands all write here.
    Related rows not given (None) stay as they are. In order:
    - the case's own fields, written only when they differ from the stored row
      (its `updated_at`, the feed's date, stays otherwise); changed text
      sections are announced (`text_changed`), so annotations and evidence
      re-anchor in this transaction;
    - the related rows (deletions first); a change of the coding while the case is double
      coded is refused whole (`CodingDuringDoubleCoding`); evidence anchored on another version
      of its text follows the text as it now stands; the grounds follow the
      evidence (`sync_grounds_with_evidence`);
    - a write that would take from a published case what publication asks
      (a coding, a text) is refused whole (`PublishedCaseIncomplete`); the row is
      locked for the write, and an existing case keeps its stored status and
      publication date (those move by `case_transition` alone), and, once it has been
      published, its slug: citations, links and data releases name its address;
    - the search vector, once; the "did you mean" vocabulary, once per
      transaction after the commit, when a published case's row changed;
    - one version (`case_snapshot`) with `comment`, which may be a function
      called once everything is written (the admin names what the evidence
      moved). An empty comment means nothing changed: no version.

    A form says when it was opened (`opened_at`: the case's `updated_at` then): a case saved
    since, by anyone, is not written over unseen (`CaseChangedMeanwhile`, checked on the
    locked row, so also when two forms are saved at once).

    Returns the text sections whose change was announced.
    """
    # The stored row, locked for the whole write (`case_unchanged_since`): a publication at the
    # same moment waits for it, and its status is the one that counts (publication is
    # `case_transition`'s alone: a form read before it was published never writes "draft"
    # back). What a published case already lacked (a source added to the framework since) is
    # not this write's to refuse.
    stored = case_unchanged_since(case, opened_at, actor) if case.pk else None
    lacked = None
    if stored is not None:
        case.status, case.published_at = stored.status, stored.published_at
        if stored.published_at is not None:
            case.slug = stored.slug  # its address, once published, is cited: it stays
        lacked = stored.missing_for_publication() if stored.is_public else None
    # The other places in one order, without the case's own: a form or file naming the same
    # places otherwise writes no change.
    case.more_places = case_places.other_places(case.more_places, case.nis_code)
    # While the case is double coded its coding waits for the round's consensus, which the round
    # writes here once settled (the round is closed first). Evidence may be added meanwhile.
    # The codings as stored before this write (before a text change moves their grounds): only
    # the rows this write gives are compared, the grounds following the evidence afterwards.
    guarded = (
        (_coding_state(case), _given_codings(codings, positions))
        if stored is not None
        and (codings is not None or positions is not None)
        and double_coding_open(case)
        else None
    )
    changed = _save_fields(case, stored)
    for rows in (codings, positions, evidence):
        _write_rows(rows)
    if guarded is not None:
        before, given = guarded
        after = _coding_state(case)
        if moved := _changed_codings(
            {key: before[key] for key in before if key in given},
            {key: after[key] for key in after if key in given},
        ):
            raise CodingDuringDoubleCoding(moved)  # the whole write rolls back
    if evidence is not None:
        reanchor_stale_evidence(case, evidence.save)
    sync_grounds_with_evidence(case)
    if keywords is not None:
        case.keywords.set(keywords)
    if researchers is not None:
        named_before = set(case.researchers.all())
        if unnamed := without_a_full_name(u for u in researchers if u not in named_before):
            raise ResearcherUnnamed(unnamed)  # the whole write rolls back
        case.researchers.set(researchers)
    if lacked is not None:
        # Read afresh: the instance may hold its codings as they were before this write.
        after = Case.objects.get(pk=case.pk).missing_for_publication()
        if missing := [what for what in after if what not in lacked]:
            raise PublishedCaseIncomplete(missing)  # the whole write rolls back
    Case.objects.filter(pk=case.pk).refresh_search_vectors()
    comment = comment() if callable(comment) else comment
    if comment:
        case_snapshot(case=case, actor=actor, comment=comment)
    return changed


def case_unchanged_since(case: Case, opened_at: datetime | None, actor) -> Case | None:
    """The case's stored row, locked for a write (FOR NO KEY UPDATE, as saving it would, so
    that a note or reply inserted on the case meanwhile passes its foreign-key check); refused
    when it was saved since `opened_at` (None: not asked)."""
    stored = Case.objects.select_for_update(no_key=True).filter(pk=case.pk).first()
    if stored is not None and opened_at is not None and stored.updated_at != opened_at:
        raise CaseChangedMeanwhile(stored, actor, opened_at)
    return stored


# The case's own columns that a save writes (not its timestamps or search vector).
ROW_FIELDS = tuple(
    f.attname for f in Case._meta.concrete_fields if f.editable and not f.primary_key
)


def _save_fields(case: Case, stored_case: Case | None) -> list[str]:
    """Write the case's own fields unless they equal the stored row; announce changed text sections.

    A changed row of a case that is (or was, before this write) published
    changes the "did you mean" vocabulary: rebuilt after the commit. Returns
    the text sections announced.
    """
    for name in PLAIN_TEXT_FIELDS:
        setattr(case, name, normalize_plain_text(getattr(case, name)))
    stored = (
        None if stored_case is None else {name: getattr(stored_case, name) for name in ROW_FIELDS}
    )
    if stored is not None and all(stored[name] == getattr(case, name) for name in ROW_FIELDS):
        return []
    case.save()
    if stored is not None and stored["original_language"] != case.original_language:
        # Relabelled (the texts were in another language than recorded): they stay where they
        # are, and the notes on them with them.
        original_language_changed.send(
            sender=Case, instance=case, old=stored["original_language"], new=case.original_language
        )
    if case.is_public or (stored is not None and stored["status"] == Status.PUBLISHED):
        rebuild_vocabulary_on_commit()
    if stored is None:
        return []
    # Every language version of every text section: notes stand on one (`text_changed` says
    # which column; the receivers re-anchor the notes on that version only).
    columns = language_versions_of(Case, *TEXT_SECTION_FIELDS)
    return announce_text_changes(case, {name: stored[name] for name in columns})


def _write_rows(rows: Rows | None) -> None:
    if rows is None:
        return
    for row in rows.delete:
        row.delete()
    for row in rows.save:
        row.save()


def rebuild_vocabulary_on_commit() -> None:
    """Rebuild the "did you mean" vocabulary once this transaction commits, however many writes ask for it.

    The rebuild locks its table and reads every published text: one per
    transaction (an import of many rows), after the commit, with the published
    texts as committed.
    """
    connection = transaction.get_connection()
    if not any(
        callback is _rebuild_vocabulary
        for _savepoints, callback, _robust in connection.run_on_commit
    ):
        transaction.on_commit(_rebuild_vocabulary)


def _rebuild_vocabulary() -> None:
    with transaction.atomic():
        vocabulary.rebuild()
        # Pages cached meanwhile (a search's "bedoelde u") were made with the old words.
        bump_content_version()


def case_snapshot(*, case: Case, actor, comment: str) -> None:
    """Keep a version of the case as it now stands, with its coding, evidence and keywords.

    Taken by `case_write` at the end of a write, when every related row is
    written: django-reversion serialises what it is given at the moment it is
    given it. A new version means the case changed, its coding or keywords
    included: its `updated_at` (the feed's and the sitemap's date) moves too,
    even when its own row was not written.
    """
    case.updated_at = timezone.now()
    Case.objects.filter(pk=case.pk).update(updated_at=case.updated_at)
    with reversion.create_revision(manage_manually=True):
        if actor is not None:
            reversion.set_user(actor)
        reversion.set_comment(comment)
        # Dated as the change it keeps: who saved after a form was opened is read from it
        # (`CaseChangedMeanwhile`).
        reversion.set_date_created(case.updated_at)
        reversion.add_to_revision(case)


def version_moment(version) -> str:
    """When a saved version was made, as the workbench's history shows it (local time)."""
    return timezone.localtime(version.revision.date_created).strftime("%d-%m-%Y %H:%M")


@transaction.atomic
def case_restore(*, case: Case, version, actor) -> Case:
    """Bring a case back to one of its saved versions: its fields, coding, evidence, keywords.

    Written by `case_write`, so annotations and evidence re-anchor on the
    restored text; the status stays. The grounds come back as the version had
    them, then follow the evidence as it stands in the restored text. A
    published case is not restored to an incomplete version (VersionIncomplete).
    """
    shot = history.snapshot(version)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    for name in history.RESTORED_FIELDS:
        attname = Case._meta.get_field(name).attname
        setattr(locked, attname, shot.fields[attname])
    strengths = {coding.source_id: coding for coding in SourceCoding.objects.filter(case=locked)}
    positions = {
        coding.tension_field_id: coding for coding in TensionPosition.objects.filter(case=locked)
    }
    kept = (
        "source_id",
        "tension_field_id",
        "case_field",
        *CodingEvidence.SELECTORS,
        "text_revision",
        "note",
    )
    date = version_moment(version)
    try:
        case_write(
            case=locked,
            codings=Rows(
                save=[
                    _restored(
                        strengths.get(pk) or SourceCoding(case=locked, source_id=pk),
                        state,
                        strength=state.value,
                    )
                    for pk, state in shot.strengths.items()
                ],
                delete=[coding for pk, coding in strengths.items() if pk not in shot.strengths],
            ),
            positions=Rows(
                save=[
                    _restored(
                        positions.get(pk) or TensionPosition(case=locked, tension_field_id=pk),
                        state,
                        position=state.value,
                        holds_both=state.holds_both,
                    )
                    for pk, state in shot.positions.items()
                ],
                delete=[coding for pk, coding in positions.items() if pk not in shot.positions],
            ),
            evidence=Rows(
                save=[
                    CodingEvidence(case=locked, **{name: row[name] for name in kept})
                    for row in shot.evidence_rows
                ],
                delete=list(CodingEvidence.objects.filter(case=locked)),
            ),
            keywords=list(Tag.objects.filter(pk__in=shot.keyword_ids)),
            actor=actor,
            comment=_("Teruggezet naar de versie van %(date)s.") % {"date": date},
        )
    except PublishedCaseIncomplete as refused:
        raise VersionIncomplete(refused.missing) from None  # the whole restore rolls back
    return locked


def _restored(coding, state: history.CodingState, **values):
    """A coding with the value, grounds and rationale a version holds (not saved)."""
    values |= {
        "grounds": state.grounds,
        "rationale": state.rationale,
        "evidence_orphaned": state.orphaned,
        **dict(state.translations),
    }
    for name, value in values.items():
        setattr(coding, name, value)
    return coding
