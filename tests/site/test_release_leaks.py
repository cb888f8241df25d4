"""Nothing unpublished reaches any member of a release: no draft case, no pending or rejected note."""

import pytest

from cases.models import Case
from diegem.data_releases import release_cut
from tests.factories import make_annotation, make_case, make_member
from tests.site.release_helpers import members

pytestmark = pytest.mark.django_db


def test_no_draft_and_no_unapproved_annotation_in_any_member(framework):
    public = make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    draft = make_case(
        title="GEHEIM-CONCEPT-TITEL",
        slug="geheim-concept",
        summary="GEHEIM-CONCEPT-SAMENVATTING",
        status=Case.Status.DRAFT,
    )
    in_review = make_case(
        title="GEHEIM-NALEZING", slug="geheim-nalezing", status=Case.Status.IN_REVIEW
    )
    author = make_member()
    make_annotation(target=public, author=author, body="OPENBARE-KANTTEKENING")
    make_annotation(target=public, author=author, status="pending", body="GEHEIM-WACHTEND")
    make_annotation(target=public, author=author, status="rejected", body="GEHEIM-AFGEWEZEN")
    make_annotation(target=public, author=author, status="hidden", body="GEHEIM-VERBORGEN")
    make_annotation(target=draft, author=author, body="GEHEIM-OP-CONCEPT")
    make_annotation(target=in_review, author=author, body="GEHEIM-OP-NALEZING")
    files = members(bytes(release_cut(title="Eerste").archive))
    assert b"OPENBARE-KANTTEKENING" in files["kanttekeningen.jsonld"]
    assert b"Buurtrestaurant De Tafel" in files["praktijken.csv"]
    for name, content in files.items():
        for marker in [b"GEHEIM", b"geheim-concept", b"geheim-nalezing"]:
            assert marker not in content, (name, marker)
    # The XLSX and QDPX members are ZIPs themselves: look inside.
    assert b"OPENBARE-KANTTEKENING" in members(files["praktijken.qdpx"])["project.qde"]
    for name in ["praktijken.xlsx", "praktijken-lang.xlsx", "praktijken.qdpx"]:
        for inner, content in members(files[name]).items():
            assert b"GEHEIM" not in content, (name, inner)
