"""The public side of citable releases: a release's page and its frozen ZIP.

Releases are public once cut (they hold only published data). A download
answers the stored bytes as they are, with their SHA-256 as ETag and a long,
immutable cache lifetime: they never change.
"""

from __future__ import annotations

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from diegem.data_releases import PUBLISHER
from diegem.lib.conditional import etag_held
from diegem.lib.languages import in_dutch
from diegem.release_citation import release_citation, release_cite_download
from diegem.releases import Release

ONE_YEAR = 365 * 24 * 60 * 60


def _citation(release: Release):
    """The reference to a release: the DieGem team's dataset, numbered, dated by its cut."""
    return release_citation(
        title=f"{PUBLISHER}: {release.title}",
        number=release.number,
        date=timezone.localtime(release.cut_at).date(),
        url=settings.SITE_URL + in_dutch(release.get_absolute_url)(),  # as its CITATION.cff
    )


@require_safe
def release_detail(request: HttpRequest, number: int) -> HttpResponse:
    """One release: title, date, contents with sizes, checksum, download and its changelog (escaped)."""
    release = get_object_or_404(Release.objects.listed(), number=number)
    return render(
        request,
        "diegem/release_detail.html",
        {
            "release": release,
            "contents": [(name, size) for name, size in release.contents],
            "citation": _citation(release),
        },
    )


@require_safe
def release_cite(request: HttpRequest, number: int, fmt: str) -> HttpResponse:
    """The release's reference as BibTeX, RIS or CSL-JSON."""
    release = get_object_or_404(Release.objects.listed(), number=number)
    return release_cite_download(_citation(release), fmt)


@require_safe
def release_download(request: HttpRequest, number: int, file_number: int) -> HttpResponse:
    """The release's ZIP, byte for byte as it was cut, streamed a part at a time (HEAD without
    reading the archive)."""
    if number != file_number:
        raise Http404("Onbekende versie")
    release = get_object_or_404(
        Release.objects.only("number", "sha256").with_archive_length(), number=number
    )
    etag = quote_etag(release.sha256)
    if etag_held(request, etag):
        response = HttpResponseNotModified()
    elif request.method == "HEAD":
        response = HttpResponse(content_type="application/zip")
        response["Content-Length"] = str(release.archive_length)
    else:
        response = StreamingHttpResponse(
            Release.objects.archive_parts(release), content_type="application/zip"
        )
        response["Content-Length"] = str(release.archive_length)  # what it holds, however named
    response["ETag"] = etag
    response["Content-Disposition"] = f'attachment; filename="{release.filename}"'
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response["Access-Control-Allow-Origin"] = "*"
    return response
