"""How a data release is cited: the DieGem team's dataset, numbered, dated by its cut.

The release page (`diegem.release_views.release_detail`) shows it with
`templates/includes/cite.html`; `/data/versies/<n>/citeer.<bib|ris|json>`
(`release_views.release_cite`) answers it through `release_cite_download`.
"""

from __future__ import annotations

import datetime

from django.http import HttpResponse

from cases.case_citation import PUBLISHER, SITE_NAME, TEAM
from diegem.lib.citation import Citation, Kind, citation_download


def release_citation(*, title: str, number: int | str, date: datetime.date, url: str) -> Citation:
    """The citation of release `number` titled `title`, cut on `date`, at `url` (absolute)."""
    return Citation(
        key=f"diegem-versie-{number}",
        kind=Kind.DATASET,
        title=title,
        authors=(TEAM,),
        container=SITE_NAME,
        publisher=PUBLISHER,
        issued=date,
        version=str(number),
        url=url,
    )


def release_cite_download(citation: Citation, fmt: str) -> HttpResponse:
    """The release's citation as a file (`fmt`: bib, ris or json), named `diegem-versie-<n>.<fmt>`."""
    return citation_download(citation, fmt, citation.key)
