"""Cutting a release from the workbench and the command line: who may, and bad input."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from diegem.releases import Release
from tests.factories import make_case
from tests.html import parse

pytestmark = pytest.mark.django_db
CUT = "/beheer/diegem/release/add/"


def test_a_researcher_cuts_a_release_from_the_workbench(researcher_client, framework):
    make_case()
    page = researcher_client.get(CUT)
    assert page.status_code == 200
    assert "dit wordt versie 1" in page.content.decode()
    response = researcher_client.post(CUT, {"title": "Eerste helft", "description": ""})
    assert response.status_code == 302
    release = Release.objects.get()
    assert (release.number, release.title, release.cut_by.username) == (
        1,
        "Eerste helft",
        "onderzoeker",
    )
    listing = researcher_client.get("/beheer/diegem/release/").content.decode()
    assert "Eerste helft" in listing


@pytest.mark.parametrize("title", ["   ", "\u200b\u2060"])  # blank; invisible characters only
def test_an_empty_title_says_so_in_dutch_and_keeps_the_description(
    researcher_client, framework, title
):
    make_case()
    response = researcher_client.post(CUT, {"title": title, "description": "Mijn uitleg"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Geef de versie een titel (veld ‘Titel’)." in page
    assert "Mijn uitleg" in page
    assert Release.objects.count() == 0


def form_key(page) -> str:
    return parse(page).xpath("//input[@name='formulier']/@value")[0]


def test_the_same_form_sent_twice_cuts_one_release(researcher_client, framework):
    # A double click, or the form sent again after "back": a number given is never given twice.
    make_case()
    key = form_key(researcher_client.get(CUT))
    sent = {"title": "Eerste helft", "description": "", "formulier": key}
    first = researcher_client.post(CUT, sent)
    # Back, the title changed, sent again: the release cut the first time stands, and it says so.
    second = researcher_client.post(CUT, {**sent, "title": "Eerste helft, verbeterd"}, follow=True)
    assert first.status_code == 302
    assert list(Release.objects.values_list("number", "title")) == [(1, "Eerste helft")]
    said = [str(m) for m in second.context["messages"]]
    assert said[0].startswith("Versie 1 ‘Eerste helft’ is uitgebracht (")  # the first send's
    assert said[1:] == [
        "Dit formulier werd al verstuurd: versie 1 ‘Eerste helft’ is toen uitgebracht. Er is "
        "geen nieuwe versie gemaakt; open het formulier opnieuw voor een volgende versie."
    ]
    # The form drawn anew is a new release.
    again = {**sent, "formulier": form_key(researcher_client.get(CUT))}
    assert again["formulier"] != key
    assert researcher_client.post(CUT, again).status_code == 302
    assert Release.objects.count() == 2


def test_a_member_and_a_visitor_cannot_cut(member_client, anonymous_client, framework):
    make_case()
    assert member_client.post(CUT, {"title": "Nee"}).status_code == 302  # to the admin login
    anonymous = anonymous_client.post(CUT, {"title": "Nee"})
    assert anonymous.status_code == 302
    assert "/beheer/login/" in anonymous["Location"]
    assert Release.objects.count() == 0


def test_staff_without_the_publish_permission_cannot_cut(staff_without_role, framework):
    client = Client()
    client.force_login(staff_without_role)
    assert client.post(CUT, {"title": "Nee"}).status_code == 403
    assert client.get("/beheer/diegem/release/").status_code == 403
    assert Release.objects.count() == 0


def test_no_cut_without_the_csrf_token(researcher, framework):
    make_case()
    client = Client(enforce_csrf_checks=True)
    client.force_login(researcher)
    assert client.post(CUT, {"title": "Eerste"}).status_code == 403
    assert Release.objects.count() == 0


def test_the_command_cuts_through_the_same_service(framework, capsys):
    make_case()
    call_command("cut_release", "--title", "Uit een script")
    release = Release.objects.get()
    assert release.title == "Uit een script"
    assert "v1 diegem-praktijkenbank-v1.zip" in capsys.readouterr().out
    for title in (" ", "\u200b\ufeff"):
        with pytest.raises(CommandError):
            call_command("cut_release", "--title", title)
    assert Release.objects.count() == 1
