"""Independent double coding of a case: request a round, save and submit each coding, settle a consensus.

One service function per state change; the workbench's views call these. A round:
1. `round_request`: a researcher asks an active colleague of the researchers' role to
   code a case that is not published. The requester's independent coding starts from
   the case's current coding (their own); the colleague's starts empty. The colleague
   codes blind (`Case.objects.codings_visible_to`).
2. `coding_save` and `coding_submit`: each coder fills in and submits their own
   coding; a submitted coding never changes.
3. `round_settle`: once both are submitted, the consensus is written as the case's
   coding through `case_write` (a version whose comment names the round). The case can
   be published only then (`services.case_transition`). The independent codings stay.
Or `round_cancel`: a round still being coded that cannot end (a coder left) is stopped by
its requester or a researcher who may publish; its codings stay, it never counts, and the
case is free again (its second coder is not asked again for it).
Rows are locked (`select_for_update`) so two submits or settles at once cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.evidence import lacks_evidence, rationale_refusal
from cases.models import (
    Case,
    CodingEvidence,
    DoubleCodingRound,
    Grounds,
    IndependentCoding,
    IndependentSourceCoding,
    IndependentTensionPosition,
    SourceCoding,
    TensionPosition,
)
from cases.roles import researchers
from cases.services import Rows, case_write
from diegem.lib.people import shown_name
from frameworks.models import Source, TensionField


class RoundRefused(Exception):
    """The step is refused; `messages` say why, in Dutch, naming the source or field (`field` names a form field)."""

    def __init__(self, messages: list[str] | str, field: str | None = None):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        self.field = field
        super().__init__(" ".join(self.messages))


@dataclass(frozen=True)
class Entry:
    """One judgement as a form gives it: grounds ('' = not filled in yet), value, both poles, rationale."""

    grounds: str = ""
    value: int | None = None
    holds_both: bool = False
    rationale: str = ""


def is_researcher(user) -> bool:
    return researchers().filter(pk=user.pk).exists()


# --- request ---------------------------------------------------------------------------------


@transaction.atomic
def round_request(*, case: Case, requested_by, second_coder) -> DoubleCodingRound:
    """Open a round on a case that is not published, with a colleague as the second coder."""
    if not is_researcher(requested_by):
        raise PermissionDenied(_("Alleen onderzoekers vragen een dubbele codering."))
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.is_public:
        raise RoundRefused(
            _(
                "Een gepubliceerde praktijk wordt niet dubbel gecodeerd: haal ze eerst offline (‘terug naar concept’)."
            )
        )
    if second_coder is None or second_coder.pk == requested_by.pk:
        raise RoundRefused(
            _("Kies een collega als tweede codeerder, niet uzelf."), field="second_coder"
        )
    if not is_researcher(second_coder):
        raise RoundRefused(
            _("De tweede codeerder moet een actieve onderzoeker zijn."), field="second_coder"
        )
    if DoubleCodingRound.objects.unsettled().filter(case=locked).exists():
        raise RoundRefused(
            _(
                "Voor deze praktijk loopt al een dubbele codering; rond die eerst af met een consensus."
            )
        )
    if DoubleCodingRound.objects.filter(
        case=locked, second_coder=second_coder, cancelled_at__isnull=False
    ).exists():
        # Once a round stopped, its second coder may read the case's coding: no longer blind.
        raise RoundRefused(
            _(
                "Deze collega codeerde deze praktijk al in een stopgezette ronde en kent haar codering nu: kies een andere collega."
            ),
            field="second_coder",
        )
    try:
        with transaction.atomic():
            round_ = DoubleCodingRound.objects.create(
                case=locked, requested_by=requested_by, second_coder=second_coder
            )
    except IntegrityError as error:  # a request at the same moment won
        raise RoundRefused(_("Voor deze praktijk loopt al een dubbele codering.")) from error
    first = IndependentCoding.objects.create(round=round_, coder=requested_by)
    IndependentCoding.objects.create(round=round_, coder=second_coder)
    # The requester's coding starts as the case's coding stands: their own.
    IndependentSourceCoding.objects.bulk_create(
        IndependentSourceCoding(
            coding=first,
            source_id=coding.source_id,
            strength=coding.strength,
            grounds=coding.grounds,
            rationale=coding.rationale,
        )
        for coding in SourceCoding.objects.filter(case=locked)
    )
    IndependentTensionPosition.objects.bulk_create(
        IndependentTensionPosition(
            coding=first,
            tension_field_id=position.tension_field_id,
            position=position.position,
            holds_both=position.holds_both,
            grounds=position.grounds,
            rationale=position.rationale,
        )
        for position in TensionPosition.objects.filter(case=locked)
    )
    return round_


# --- save and submit -------------------------------------------------------------------------


def entry_problems(entry: Entry, *, name: str, scale: str) -> list[str]:
    """What is wrong with one judgement, in words naming the source or field (`scale`: strength or position)."""
    if not entry.grounds:
        if entry.value is not None or entry.holds_both:
            return [_("%(name)s: kies een grond.") % {"name": name}]
        return []
    if entry.grounds not in Grounds.values:
        return [_("%(name)s: kies een grond uit de lijst.") % {"name": name}]
    if entry.grounds == Grounds.UNDETERMINED:
        if entry.value is not None or entry.holds_both:
            return [
                _("%(name)s: bij ‘niet te bepalen’ hoort geen waarde; maak ze leeg.")
                % {"name": name}
            ]
        return []
    if scale == "strength":
        if entry.value is None:
            return [
                _("%(name)s: kies een sterkte, of de grond ‘niet te bepalen’.") % {"name": name}
            ]
        if not 0 <= entry.value <= 3:
            return [_("%(name)s: de sterkte ligt tussen 0 en 3.") % {"name": name}]
        return []
    if entry.value is None and not entry.holds_both:
        return [
            _(
                "%(name)s: kies een positie of ‘houdt beide polen vast’, of de grond ‘niet te bepalen’."
            )
            % {"name": name}
        ]
    if entry.value is not None and entry.holds_both:
        return [
            _("%(name)s: kies een positie of ‘houdt beide polen vast’, niet allebei.")
            % {"name": name}
        ]
    if entry.value is not None and not -2 <= entry.value <= 2:
        return [_("%(name)s: de positie ligt tussen -2 en +2.") % {"name": name}]
    return []


def _when(moment) -> str:
    """A day and time as the round's pages show them (local time)."""
    local = timezone.localtime(moment)
    return _("%(date)s om %(time)s") % {
        "date": date_format(local, "j F Y"),
        "time": local.strftime("%H:%M"),
    }


