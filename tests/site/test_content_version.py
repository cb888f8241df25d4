"""Every write to a watched model gives the content a new version, so no cached page outlives it.

The list of watched models is written out here, so that a model leaving it (or
joining it) is a decision a test sees.
"""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from taggit.models import Tag

from annotations.models import MemberPreferences
from cases.double_coding_rounds import round_request
from cases.models import Case, CodingEvidence, KeywordedCase, SourceCoding, TensionPosition
from diegem.data_releases import release_cut
from diegem.lib.anchoring import locate_passage
from diegem.lib.versioning import WATCHED_MODELS, current_content_version
from frameworks.models import Domain, Section, Source, TensionField
from tests.cases.double_coding import make_colleague
from tests.factories import (
    make_annotation,
    make_case,
    make_member,
    make_organisation,
    make_reading,
    make_user,
)

pytestmark = pytest.mark.django_db


def _evidence():
    case = make_case()
    evidence = CodingEvidence(
        case=case, source=Source.objects.get(key="ontmoeting"), case_field="practice"
    )
    evidence.anchor_to(locate_passage(case.practice, "Een tweede alinea."), case.practice)
    evidence.save()
    return evidence


# The models whose writes change what the public sees.
WATCHED = [
    "frameworks.Section",
    "frameworks.Source",
    "frameworks.TensionField",
    "frameworks.Domain",
    "cases.Case",
    "cases.SourceCoding",
    "cases.TensionPosition",
    "cases.CodingEvidence",
    "cases.KeywordedCase",
    "cases.DoubleCodingRound",
    "cases.IndependentCoding",
    "taggit.Tag",
    "annotations.Annotation",
    "annotations.Reading",
    "annotations.Organisation",
    "annotations.Membership",
    "annotations.MemberPreferences",
    "diegem.Release",
]


def _double_coding_round():
    """A double-coding round (a submitted coding or a settled round moves the reliability figures)."""
    case = make_case(status=Case.Status.DRAFT)
    return round_request(
        case=case,
        requested_by=make_colleague("eerste"),
        second_coder=make_colleague("tweede"),
    )


# One row of each watched model, saved (the framework is loaded).
ROWS = {
    "frameworks.Section": lambda: Section.objects.create(
        key="proef", order=99, title="Proef", body="Een proeftekst."
    ),
    "frameworks.Source": lambda: Source.objects.create(
        key="proef",
        order=99,
        name="Proef",
        summary="Kort.",
        description="Lang.",
        perspective="Visie.",
        thinkers="Niemand.",
    ),
    "frameworks.TensionField": lambda: TensionField.objects.get(number=6),
    "frameworks.Domain": lambda: Domain.objects.create(
        key="proef", order=99, name="Proef", description="Een domein."
    ),
    "cases.Case": lambda: make_case(coded=False),
    "cases.SourceCoding": lambda: SourceCoding.objects.filter(case=make_case()).first(),
    "cases.TensionPosition": lambda: TensionPosition.objects.filter(case=make_case()).first(),
    "cases.CodingEvidence": _evidence,
    "cases.KeywordedCase": lambda: KeywordedCase.objects.get(
        content_object=make_case(keywords=("buurtwerk",))
    ),
    "cases.DoubleCodingRound": lambda: _double_coding_round(),
    "cases.IndependentCoding": lambda: _double_coding_round().codings.first(),
    "taggit.Tag": lambda: Tag.objects.create(name="proef", slug="proef"),
    "annotations.Annotation": make_annotation,
    "annotations.Organisation": make_organisation,
    "annotations.Membership": lambda: make_member().membership,
    "annotations.Reading": lambda: make_reading(make_case(), source="ontmoeting").reading,
    "annotations.MemberPreferences": lambda: MemberPreferences.objects.create(
        user=make_member(), shown_as="organisation"
    ),
    "diegem.Release": lambda: release_cut(title="Proef"),
}


def test_the_watched_models_are_these():
    assert list(WATCHED_MODELS) == WATCHED


@pytest.mark.parametrize("label", WATCHED)
def test_saving_or_deleting_a_watched_row_gives_a_new_version(framework, label):
    row = ROWS[label]()
    assert row._meta.label == label
    before = current_content_version()
    row.save()
    after_save = current_content_version()
    assert after_save != before
    row.delete()
    assert current_content_version() != after_save


def test_adding_a_keyword_or_a_researcher_to_a_case_gives_a_new_version(framework):
    case = make_case()
    before = current_content_version()
    case.keywords.add("samen koken")
    after_keyword = current_content_version()
    assert after_keyword != before
    researcher = make_user()
    after_keyword = current_content_version()
    case.researchers.add(researcher)
    assert current_content_version() != after_keyword


def test_a_users_name_gives_a_new_version_a_login_or_password_does_not(db):
    user = make_user(first_name="Amal")
    before = current_content_version()
    user.save(update_fields=["last_login"])
    user.set_password("een-nieuw-lang-wachtwoord")
    user.save(update_fields=["password"])
    assert current_content_version() == before
    user.first_name = "Amala"
    user.save(update_fields=["first_name"])
    assert current_content_version() != before


def test_deleting_a_user_gives_a_new_version(framework):
    # Named on a note (its byline, set to none by a bulk update) and as a case's researcher
    # (rows the delete removes without m2m_changed); no membership or preferences of their own.
    user = make_user(first_name="Rik")
    make_annotation(target=make_case(), author=user)
    make_case(slug="met-onderzoeker").researchers.add(user)
    before = current_content_version()
    user.delete()
    assert current_content_version() != before


def test_a_write_to_an_unwatched_model_keeps_the_version(db):
    before = current_content_version()
    Group.objects.create(name="Leesclub")
    assert current_content_version() == before


@pytest.mark.django_db(transaction=True)
def test_a_write_gives_a_new_version_at_once_and_again_when_it_commits(framework):
    """A page made between the two, from what was committed before the write, is kept under a
    version the commit leaves behind."""
    before = current_content_version()
    with transaction.atomic():
        make_case()
        during = current_content_version()
        make_case(slug="tweede")  # one more move at the commit, however many writes
        assert current_content_version() != during
        during = current_content_version()
    assert len({before, during, current_content_version()}) == 3
    assert current_content_version() == during + 1


@pytest.mark.django_db(transaction=True)
def test_a_write_that_rolls_back_never_hands_its_version_on(framework):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_case()
        rolled_back = current_content_version()
        raise RuntimeError
    make_case(slug="later")
    assert current_content_version() > rolled_back
