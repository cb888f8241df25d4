"""Pages for one person tell every cache between them and the reader to keep out."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_user

pytestmark = pytest.mark.django_db


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_personal_pages_are_private(framework, member_a, reviewer, researcher):
    case = make_case()
    make_annotation(target=case, author=member_a, status="pending", body="Nog niet goedgekeurd")
    member_case_page = logged_in(member_a).get(case.get_absolute_url())
    assert "Nog niet goedgekeurd" in member_case_page.content.decode()
    pages = {
        "mine": logged_in(member_a).get(reverse("annotations-mine")),
        "member's case page": member_case_page,
        "member's home page": logged_in(member_a).get(reverse("home")),
        "moderation": logged_in(reviewer).get(reverse("moderation-queue")),
        "admin index": logged_in(researcher).get(reverse("admin:index")),
        "admin case list": logged_in(researcher).get(reverse("admin:cases_case_changelist")),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert {"private", "no-cache"} <= cache_control(response), name


def test_signing_in_is_private_and_anonymous_pages_stay_public(framework):
    make_user("anna", password="juist-wachtwoord-1")
    signed_in = Client().post(
        reverse("login"), {"username": "anna", "password": "juist-wachtwoord-1"}
    )
    assert signed_in.status_code == 302
    assert "private" in cache_control(signed_in)
    case = make_case()
    for url in [reverse("home"), case.get_absolute_url(), reverse("case-list")]:
        first, second = Client().get(url), Client().get(url)
        assert second["X-Page-Cache"] == "hit", url
        assert "private" not in cache_control(first) | cache_control(second), url
        # Every cache between the site and the reader asks again before it shows the page
        # anew: a note hidden or a case taken offline does not stay on a kept page.
        assert cache_control(first) == cache_control(second) == {"no-cache"}, url


def test_data_and_api_without_caching_of_their_own_are_asked_again(framework):
    case = make_case()
    make_annotation(target=case, status="approved", body="Goedgekeurd")
    for url in [
        reverse("export-cases-csv"),
        reverse("api-annotations"),
        reverse("sitemap"),
        "/robots.txt",
    ]:
        response = Client().get(url)
        assert response.status_code == 200, url
        assert cache_control(response) == {"no-cache"}, url


def test_a_view_that_sets_its_own_cache_control_keeps_it(framework, researcher):
    # The admin marks its pages never-cache; nothing is added to or taken from that.
    response = logged_in(researcher).get(reverse("admin:index"))
    assert cache_control(response) == {
        "max-age=0",
        "no-cache",
        "no-store",
        "must-revalidate",
        "private",
    }
