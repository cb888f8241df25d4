"""Loading the seed again creates what is missing and never overwrites what researchers edited."""

import shutil
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from annotations.models import Annotation
from cases.models import Case, Grounds, SourceCoding
from cases.services import case_write
from diegem.models import SeedRecord
from frameworks.models import Section
from frameworks.services import section_save

pytestmark = pytest.mark.django_db


def seed(*args, **options) -> str:
    out = StringIO()
    call_command("seed", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def fixtures(tmp_path):
    """A copy of the seed files that a test may change (a corrected fixture)."""
    for name in ("framework.yaml", "pilots.yaml", "margin-notes.yaml"):
        shutil.copy(settings.BASE_DIR / "fixtures" / name, tmp_path / name)
    return tmp_path


def test_a_second_load_changes_nothing():
    seed()
    assert seed().splitlines() == [
        "kader: 0 nieuw, 0 bijgewerkt, 33 ongewijzigd, 0 behouden (bewerkt)",
        "pilootcases: 0 nieuw, 0 bijgewerkt, 4 ongewijzigd, 0 behouden (bewerkt)",
        "kanttekeningen: 0 nieuw, 0 bijgewerkt, 48 ongewijzigd, 0 behouden (bewerkt)",
    ]


def test_a_case_the_researchers_edited_is_left_alone():
    seed()
    case = Case.objects.get(slug="torekes")
    case.summary = "Door de onderzoekers herschreven samenvatting."
    case_write(case=case, actor=None, comment="Samenvatting herschreven.")
    output = seed()
    assert "pilootcases: 0 nieuw, 0 bijgewerkt, 3 ongewijzigd, 1 behouden (bewerkt)" in output
    assert "behouden, want bewerkt sinds het laden: cases.case:torekes" in output
    assert Case.objects.get(slug="torekes").summary == "Door de onderzoekers herschreven samenvatting."


def test_an_edited_coding_counts_as_an_edit_of_its_case():
    seed()
    SourceCoding.objects.filter(case__slug="mater-dei", source__key="strijd").update(
        grounds=Grounds.INTERPRETATION, strength=1, rationale="Onze lezing."
    )
    seed()
    coding = SourceCoding.objects.get(case__slug="mater-dei", source__key="strijd")
    assert (coding.grounds, coding.strength, coding.rationale) == ("interpretatie", 1, "Onze lezing.")


def test_a_corrected_seed_reaches_a_case_nobody_touched(fixtures):
    seed(fixtures=fixtures)
    pilots = fixtures / "pilots.yaml"
    old = Case.objects.get(slug="mater-dei").summary
    pilots.write_text(pilots.read_text(encoding="utf-8").replace(old, "Een verbeterde samenvatting."), encoding="utf-8")
    output = seed(fixtures=fixtures)
    assert "pilootcases: 0 nieuw, 1 bijgewerkt, 3 ongewijzigd, 0 behouden (bewerkt)" in output
    assert Case.objects.get(slug="mater-dei").summary == "Een verbeterde samenvatting."


def test_reset_restores_the_seed_over_an_edit():
    seed()
    section = Section.objects.get(key="ontmoeting")
    original = section.body
    section.body = original + "\n\nEen alinea van de onderzoekers."
    section_save(section=section)
    assert "behouden" in seed()
    assert Section.objects.get(key="ontmoeting").body.endswith("Een alinea van de onderzoekers.")
    seed("--reset")
    assert Section.objects.get(key="ontmoeting").body == original
    assert "kader: 0 nieuw, 0 bijgewerkt, 33 ongewijzigd" in seed()


def test_a_margin_note_a_reviewer_changed_is_left_alone():
    seed()
    note = Annotation.objects.get(seed_key="simmel-1950-ontmoeting")
    note.body = "Door een moderator verduidelijkt."
    note.save()
    seed()
    assert Annotation.objects.get(seed_key="simmel-1950-ontmoeting").body == "Door een moderator verduidelijkt."


def test_objects_from_before_the_seed_records_are_only_adopted_when_equal_to_the_seed():
    seed()
    SeedRecord.objects.all().delete()
    case = Case.objects.get(slug="chiro-brussel")
    case.summary = "Een oudere versie."
    case_write(case=case, actor=None, comment="Samenvatting herschreven.")
    output = seed()
    assert "pilootcases: 0 nieuw, 0 bijgewerkt, 3 ongewijzigd, 1 behouden (bewerkt)" in output
    assert SeedRecord.objects.filter(key="cases.case:torekes").exists()
    assert not SeedRecord.objects.filter(key="cases.case:chiro-brussel").exists()
