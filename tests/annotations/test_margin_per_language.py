"""Notes stay on the language version of the text they were made on: a note on the French text
of a case stands in the French margin only, the French page says how many stand on the Dutch
original (with a link), and an edit of one language version re-anchors only its own notes."""

import pytest
from django.urls import reverse

from annotations.models import Annotation
from annotations.targets import case_target
from cases import services
from cases.models import Case
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case
from tests.html import parse

pytestmark = pytest.mark.django_db

DUTCH = "Buren koken samen op vrijdag in het buurthuis.\n\nDaarna eten ze samen aan lange tafels."
FRENCH = (
    "Des voisins cuisinent ensemble le vendredi à la maison de quartier.\n\n"
    "Ensuite ils mangent ensemble à de longues tables."
)


@pytest.fixture
def case(framework):
    return make_case(slug="buurtkeuken", practice=DUTCH, practice_fr=FRENCH)


def french_target(case):
    from django.utils import translation

    with translation.override("fr"):
        return case_target(case, "practice")


def margin_bodies(tree) -> list[str]:
    return [
        " ".join(n.text_content().split())
        for n in tree.xpath("//*[@id='praktijk']//*[contains(@class,'note__body')]")
    ]


def test_a_target_on_a_french_page_is_the_french_text(case):
    target = french_target(case)
    assert (target.language, target.text) == ("fr", FRENCH)
    assert target.annotation_fields()["text_language"] == "fr"
    assert case_target(case, "practice").language == "nl"


def test_a_member_annotates_the_french_text_from_the_french_page(case, member_a):
    response = logged_in(member_a).post(
        "/fr" + reverse("annotation-new"),
        {
            "doel": "case:buurtkeuken:praktijk",
            "passage": "de longues tables",
            "voice": "doener",
            "kind": "voorbeeld",
            "body": "Chez nous aussi.",
        },
    )
    assert response.status_code == 302
    note = Annotation.objects.get()
    assert (note.text_language, note.quote_exact) == ("fr", "de longues tables")
    assert FRENCH[note.position_start : note.position_end] == "de longues tables"


def test_a_note_on_the_french_text_never_appears_in_the_dutch_margin(client, case):
    make_annotation(
        target=french_target(case), passage="de longues tables", body="Sur le français."
    )
    make_annotation(target=case, passage="lange tafels", body="Op het Nederlands.")
    assert margin_bodies(parse(client.get("/praktijken/buurtkeuken/"))) == ["Op het Nederlands."]
    assert margin_bodies(parse(client.get("/fr/praktijken/buurtkeuken/"))) == ["Sur le français."]


def test_the_french_margin_says_how_many_notes_stand_on_the_original(client, case):
    make_annotation(target=case, passage="lange tafels")
    make_annotation(target=case, passage="Buren koken")
    make_annotation(target=case, passage="in het buurthuis", status="pending")  # not public
    tree = parse(client.get("/fr/praktijken/buurtkeuken/"))
    (link,) = tree.xpath("//*[@id='praktijk']//p[@class='annotated__original']/a")
    assert " ".join(link.text_content().split()) == "2 notes sur le texte original"
    assert link.get("href") == "/praktijken/buurtkeuken/#praktijk"
    assert link.get("hreflang") == "nl"
    # The Dutch page needs no such line.
    dutch = parse(client.get("/praktijken/buurtkeuken/"))
    assert dutch.xpath("//p[@class='annotated__original']") == []


def test_an_untranslated_text_on_a_french_page_shows_the_dutch_notes(client, framework):
    case = make_case(slug="zonder-vertaling", practice=DUTCH)
    make_annotation(target=case, passage="lange tafels", body="Op het Nederlands.")
    tree = parse(client.get("/fr/praktijken/zonder-vertaling/"))
    assert margin_bodies(tree) == ["Op het Nederlands."]
    assert tree.xpath("//p[@class='annotated__original']") == []


