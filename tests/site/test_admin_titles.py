"""Every workbench form's heading starts with a capital, whatever the model's lower-case name."""

import pytest
from django.urls import reverse

from cases.models import Case
from tests.conftest import logged_in
from tests.factories import make_case, make_user
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(db):
    return logged_in(make_user("beheerder", is_staff=True, is_superuser=True))


def heading(response) -> list[str]:
    return texts(parse(response), "//h1")


def test_a_case_form_is_headed_with_a_capital(framework, superuser_client):
    case = make_case(status=Case.Status.DRAFT)
    change = superuser_client.get(reverse("admin:cases_case_change", args=[case.pk]))
    add = superuser_client.get(reverse("admin:cases_case_add"))
    assert heading(change) == ["Praktijk wijzigen"]
    assert heading(add) == ["Praktijk toevoegen"]


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        ("admin:annotations_organisation_add", "Organisatie toevoegen"),
        ("admin:frameworks_domain_add", "Domein toevoegen"),
        ("admin:auth_group_add", "Groep toevoegen"),  # Django's own admin, guarded by the site
    ],
)
def test_other_forms_are_headed_with_a_capital_too(superuser_client, url_name, expected):
    assert heading(superuser_client.get(reverse(url_name))) == [expected]
