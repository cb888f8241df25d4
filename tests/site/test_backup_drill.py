"""The backup drill: the database dumped with `backup_database`, read into a fresh database
with `restore_database`, holds the same rows, and the site serves from it."""

import secrets
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection

from diegem.lib import backups
from tests.app_servers import CHECKOUT, app_server, get, server_environment
from tests.factories import make_annotation, make_case

pytestmark = pytest.mark.django_db(transaction=True)  # the dump reads what the test committed


@pytest.fixture
def fresh_database():
    """An empty database on the test run's server, dropped after the test."""
    name = f"restore_drill_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    settings = {**connection.settings_dict, "NAME": name}
    yield (
        backups.database_url(settings).replace("@", f":{connection.settings_dict['PASSWORD']}@", 1)
        if connection.settings_dict.get("PASSWORD")
        else backups.database_url(settings)
    )
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def content_version(url: str) -> int:
    with backups._connect(url, "") as database, database.cursor() as cursor:
        cursor.execute("SELECT counter FROM frameworks_contentversion")
        (version,) = cursor.fetchone()
    database.close()
    return version


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=CHECKOUT,
        env=server_environment(DATABASE_URL=database_url),
        capture_output=True,
        text=True,
    )


def test_a_backup_restores_every_row_into_a_fresh_database_and_the_site_serves_from_it(
    framework, tmp_path, fresh_database
):
    case = make_case(title="Bewaarde praktijk")
    make_annotation(target=case, status="approved", body="Een bewaarde kanttekening.")
    call_command("refresh_search")  # the factories write rows directly: their search vectors
    backup = tmp_path / "diegem.dump"
    call_command("backup_database", str(backup))
    here = backups.database_url(connection.settings_dict)

    restored = manage("restore_database", str(backup), database_url=fresh_database)

    assert restored.returncode == 0, restored.stderr
    counts = backups.row_counts(here)
    assert backups.row_counts(fresh_database) == counts
    assert counts["cases_case"] == 1 and counts["annotations_annotation"] == 1
    # Pages a shared cache keeps under versions the dumped database gave out later are never
    # served from the restored one: it starts from a version of its own.
    assert content_version(fresh_database) != content_version(here)
    assert (
        restored.stdout.strip() == f"{len(counts)} tables, {sum(counts.values()):,} rows restored."
    )
    with app_server(DATABASE_URL=fresh_database) as server:
        status, _headers, body = get(f"{server.url}{case.get_absolute_url()}")
        assert status == 200
        assert "Bewaarde praktijk" in body and "Een bewaarde kanttekening." in body
        status, _headers, body = get(f"{server.url}/praktijken/?q=bewaarde")
        assert status == 200 and "Bewaarde praktijk" in body  # the search vector came along


def test_a_backup_is_readable_by_its_owner_alone(framework, tmp_path):
    backup = tmp_path / "diegem.dump"
    call_command("backup_database", str(backup))
    assert backup.stat().st_mode & 0o777 == 0o600
    assert [path.name for path in tmp_path.iterdir()] == ["diegem.dump"]  # no partial file left


def test_a_backup_is_never_restored_over_a_database_with_tables(framework, tmp_path):
    backup = tmp_path / "diegem.dump"
    call_command("backup_database", str(backup))
    here = backups.database_url(connection.settings_dict)
    before = backups.row_counts(here)

    refused = manage("restore_database", str(backup), database_url=here)

    assert refused.returncode != 0
    assert "The database to restore into already has tables" in refused.stderr
    assert backups.row_counts(here) == before
