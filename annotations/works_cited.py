"""The works the margins cite, for the bibliography (`/literatuur/`) and a work's own page.

A thinker's or a planner's note names the work it summarises (`attribution`); a work is cited at
each framework section or case text section where such a note stands public. The bibliography
shows every work with its first places and how many there are; a work cited at more places has a
page listing them all, a page at a time. Both read their places in one query, however many notes
cite a work (`AnnotationQuerySet.cited_places`).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.urls import reverse

from annotations.models import PLACE_ORDER, Annotation, Voice

# The places shown under a work in the bibliography; the rest are on the work's page.
PLACES_SHOWN = 10
# The places on a page of a work's own list.
PLACES_PER_PAGE = 50
# The query parameters of a work's page: the voice citing it and the work as its notes name it.
VOICE_PARAMETER, WORK_PARAMETER = "stem", "werk"


@dataclass
class Work:
    voice: str
    attribution: str
    place_count: int
    places: list[Annotation]

    @property
    def url(self) -> str:
        """The work's own page, with every place it is cited."""
        query = urlencode({VOICE_PARAMETER: self.voice, WORK_PARAMETER: self.attribution})
        return f"{reverse('bibliography-work')}?{query}"

    @property
    def more(self) -> int:
        """The places not shown under it in the bibliography."""
        return self.place_count - len(self.places)


def works_cited() -> dict[str, list[Work]]:
    """Per voice (thinker, planner), each work cited, by name, with its first `PLACES_SHOWN`
    places and the number of them all."""
    partition = [F("voice"), F("attribution")]
    # Ranked over their ids alone (a row with the case's texts is kilobytes wide), then read.
    ranked = dict(
        Annotation.objects.cited_places()
        .annotate(
            place_rank=Window(RowNumber(), partition_by=partition, order_by=PLACE_ORDER),
            place_count=Window(Count("pk"), partition_by=partition),
        )
        .filter(place_rank__lte=PLACES_SHOWN)
        .values_list("pk", "place_count")
    )
    # Read again as cited: a note hidden, edited or taken offline with its case since the ranking
    # is left off (the ranking and this read are two statements, each with its own snapshot).
    places = (
        Annotation.objects.cited()
        .filter(pk__in=ranked)
        .select_related("case", "section")
        .order_by(*PLACE_ORDER)  # each work's places in reading order
    )
    works: dict[str, dict[str, Work]] = {Voice.THINKER: {}, Voice.PLANNER: {}}
    for place in places:
        work = works[place.voice].get(place.attribution)
        if work is None:
            work = Work(place.voice, place.attribution, ranked[place.pk], [])
            works[place.voice][place.attribution] = work
        work.places.append(place)
    return {voice: [by_name[name] for name in sorted(by_name)] for voice, by_name in works.items()}


def work_places(voice: str, attribution: str, page_number: str | None) -> tuple[Work, Page]:
    """A work with a page of its places; Http404 when no public note by this voice cites it."""
    if voice not in (Voice.THINKER, Voice.PLANNER) or not attribution:
        raise Http404
    places = (
        Annotation.objects.filter(voice=voice, attribution=attribution)
        .cited_places()
        .values_list("pk", flat=True)
    )
    page = Paginator(places, PLACES_PER_PAGE).get_page(page_number)
    if not page.paginator.count:
        raise Http404
    # Paged over their ids alone, as in `works_cited`, then read.
    page.object_list = list(
        Annotation.objects.cited()
        .filter(voice=voice, attribution=attribution, pk__in=list(page.object_list))
        .select_related("case", "section")
        .order_by(*PLACE_ORDER)
    )
    return Work(voice, attribution, page.paginator.count, page.object_list), page
