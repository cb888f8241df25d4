"""Helpers for the double-coding tests: a colleague, a round, and complete judgements."""

from django.utils import timezone

from cases.double_coding_rounds import Entry, coding_save, coding_submit, round_request
from cases.models import Case, Grounds
from cases.roles import RESEARCHERS_GROUP
from frameworks.models import Source, TensionField
from tests.factories import make_user

# Written in the first coder's (the case's own) rationales: it must never reach the blind coder.
FIRST_MARKER = "EERSTE-CODEERDER-GEHEIM-7f3a"


def make_colleague(username: str = "collega", **fields):
    return make_user(
        username,
        groups=(RESEARCHERS_GROUP,),
        is_staff=True,
        first_name=fields.pop("first_name", "Cas"),
        last_name=fields.pop("last_name", "Collega"),
        **fields,
    )


def everything(strength: int = 1, position: int | str = 0, rationale: str = "Waarom.", **by_key):
    """Complete judgements for every source and field: (sources, fields) by pk, for the services.

    `by_key` sets one source or field: a number, "both", or "undetermined".
    """

    def entry(key, default, scale):
        value = by_key.get(key, default)
        if value == "undetermined":
            return Entry(grounds=Grounds.UNDETERMINED, rationale=rationale)
        if value == "both":
            return Entry(grounds=Grounds.INTERPRETATION, holds_both=True, rationale=rationale)
        return Entry(grounds=Grounds.INTERPRETATION, value=value, rationale=rationale)

    return (
        {s.pk: entry(s.key, strength, "strength") for s in Source.objects.all()},
        {f.pk: entry(f.key, position, "position") for f in TensionField.objects.all()},
    )


def code_and_submit(coding, coder, **values) -> None:
    sources, fields = everything(**values)
    coding_save(coding=coding, actor=coder, sources=sources, fields=fields)
    coding_submit(coding=coding, actor=coder)


def publish(case) -> None:
    """The case goes public as after its consensus (the workflow is tested elsewhere): its round counts."""
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.PUBLISHED, published_at=timezone.now()
    )


def open_round(case, requester, colleague):
    round_ = round_request(case=case, requested_by=requester, second_coder=colleague)
    first = round_.codings.get(coder=requester)
    second = round_.codings.get(coder=colleague)
    return round_, first, second
