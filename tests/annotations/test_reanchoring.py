"""When researchers edit a text, its annotations follow the words or become orphans."""

import pytest
from django.urls import reverse

from annotations.models import Annotation, ModerationEvent
from annotations.services import reanchor_stale
from cases import services as case_services
from diegem.lib.annotatable import text_changed
from frameworks import services as framework_services
from frameworks.models import Section
from tests.conftest import logged_in
from tests.factories import KOOKPLOEG_PRACTICE as PRACTICE
from tests.factories import make_annotation, make_case
from tests.html import form_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(framework):
    return make_case(practice=PRACTICE)


def edit_practice(case, new_text):
    case.practice = new_text
    return case_services.case_write(case=case, actor=None, comment="De praktijk herschreven.")


def test_inserted_sentence_moves_the_anchor(case):
    annotation = make_annotation(target=case, passage="Ze leren elkaars recepten")
    changed = edit_practice(case, PRACTICE.replace("Elke zaterdag", "Sinds 2019, elke zaterdag"))
    assert changed == ["practice"]
    annotation.refresh_from_db()
    assert (
        case.practice[annotation.position_start : annotation.position_end]
        == "Ze leren elkaars recepten"
    )
    assert annotation.anchor_state == "anchored"


def test_typo_fix_inside_the_passage_keeps_it_anchored(case):
    case.practice = PRACTICE.replace("recepten", "receptne")
    case.save()
    annotation = make_annotation(target=case, passage="Ze leren elkaars receptne")
    edit_practice(case, PRACTICE)
    annotation.refresh_from_db()
    assert annotation.anchor_state == "anchored"
    assert annotation.quote_exact == "Ze leren elkaars recepten"


def test_deleted_paragraph_orphans_its_annotation_which_leaves_the_margin_for_the_queue(
    case, client, reviewer
):
    annotation = make_annotation(
        target=case, passage="Het stadsbestuur betaalt de huur", body="ORPHANED-NOTE"
    )
    edit_practice(case, PRACTICE.rsplit("\n\n", 1)[0])
    annotation.refresh_from_db()
    assert annotation.anchor_state == "orphaned"
    assert ModerationEvent.objects.filter(annotation=annotation, action="orphan").count() == 1
    assert "ORPHANED-NOTE" not in client.get(case.get_absolute_url()).content.decode()
    queue = (
        logged_in(reviewer).get(reverse("moderation-queue"), {"lijst": "verweesd"}).content.decode()
    )
    assert "ORPHANED-NOTE" in queue
    assert "Het stadsbestuur betaalt de huur" in queue  # the lost passage, from its stored quote


def test_moved_paragraph_is_followed(case):
    annotation = make_annotation(target=case, passage="Wie wil, schuift mee aan tafel.")
    first, second, third = PRACTICE.split("\n\n")
    edit_practice(case, "\n\n".join([third, second, first]))
    annotation.refresh_from_db()
    assert (
        case.practice[annotation.position_start : annotation.position_end]
        == "Wie wil, schuift mee aan tafel."
    )


def test_reanchoring_commits_or_rolls_back_with_the_edit(case):
    annotation = make_annotation(target=case, passage="Het stadsbestuur betaalt de huur")
    original = (annotation.position_start, annotation.anchor_state, annotation.version)

    def fail_after_reanchoring(sender, **kwargs):
        raise RuntimeError("a later step of the edit fails")

    text_changed.connect(fail_after_reanchoring, dispatch_uid="test-fail")
    try:
        with pytest.raises(RuntimeError):
            edit_practice(case, PRACTICE.rsplit("\n\n", 1)[0])
    finally:
        text_changed.disconnect(dispatch_uid="test-fail")
    annotation.refresh_from_db()
    assert (annotation.position_start, annotation.anchor_state, annotation.version) == original
    assert type(case).objects.get(pk=case.pk).practice == PRACTICE


def test_editing_a_framework_section_reanchors_its_annotations(framework):
    section = Section.objects.get(key="strijd")
    passage = section.body.split(". ")[1]
    annotation = make_annotation(target=section, passage=passage)
    section.body = "Een nieuwe openingszin.\n\n" + section.body
    framework_services.section_save(section=section)
    annotation.refresh_from_db()
    assert section.body[annotation.position_start : annotation.position_end] == passage


def test_editing_in_the_admin_reanchors(case, researcher_client):

    annotation = make_annotation(target=case, passage="Ze leren elkaars recepten")
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = form_values(researcher_client.get(url), "case_form")
    data["practice"] = "Een nieuwe inleiding.\r\n\r\n" + PRACTICE.replace("\n", "\r\n")
    response = researcher_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert "\r" not in case.practice  # stored in the normal form the browser's DOM shows
    annotation.refresh_from_db()
    assert (
        case.practice[annotation.position_start : annotation.position_end]
        == "Ze leren elkaars recepten"
    )


def test_stale_annotations_are_never_drawn_at_old_offsets(case, client):
    annotation = make_annotation(
        target=case, passage="Ze leren elkaars recepten", body="STALE-NOTE"
    )
    # A raw update that bypasses the services (like loaddata): offsets are now wrong.
    type(case).objects.filter(pk=case.pk).update(practice="Helemaal nieuwe tekst zonder die zin.")
    assert "STALE-NOTE" not in client.get(case.get_absolute_url()).content.decode()

    assert reanchor_stale()["orphaned"] == 1
    assert Annotation.objects.get(pk=annotation.pk).anchor_state == "orphaned"
