"""Downloads of the bank as a REFI-QDA project (`annotations.qdpx_project`)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_safe

from annotations import qdpx_project
from diegem.lib.built_files import spooled


def _download(file, filename: str) -> FileResponse:
    return FileResponse(
        file, as_attachment=True, filename=filename, content_type=qdpx_project.CONTENT_TYPE
    )


@require_safe
def export_project(request: HttpRequest) -> FileResponse:
    """The published cases and public annotations as a QDPX project (`/data/praktijken.qdpx`).

    Built once per content version and served from disk (`published_project_file`): at
    10,000 cases the project takes more than a minute to build, far too long per request.
    """
    response = _download(qdpx_project.published_project_file(), qdpx_project.FILENAME)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def export_draft_project(request: HttpRequest) -> FileResponse:
    """A researcher's QDPX project with drafts, from the workbench.

    Behind the admin's login (`admin_view` in diegem/urls.py); `draft_export_cases`
    refuses anyone who may not edit cases (403). Never cached: it is one person's.
    Written into a spooled file (memory up to a limit, then disk) and streamed.
    """
    project = spooled(lambda out: qdpx_project.write_draft_project(out, request.user))
    response = _download(project, "diegem-praktijken-met-concepten.qdpx")
    response["Cache-Control"] = "private, no-store"
    return response
