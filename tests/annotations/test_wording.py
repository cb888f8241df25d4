"""How annotations read: bylines, quotation marks, the polite form, the no-script fallback, the bibliography."""

import pytest
from django.core import mail
from django.urls import reverse

from annotations import services
from annotations.forms import AnnotationContentForm, AnnotationForm
from annotations.models import Status
from annotations.targets import section_target
from frameworks.models import Section
from tests.conftest import logged_in
from tests.factories import make_annotation, make_member, make_organisation
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(framework):
    return Section.objects.get(key="ontmoeting")


def test_the_byline_does_not_nest_brackets(section):
    member = make_member(
        make_organisation("Demo-organisatie (om uit te proberen)"), username="lid", first_name="Lid"
    )
    note = make_annotation(target=section, author=member)
    assert note.byline == "Lid · Demo-organisatie (om uit te proberen)"
    page = parse(logged_in(member).get(section.get_absolute_url()))
    assert texts(
        page, f"//article[@id='kanttekening-{note.pk}']//p[contains(@class,'note__byline')]"
    ) == ["Lid · Demo-organisatie (om uit te proberen)"]


def test_a_passage_with_quotes_of_its_own_is_quoted_with_other_marks(
    section, member_a, reviewer, django_capture_on_commit_callbacks
):

    section.body = (
        "Samenlevingsopbouw spreekt van ‘doe-participatie’ in de buurt.\n\n" + section.body
    )
    section.save()
    passage = "Samenlevingsopbouw spreekt van ‘doe-participatie’"
    note = make_annotation(target=section, passage=passage, author=member_a, status=Status.PENDING)
    margin = parse(logged_in(member_a).get(section.get_absolute_url()))
    assert texts(
        margin, f"//article[@id='kanttekening-{note.pk}']//p[contains(@class,'note__quote')]"
    ) == ["Bij “Samenlevingsopbouw spreekt van ‘doe-participatie’”"]
    mine = parse(logged_in(member_a).get(reverse("annotations-mine")))
    assert texts(mine, "//li[contains(@class,'my-note')]/p[2]") == [
        "1.4 Ontmoeting: “Samenlevingsopbouw spreekt van ‘doe-participatie’”"
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.annotation_moderate(
            annotation_id=note.pk, action="approve", actor=reviewer, expected_version=1
        )
    assert "Passage: “Samenlevingsopbouw spreekt van ‘doe-participatie’”" in mail.outbox[0].body


def test_help_texts_address_the_reader_politely():
    texts_of_forms = [
        str(field.help_text)
        for form in (AnnotationForm, AnnotationContentForm)
        for field in form.base_fields.values()
    ]
    assert not [
        text
        for text in texts_of_forms
        if any(word in f" {text} " for word in (" je ", " jij ", " jouw ", " jou "))
    ]
    assert (
        AnnotationForm.base_fields["passage"].help_text
        == "Kopieer de zin of het zinsdeel uit de tekst waarbij u de kanttekening schrijft."
    )


def test_without_a_selection_the_text_to_copy_from_comes_first_and_open(section, member_a):
    page = parse(logged_in(member_a).get(reverse("annotation-new"), {"doel": "section:ontmoeting"}))
    form = page.xpath("//main//form[@method='post']")[0]
    order = [
        element.tag if element.tag == "details" else element.get("name")
        for element in form.xpath(".//details | .//textarea | .//button")
    ]
    assert order == ["details", "passage", "body", None]
    details = form.xpath(".//details")[0]
    assert details.get("open") is not None
    assert section_target(section).text.split("\n")[0][:60] in details.text_content()


def test_with_a_selection_there_is_no_text_to_copy_from(section, member_a):
    target = section_target(section)
    query = {
        "doel": target.key,
        "start": 0,
        "end": 20,
        "exact": target.text[:20],
        "revisie": target.revision,
    }
    page = parse(logged_in(member_a).get(reverse("annotation-new"), query))
    assert not page.xpath("//main//details") and not page.xpath("//textarea[@name='passage']")


def test_the_bibliography_lists_each_place_once(client, framework):
    strijd = Section.objects.get(key="strijd")
    economisch = Section.objects.get(key="economisch-cultureel")
    first = make_annotation(target=economisch, attribution="Fraser (1997)", body="Herverdeling.")
    make_annotation(
        target=economisch,
        passage=economisch.body[40:80],
        attribution="Fraser (1997)",
        body="Erkenning.",
    )
    other = make_annotation(target=strijd, attribution="Fraser (1997)", body="Strijd.")
    page = parse(client.get(reverse("bibliography")))
    entry = page.xpath("//dt[text()='Fraser (1997)']/following-sibling::dd[1]")[0]
    # In the framework's order, whichever was cited first.
    assert [(a.text, a.get("href")) for a in entry.xpath(".//a")] == [
        ("1.3 Strijd", f"/kader/strijd/#kanttekening-{other.pk}"),
        ("3.3 Economisch – cultureel", f"/kader/economisch-cultureel/#kanttekening-{first.pk}"),
    ]
