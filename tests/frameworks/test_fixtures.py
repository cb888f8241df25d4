"""The seed data: the whole framework and four coded pilots."""

import pytest
from django.core.management import call_command
from taggit.models import Tag

from cases.models import Case, CodingEvidence, KeywordedCase, SourceCoding, TensionPosition
from frameworks.models import Domain, Section, Source, TensionField

pytestmark = pytest.mark.django_db

SEED_COUNTS = {
    Section: 19,
    Source: 4,
    TensionField: 6,
    Domain: 4,
    Case: 4,
    SourceCoding: 16,
    TensionPosition: 24,
}


def counts():
    return {
        model: model.objects.count() for model in [*SEED_COUNTS, Tag, KeywordedCase, CodingEvidence]
    }


def test_seed_loads_twice_without_duplicates():
    call_command("seed", verbosity=0)
    first = counts()
    for model, expected in SEED_COUNTS.items():
        assert first[model] == expected, model
    assert first[KeywordedCase] >= 12

    call_command("seed", verbosity=0)
    assert counts() == first


def test_pilots_are_published_and_fully_coded():
    call_command("seed", verbosity=0)
    pilots = Case.objects.published().filter(kind=Case.Kind.PILOT)
    assert sorted(pilots.values_list("slug", flat=True)) == [
        "chiro-brussel",
        "mater-dei",
        "spring-global-mail",
        "torekes",
    ]
    for case in pilots:
        assert case.missing_for_publication() == [], case
    assert Case.objects.get(slug="torekes").neighbourhood == "Rabot"
    assert Case.objects.get(slug="spring-global-mail").domain.key == "werken"


def test_framework_sections_are_ordered_and_linked():
    call_command("loaddata", "framework", verbosity=0)
    numbers = list(Section.objects.values_list("number", flat=True))
    assert numbers[0] == "" and numbers[-1] == "4"
    assert numbers[1:6] == ["1", "1.1", "1.2", "1.3", "1.4"]
    assert [s.section.number for s in Source.objects.all()] == ["1.1", "1.2", "1.3", "1.4"]
    assert [f.section.number for f in TensionField.objects.all()] == [
        "3.1",
        "3.2",
        "3.3",
        "3.4",
        "3.5",
        "3.6",
    ]
    for section in Section.objects.all():
        assert "\n\n\n" not in section.body


def test_every_source_and_tension_field_says_what_policy_and_practice_can_do():
    call_command("loaddata", "framework", verbosity=0)
    for row in [*Source.objects.all(), *TensionField.objects.all()]:
        assert row.for_practice.strip(), row.key
    assert Source.objects.get(key="strijd").for_practice.startswith(
        "In de beleidsdocumenten die DieGem bekeek, blijft strijd als bron van solidariteit"
    )
