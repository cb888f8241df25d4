"""The models and the migrations agree, and a database of an earlier release migrates without losing anything."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from annotations.models import Annotation
from cases.models import Grounds, SourceCoding
from cases.vocabulary import SearchTerm
from diegem.lib.models import ContentVersion, RequestLimit, SeedRecord
from diegem.lib.search import parse_query
from tests.factories import cite, ensure_framework, make_case, make_user


@pytest.mark.django_db
def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


BEFORE_THE_SEARCH_MOVED = [
    ("annotations", "0004_echo_section"),
    ("cases", "0006_coding_grounds"),
    ("frameworks", "0005_thinkers_label"),
]


def indexes(*names: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [list(names)]
        )
        return dict(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_search_moved_keeps_its_words_and_indexes(framework):
    """Issue 9's database: the vocabulary stays (only its app changes), the GIN indexes are those it had,
    and its annotations get their generated search vector."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE_THE_SEARCH_MOVED)
        old = MigrationExecutor(connection).loader.project_state(BEFORE_THE_SEARCH_MOVED).apps
        old.get_model("frameworks", "SearchTerm").objects.create(word="ontmoeting", frequency=7)
        section = old.get_model("frameworks", "Section").objects.get(key="ontmoeting")
        old.get_model("annotations", "Annotation").objects.create(
            section=section,
            quote_exact="Ontmoeting",
            position_start=0,
            position_end=10,
            text_revision="r",
            voice="denker",
            kind="associatie",
            body="Een café als huiskamer.",
            body_html="",
            submitted_at=timezone.now(),
            status="approved",
        )
        MigrationExecutor(connection).migrate(leaves)
    finally:
        MigrationExecutor(connection).migrate(leaves)
    assert list(SearchTerm.objects.values_list("word", "frequency")) == [("ontmoeting", 7)]
    assert [note.body for note in Annotation.objects.public().search(parse_query("cafe"))] == [
        "Een café als huiskamer."
    ]
    assert indexes(
        "searchterm_word_trgm", "case_search_vector_gin", "annotation_search_vector_gin"
    ) == {
        "searchterm_word_trgm": "CREATE INDEX searchterm_word_trgm ON public.frameworks_searchterm USING gin (word gin_trgm_ops)",
        "case_search_vector_gin": "CREATE INDEX case_search_vector_gin ON public.cases_case USING gin (search_vector)",
        "annotation_search_vector_gin": (
            "CREATE INDEX annotation_search_vector_gin ON public.annotations_annotation USING gin (search_vector)"
        ),
    }


# Where the mechanisms' models lived before issue 10 moved them to diegem/lib (app "sitelib").
BEFORE_THE_MOVE = [
    ("frameworks", "0005_thinkers_label"),
    ("diegem", "0002_seed_record"),
    ("contenttypes", "0002_remove_content_type_name"),
]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_rows_and_permissions():
    _migrate([("sitelib", None)])  # back to issue 9: the models in frameworks and diegem
    old = MigrationExecutor(connection).loader.project_state(BEFORE_THE_MOVE).apps
    old.get_model("frameworks", "ContentVersion").objects.update_or_create(
        pk=1, defaults={"counter": 4242}
    )
    old.get_model("diegem", "SeedRecord").objects.create(
        key="cases.case:torekes", wanted="a" * 64, written="b" * 64
    )
    old.get_model("diegem", "RequestLimit").objects.create(
        key="k" * 64, uses=[1.0], expires_at=timezone.now()
    )
    OldContentType = old.get_model("contenttypes", "ContentType")
    assert set(
        OldContentType.objects.filter(
            model__in=["contentversion", "seedrecord", "requestlimit"]
        ).values_list("app_label", "model")
    ) == {("frameworks", "contentversion"), ("diegem", "seedrecord"), ("diegem", "requestlimit")}
    permissions = Permission.objects.filter(
        codename__in=["view_seedrecord", "view_requestlimit", "view_contentversion"]
    )
    assert permissions.count() == 3
    Group.objects.create(name="Controle").permissions.set(permissions)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    ContentType.objects.clear_cache()
    assert ContentVersion.objects.get(pk=1).counter == 4242
    assert SeedRecord.objects.get(key="cases.case:torekes").written == "b" * 64
    assert RequestLimit.objects.get(key="k" * 64).uses == [1.0]
    assert set(
        ContentType.objects.filter(
            model__in=["contentversion", "seedrecord", "requestlimit"]
        ).values_list("app_label", "model")
    ) == {("sitelib", "contentversion"), ("sitelib", "seedrecord"), ("sitelib", "requestlimit")}
    auditor = make_user("controleur", groups=("Controle",), is_staff=True)
    assert {
        perm
        for perm in auditor.get_all_permissions()
        if perm.startswith(("sitelib.", "diegem.", "frameworks."))
    } == {
        "sitelib.view_seedrecord",
        "sitelib.view_requestlimit",
        "sitelib.view_contentversion",
    }


@pytest.mark.django_db(transaction=True)
def test_the_grounds_migration_goes_back_without_the_codings_the_old_schema_cannot_hold():
    """`migrate cases 0005` on a database with codings that cannot be told, and forward again."""
    ensure_framework()
    case = make_case(
        slug="buurtkeuken",
        practice="Buren koken samen in het buurthuis.\n\nZe voeren actie tegen de sluiting van het zwembad.",
        strengths={"ontmoeting": 2, "strijd": 3},
        positions={"afstand-nabijheid": "both", "economisch-cultureel": -1},
        grounds={
            "normen-en-waarden": Grounds.UNDETERMINED,
            "strijd": Grounds.EVIDENCE,
            "consensus-conflict": Grounds.UNDETERMINED,
        },
    )
    cite(case, "strijd", "Ze voeren actie")
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("cases", "0005_field_messages")])
        old = (
            MigrationExecutor(connection)
            .loader.project_state([("cases", "0005_field_messages")])
            .apps
        )
        strengths = old.get_model("cases", "SourceCoding").objects.filter(case_id=case.pk)
        assert sorted(strengths.values_list("source__key", "strength")) == [
            ("ontmoeting", 2),
            ("strijd", 3),
            ("wederzijdse-afhankelijkheid", 1),
        ]
        positions = old.get_model("cases", "TensionPosition").objects.filter(case_id=case.pk)
        assert sorted(positions.values_list("tension_field__key", "position", "holds_both")) == [
            ("afstand-nabijheid", None, True),
            ("economisch-cultureel", -1, False),
            ("integratie-transformatie", 0, False),
            ("onderhandelbaar-niet-onderhandelbaar", 0, False),
            ("universeel-particularistisch", 0, False),
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    # Forward again: the coding with an anchored passage rests on evidence, the others are interpretations.
    assert sorted(SourceCoding.objects.filter(case=case).values_list("source__key", "grounds")) == [
        ("ontmoeting", "interpretatie"),
        ("strijd", "tekstbewijs"),
        ("wederzijdse-afhankelijkheid", "interpretatie"),
    ]
