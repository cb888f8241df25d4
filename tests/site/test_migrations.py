"""The models and the migrations agree."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from annotations.models import Annotation
from cases.vocabulary import SearchTerm
from diegem.lib.search import parse_query


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
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [list(names)])
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
            section=section, quote_exact="Ontmoeting", position_start=0, position_end=10, text_revision="r",
            voice="denker", kind="associatie", body="Een café als huiskamer.", body_html="", submitted_at=timezone.now(),
            status="approved",
        )
        MigrationExecutor(connection).migrate(leaves)
    finally:
        MigrationExecutor(connection).migrate(leaves)
    assert list(SearchTerm.objects.values_list("word", "frequency")) == [("ontmoeting", 7)]
    assert [note.body for note in Annotation.objects.public().search(parse_query("cafe"))] == ["Een café als huiskamer."]
    assert indexes("searchterm_word_trgm", "case_search_vector_gin", "annotation_search_vector_gin") == {
        "searchterm_word_trgm": "CREATE INDEX searchterm_word_trgm ON public.frameworks_searchterm USING gin (word gin_trgm_ops)",
        "case_search_vector_gin": "CREATE INDEX case_search_vector_gin ON public.cases_case USING gin (search_vector)",
        "annotation_search_vector_gin": (
            "CREATE INDEX annotation_search_vector_gin ON public.annotations_annotation USING gin (search_vector)"
        ),
    }
