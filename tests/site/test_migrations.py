"""The models and the migrations agree."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.models import Grounds, SourceCoding
from tests.cases.test_grounds_exchange import cite
from tests.factories import ensure_framework, make_case


@pytest.mark.django_db
def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_grounds_migration_goes_back_without_the_codings_the_old_schema_cannot_hold():
    """`migrate cases 0005` on a database with codings that cannot be told, and forward again."""
    ensure_framework()
    case = make_case(
        slug="buurtkeuken",
        practice="Buren koken samen in het buurthuis.\n\nZe voeren actie tegen de sluiting van het zwembad.",
        strengths={"ontmoeting": 2, "strijd": 3},
        positions={"afstand-nabijheid": "both", "economisch-cultureel": -1},
        grounds={"normen-en-waarden": Grounds.UNDETERMINED, "strijd": Grounds.EVIDENCE, "consensus-conflict": Grounds.UNDETERMINED},
    )
    cite(case, "strijd", "Ze voeren actie")
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("cases", "0005_field_messages")])
        old = MigrationExecutor(connection).loader.project_state([("cases", "0005_field_messages")]).apps
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
