"""Downloads of the bank as a REFI-QDA project (`annotations.qdpx_project`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from annotations import qdpx_project


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=qdpx_project.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def export_project(request: HttpRequest) -> HttpResponse:
    """The published cases and public annotations as a QDPX project (`/data/praktijken.qdpx`)."""
    response = _download(qdpx_project.published_project_bytes(), qdpx_project.FILENAME)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def export_draft_project(request: HttpRequest) -> HttpResponse:
    """A researcher's QDPX project with drafts, from the workbench.

    Behind the admin's login (`admin_view` in diegem/urls.py); `draft_export_cases`
    refuses anyone who may not edit cases (403). Never cached: it is one person's.
    """
    response = _download(
        qdpx_project.draft_project_bytes(request.user), "diegem-praktijken-met-concepten.qdpx"
    )
    response["Cache-Control"] = "private, no-store"
    return response
