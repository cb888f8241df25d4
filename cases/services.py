"""State changes of cases. Views, forms, admin actions and commands call these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import TEXT_SECTION_FIELDS, Case, CaseTransition
from cases.search import rebuild_vocabulary, refresh_search_vectors
from frameworks.annotatable import announce_text_changes

Status = Case.Status


class TransitionError(Exception):
    """The move is not allowed from the case's current status."""


class CaseIncomplete(TransitionError):
    """Publication refused: the coding is incomplete. `missing` says what lacks."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(_("Deze praktijk is nog niet klaar om te publiceren: ") + " ".join(missing))


# The workflow, one row per allowed move: (action, current status) -> new status.
TRANSITIONS: dict[tuple[str, str], str] = {
    # A researcher offers a draft to colleagues for a second reading.
    ("submit", Status.DRAFT): Status.IN_REVIEW,
    # The reading is done and the coding complete: the case goes public.
    ("publish", Status.IN_REVIEW): Status.PUBLISHED,
    # The reader sends it back for more work.
    ("return_to_draft", Status.IN_REVIEW): Status.DRAFT,
    # A published case is taken off the public site to be reworked.
    ("unpublish", Status.PUBLISHED): Status.DRAFT,
}

# Actions that make or unmake a public case need the publish permission.
NEEDS_PUBLISH_PERMISSION = {"publish", "unpublish"}


def allowed_actions(case: Case, user) -> list[str]:
    """The actions this user may take on the case in its current status."""
    return [
        action
        for (action, status) in TRANSITIONS
        if status == case.status and _may(user, action)
    ]


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
    new_status = TRANSITIONS.get((action, locked.status))
    if new_status is None:
        raise TransitionError(
            _("De stap ‘%(action)s’ kan niet vanuit de status ‘%(status)s’.")
            % {"action": action, "status": locked.get_status_display()}
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


@transaction.atomic
def case_save(*, case: Case) -> list[str]:
    """Save a case's own fields; announce changed text sections so annotations re-anchor.

    Returns the text sections that changed.
    """
    old_texts = (
        Case.objects.filter(pk=case.pk).values(*TEXT_SECTION_FIELDS).first() if case.pk else None
    )
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
