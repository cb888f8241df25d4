"""The models and the migrations agree, and a database of an earlier release migrates without losing anything."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from diegem.lib.models import ContentVersion, RequestLimit, SeedRecord
from tests.factories import make_user


@pytest.mark.django_db
def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# Where the mechanisms' models lived before issue 10 moved them to diegem/lib (app "sitelib").
BEFORE_THE_MOVE = [("frameworks", "0005_thinkers_label"), ("diegem", "0002_seed_record"), ("contenttypes", "0002_remove_content_type_name")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_rows_and_permissions():
    _migrate([("sitelib", None)])  # back to issue 9: the models in frameworks and diegem
    old = MigrationExecutor(connection).loader.project_state(BEFORE_THE_MOVE).apps
    old.get_model("frameworks", "ContentVersion").objects.update_or_create(pk=1, defaults={"counter": 4242})
    old.get_model("diegem", "SeedRecord").objects.create(key="cases.case:torekes", wanted="a" * 64, written="b" * 64)
    old.get_model("diegem", "RequestLimit").objects.create(key="k" * 64, uses=[1.0], expires_at=timezone.now())
    OldContentType = old.get_model("contenttypes", "ContentType")
    assert set(OldContentType.objects.filter(model__in=["contentversion", "seedrecord", "requestlimit"]).values_list(
        "app_label", "model"
    )) == {("frameworks", "contentversion"), ("diegem", "seedrecord"), ("diegem", "requestlimit")}
    permissions = Permission.objects.filter(codename__in=["view_seedrecord", "view_requestlimit", "view_contentversion"])
    assert permissions.count() == 3
    Group.objects.create(name="Controle").permissions.set(permissions)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    ContentType.objects.clear_cache()
    assert ContentVersion.objects.get(pk=1).counter == 4242
    assert SeedRecord.objects.get(key="cases.case:torekes").written == "b" * 64
    assert RequestLimit.objects.get(key="k" * 64).uses == [1.0]
    assert set(ContentType.objects.filter(model__in=["contentversion", "seedrecord", "requestlimit"]).values_list(
        "app_label", "model"
    )) == {("sitelib", "contentversion"), ("sitelib", "seedrecord"), ("sitelib", "requestlimit")}
    auditor = make_user("controleur", groups=("Controle",), is_staff=True)
    assert {perm for perm in auditor.get_all_permissions() if perm.startswith(("sitelib.", "diegem.", "frameworks."))} == {
        "sitelib.view_seedrecord",
        "sitelib.view_requestlimit",
        "sitelib.view_contentversion",
    }
