"""A workbench form saved twice at once (a double click on "Bewaren", two colleagues) passes
its unique checks twice; the second insert broke the constraint, a 500. Now the second is
asked again and its form says beside the field what the first saved, with all it typed."""

from collections import Counter

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from annotations.organisations import Organisation
from cases.models import Case, SourceCoding
from tests.annotations.test_limits import all_at_once, http_post
from tests.cases.conftest import change_url
from tests.factories import make_case, make_user
from tests.html import form_values, parse, texts

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(user) -> tuple[Client, dict]:
    client = Client()
    client.force_login(user)
    return client, {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value
    }


def test_an_organisation_added_twice_at_once_is_added_once(live_server):
    client, cookies = signed_in(make_user("beheerder", is_staff=True, is_superuser=True))
    url = reverse("admin:annotations_organisation_add")
    for round_ in range(3):
        data = form_values(client.get(url), "organisation_form")
        data.update(name=f"Buurtwerk {round_}", slug=f"buurtwerk-{round_}")
        statuses = all_at_once(
            2, lambda n, data=data: http_post(live_server, url, data, cookies=cookies)
        )
        assert 500 not in statuses and Counter(statuses)[302] >= 1, statuses
        assert Organisation.objects.filter(slug=f"buurtwerk-{round_}").count() == 1


def test_a_coding_added_by_two_saves_of_the_case_at_once_is_added_once(live_server, framework):
    researcher = make_user("codeur", is_staff=True, is_superuser=True)
    client, cookies = signed_in(researcher)
    for round_ in range(3):
        case = make_case(slug=f"tegelijk-{round_}", status=Case.Status.DRAFT)
        SourceCoding.objects.filter(case=case, source__key="strijd").delete()
        data = form_values(client.get(change_url(case)), "case_form")
        row = next(
            key.removesuffix("-id")
            for key, value in data.items()
            if key.startswith("source_codings-")
            and key.endswith("-id")
            and value == ""
            and "__prefix__" not in key
        )
        data |= {f"{row}-strength": "2", f"{row}-rationale": "Er is strijd om de ruimte."}
        statuses = all_at_once(
            2,
            lambda n, case=case, data=data: http_post(
                live_server, change_url(case), data, cookies=cookies
            ),
        )
        assert 500 not in statuses and Counter(statuses)[302] >= 1, statuses
        assert SourceCoding.objects.filter(case=case, source__key="strijd").count() == 1


def test_the_second_save_says_why_and_keeps_what_was_typed(client, framework):
    """Asked again after the first got there, the form refuses beside the field (Dutch)."""
    staff = make_user("beheerder", is_staff=True, is_superuser=True)
    client.force_login(staff)
    url = reverse("admin:annotations_organisation_add")
    data = form_values(client.get(url), "organisation_form") | {
        "name": "Buurtwerk",
        "slug": "buurtwerk",
        "website": "https://buurtwerk.example",
    }
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    page = parse(response)
    assert texts(page, "//ul[contains(@class, 'errorlist')]/li") == [
        "Er bestaat al een Organisatie met eenzelfde Naam.",
        "Er bestaat al een Organisatie met eenzelfde Slug.",
    ]
    assert 'value="https://buurtwerk.example"' in body


def test_a_save_asked_again_forgets_the_messages_of_the_attempt_rolled_back(rf):
    """Django says "saved" before the commit, which may still fail: the attempt asked again
    does not carry that message."""
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.db import IntegrityError

    from diegem.lib.admin import GuardedAdmin, queued_messages

    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    messages.info(request, "Eerder gezegd.")
    before = queued_messages(request)
    messages.success(request, "Buurtwerk is bewaard.")
    GuardedAdmin(Organisation, None).forget_attempt(request, before, IntegrityError())
    assert [str(message) for message in request._messages] == ["Eerder gezegd."]


@pytest.mark.parametrize(
    "form_page",
    ["admin:cases_case_add", "admin:annotations_organisation_add", "admin:auth_user_add"],
)
def test_every_change_form_of_the_workbench_is_sent_once(form_page):
    """Its own model admins and those it registers for Django's apps (users) alike."""
    client, _cookies = signed_in(make_user("beheerder", is_staff=True, is_superuser=True))
    scripts = parse(client.get(reverse(form_page))).xpath("//script/@src")
    assert any(src.endswith("js/admin_submit_once.js") for src in scripts), scripts
