"""How a data release is cited: the DieGem team's dataset, numbered, dated by its cut.

For the release pages (`/data/versies/<n>/`): build the citation with
`release_citation`, show it with `templates/includes/cite.html` and answer
`/data/versies/<n>/citeer.<bib|ris|json>` with `release_cite_download`:

    # diegem/urls.py
    path("data/versies/<int:number>/citeer.<citeformat:fmt>", cached(views.release_cite),
         name="release-cite"),

    # the view
    @require_safe
    def release_cite(request, number, fmt):
        release = get_object_or_404(Release.objects.all(), number=number)
        return release_cite_download(release_citation(
            title=release.title, number=release.number, date=release.cut_date,
            url=request.build_absolute_uri(release.get_absolute_url())), fmt)

    # the release page's view passes `citation` (the same call); its template:
    {% url 'release-cite' release.number 'bib' as bib_url %}…
    {% include "includes/cite.html" with citation=citation bib_url=bib_url ris_url=ris_url json_url=json_url %}
    # and loads static/js/copy_link.js (with the nonce) for the copy button.
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
