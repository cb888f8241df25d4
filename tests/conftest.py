"""Personas and shared fixtures for the whole suite."""

import pytest
from django.test import Client

from cases.roles import RESEARCHERS_GROUP
from tests.factories import ensure_framework, make_user


@pytest.fixture
def framework(db):
    """The four sources, six tension fields, four domains and the framework text."""
    ensure_framework()


@pytest.fixture
def anonymous_client(db) -> Client:
    return Client()


@pytest.fixture
def researcher(db):
    return make_user("onderzoeker", groups=(RESEARCHERS_GROUP,), is_staff=True, first_name="Rita", last_name="Onderzoek")


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
