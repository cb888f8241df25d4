"""Personas and shared fixtures for the whole suite."""

import pytest
from django.core.cache import cache
from django.test import Client

from annotations.roles import REVIEWERS_GROUP
from cases.roles import RESEARCHERS_GROUP
from tests.factories import ensure_framework, make_member, make_organisation, make_user


@pytest.fixture
def framework(db):
    """The four sources, six tension fields, four domains and the framework text."""
    ensure_framework()


@pytest.fixture
def anonymous_client(db) -> Client:
    return Client()


@pytest.fixture
def researcher(db):
    return make_user(
        "onderzoeker",
        groups=(RESEARCHERS_GROUP,),
        is_staff=True,
        first_name="Rita",
        last_name="Onderzoek",
    )


@pytest.fixture
def researcher_client(researcher) -> Client:
    client = Client()
    client.force_login(researcher)
    return client


@pytest.fixture
def member(db):
    """A logged-in user without any role: may not edit cases."""
    return make_user("lid")


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def staff_without_role(db):
    """Staff flag but no permissions: reaches the admin index, nothing more."""
    return make_user("medewerker", is_staff=True)


@pytest.fixture
def organisation_a(db):
    return make_organisation("Samenlevingsopbouw Testwijk")


@pytest.fixture
def organisation_b(db):
    return make_organisation("Jeugdwerk Elders")


@pytest.fixture
def member_a(organisation_a):
    """A member of organisation A: writes annotations."""
    return make_member(organisation_a, username="lid-a", first_name="Amal", last_name="Auteur")


@pytest.fixture
def member_b(organisation_b):
    """A member of another organisation: sees only what the public sees of A's work."""
    return make_member(organisation_b, username="lid-b", first_name="Bert", last_name="Buur")


@pytest.fixture
def reviewer(db):
    return make_user(
        "moderator", groups=(REVIEWERS_GROUP,), first_name="Mona", last_name="Moderator"
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the framework once for the session; tests roll back around it.

    Transactional tests empty the tables; `ensure_framework` loads it again for
    whoever needs it next.
    """
    with django_db_blocker.unblock():
        ensure_framework()


@pytest.fixture(autouse=True)
def framework_again_after_a_transactional_test(request, django_db_blocker):
    """A transactional test empties the tables when it ends: the framework the session loaded
    is loaded again, so that a test after it on the same worker finds what any other finds
    (which tests run after which changes with every new test file)."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        with django_db_blocker.unblock():
            ensure_framework()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Strong hashing is slow on purpose; tests do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def built_files_outside_the_checkout(settings, tmp_path):
    """Large downloads built during tests (`diegem.lib.built_files`) go to a folder of each test's
    own: a file is named by the content version, which a rolled-back test leaves to the next."""
    settings.BUILT_FILES_DIR = tmp_path / "built-files"


@pytest.fixture(autouse=True)
def empty_caches():
    """Each test starts with empty caches (the page cache lives in this process)."""

    cache.clear()
    yield
    cache.clear()
