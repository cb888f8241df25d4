"""Readings of a coding ("tegenlezingen"): propose one, answer it, change the coding because of it.

A member proposes another value for one coding of a published case, with an
argument and optionally a passage: an `Annotation` with motivation `assessing`
and its `Reading`. It is moderated like every note (annotations.services: the
same rate limit, table, events and e-mails). Researchers, those who may change
cases, answer an approved reading and may change the coding because of it;
that change is written by `cases.services.case_write`, the one way to write a
case, with a version whose comment names the reading.

Reads of readings start from the annotation's visibility (`public_readings`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from reversion.models import Version

from annotations.models import Annotation, Motivation, Reading, Status
from annotations.readings import coding_code, value_code
from annotations.rendering import render_markdown
from annotations.services import (
    ModerationError,
    _anchor_for_submission,
    _check_submission_rate,
    _lock_member,
    may_annotate,
    record_submission,
    require_body,
    sent_before,
)
from annotations.targets import case_target
from cases.evidence import lacks_evidence, rationale_refusal
from cases.models import (
    Case,
    CodingEvidence,
    Grounds,
    SourceCoding,
    TensionPosition,
    describe_strength,
    may_read_drafts,
)
from cases.services import Rows, case_write, double_coding_open
from diegem.lib.annotatable import normalize_plain_text
from diegem.lib.visible_text import has_visible_text
from frameworks.models import Source, TensionField


class ReadingError(ModerationError):
    """A reading that cannot be proposed, answered or processed; the message says why, for the user."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field  # the form field the message belongs to, if one
        super().__init__(message)


# A reading is not processed while its case is double coded: the round's consensus becomes the
# case's coding (`round_settle`) and would replace the change without a word.
DURING_DOUBLE_CODING = gettext_lazy(
    "Voor deze praktijk loopt een dubbele codering: de consensus wordt haar codering en zou deze "
    "aanpassing vervangen. Verwerk de lezing na de consensus; beantwoorden kan nu al."
)


class ReadingNotOpen(ReadingError):
    """The reading is no longer approved (withdrawn, hidden, rejected or back in review): it
    cannot be answered or processed now."""


# --- what a reading is about -----------------------------------------------------------------


def framework_item(key: str) -> Source | TensionField | None:
    """The source or tension field with this key (keys of the two are distinct)."""
    return Source.objects.filter(key=key).first() or TensionField.objects.filter(key=key).first()


def is_source(item) -> bool:
    return isinstance(item, Source)


def coding_of(case: Case, item) -> SourceCoding | TensionPosition | None:
    """The case's coding of this source or tension field (None: not coded)."""
    if is_source(item):
        return SourceCoding.objects.filter(case=case, source=item).first()
    return TensionPosition.objects.filter(case=case, tension_field=item).first()


def proposed_fields(item, value: str) -> dict:
    """A proposed machine value (`value_code`) as Reading fields, for this item.

    Unknown values raise ReadingError: a form offers only the item's values.
    """
    values = value_choices(item)
    if value not in dict(values):
        raise ReadingError(_("Kies een van de voorgestelde waarden."), "value")
    if value == "niet_te_bepalen":
        return {"undetermined": True}
    if value == "beide":
        return {"holds_both": True}
    return {"strength": int(value)} if is_source(item) else {"position": int(value)}


def value_choices(item) -> list[tuple[str, str]]:
    """The values a reading of this item may propose, with the words the case profile uses."""
    if is_source(item):
        choices = [(value_code(strength=s), describe_strength(s)) for s in range(0, 4)]
    else:
        choices = [
            (value_code(position=p), Reading(tension_field=item, position=p).label)
            for p in range(-2, 3)
        ]
        choices.append(("beide", Reading(tension_field=item, holds_both=True).label))
    choices.append(("niet_te_bepalen", describe_strength(None)))
    return choices


def may_answer_readings(user) -> bool:
    """Researchers, those who may change cases, answer readings and process them."""
    return may_read_drafts(user)


# --- proposing -------------------------------------------------------------------------------


