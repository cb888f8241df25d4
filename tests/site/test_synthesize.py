"""Synthetic data go to a separate database, labelled, in bulk; the site's data stay as they are.

The command runs as `manage.py synthesize` in a child process, as `make bench`
runs it, against a scratch database on the test server.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.db import connection

from cases.models import Case

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def url_for(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    host = quote(s["HOST"], safe="") + (
        f":{s['PORT']}" if s["PORT"] else ""
    )  # a socket folder or a host name
    return f"postgres://{auth}@{host}/{name}"


def synthesize(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url_for(connection.settings_dict["NAME"]), "DEBUG": "true"}
    return subprocess.run(
        [sys.executable, "manage.py", "synthesize", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def scratch():
    name = f"diegem_synth_test_{os.getpid()}"
    s = connection.settings_dict
    server = {
        "user": s["USER"],
        "password": s["PASSWORD"],
        "host": s["HOST"],
        "port": s["PORT"] or None,
    }
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    db = psycopg2.connect(dbname=name, **server)
    db.autocommit = True

    def query(sql: str):
        with db.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    yield name, query
    db.close()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_synthetic_data_fill_a_separate_database(framework, scratch):
    name, query = scratch
    site_cases = Case.objects.count()
    result = synthesize("--database-url", url_for(name), "--cases", "40", "--annotations", "300")
    assert result.returncode == 0, result.stderr
    assert query(
        "SELECT count(*) FROM cases_case WHERE slug LIKE 'synthetisch-%' AND title LIKE '[Synthetisch]%'"
    ) == [(40,)]
    assert query("SELECT count(*) FROM frameworks_source") == [
        (4,)
    ]  # the framework they are coded on
    assert query(
        "SELECT count(*) FROM annotations_annotation a JOIN cases_case c ON c.id = a.case_id "
        "WHERE a.attribution = 'Synthetisch' AND c.slug <> 'synthetisch-met-vijftig-draden'"
    ) == [(300,)]
    # The conversation: fifty public notes, their replies, thirty public readings and six waiting.
    assert query(
        "SELECT a.motivation, a.status, count(*) FROM annotations_annotation a "
        "JOIN cases_case c ON c.id = a.case_id WHERE c.slug = 'synthetisch-met-vijftig-draden' "
        "AND a.motivation <> 'replying' GROUP BY 1, 2 ORDER BY 1, 2"
    ) == [
        ("assessing", "approved", 30),
        ("assessing", "pending", 6),
        ("commenting", "approved", 50),
    ]
    assert query("SELECT count(*) FROM annotations_reading") == [(36,)]
    assert query(
        "SELECT count(*) > 0, bool_and(p.case_id = r.case_id) FROM annotations_annotation r "
        "JOIN annotations_annotation p ON p.id = r.parent_id WHERE r.motivation = 'replying'"
    ) == [(True, True)]
    assert query(
        "SELECT count(*) FROM annotations_annotation a JOIN cases_case c ON c.id = a.case_id "
        "WHERE c.slug = 'synthetisch-met-twintig-kanttekeningen' AND a.status = 'approved'"
    ) == [(20,)]
    assert query("SELECT count(*) FROM cases_case WHERE search_vector IS NULL") == [(0,)]
    assert query("SELECT count(*) FROM frameworks_searchterm")[0][0] > 50
    assert Case.objects.count() == site_cases  # the site's own database is as it was

    again = synthesize("--database-url", url_for(name), "--cases", "5", "--annotations", "0")
    assert again.returncode != 0 and "--replace" in again.stderr
    replaced = synthesize(
        "--database-url", url_for(name), "--cases", "5", "--annotations", "0", "--replace"
    )
    assert replaced.returncode == 0, replaced.stderr
    assert query("SELECT count(*) FROM cases_case WHERE slug LIKE 'synthetisch-%'") == [(5,)]
    assert query("SELECT count(*) FROM frameworks_source") == [
        (4,)
    ]  # --replace takes only synthetic rows


def test_synthetic_data_refuse_the_sites_own_database(framework):
    result = synthesize("--database-url", url_for(connection.settings_dict["NAME"]), "--cases", "5")
    assert result.returncode != 0
    assert "own database" in result.stderr
