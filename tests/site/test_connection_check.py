"""The first query of a request checks its database connection: no `SELECT 1` round trip of
Django's before it (CONN_HEALTH_CHECKS), and a connection the database dropped is replaced
without the reader seeing an error (`diegem.lib.connection_check`).

Each test opens a request as Django's handler does (`close_old_connections`: a check falls due),
outside a transaction, and counts Django's own checks (`is_usable`, which runs its `SELECT 1`
past the query log; asked only after a read failed, to tell a dropped connection from an error
of the read)."""

import psycopg2
import pytest
from django.db import DataError, close_old_connections, connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from diegem.lib.connection_check import checking_connection
from diegem.lib.prepared import as_written
from tests.conftest import logged_in
from tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def django_checks(monkeypatch):
    """How often Django ran its own health check (the real one: a spy, not a stand-in)."""
    calls = []
    wrapper = type(connections["default"])
    real = wrapper.is_usable

    def counted(self):
        calls.append(self.alias)
        return real(self)

    monkeypatch.setattr(wrapper, "is_usable", counted)
    return calls


def a_request_begins():
    """What Django's handler does before each request: a kept connection's check falls due. The
    connection is opened anew first: one a slow run kept past CONN_MAX_AGE would be closed."""
    connection.close()
    connection.ensure_connection()
    close_old_connections()
    assert connection.health_check_enabled and not connection.health_check_done


def the_database_drops_the_connection():
    """A restart or a proxy's timeout: the server ends this connection's session."""
    pid = connection.connection.info.backend_pid
    with psycopg2.connect(**connection.get_connection_params()) as other:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # waits till it is gone


@pytest.fixture
def cached_case(framework):
    case = make_case(title="Buren koken samen")
    Client().get(case.get_absolute_url())  # made and kept: the next reader gets it served
    return case


def test_a_page_from_the_cache_reads_the_version_and_nothing_else(cached_case, django_checks):
    a_request_begins()
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(cached_case.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert len(queries) == 1  # the content version
    assert django_checks == []  # which was the check


@pytest.fixture
def statements():
    """Every statement the request sends through Django, failed ones too, as written."""
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(as_written(sql))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield sent


def reads_of(table: str, sent: list[str]) -> int:
    return sum(f'"{table}"' in sql for sql in sent)


def test_a_dropped_connection_is_replaced_for_a_page_from_the_cache(
    cached_case, django_checks, statements
):
    a_request_begins()
    the_database_drops_the_connection()
    statements.clear()  # what making the page sent
    response = Client().get(cached_case.get_absolute_url())
    assert reads_of("frameworks_contentversion", statements) == 2  # failed, then on a new one
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"
    assert "Buren koken samen" in response.content.decode()
    assert django_checks == ["default"]  # asked once the read failed: is it gone? it is


def test_a_signed_in_readers_session_is_their_requests_check(framework, member_a, django_checks):
    client = logged_in(member_a)
    a_request_begins()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/kanttekeningen/mijn/").status_code == 200
    assert '"django_session"' in as_written(queries[0]["sql"])  # the first query
    assert django_checks == []


def test_a_signed_in_readers_session_is_read_on_a_new_connection_when_the_old_one_dropped(
    framework, member_a, django_checks, statements
):
    client = logged_in(member_a)
    a_request_begins()
    the_database_drops_the_connection()
    statements.clear()  # what signing in sent
    response = client.get("/kanttekeningen/mijn/")
    assert reads_of("django_session", statements) == 2  # failed, then on a new one
    assert response.status_code == 200
    assert response.wsgi_request.user == member_a  # still signed in, not turned away
    assert django_checks == ["default"]


def test_a_request_opening_with_another_query_gets_djangos_own_check(
    cached_case, django_checks, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # no version read: the case is the first query
    a_request_begins()
    the_database_drops_the_connection()
    response = Client().get(cached_case.get_absolute_url())
    assert response.status_code == 200
    assert django_checks == ["default"]


def test_an_error_of_the_read_itself_is_raised_on_the_same_connection(db, django_checks):
    a_request_begins()
    backend = connection.connection.info.backend_pid
    tries = []

    def read():
        tries.append(1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")

    with pytest.raises(DataError):
        checking_connection(read)
    assert len(tries) == 1  # not run again
    assert connection.connection.info.backend_pid == backend  # the connection kept
    assert django_checks == ["default"]
