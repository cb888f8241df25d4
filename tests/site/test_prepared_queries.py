"""A query built the same way on every request is compiled once per process and run with
each request's values (`diegem.lib.prepared.PreparedQuery`): the same rows as the queryset."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.db.models.expressions import RawSQL

from annotations.models import Annotation
from diegem.lib.prepared import PreparedQuery
from tests.factories import make_annotation, make_member

pytestmark = pytest.mark.django_db


def notes_by(author_id: int):
    return (
        get_user_model()
        .objects.filter(pk=author_id)
        .annotate(notes=Count("annotations"))
        .values("username", "notes")
    )


def test_each_value_gets_its_own_rows_from_one_compilation(framework, organisation_a):
    built = []

    def build(author_id):
        built.append(author_id)
        return notes_by(author_id)

    prepared = PreparedQuery(build)
    amal = make_member(organisation_a, username="amal")
    bert = make_member(organisation_a, username="bert")
    for _ in range(2):
        make_annotation(author=amal)
    expected = {
        amal.pk: [{"username": "amal", "notes": 2}],
        bert.pk: [{"username": "bert", "notes": 0}],
        -1: [],
    }
    for user_id, rows in expected.items():
        assert prepared.rows(author_id=user_id) == rows == list(notes_by(user_id))
    assert len(built) == 1  # built and compiled once, with a stand-in
    assert Annotation.objects.count() == 2


def test_a_value_the_query_does_not_pass_as_a_parameter_is_refused(framework):
    # Written into the SQL itself: no parameter to put the real value in.
    prepared = PreparedQuery(
        lambda author_id: (
            get_user_model().objects.annotate(n=RawSQL(str(author_id), [])).values("n")
        )
    )
    with pytest.raises(ValueError, match="author_id"):
        prepared.rows(author_id=3)