def test_editing_the_french_text_reanchors_only_the_french_notes(case):
    french = make_annotation(target=french_target(case), passage="de longues tables")
    dutch = make_annotation(target=case, passage="lange tafels")
    dutch_before = Annotation.objects.filter(pk=dutch.pk).values().get()
    case.practice_fr = "Avant tout : " + FRENCH
    services.case_write(case=case, actor=None, comment="Vertaling bijgewerkt.")
    french.refresh_from_db()
    assert french.position_start == FRENCH.index("de longues tables") + len("Avant tout : ")
    assert french.anchor_state == "anchored"
    assert Annotation.objects.filter(pk=dutch.pk).values().get() == dutch_before


def test_editing_the_dutch_text_leaves_the_french_notes_alone(case):
    french = make_annotation(target=french_target(case), passage="de longues tables")
    french_before = Annotation.objects.filter(pk=french.pk).values().get()
    dutch = make_annotation(target=case, passage="lange tafels")
    case.practice = "Eerst dit. " + DUTCH
    services.case_write(case=case, actor=None, comment="Tekst bijgewerkt.")
    dutch.refresh_from_db()
    assert dutch.position_start == DUTCH.index("lange tafels") + len("Eerst dit. ")
    assert Annotation.objects.filter(pk=french.pk).values().get() == french_before


def test_removing_a_translation_orphans_its_notes_not_the_originals(case):
    french = make_annotation(target=french_target(case), passage="de longues tables")
    dutch = make_annotation(target=case, passage="lange tafels")
    case.practice_fr = ""
    services.case_write(case=case, actor=None, comment="Vertaling weg.")
    french.refresh_from_db()
    dutch.refresh_from_db()
    assert (french.anchor_state, dutch.anchor_state) == ("orphaned", "anchored")


def test_the_plain_text_resource_of_a_french_note_is_the_french_text(client, case):
    note = make_annotation(target=french_target(case), passage="de longues tables")
    data = client.get(reverse("api-annotation", args=[note.pk])).json()
    source = data["target"]["source"]
    assert source.endswith("/tekst/praktijk/?taal=fr")
    response = client.get(source.removeprefix("http://testserver"))
    assert response.content.decode() == FRENCH
    assert response["Content-Language"] == "fr"


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_language_version_there_is_none_of_is_not_found(client, case, language):
    assert client.get(f"/praktijken/buurtkeuken/tekst/praktijk/?taal={language}").status_code == 404


def test_a_case_read_back_has_its_language(case):
    assert Case.objects.get(pk=case.pk).original_language == "nl"


def original_count(tree) -> list[str]:
    return [
        " ".join(link.text_content().split())
        for link in tree.xpath("//p[@class='annotated__original']/a")
    ]


def test_the_count_on_the_original_is_of_every_note_whatever_the_margins_filter(client, case):
    """The link goes to the original's whole margin: the count is of all its public notes, on a
    case's page and on a framework section's alike."""
    from django.utils import translation

    from annotations.targets import section_target
    from frameworks.models import Section

    section = Section.objects.exclude(body_fr="").exclude(body="").first()
    words = section.body.split()
    for voice, passage in (("denker", "lange tafels"), ("doener", "Buren koken")):
        make_annotation(target=case, passage=passage, voice=voice)
    for voice, passage in (("denker", words[0]), ("doener", words[1])):
        make_annotation(target=section, passage=passage, voice=voice)
    with translation.override("fr"):
        french = section_target(section)
    make_annotation(target=french, passage=french.text.split()[0], voice="doener")
    for page in ("/fr/praktijken/buurtkeuken/", f"/fr{section.get_absolute_url()}"):
        assert original_count(parse(client.get(page, {"stem": "denker"}))) == [
            "2 notes sur le texte original"
        ], page
    # The filter still applies to the margin of the version shown.
    tree = parse(client.get(f"/fr{section.get_absolute_url()}", {"stem": "denker"}))
    assert tree.xpath("//*[contains(@class,'note__body')]") == []