@transaction.atomic
def reading_submit(
    *,
    author,
    case: Case,
    item: Source | TensionField,
    value: str,
    voice: str,
    body: str,
    case_field: str = "",
    passage: str = "",
    start: int | None = None,
    end: int | None = None,
    exact: str = "",
    revision: str = "",
    language: str = settings.LANGUAGE_CODE,
) -> Annotation:
    """A member proposes another reading of one coding of a published case: it waits for a reviewer.

    `value` is the proposed machine value (`value_code`); `case_field` and
    `passage` (or a browser selection) anchor an optional passage of the case's
    text. The same rate limit as notes, the same events; the same reading sent again is the
    one sent before (`sent_before`).
    """
    if not may_annotate(author):
        raise PermissionDenied(
            _("Alleen leden van een partnerorganisatie kunnen een andere lezing voorstellen.")
        )
    require_body(body)
    _lock_member(author)
    case = Case.objects.published().filter(pk=case.pk).first()
    if case is None:
        raise ReadingError(_("Deze praktijk is intussen niet meer openbaar."))
    fields = proposed_fields(item, value)
    coding = coding_of(case, item)
    if coding is not None and coding_code(coding) == value:
        raise ReadingError(
            _(
                "De onderzoekers codeerden ‘%(item)s’ al als ‘%(value)s’. Een andere lezing stelt "
                "een andere waarde voor."
            )
            % {"item": item.name, "value": coding.label},
            "value",
        )
    target_fields = {"case": case, "case_field": ""}
    anchor_fields = {"quote_exact": "", "position_start": 0, "position_end": 0}
    if case_field and ((passage or "").strip() or exact):
        target = case_target(case, case_field)
        if not target.text:
            raise ReadingError(_("Deze tekstsectie is leeg."), "case_field")
        try:
            anchor = _anchor_for_submission(
                target, start=start, end=end, exact=exact, revision=revision, passage=passage
            )
        except ModerationError as error:
            raise ReadingError(str(error), "passage") from None
        target_fields = target.annotation_fields()
        anchor_fields = Annotation.anchor_fields(anchor, target.text)
    content = {
        **target_fields,
        **anchor_fields,
        "voice": voice,
        "body": body,
        "original_language": language,
    }
    reading = {"source": item} if is_source(item) else {"tension_field": item}
    repeat = sent_before(
        author,
        motivation=Motivation.ASSESSING,
        **content,
        **{f"reading__{name}": value for name, value in (reading | fields).items()},
    )
    if repeat:
        return repeat
    _check_submission_rate(author)
    annotation = Annotation.objects.create(
        motivation=Motivation.ASSESSING,
        **content,
        kind="",
        body_html=render_markdown(body),
        author=author,
        organisation=author.membership.organisation,
        status=Status.PENDING,
        submitted_at=timezone.now(),
    )
    Reading.objects.create(annotation=annotation, **reading, **fields)
    record_submission(annotation, author)
    return annotation


# --- answering and processing ------------------------------------------------------------------


def _researchers_only(actor) -> None:
    if not may_answer_readings(actor):
        raise PermissionDenied(_("Alleen onderzoekers kunnen op een lezing antwoorden."))


def _lock_reading(annotation_id: int, actor) -> Reading:
    """The approved reading's row, locked, for a researcher (PermissionDenied for anyone else)."""
    _researchers_only(actor)
    annotation = (
        Annotation.objects.readings()
        .select_for_update()
        .filter(pk=annotation_id, status=Status.APPROVED)
        .first()
    )
    if annotation is None:
        raise ReadingNotOpen(_("Deze lezing bestaat niet of is niet (meer) goedgekeurd."))
    reading = Reading.objects.select_related("source", "tension_field").get(annotation=annotation)
    reading.annotation = annotation  # the locked row, not a fresh copy
    return reading


def _write_answer(reading: Reading, actor, answer: str) -> None:
    reading.answer = answer
    reading.answer_html = render_markdown(answer)
    reading.answered_at = timezone.now()
    reading.answered_by = actor


@transaction.atomic
def reading_answer(*, annotation_id: int, actor, answer: str) -> Reading:
    """A researcher answers an approved reading (again: the answer is replaced); shown with the reading."""
    reading = _lock_reading(annotation_id, actor)
    answer = (answer or "").strip()
    if not has_visible_text(answer):
        raise ReadingError(_("Schrijf een antwoord."), "answer")
    _write_answer(reading, actor, answer)
    reading.save(update_fields=["answer", "answer_html", "answered_at", "answered_by"])
    return reading


