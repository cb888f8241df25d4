"""A note is searched with the stemmer of the language it is written in, and the passage it is
on with its text's: a French note is found by another form of a French word from a French
page; a Dutch note as before."""

import pytest
from django.urls import reverse

from tests.factories import make_annotation
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


def found_notes(client, prefix: str, q: str) -> list[str]:
    response = client.get(prefix + reverse("search"), {"q": q})
    assert response.status_code == 200
    return texts(parse(response), "//section[@aria-labelledby='annotation-results-title']//p[2]")


@pytest.fixture
def notes(framework):
    make_annotation(body="Un citoyen engagé dans son quartier.", original_language="fr")
    make_annotation(body="De buren aten samen in de wijkraad.", original_language="nl")
    make_annotation(
        body="Les voisins mangeaient en secret.", original_language="fr", status="pending"
    )


@pytest.mark.parametrize(
    ("prefix", "query", "expected"),
    [
        # "citoyens" finds "citoyen" by its French stem; the Dutch stemmer would have cut the
        # note's word to "citoy", which no query for "citoyens" reaches.
        ("/fr", "citoyens", ["Un citoyen engagé dans son quartier."]),
        ("/fr", "quartiers", ["Un citoyen engagé dans son quartier."]),
        ("", "wijkraad", ["De buren aten samen in de wijkraad."]),
        ("/fr", "wijkraad", ["De buren aten samen in de wijkraad."]),
    ],
)
def test_a_note_is_searched_in_its_own_language(client, notes, prefix, query, expected):
    assert found_notes(client, prefix, query) == expected
