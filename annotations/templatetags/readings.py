"""Template tags through which pages of other apps show readings of a coding (`{% load readings %}`).

`cases` does not import this app: the case page and the researchers' dashboard
load these tags instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import template
from django.urls import reverse

from annotations import reading_proposals as proposals
from annotations.services import may_annotate

register = template.Library()


@dataclass(frozen=True)
class ReadingRights:
    """What this reader may do with a case's readings: propose one (members), answer (researchers)."""

    can_propose: bool = False
    can_answer: bool = False


@dataclass
class CaseReadings:
    """A case's public readings per item key, and what this reader may do with them."""

    case: object
    by_item: dict = field(default_factory=dict)
    can_propose: bool = False
    can_answer: bool = False


@register.simple_tag(takes_context=True)
def reading_rights(context, margin=None) -> ReadingRights:
    """`margin`, the case's texts with their margins (`case_margin`), already knows whether
    this reader may write (members may propose readings too)."""
    user = context["request"].user
    return ReadingRights(
        can_propose=margin[0].can_annotate if margin else may_annotate(user),
        can_answer=proposals.may_answer_readings(user),
    )


@register.simple_tag
def case_readings(case, rights: ReadingRights) -> CaseReadings:
    """Every public reading of the case, in one query; none for a case that is not public."""
    if not case.is_public:
        return CaseReadings(case=case)
    return CaseReadings(
        case=case,
        by_item=proposals.readings_by_item(case),
        can_propose=rights.can_propose,
        can_answer=rights.can_answer,
    )


@register.inclusion_tag("annotations/includes/coding_readings.html")
def coding_readings(readings: CaseReadings, item) -> dict:
    """Beside one coding: its readings summarised and expandable, and the way to propose one."""
    case = readings.case
    return {
        "item": item,
        "entry": readings.by_item.get(item.key),
        "can_answer": readings.can_answer,
        "propose_url": (
            reverse("reading-new", args=[case.slug, item.key]) if readings.can_propose else ""
        ),
    }


@register.inclusion_tag("annotations/includes/readings_awaiting.html", takes_context=True)
def readings_awaiting_answer(context) -> dict:
    """The researchers' list of public readings that no researcher answered yet."""
    return {"readings": list(proposals.awaiting_answer(context["request"].user)[:50])}
