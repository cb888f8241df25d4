"""A note records the language it is written in: any of the site's, the page's at first. The
page marks a note in another language than its own, and the open data says it."""

import pytest
from django.urls import reverse

from annotations import services
from annotations.models import Annotation, AnnotationVersion
from annotations.targets import case_target
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


def note_form(case, **fields) -> dict:
    return {
        "doel": case_target(case, "practice").key,
        "passage": "eten ze samen",
        "voice": "doener",
        "kind": "voorbeeld",
        "body": "Chez nous aussi, on mange ensemble.",
        **fields,
    }


@pytest.mark.parametrize(
    ("page", "chosen", "recorded"),
    [
        ("", None, "nl"),  # a client that sends none: the page's
        ("/fr", None, "fr"),
        ("/fr", "fr", "fr"),
        ("/fr", "en", "en"),
        ("", "fr", "fr"),
        ("/en", "nl", "nl"),
    ],
)
def test_the_note_records_its_language(case, member_a, page, chosen, recorded):
    data = note_form(case) if chosen is None else note_form(case, language=chosen)
    response = logged_in(member_a).post(f"{page}{reverse('annotation-new')}", data)
    assert response.status_code == 302
    note = Annotation.objects.get()
    assert note.original_language == recorded
    assert AnnotationVersion.objects.get(annotation=note).original_language == recorded


@pytest.mark.parametrize(("page", "selected"), [("", "nl"), ("/fr", "fr"), ("/en", "en")])
def test_the_form_offers_the_pages_language_first(case, member_a, page, selected):
    target = case_target(case, "practice")
    response = logged_in(member_a).get(f"{page}{reverse('annotation-new')}?doel={target.key}")
    tree = parse(response)
    options = tree.xpath("//select[@name='language']/option")
    assert [(o.get("value"), o.text) for o in options] == [
        ("nl", "Nederlands"),
        ("fr", "Français"),
        ("en", "English"),
    ]
    assert tree.xpath("//select[@name='language']/option[@selected]/@value") == [selected]


def test_an_unknown_language_is_refused_by_name_and_nothing_is_lost(case, member_a):
    response = logged_in(member_a).post(
        "/fr" + reverse("annotation-new"), note_form(case, language="de")
    )
    assert response.status_code == 200
    assert not Annotation.objects.exists()
    tree = parse(response)
    errors = [
        " ".join(li.text_content().split()) for li in tree.xpath("//*[@class='form-errors']//li")
    ]
    assert errors == [
        "Langue de votre annotation: Sélectionnez un choix valide. de n’en fait pas partie."
    ]
    assert tree.xpath("//textarea[@name='body']/text()")[0].strip() == (
        "Chez nous aussi, on mange ensemble."
    )


def test_editing_can_change_the_language_and_keeps_it_in_the_history(case, member_a):
    note = services.annotation_submit(
        author=member_a,
        target=case_target(case, "practice"),
        voice="doener",
        kind="voorbeeld",
        body="Bij ons ook.",
        passage="eten ze samen",
    )
    assert note.original_language == "nl"
    logged_in(member_a).post(
        reverse("annotation-edit", args=[note.pk]),
        {
            "version": 1,
            "voice": "doener",
            "kind": "voorbeeld",
            "body": "Chez nous aussi.",
            "language": "fr",
        },
    )
    note.refresh_from_db()
    assert note.original_language == "fr"
    history = AnnotationVersion.objects.filter(annotation=note).order_by("number")
    assert [(v.number, v.original_language) for v in history] == [(1, "nl"), (2, "fr")]


def test_a_reply_records_the_language_of_the_page_it_was_written_on(case, member_a):
    note = make_annotation(target=case, passage="koken samen", status="approved")
    logged_in(member_a).post(
        "/en" + reverse("reply-new", args=[note.pk]),
        {"voice": "doener", "body": "Same here."},
    )
    reply = Annotation.objects.get(parent=note)
    assert reply.original_language == "en"


@pytest.mark.parametrize(("page", "marked"), [("", ["fr"]), ("/fr", []), ("/en", ["fr"])])
def test_a_page_marks_a_note_in_another_language(client, case, page, marked):
    note = make_annotation(
        target=case, passage="koken samen", status="approved", original_language="fr"
    )
    tree = parse(client.get(page + case.get_absolute_url()))
    body = tree.xpath(f"//*[@id='kanttekening-{note.pk}']//*[contains(@class, 'note__body')]")[0]
    assert ([body.get("lang")] if body.get("lang") else []) == marked


def test_the_open_data_says_the_language_of_a_note(client, case):
    french = make_annotation(
        target=case, passage="koken samen", status="approved", original_language="fr"
    )
    dutch = make_annotation(target=case, passage="eten ze samen", status="approved")
    languages = {
        note.pk: client.get(f"/api/kanttekeningen/{note.pk}/").json()["body"][0]["language"]
        for note in (french, dutch)
    }
    assert languages == {french.pk: "fr", dutch.pk: "nl"}
