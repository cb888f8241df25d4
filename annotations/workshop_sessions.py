"""The state changes of a workshop: open, answer, close, purge. One function each.

Every entry point (the pages, `manage.py purge_workshops`) goes through these. The participant
limit holds under concurrent answers: `submit_answer` locks the session's row before it counts.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from annotations.organisations import Organisation
from annotations.workshop_tally import MIN_ANSWERS, tally
from annotations.workshops import Workshop, WorkshopAnswer, new_code
from diegem.lib.locking import one_at_a_time

CODE_ATTEMPTS = 20


class WorkshopClosed(Exception):
    """The session is closed or expired: it takes no answers."""


class WorkshopFull(Exception):
    """The session has as many answers as it takes."""


class NotAMember(Exception):
    """Only members of an organisation open sessions."""


def answer_values(profile) -> dict[str, str]:
    """What an answer keeps of a profile: the now and desired value per item, nothing else."""
    query = profile.as_query()
    keep = {name for item in profile.items for name in (item.param, item.desired_param)}
    return {name: value for name, value in query.items() if name in keep}


@transaction.atomic
def open_workshop(*, user, title: str = "") -> Workshop:
    """Open a session for the user's organisation, with a fresh code, for WORKSHOP_OPEN_HOURS."""
    organisation = Organisation.objects.of_member(user).first()
    if organisation is None:
        raise NotAMember
    for _attempt in range(CODE_ATTEMPTS):
        code = new_code()
        if not Workshop.objects.filter(code=code).exists():
            break
    else:  # pragma: no cover - 31**6 codes; the unique constraint still guards
        raise RuntimeError("no free workshop code")
    now = timezone.now()
    return Workshop.objects.create(
        organisation=organisation,
        opened_by=user,
        title=title.strip(),
        code=code,
        opened_at=now,
        expires_at=now + timedelta(hours=settings.WORKSHOP_OPEN_HOURS),
    )


@transaction.atomic
def submit_answer(
    *, workshop: Workshop, values: dict, answer_id: int | None = None, form_key: str = ""
):
    """Store a participant's answer, or replace their earlier one (`answer_id`, which only the
    participant's own session knows, or else the answer sent from the same form, `form_key`: a
    first answer sent twice before the participant's cookie came back). Refuses a closed or
    expired session and, for a new answer, a full one; the session row is locked first so that
    concurrent answers count in turn."""
    locked = Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
    if locked is None or not locked.is_open:  # none: deleted meanwhile, past retention
        raise WorkshopClosed
    answer = None
    if answer_id is not None:
        answer = WorkshopAnswer.objects.filter(pk=answer_id, workshop=locked).first()
    if answer is None and form_key:
        answer = WorkshopAnswer.objects.filter(workshop=locked, form_key=form_key).first()
    if answer is not None:
        if answer.values == values:
            return answer  # saved again unchanged: nothing for the screen to show
        answer.values = values
        answer.save(update_fields=["values"])
    else:
        if locked.answers.count() >= settings.WORKSHOP_MAX_PARTICIPANTS:
            raise WorkshopFull
        answer = WorkshopAnswer.objects.create(workshop=locked, values=values, form_key=form_key)
    # The screen moves on only once three different answers are new or changed since it last
    # did (or when a third participant first makes a distribution possible): a change of one
    # answer would show it to whoever watched who just put their phone down, and one person
    # saving three times is still one answer.
    changed = set(locked.unshown_answers) | {answer.pk}
    shown_before = (locked.shown or {}).get("deelnemers", 0)
    if len(changed) >= MIN_ANSWERS or shown_before < MIN_ANSWERS <= locked.answers.count():
        locked.shown = tally(locked.answers.values_list("values", flat=True))
        changed = set()
    locked.unshown_answers = sorted(changed)
    locked.save(update_fields=["shown", "unshown_answers"])
    return answer


@transaction.atomic
def close_workshop(*, workshop: Workshop, now=None) -> Workshop:
    """Close the session: keep the aggregate, delete the individual answers. Closing an
    already closed session, or one deleted meanwhile (past retention), changes nothing."""
    locked = Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
    if locked is None:
        return workshop
    if locked.status == Workshop.Status.CLOSED:
        return locked
    aggregate = tally(locked.answers.values_list("values", flat=True))
    if aggregate["deelnemers"] < MIN_ANSWERS:
        # One or two answers as counts would tell who answered what: keep only their number.
        aggregate["items"] = {}
    locked.aggregate = aggregate
    # The screen's last drawing goes too: beside the aggregate it would tell the last answers.
    locked.shown = None
    locked.unshown_answers = []
    locked.status = Workshop.Status.CLOSED
    # An expired session ended when its time was up, not when someone noticed.
    locked.closed_at = min(now or timezone.now(), locked.expires_at)
    locked.save(update_fields=["aggregate", "shown", "unshown_answers", "status", "closed_at"])
    locked.answers.all().delete()
    return locked


@transaction.atomic
def purge_workshops(*, now=None) -> tuple[int, int]:
    """Close the sessions past their time and delete the closed ones past retention.

    Returns (closed, deleted). Run by `manage.py purge_workshops` (cron) and, so that a forgotten
    cron keeps nothing for ever, whenever a facilitator opens the list of sessions. One at a
    time: two lists opened together (or a list and the cron) would close the same sessions.
    """
    one_at_a_time("workshop-purge")
    now = now or timezone.now()
    closed = 0
    for workshop in Workshop.objects.expired(now):
        close_workshop(workshop=workshop, now=now)
        closed += 1
    _total, deleted = Workshop.objects.past_retention(now).delete()
    return closed, deleted.get(Workshop._meta.label, 0)