def round_closed(round: DoubleCodingRound) -> str | None:
    """Why a consensus sent for this round is not saved (settled or stopped, by whom and when), or None.

    The message every entry point gives: the consensus form sent once more (a colleague
    settled it first, a form opened earlier) and `round_settle` on its locked row.
    """
    if round.settled_at is not None:
        return _(
            "De consensus werd al vastgelegd door %(who)s op %(when)s; uw invoer is niet bewaard."
        ) % {"who": shown_name(round.settled_by), "when": _when(round.settled_at)}
    if round.cancelled_at is not None:
        return _(
            "Deze dubbele codering werd stopgezet door %(who)s op %(when)s; uw invoer is niet bewaard."
        ) % {"who": shown_name(round.cancelled_by), "when": _when(round.cancelled_at)}
    return None


def coding_closed(coding: IndependentCoding) -> str | None:
    """Why a coder's save of their coding is not kept (submitted, or the round stopped), or None."""
    if coding.submitted_at is not None:
        return _(
            "U hebt deze codering al ingediend op %(when)s; ze verandert niet meer en uw invoer is niet bewaard."
        ) % {"when": _when(coding.submitted_at)}
    return round_closed(coding.round) if coding.round.cancelled_at is not None else None


def _locked_own_coding(coding: IndependentCoding, actor) -> IndependentCoding:
    locked = IndependentCoding.objects.select_for_update().select_related("round").get(pk=coding.pk)
    if locked.coder_id != actor.pk:
        raise PermissionDenied(_("Dit is niet uw codering."))
    if closed := coding_closed(locked):
        raise RoundRefused(closed)
    return locked


