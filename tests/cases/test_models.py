"""The database refuses what must never hold: duplicate codings, values off the scale."""

import pytest
from django.db import IntegrityError, transaction

from cases.models import Case, SourceCoding, TensionPosition
from frameworks.models import Source, TensionField
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _refused(**create):
    model = create.pop("model")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**create)


def test_second_coding_of_the_same_source_is_refused(framework):
    case = make_case()
    source = Source.objects.get(key="ontmoeting")
    _refused(model=SourceCoding, case=case, source=source, strength=2)


def test_second_position_on_the_same_field_is_refused(framework):
    case = make_case()
    field = TensionField.objects.get(key="consensus-conflict")
    _refused(model=TensionPosition, case=case, tension_field=field, position=1)


@pytest.mark.parametrize("strength", [-1, 4, 99])
def test_strength_off_the_scale_is_refused(framework, strength):
    case = make_case(coded=False)
    _refused(model=SourceCoding, case=case, source=Source.objects.first(), strength=strength)


@pytest.mark.parametrize("strength", [0, 1, 2, 3])
def test_strengths_on_the_scale_are_kept(framework, strength):
    case = make_case(coded=False)
    SourceCoding.objects.create(case=case, source=Source.objects.first(), strength=strength)


@pytest.mark.parametrize(
    "position, holds_both",
    [
        (-3, False),  # beyond pole A
        (3, False),  # beyond pole B
        (None, False),  # neither a position nor both poles
        (1, True),  # a position and both poles at once
    ],
)
def test_position_off_the_scale_or_contradictory_is_refused(framework, position, holds_both):
    case = make_case(coded=False)
    _refused(
        model=TensionPosition,
        case=case,
        tension_field=TensionField.objects.first(),
        position=position,
        holds_both=holds_both,
    )


@pytest.mark.parametrize(
    "position, holds_both", [(-2, False), (0, False), (2, False), (None, True)]
)
def test_positions_on_the_scale_are_kept(framework, position, holds_both):
    case = make_case(coded=False)
    TensionPosition.objects.create(
        case=case,
        tension_field=TensionField.objects.first(),
        position=position,
        holds_both=holds_both,
    )


def test_published_case_without_a_publication_date_is_refused(framework):
    case = make_case(status=Case.Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status=Case.Status.PUBLISHED, published_at=None)


@pytest.mark.parametrize(
    "latitude, longitude",
    [(51.05, None), (None, 3.72), (91, 3.7), (51.0, 181)],
)
def test_half_or_impossible_coordinates_are_refused(framework, latitude, longitude):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_case(latitude=latitude, longitude=longitude)


def test_unknown_kind_or_status_is_refused(framework):
    case = make_case()
    for field, value in [("kind", "blog"), ("status", "secret")]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.filter(pk=case.pk).update(**{field: value})


def test_missing_for_publication_names_every_gap(framework):
    case = make_case(coded=False, status=Case.Status.DRAFT)
    SourceCoding.objects.create(
        case=case, source=Source.objects.get(key="strijd"), strength=2, rationale=""
    )
    missing = " ".join(case.missing_for_publication())
    for source in Source.objects.all():
        assert source.name in missing
    for field in TensionField.objects.all():
        assert field.name in missing
    assert "onderbouwing" in missing


def test_complete_case_misses_nothing(framework):
    assert make_case(status=Case.Status.DRAFT).missing_for_publication() == []
