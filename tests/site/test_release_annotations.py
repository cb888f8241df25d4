"""A release's kanttekeningen.jsonld: the whole public W3C collection in one document, as the paged API gives it."""

import json

import pytest

from diegem.data_releases import release_cut
from tests.factories import make_annotation, make_case, make_member
from tests.site.release_helpers import members

pytestmark = pytest.mark.django_db


def test_the_collection_is_one_document_with_the_items_of_the_paged_api(
    client, framework, settings
):
    settings.SITE_URL = "http://testserver"
    case = make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    author = make_member()
    first = make_annotation(target=case, author=author, body="Eerste kanttekening.")
    second = make_annotation(author=author, body="Over het kader.")
    make_annotation(target=case, author=author, status="pending", body="Wachtend.")
    document = json.loads(
        members(bytes(release_cut(title="Eerste").archive))["kanttekeningen.jsonld"]
    )
    assert document["type"] == "AnnotationCollection"
    assert document["id"] == "http://testserver/api/kanttekeningen/"
    assert document["total"] == 2
    assert document["first"]["type"] == "AnnotationPage"
    # A page has one IRI and says which collection it is part of (W3C data model, 5.2).
    assert document["first"]["id"] == "http://testserver/api/kanttekeningen/#alles"
    assert document["first"]["partOf"] == document["id"]
    assert [item["id"] for item in document["first"]["items"]] == [
        f"http://testserver/api/kanttekeningen/{first.pk}/",
        f"http://testserver/api/kanttekeningen/{second.pk}/",
    ]
    paged = client.get("/api/kanttekeningen/?pagina=1").json()
    assert document["first"]["items"] == paged["items"]


def test_an_empty_collection_is_valid_json(framework):
    make_case()
    document = json.loads(
        members(bytes(release_cut(title="Eerste").archive))["kanttekeningen.jsonld"]
    )
    assert (document["total"], document["first"]["items"]) == (0, [])
    assert document["first"]["partOf"] == document["id"]