@transaction.atomic
def round_cancel(*, round: DoubleCodingRound, actor) -> DoubleCodingRound:
    """Stop a round still being coded (a coder left): by its requester or a researcher who may publish.

    Not by the second coder (stopping would end their own blindness), and not once both
    codings are in (then either coder can settle it; stopping would drop a disagreement
    from the figures). The independent codings stay in the record; the round does not
    count in the agreement, nobody codes the case blind any more, and it can be published.
    """
    locked = DoubleCodingRound.objects.select_for_update().get(pk=round.pk)
    if actor.pk == locked.second_coder_id or (
        actor.pk != locked.requested_by_id and not actor.has_perm("cases.publish_case")
    ):
        raise PermissionDenied(
            _("Alleen wie de dubbele codering vroeg, of wie mag publiceren, zet ze stop.")
        )
    if locked.settled_at is not None:
        raise RoundRefused(_("De consensus van deze ronde is al vastgelegd."))
    if locked.cancelled_at is not None:
        raise RoundRefused(_("Deze dubbele codering is al stopgezet."))
    if not locked.codings.unsubmitted().exists():
        raise RoundRefused(
            _("Beide coderingen zijn ingediend: leg de consensus vast in plaats van te stoppen.")
        )
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = actor
    locked.save(update_fields=["cancelled_at", "cancelled_by"])
    return locked


@transaction.atomic
def coding_save(
    *, coding: IndependentCoding, actor, sources: dict[int, Entry], fields: dict[int, Entry]
) -> IndependentCoding:
    """Keep what the coder filled in so far (an empty judgement is no row); refused whole when a judgement is wrong."""
    locked = _locked_own_coding(coding, actor)
    names = {s.pk: s.name for s in Source.objects.all()} | {
        ("field", f.pk): f.name for f in TensionField.objects.all()
    }
    problems = []
    for pk, entry in sources.items():
        problems += entry_problems(entry, name=names[pk], scale="strength")
    for pk, entry in fields.items():
        problems += entry_problems(entry, name=names[("field", pk)], scale="position")
    if problems:
        raise RoundRefused(problems)
    stored_sources = {row.source_id: row for row in locked.sources.all()}
    stored_fields = {row.tension_field_id: row for row in locked.positions.all()}
    for pk, entry in sources.items():
        _store(
            stored_sources.get(pk),
            entry,
            IndependentSourceCoding(coding=locked, source_id=pk),
            strength=entry.value,
        )
    for pk, entry in fields.items():
        _store(
            stored_fields.get(pk),
            entry,
            IndependentTensionPosition(coding=locked, tension_field_id=pk),
            position=entry.value,
            holds_both=entry.holds_both,
        )
    locked.save(update_fields=["updated_at"])
    return locked


def _store(row, entry: Entry, new_row, **values) -> None:
    if not entry.grounds:
        if row is not None:
            row.delete()
        return
    row = row or new_row
    row.grounds, row.rationale = entry.grounds, entry.rationale.strip()
    if entry.grounds == Grounds.UNDETERMINED:
        values = {name: (False if name == "holds_both" else None) for name in values}
    for name, value in values.items():
        setattr(row, name, value)
    try:
        row.full_clean(exclude=["coding"])
    except ValidationError as error:
        raise RoundRefused(error.messages) from error
    row.save()