@transaction.atomic
def reading_process(
    *,
    annotation_id: int,
    actor,
    grounds: str,
    rationale: str,
    answer: str = "",
) -> Reading:
    """A researcher changes the coding to the reading's proposed value, because of it.

    The coding gets the grounds and rationale the researcher gives (the rules
    of cases.evidence: "tekstbewijs" needs an anchored passage; a case in review
    or published needs a rationale), never while the case is double coded. Written by
    `case_write`, whose version's comment names the reading; the reading is marked "verwerkt"
    with that version. An `answer` given along is written as by `reading_answer`.
    """
    _researchers_only(actor)
    # The case first, then the reading: the order of every write of a case, whose changed
    # text locks the readings on it to re-anchor them (the other order deadlocked with it).
    case_id = Annotation.objects.filter(pk=annotation_id).values_list("case_id", flat=True).first()
    case = Case.objects.select_for_update().filter(pk=case_id).first() if case_id else None
    reading = _lock_reading(annotation_id, actor)
    if reading.processed_at:
        raise ReadingError(_("Deze lezing is al verwerkt."))
    if double_coding_open(case):  # a round is opened under the same lock of the case
        raise ReadingError(str(DURING_DOUBLE_CODING))
    item = reading.item
    coding = coding_of(case, item)
    if coding is not None and coding_code(coding) == reading.code:
        raise ReadingError(
            _("De codering heeft deze waarde al; er is niets te veranderen."), "grounds"
        )
    if reading.undetermined:
        grounds = Grounds.UNDETERMINED
    elif grounds not in (Grounds.EVIDENCE, Grounds.INTERPRETATION):
        raise ReadingError(_("Kies tekstbewijs of interpretatie."), "grounds")
    column = "source" if is_source(item) else "tension_field"
    cited = CodingEvidence.objects.anchored().filter(case=case, **{column: item}).exists()
    if lacks_evidence(grounds, cited=cited):
        raise ReadingError(
            _(
                "Er staat geen tekstbewijs bij deze codering; kies interpretatie, of voeg eerst "
                "een passage toe in het werkblad."
            ),
            "grounds",
        )
    rationale = normalize_plain_text(rationale or "").strip()  # as the workbench stores it
    refusal = rationale_refusal(grounds=grounds, rationale=rationale, status=case.status)
    if refusal:
        raise ReadingError(refusal, "rationale")
    old_label = coding.label if coding is not None else _("niet gecodeerd")
    if coding is None:
        coding = (SourceCoding if is_source(item) else TensionPosition)(case=case, **{column: item})
    if is_source(item):
        coding.strength = reading.strength
    else:
        coding.position, coding.holds_both = reading.position, reading.holds_both
    coding.grounds, coding.rationale, coding.evidence_orphaned = grounds, rationale, False
    annotation = reading.annotation
    comment = _(
        "Codering van %(item)s: %(old)s → %(new)s, naar aanleiding van lezing #%(pk)d van %(who)s."
    ) % {
        "item": item.name,
        "old": old_label,
        "new": coding.label,
        "pk": annotation.pk,
        "who": annotation.organisation or _("een lid"),
    }
    rows = Rows(save=[coding])
    case_write(
        case=case,
        codings=rows if is_source(item) else None,
        positions=None if is_source(item) else rows,
        actor=actor,
        comment=comment,
    )
    if has_visible_text(answer or ""):
        _write_answer(reading, actor, answer.strip())
    reading.processed_at = timezone.now()
    reading.processed_by = actor
    reading.processed_version = Version.objects.get_for_object(case).order_by("-pk").first()
    reading.save()
    return reading


# --- reading them ----------------------------------------------------------------------------


def public_readings(case: Case | None = None) -> QuerySet[Reading]:
    """The public readings (of one case), with what a page or a file shows of them: one query."""
    annotations = Annotation.objects.readings().public()
    if case is not None:
        annotations = annotations.filter(case=case)
    return Reading.objects.filter(annotation__in=annotations).select_related(
        "annotation__author__preferences",
        "annotation__organisation",
        "annotation__case",
        "source",
        "tension_field",
        "processed_version",
    )


def current_codings(case_ids) -> dict[tuple[int, int, bool], SourceCoding | TensionPosition]:
    """The codings of these cases as they stand, by (case id, item id, is a source): two queries."""
    codings = {
        (c.case_id, c.source_id, True): c
        for c in SourceCoding.objects.filter(case_id__in=case_ids).select_related("source")
    }
    codings |= {
        (p.case_id, p.tension_field_id, False): p
        for p in TensionPosition.objects.filter(case_id__in=case_ids).select_related(
            "tension_field"
        )
    }
    return codings


def attach_current_codings(annotations, user) -> None:
    """Give each reading among these annotations `reading.current_label`: its coding as it stands now.

    For the reviewers' queue (current value → proposed value): three queries for a page.
    None where the user may not read the case's coding (`codings_visible_to`: they code it blind).
    """
    readings = [a.reading for a in annotations if a.motivation == Motivation.ASSESSING]
    if not readings:
        return
    case_ids = {reading.annotation.case_id for reading in readings}
    readable = set(
        Case.objects.codings_visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True)
    )
    current = current_codings(readable)
    for reading in readings:
        if reading.annotation.case_id not in readable:
            reading.current_label = None
            continue
        coded = current.get(
            (reading.annotation.case_id, reading.item.pk, reading.source_id is not None)
        )
        reading.current_label = coded.label if coded else _("niet gecodeerd")


def awaiting_answer(user) -> QuerySet[Reading]:
    """The public readings no researcher answered or processed yet, oldest first (none for non-researchers)."""
    if not may_answer_readings(user):
        return Reading.objects.none()
    return (
        public_readings()
        .filter(answered_at__isnull=True, processed_at__isnull=True)
        .order_by("annotation__created_at", "pk")
    )


@dataclass
class CodingReadings:
    """The public readings of one coding, and their summary ("2x eerder conflict, 1x in het midden")."""

    readings: list[Reading] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.readings)

    @property
    def summary(self) -> str:
        counts = Counter(reading.label for reading in self.readings)
        parts = ", ".join(f"{n}x {label}" for label, n in counts.most_common())
        return ngettext(
            "%(count)d lezing: %(parts)s", "%(count)d lezingen: %(parts)s", self.count
        ) % {
            "count": self.count,
            "parts": parts,
        }


def readings_by_item(case: Case) -> dict[str, CodingReadings]:
    """The case's public readings per item key (source or tension field), oldest first: one query."""
    grouped: dict[str, CodingReadings] = {}
    for reading in public_readings(case).order_by("annotation__created_at", "pk"):
        grouped.setdefault(reading.item.key, CodingReadings()).readings.append(reading)
    return grouped
