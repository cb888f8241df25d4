"""A case's researchers are its authors in its reference: the workbench offers researchers
only, by their names, and refuses one whom a citation could only name by login."""

import pytest

from cases.models import Case
from cases.roles import RESEARCHERS_GROUP
from cases.services import ResearcherUnnamed, case_write
from tests.cases.conftest import change_url, the_form
from tests.factories import make_case, make_user
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleagues(researcher):
    return {
        "bea": make_user(
            "bea", groups=(RESEARCHERS_GROUP,), is_staff=True, first_name="Bea", last_name="Tweede"
        ),
        "zonder": make_user("zonder-naam", groups=(RESEARCHERS_GROUP,), is_staff=True),
        "lid": make_user("lid", first_name="Lena", last_name="Lid"),
    }


def offered(client, case) -> list[str]:
    return texts(parse(client.get(change_url(case))), "//select[@name='researchers']/option")


def test_only_researchers_are_offered_by_their_names(framework, researcher_client, colleagues):
    case = make_case()
    assert offered(researcher_client, case) == ["Bea Tweede", "Rita Onderzoek", "zonder-naam"]


def test_a_member_cannot_be_made_a_researcher(framework, researcher_client, colleagues):
    case = make_case(summary="Oud.")
    data = the_form(researcher_client, case) | {
        "researchers": [str(colleagues["lid"].pk)],
        "summary": "Nieuw, getypt.",
    }
    response = researcher_client.post(change_url(case), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kies de onderzoekers uit de lijst (veld ‘Onderzoekers’)" in page
    assert "Nieuw, getypt." in page
    case.refresh_from_db()
    assert (case.summary, list(case.researchers.all())) == ("Oud.", [])


def test_a_researcher_without_a_name_is_refused_naming_them(
    framework, researcher_client, colleagues
):
    case = make_case()
    data = the_form(researcher_client, case) | {
        "researchers": [str(colleagues["bea"].pk), str(colleagues["zonder"].pk)]
    }
    response = researcher_client.post(change_url(case), data)
    assert response.status_code == 200
    assert (
        "geef zonder-naam eerst een voor- en achternaam (Gebruikers)" in response.content.decode()
    )
    assert not Case.objects.get(pk=case.pk).researchers.exists()
    data["researchers"] = [str(colleagues["bea"].pk)]
    assert researcher_client.post(change_url(case), data).status_code == 302
    assert [user.username for user in case.researchers.all()] == ["bea"]


def test_a_researcher_named_before_stays_when_the_case_is_saved(
    framework, researcher_client, colleagues
):
    # Someone who left the role, or was named before the rule: the case can still be saved.
    case = make_case(summary="Oud.")
    case.researchers.set([colleagues["lid"], colleagues["zonder"]])
    assert offered(researcher_client, case) == [
        "Bea Tweede",
        "Lena Lid",
        "Rita Onderzoek",
        "zonder-naam",
    ]
    data = the_form(researcher_client, case) | {"summary": "Nieuw."}
    assert researcher_client.post(change_url(case), data).status_code == 302
    case.refresh_from_db()
    assert case.summary == "Nieuw."
    assert sorted(user.username for user in case.researchers.all()) == ["lid", "zonder-naam"]


def test_the_service_refuses_a_researcher_without_a_name_from_any_entry_point(
    framework, colleagues
):
    case = make_case(summary="Oud.")
    case.summary = "Nieuw."
    with pytest.raises(ResearcherUnnamed) as refused:
        case_write(
            case=case,
            researchers=[colleagues["bea"], colleagues["zonder"]],
            actor=None,
            comment="",
        )
    assert [user.username for user in refused.value.users] == ["zonder-naam"]
    case.refresh_from_db()
    assert (case.summary, list(case.researchers.all())) == ("Oud.", [])