def missing_in(coding: IndependentCoding) -> list[str]:
    """The sources and tension fields this coding has no value (nor 'niet te bepalen') for yet, in words."""
    have_sources = set(coding.sources.values_list("source_id", flat=True))
    have_fields = set(coding.positions.values_list("tension_field_id", flat=True))
    return [
        _("De bron ‘%(name)s’ heeft nog geen sterkte (of ‘niet te bepalen’).") % {"name": s.name}
        for s in Source.objects.all()
        if s.pk not in have_sources
    ] + [
        _("Het spanningsveld ‘%(name)s’ heeft nog geen positie (of ‘niet te bepalen’).")
        % {"name": f.name}
        for f in TensionField.objects.all()
        if f.pk not in have_fields
    ]


@transaction.atomic
def coding_submit(*, coding: IndependentCoding, actor) -> IndependentCoding:
    """Submit a complete coding: every source and tension field has a value or 'niet te bepalen'. Once."""
    locked = _locked_own_coding(coding, actor)
    if missing := missing_in(locked):
        raise RoundRefused(missing)
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["submitted_at", "updated_at"])
    return locked


# --- consensus -------------------------------------------------------------------------------


@transaction.atomic
def round_settle(
    *, round: DoubleCodingRound, actor, sources: dict[int, Entry], fields: dict[int, Entry]
) -> DoubleCodingRound:
    """Write the consensus as the case's coding (through `case_write`) and close the round.

    Only once both codings are submitted, by one of the two coders; every source and
    field needs a value or 'niet te bepalen' (with a rationale when the case is in
    review); 'tekstbewijs' needs an anchored passage of the case for that coding.
    """
    locked = DoubleCodingRound.objects.select_for_update().get(pk=round.pk)
    if actor.pk not in (locked.requested_by_id, locked.second_coder_id):
        raise PermissionDenied(_("Alleen de twee codeerders leggen de consensus vast."))
    if closed := round_closed(locked):
        raise RoundRefused(closed)
    if locked.codings.unsubmitted().exists():
        raise RoundRefused(
            _("Beide onafhankelijke coderingen moeten ingediend zijn voor de consensus.")
        )
    case = Case.objects.select_for_update().get(pk=locked.case_id)
    all_sources = list(Source.objects.all())
    all_fields = list(TensionField.objects.all())
    anchored = {
        ("source", row.source_id) if row.source_id else ("field", row.tension_field_id)
        for row in CodingEvidence.objects.filter(case=case).anchored()
    }
    problems = []
    for source in all_sources:
        entry = sources.get(source.pk, Entry())
        problems += entry_problems(entry, name=source.name, scale="strength") or (
            _consensus_gaps(entry, source.name, case, cited=("source", source.pk) in anchored)
        )
    for field in all_fields:
        entry = fields.get(field.pk, Entry())
        problems += entry_problems(entry, name=field.name, scale="position") or (
            _consensus_gaps(entry, field.name, case, cited=("field", field.pk) in anchored)
        )
    if problems:
        raise RoundRefused(problems)
    stored_sources = {c.source_id: c for c in SourceCoding.objects.filter(case=case)}
    stored_fields = {p.tension_field_id: p for p in TensionPosition.objects.filter(case=case)}
    saved_sources, saved_fields = [], []
    for source in all_sources:
        entry = sources[source.pk]
        row = stored_sources.get(source.pk) or SourceCoding(case=case, source=source)
        row.strength = entry.value if entry.grounds != Grounds.UNDETERMINED else None
        saved_sources.append(_consensus_row(row, entry))
    for field in all_fields:
        entry = fields[field.pk]
        row = stored_fields.get(field.pk) or TensionPosition(case=case, tension_field=field)
        determined = entry.grounds != Grounds.UNDETERMINED
        row.position = entry.value if determined and not entry.holds_both else None
        row.holds_both = bool(determined and entry.holds_both)
        saved_fields.append(_consensus_row(row, entry))
    locked.settled_at = timezone.now()
    locked.settled_by = actor
    locked.save(update_fields=["settled_at", "settled_by"])
    case_write(
        case=case,
        codings=Rows(save=saved_sources),
        positions=Rows(save=saved_fields),
        actor=actor,
        comment=_(
            "Consensus van de dubbele codering nr. %(number)d (gevraagd op %(date)s, gecodeerd door %(first)s en %(second)s)."
        )
        % {
            "number": locked.pk,
            "date": timezone.localtime(locked.created_at).strftime("%d-%m-%Y"),
            "first": shown_name(locked.requested_by),
            "second": shown_name(locked.second_coder),
        },
    )
    return locked


