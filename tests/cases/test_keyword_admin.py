"""Keywords are written on the case (case_write, which keeps its search text and versions); the
workbench's keyword list only reads them. taggit's own admin renamed and deleted them behind
the cases' backs, and its "merge" changed no case."""

import pytest
from django.urls import reverse
from taggit.models import Tag

from cases.models import Case
from tests.conftest import logged_in
from tests.factories import make_case, make_user
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def keyworded(framework):
    case = make_case(title="Buurtproject", keywords=("moestuin", "volkstuin"))
    make_case(title="Tweede project", slug="tweede-project", keywords=("moestuin",))
    Case.objects.filter(pk=case.pk).refresh_search_vectors()
    return case


@pytest.fixture
def superuser(db):
    return make_user("beheer", is_staff=True, is_superuser=True)


def test_the_keyword_list_shows_each_keyword_with_its_number_of_cases(keyworded, researcher_client):
    page = parse(researcher_client.get(reverse("admin:taggit_tag_changelist")))
    rows = page.xpath("//table[@id='result_list']/tbody/tr")
    assert [texts(row, "./th|./td") for row in rows] == [["moestuin", "2"], ["volkstuin", "1"]]
    assert page.xpath("//select[@name='action']") == []  # no merge, no bulk delete


def test_a_keyword_cannot_be_renamed_in_the_keyword_list(keyworded, superuser):
    tag = Tag.objects.get(name="moestuin")
    response = logged_in(superuser).post(
        reverse("admin:taggit_tag_change", args=[tag.pk]),
        {"name": "samentuin", "slug": "samentuin"},
    )
    assert response.status_code == 403
    assert sorted(keyworded.keywords.names()) == ["moestuin", "volkstuin"]


def test_a_keyword_cannot_be_deleted_in_the_keyword_list(keyworded, superuser):
    tag = Tag.objects.get(name="moestuin")
    response = logged_in(superuser).post(
        reverse("admin:taggit_tag_delete", args=[tag.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert sorted(keyworded.keywords.names()) == ["moestuin", "volkstuin"]


def test_taggits_merge_page_is_gone(keyworded, researcher_client):
    response = researcher_client.post(
        reverse("admin:taggit_tag_changelist") + "merge-tags/",
        {"new_tag_name": "samentuin"},
        follow=True,
    )
    assert "merged" not in response.content.decode()
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["moestuin", "volkstuin"]
