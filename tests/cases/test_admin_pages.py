"""The workbench's own admin pages sit in the admin's frame: Django's breadcrumbs, Dutch plurals."""

import pytest
from django.urls import reverse

from cases.history import versions_of
from tests.conftest import logged_in
from tests.factories import make_case, make_user
from tests.html import form_values, parse, texts

pytestmark = pytest.mark.django_db


def case_with_two_versions(client):
    case = make_case(title="Buurtkeuken")
    url = reverse("admin:cases_case_change", args=[case.pk])
    for summary in ("Eerste samenvatting.", "Tweede samenvatting."):
        client.post(url, form_values(client.get(url), "case_form") | {"summary": summary})
    return case, [version.pk for version in versions_of(case)]


def custom_pages(client):
    case, (newer, older) = case_with_two_versions(client)
    return {
        "Versies": reverse("admin:cases_case_history", args=[case.pk]),
        "Vergelijken": reverse("admin:cases_case_compare", args=[case.pk])
        + f"?van={older}&tot={newer}",
        "Dashboard": reverse("admin:cases_case_dashboard"),
        "Importeren": reverse("admin:cases_case_import"),
        "Terugzetten": reverse("admin:cases_case_restore", args=[case.pk, older]),
    }


EXPECTED_CRUMBS = {
    "Versies": ["Voorpagina", "Praktijken", "Praktijken", "Buurtkeuken", "Versies"],
    "Vergelijken": [
        "Voorpagina",
        "Praktijken",
        "Praktijken",
        "Buurtkeuken",
        "Versies",
        "Vergelijken",
    ],
    "Dashboard": ["Voorpagina", "Praktijken", "Praktijken", "Dashboard"],
    "Importeren": ["Voorpagina", "Praktijken", "Praktijken", "Importeren"],
    "Terugzetten": [
        "Voorpagina",
        "Praktijken",
        "Praktijken",
        "Buurtkeuken",
        "Versies",
        "Terugzetten",
    ],
}


def crumbs(response) -> list[str]:
    """The breadcrumbs in Django 6.1's structure: a list inside the breadcrumbs landmark."""
    page = parse(response)
    assert not page.xpath("//div[contains(@class,'breadcrumbs')]")
    items = page.xpath("//nav[@aria-label='Broodkruimels']/ol[@class='breadcrumbs']/li")
    assert items and items[-1].get("aria-current") == "page"
    assert all(item.xpath("./a") for item in items[:-1])
    return [" ".join(item.text_content().split()) for item in items]


def test_the_workbench_pages_have_the_admins_breadcrumbs(framework, researcher_client):
    pages = custom_pages(researcher_client)
    assert {
        name: crumbs(researcher_client.get(url)) for name, url in pages.items()
    } == EXPECTED_CRUMBS


def test_the_invitation_page_has_the_admins_breadcrumbs(framework):
    client = logged_in(make_user(is_staff=True, is_superuser=True))
    assert crumbs(client.get(reverse("admin:annotations_invite"))) == [
        "Voorpagina",
        "Kanttekeningen",
        "Organisaties",
        "Een lid uitnodigen",
    ]


@pytest.mark.parametrize(
    "published, sentence",
    [
        (0, "0 van de 32 geplande casestudies zijn gepubliceerd."),
        (1, "1 van de 32 geplande casestudies is gepubliceerd."),
        (2, "2 van de 32 geplande casestudies zijn gepubliceerd."),
    ],
)
def test_the_dashboard_counts_in_good_dutch(framework, researcher_client, published, sentence):
    for _ in range(published):
        make_case()
    page = parse(researcher_client.get(reverse("admin:cases_case_dashboard")))
    assert texts(page, "//div[@id='content-main']/p")[0] == sentence