def _consensus_gaps(entry: Entry, name: str, case: Case, *, cited: bool) -> list[str]:
    if not entry.grounds:
        return [
            _("%(name)s: de consensus heeft een waarde of ‘niet te bepalen’ nodig.")
            % {"name": name}
        ]
    if lacks_evidence(entry.grounds, cited=cited):
        return [
            _(
                "%(name)s: ‘tekstbewijs’ vraagt een verankerde passage voor deze codering in de praktijk; kies ‘interpretatie’ of voeg eerst tekstbewijs toe."
            )
            % {"name": name}
        ]
    if refusal := rationale_refusal(
        grounds=entry.grounds, rationale=entry.rationale, status=case.status
    ):
        return [f"{name}: {refusal}"]
    return []


def _consensus_row(row, entry: Entry):
    row.grounds, row.rationale, row.evidence_orphaned = (
        entry.grounds,
        entry.rationale.strip(),
        False,
    )
    return row


# --- reading a round -------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One source or tension field in both independent codings: the two judgements and whether they agree."""

    kind: str  # "source" or "field"
    item: object  # the Source or TensionField
    first: object | None
    second: object | None

    @property
    def agree(self) -> bool:
        return (
            self.first is not None
            and self.second is not None
            and agreement_category(self.first) == agreement_category(self.second)
        )


def agreement_category(row) -> str:
    """What two codings must share to agree: the value, 'houdt beide polen vast' or 'niet te bepalen' (not the grounds otherwise)."""
    if row.grounds == Grounds.UNDETERMINED:
        return "niet_te_bepalen"
    if getattr(row, "holds_both", False):
        return "beide_polen"
    return str(row.strength if hasattr(row, "strength") else row.position)


def comparison(round: DoubleCodingRound) -> list[Comparison]:
    """Both independent codings side by side, per source then per tension field (a handful of queries)."""
    codings = list(round.codings.prefetch_related("sources", "positions").order_by("pk"))
    by_coder = {coding.coder_id: coding for coding in codings}
    first, second = by_coder.get(round.requested_by_id), by_coder.get(round.second_coder_id)

    def rows(coding, attr, key):
        return {getattr(row, key): row for row in getattr(coding, attr).all()} if coding else {}

    first_sources, second_sources = (
        rows(first, "sources", "source_id"),
        rows(second, "sources", "source_id"),
    )
    first_fields = rows(first, "positions", "tension_field_id")
    second_fields = rows(second, "positions", "tension_field_id")
    return [
        Comparison("source", s, first_sources.get(s.pk), second_sources.get(s.pk))
        for s in Source.objects.all()
    ] + [
        Comparison("field", f, first_fields.get(f.pk), second_fields.get(f.pk))
        for f in TensionField.objects.all()
    ]


def consensus_initial(rows: list[Comparison]) -> dict:
    """The consensus form's start: where the two agree, their value (grounds too when they share them) and rationale."""
    initial = {}
    for row in rows:
        if not row.agree:
            continue
        prefix = f"bron-{row.item.key}" if row.kind == "source" else f"veld-{row.item.key}"
        if row.first.grounds == row.second.grounds:
            initial[f"{prefix}-grond"] = row.first.grounds
        if row.kind == "source":
            initial[f"{prefix}-waarde"] = row.first.strength
        else:
            initial[f"{prefix}-waarde"] = row.first.position
            initial[f"{prefix}-beide"] = row.first.holds_both
        rationales = [r.rationale.strip() for r in (row.first, row.second) if r.rationale.strip()]
        initial[f"{prefix}-onderbouwing"] = "\n\n".join(dict.fromkeys(rationales))
    return initial
