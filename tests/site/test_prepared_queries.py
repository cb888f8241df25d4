"""A query built the same way on every request is compiled once per process, prepared once per
database connection and run with each request's values (`diegem.lib.prepared.PreparedQuery`):
the same rows, or model instances, as the queryset."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import DataError, connection, transaction
from django.db.models import BooleanField, Count, F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Left, Now
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.models import Annotation, Voice
from diegem.lib.prepared import PreparedQuery
from tests.factories import make_annotation, make_member, make_user

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


@pytest.mark.parametrize(
    "derived",
    [
        lambda user_id: f"user:{user_id}",  # a number in a string
        lambda key: f"{key}-suffix",  # a string in a string
    ],
)
def test_a_value_made_from_another_value_is_refused(framework, derived):
    # Each is used as itself too, so none is missing; the made one would be sent as a constant.
    [name] = derived.__code__.co_varnames

    def build(**values):
        [value] = values.values()
        itself = Q(pk=value) if isinstance(value, int) else Q(username=value)
        return get_user_model().objects.filter(itself | Q(username=derived(value))).values("pk")

    prepared = PreparedQuery(build)
    with pytest.raises(ValueError, match="Not every value"):
        prepared.rows(**{name: 3 if name == "user_id" else "lezer"})


# --- prepared once per connection ----------------------------------------------------------


def usernames_like_first_names(user_id):
    # `contains` against a column: the compiled SQL holds a literal '%' ('%%' for the driver).
    return (
        get_user_model()
        .objects.filter(pk__gte=user_id, username__contains=F("first_name"))
        .order_by("username")
        .values("username")
    )


def statements(queries) -> list[str]:
    return [query["sql"].split()[0] for query in queries]


def statements_of_a_run(prepared, user) -> list[str]:
    """`notes_by` run once for `user` (who wrote nothing): what it sent to the database."""
    with CaptureQueriesContext(connection) as queries:
        assert prepared.rows(author_id=user.pk) == [{"username": user.username, "notes": 0}]
    return statements(queries)


def test_prepared_and_run_in_one_round_trip_then_only_run(framework):
    make_user("annemie", first_name="mie")
    make_user("bert", first_name="x")
    prepared = PreparedQuery(usernames_like_first_names)
    with CaptureQueriesContext(connection) as first:
        rows = prepared.rows(user_id=0)
    with CaptureQueriesContext(connection) as second:
        again = prepared.rows(user_id=0)
    assert rows == again == [{"username": "annemie"}] == list(usernames_like_first_names(0))
    assert statements(first) == ["PREPARE"]  # PREPARE …; EXECUTE … in one query
    assert statements(second) == ["EXECUTE"]


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    prepared = PreparedQuery(notes_by)
    user = make_user("carla")
    assert prepared.rows(author_id=user.pk) == [{"username": "carla", "notes": 0}]
    connection.close()
    assert statements_of_a_run(prepared, user) == ["PREPARE"]


def test_a_statement_survives_a_rolled_back_transaction(framework):
    prepared = PreparedQuery(notes_by)
    user = make_user("dirk")
    with pytest.raises(RuntimeError), transaction.atomic():
        prepared.rows(author_id=user.pk)
        raise RuntimeError("rolled back")
    assert statements_of_a_run(prepared, user) == ["EXECUTE"]


def test_after_a_failure_the_next_run_prepares_under_a_new_name(framework):
    prepared = PreparedQuery(notes_by)
    user = make_user("els")
    with pytest.raises(DataError), transaction.atomic():
        prepared.rows(author_id=2**63)  # out of bigint's range: the EXECUTE fails
    assert statements_of_a_run(prepared, user) == ["PREPARE"]


def test_a_value_selected_alone_keeps_its_type(framework):
    # Untyped, PostgreSQL would give the string 'false' back, which a template takes for true.
    prepared = PreparedQuery(
        lambda user_id: (
            get_user_model()
            .objects.filter(pk=user_id)
            .annotate(flag=Value(False, output_field=BooleanField()), number=Value(7))
            .values("flag", "number")
        )
    )
    user = make_user("fien")
    assert prepared.rows(user_id=user.pk) == [{"flag": False, "number": 7}]


def test_text_values_are_parameters_too(framework):
    make_user("gert")
    prepared = PreparedQuery(
        lambda name: get_user_model().objects.filter(username=name).values("username")
    )
    assert prepared.rows(name="gert") == [{"username": "gert"}]
    assert prepared.rows(name="gert'; DROP TABLE auth_user; --") == []
    assert prepared.rows(name="gert") == [{"username": "gert"}]


def test_a_time_among_the_values_is_refused(framework):
    # Compiled once, it would stand still: compare with the database's clock instead.
    prepared = PreparedQuery(
        lambda user_id: get_user_model().objects.filter(pk=user_id, date_joined__lt=timezone.now())
    )
    with pytest.raises(ValueError, match="Now"):
        prepared.rows(user_id=1)


# --- model instances -----------------------------------------------------------------------


def test_instances_are_the_querysets_with_their_related_rows_and_annotations(
    framework, organisation_a
):
    amal = make_member(organisation_a, username="amal")
    notes = [make_annotation(author=amal, body=f"Noot {i}") for i in range(3)]

    def build(author_id):
        return (
            Annotation.objects.filter(author_id=author_id)
            .select_related("author", "organisation")
            .annotate(doubled=F("position_start") * 2)
            .order_by("pk")
        )

    prepared = PreparedQuery(build)
    prepared.instances(author_id=amal.pk)  # prepared
    with CaptureQueriesContext(connection) as queries:
        found = prepared.instances(author_id=amal.pk)
        seen = [
            (note.pk, note.body, note.author.username, note.organisation.name, note.doubled)
            for note in found
        ]
    expected = [
        (note.pk, note.body, "amal", organisation_a.name, note.position_start * 2) for note in notes
    ]
    assert seen == expected
    assert len(queries) == 1
    assert all(isinstance(note, Annotation) and note._state.db == "default" for note in found)


# --- what the ORM writes into a query keeps its meaning --------------------------------------


def initials(user_id):
    # SUBSTRING(username, 1, 1): the ORM's own constants, which the function wants as integer.
    return get_user_model().objects.filter(pk=user_id).annotate(i=Left("username", 1)).values("i")


def joined_recently(user_id):
    return (
        get_user_model()
        .objects.filter(pk=user_id, date_joined__gt=Now() - timedelta(days=1))
        .values("username")
    )


@pytest.mark.parametrize(
    ("build", "expected"),
    [(initials, [{"i": "z"}]), (joined_recently, [{"username": "zora"}])],
)
def test_the_orms_own_constants_keep_their_types(framework, build, expected):
    user = make_user("zora")
    assert list(build(user.pk)) == expected
    assert PreparedQuery(build).rows(user_id=user.pk) == expected


def test_a_text_choice_is_a_text_value(framework):
    make_annotation(voice=Voice.THINKER)
    prepared = PreparedQuery(lambda voice: Annotation.objects.filter(voice=voice).values("voice"))
    assert prepared.rows(voice=Voice.THINKER) == [{"voice": "denker"}]


@pytest.mark.parametrize("value", [None, True, 1.5])
def test_a_value_that_is_no_id_nor_text_is_refused(framework, value):
    # None would be bound to `= $1` and match nothing, where the ORM writes IS NULL.
    prepared = PreparedQuery(lambda parent: Annotation.objects.filter(parent_id=parent))
    with pytest.raises(TypeError, match="parent"):
        prepared.rows(parent=value)


@pytest.mark.django_db(transaction=True)
def test_a_column_changed_by_a_migration_is_prepared_anew():
    """What `migrate` may do while the app servers run: "cached plan must not change result
    type" for a statement prepared before. Outside a transaction (a page) it is prepared once
    more; inside one the error stands (the transaction is lost) and the next call prepares."""
    from diegem.lib.permissions import _USER

    user = make_user("yara", first_name="Y")
    assert _USER.instances(user_id=user.pk)[0].first_name == "Y"
    try:
        with connection.cursor() as cursor:
            cursor.execute('ALTER TABLE "auth_user" ALTER COLUMN "first_name" TYPE varchar(200)')
        with CaptureQueriesContext(connection) as queries:
            assert _USER.instances(user_id=user.pk)[0].first_name == "Y"
        assert statements(queries) == ["EXECUTE", "PREPARE"]  # failed, then prepared anew
    finally:
        with connection.cursor() as cursor:
            cursor.execute('ALTER TABLE "auth_user" ALTER COLUMN "first_name" TYPE varchar(150)')
        connection.close()  # the statements prepared on the wider column go with it
