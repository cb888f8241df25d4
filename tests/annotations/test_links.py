"""Every link to one annotation lands on it: one fragment, the note's own id."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import Annotation, Status
from annotations.targets import case_target
from frameworks.models import Section
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case
from tests.html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(framework):
    return make_case(
        slug="buurtkeuken",
        practice="Buren koken samen op vrijdag in het buurthuis.\n\nDaarna eten ze samen.",
    )


def test_the_url_of_an_annotation_has_one_fragment_its_own_id(case):
    on_case = make_annotation(target=case, passage="koken samen")
    on_section = make_annotation(target=Section.objects.get(key="ontmoeting"))
    assert on_case.get_absolute_url() == f"/praktijken/buurtkeuken/#kanttekening-{on_case.pk}"
    assert on_section.get_absolute_url() == f"/kader/ontmoeting/#kanttekening-{on_section.pk}"
    assert (
        on_case.target_url == "/praktijken/buurtkeuken/#praktijk"
    )  # the text section, for "in context"


def test_search_results_link_to_the_note(client, case):
    note = make_annotation(
        target=case, passage="koken samen", body="Een gemeenschappelijke keuken verbindt."
    )
    page = parse(client.get(reverse("search"), {"q": "gemeenschappelijke"}))
    links = page.xpath("//section[@aria-labelledby='annotation-results-title']//a/@href")
    assert links == [f"/praktijken/buurtkeuken/#kanttekening-{note.pk}"]


def test_after_submitting_the_member_lands_on_the_new_note(case, member_a):
    target = case_target(case, "practice")
    response = logged_in(member_a).post(
        reverse("annotation-new"),
        {
            "doel": target.key,
            "passage": "eten ze samen",
            "voice": "doener",
            "kind": "voorbeeld",
            "body": "Bij ons ook.",
        },
    )
    note = Annotation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/praktijken/buurtkeuken/#kanttekening-{note.pk}"
    # ... and the note is there, on that page, for the member.
    page = parse(logged_in(member_a).get("/praktijken/buurtkeuken/"))
    assert page.xpath(f"//article[@id='kanttekening-{note.pk}']")


def test_after_editing_the_member_lands_on_the_note(case, member_a):
    note = make_annotation(
        target=case, passage="eten ze samen", author=member_a, status=Status.PENDING
    )
    response = logged_in(member_a).post(
        reverse("annotation-edit", args=[note.pk]),
        {
            "voice": "denker",
            "kind": "associatie",
            "body": "Herwerkt.",
            "attribution": "",
            "link": "",
            "version": 1,
        },
    )
    assert response["Location"] == f"/praktijken/buurtkeuken/#kanttekening-{note.pk}"


@pytest.mark.parametrize(
    "action, reason, link",
    [
        ("approve", "", "https://praktijkenbank.example/praktijken/buurtkeuken/#kanttekening-{pk}"),
        (
            "reject",
            "Hoort niet bij deze passage.",
            "https://praktijkenbank.example/kanttekeningen/mijn/",
        ),
    ],
)
def test_the_decision_mail_links_to_the_note_when_public_else_to_my_annotations(
    case, member_a, reviewer, settings, django_capture_on_commit_callbacks, action, reason, link
):
    settings.SITE_URL = "https://praktijkenbank.example"
    note = make_annotation(
        target=case, passage="koken samen", author=member_a, status=Status.PENDING
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.annotation_moderate(
            annotation_id=note.pk,
            action=action,
            actor=reviewer,
            expected_version=1,
            public_reason=reason,
        )
    body = mail.outbox[0].body
    urls = [word for word in body.split() if word.startswith("https://")]
    assert urls == [link.format(pk=note.pk)]
    assert "Passage: “koken samen”" in body


def test_after_flagging_the_reader_lands_on_the_note_marked_as_reported_by_them(case, member_a):
    note = make_annotation(target=case, passage="koken samen", author=member_a)
    reader = Client(REMOTE_ADDR="198.51.100.1")
    response = reader.post(reverse("annotation-flag", args=[note.pk]), {"reason": "off_topic"})
    assert response.status_code == 302
    assert response["Location"] == f"/praktijken/buurtkeuken/#kanttekening-{note.pk}"
    article = parse(reader.get("/praktijken/buurtkeuken/")).xpath(
        f"//article[@id='kanttekening-{note.pk}']"
    )[0]
    assert article.xpath(".//p[@role='status']/text()") == [
        "U hebt deze kanttekening gemeld. Bedankt; een moderator bekijkt ze."
    ]
    assert not article.xpath(".//a[contains(@href,'melden')]")
    # Another reader still sees the link, not the mark.
    other = parse(Client().get("/praktijken/buurtkeuken/")).xpath(
        f"//article[@id='kanttekening-{note.pk}']"
    )[0]
    assert other.xpath(".//a/@href")[-1] == f"/kanttekeningen/{note.pk}/melden/"
    assert not other.xpath(".//p[@role='status']")
    # Flagging again: the same place, still one flag.
    assert (
        reader.post(reverse("annotation-flag", args=[note.pk]), {"reason": "spam"})["Location"]
        == note.get_absolute_url()
    )
    assert note.flags.count() == 1


def test_the_flag_that_hides_a_note_lands_on_the_page_with_the_message_in_view(case, member_a):
    note = make_annotation(target=case, passage="koken samen", author=member_a)
    for n in range(2):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(
            reverse("annotation-flag", args=[note.pk]), {"reason": "spam"}
        )
    third = Client(REMOTE_ADDR="198.51.100.9")
    response = third.post(reverse("annotation-flag", args=[note.pk]), {"reason": "spam"})
    assert response["Location"] == "/praktijken/buurtkeuken/"
    page = parse(third.get("/praktijken/buurtkeuken/"))
    assert page.xpath("//p[contains(@class,'message')]/text()") == [
        "Bedankt voor uw melding. De kanttekening is verborgen tot een moderator beslist."
    ]


def test_pages_listing_annotations_link_with_one_fragment(client, case, member_a, reviewer):

    call_command("seed", verbosity=0)
    mine = make_annotation(
        target=case, passage="koken samen", author=member_a, status=Status.PENDING
    )
    pages = {
        "bibliography": client.get(reverse("bibliography")),
        "search": client.get(reverse("search"), {"q": "torekes"}),
        "mine": logged_in(member_a).get(reverse("annotations-mine")),
        "queue": logged_in(reviewer).get(reverse("moderation-queue")),
        "torekes": client.get("/praktijken/torekes/"),
    }
    for name, response in pages.items():
        hrefs = parse(response).xpath("//a/@href")
        assert [href for href in hrefs if href.count("#") > 1] == [], name
    mine_links = parse(pages["mine"]).xpath("//li[contains(@class,'my-note')]//p/a/@href")
    assert mine_links == [f"/praktijken/buurtkeuken/#kanttekening-{mine.pk}"]
