"""The site header: the main navigation, and an account area that names the user and holds
only the links their roles can use."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Membership
from diegem.lib.prepared import as_written
from tests.conftest import logged_in
from tests.factories import make_annotation, make_user
from tests.html import parse, texts

pytestmark = pytest.mark.django_db

ACCOUNT = "//header[@class='site-header']//nav[@class='account']"


def account_area(client) -> dict:
    tree = parse(client.get(reverse("home")))
    area = tree.xpath(ACCOUNT)[0]
    return {
        "name": texts(area, ".//summary//*[@class='account__name']"),
        "items": texts(area, ".//ul[@class='account__menu']/li"),
        "links": texts(area, "./a"),
    }


def test_anonymous_readers_see_the_main_navigation_and_a_sign_in_link(client, framework):
    tree = parse(client.get(reverse("home")))
    assert texts(tree, "//nav[@aria-label='Hoofdmenu']//a") == [
        "Praktijken",
        "Het kader",
        "Overzicht",
        "Uw praktijk",
    ]
    assert account_area(client) == {"name": [], "items": [], "links": ["Aanmelden"]}


def test_a_member_sees_their_name_their_notes_and_saved_practices(framework, member_a):
    assert account_area(logged_in(member_a)) == {
        "name": ["Amal Auteur"],
        "items": [
            "Meldingen",
            "Mijn kanttekeningen",
            "Bewaarde praktijken",
            "Instellingen",
            "Afmelden",
        ],
        "links": [],
    }


def test_a_reviewer_who_cannot_write_is_not_offered_my_notes(framework, reviewer):
    assert account_area(logged_in(reviewer))["items"] == ["Moderatie", "Afmelden"]


def test_a_researcher_gets_the_workbench_and_no_notes(framework, researcher):
    assert account_area(logged_in(researcher)) == {
        "name": ["Rita Onderzoek"],
        "items": ["Werkbank", "Afmelden"],
        "links": [],
    }


def test_someone_who_wrote_notes_keeps_the_link_after_leaving_the_organisation(framework, member_a):
    make_annotation(author=member_a)
    Membership.objects.filter(user=member_a).delete()
    assert account_area(logged_in(member_a))["items"] == ["Mijn kanttekeningen", "Afmelden"]


def test_every_role_at_once(framework, member_a, reviewer, researcher):

    member_a.groups.add(*Group.objects.filter(user__in=[reviewer, researcher]))
    member_a.is_staff = True
    member_a.save()
    assert account_area(logged_in(member_a))["items"] == [
        "Meldingen",
        "Mijn kanttekeningen",
        "Bewaarde praktijken",
        "Instellingen",
        "Moderatie",
        "Werkbank",
        "Afmelden",
    ]


def test_without_a_full_name_the_user_name_is_shown(framework):
    assert account_area(logged_in(make_user("kortweg")))["name"] == ["kortweg"]


def test_signing_out_is_a_post_with_a_csrf_token(framework, member_a):
    tree = parse(logged_in(member_a).get(reverse("home")))
    form = tree.xpath(ACCOUNT + "//form")[0]
    assert form.get("method") == "post" and form.get("action") == reverse("logout")
    assert form.xpath(".//input[@name='csrfmiddlewaretoken']")
    assert texts(form, ".//button[@type='submit']") == ["Afmelden"]


def test_the_account_menu_costs_one_query(framework, member_a):
    with CaptureQueriesContext(connection) as queries:
        logged_in(member_a).get(reverse("bibliography"))
    sqls = [as_written(query["sql"]) for query in queries]  # prepared: its SQL, not its name
    asking = [sql for sql in sqls if "annotations_membership" in sql]
    assert len(asking) == 1
    assert "annotations_annotation" in asking[0]
