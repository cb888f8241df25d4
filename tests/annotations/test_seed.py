"""The margin notes of the research text, seeded as approved annotations."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations.models import Annotation, ModerationEvent
from annotations.seed import SeedError
from diegem.lib.seeding import SeedReport
from diegem.seeding import seed_margin_notes

pytestmark = pytest.mark.django_db

# The research text has 48 attributed margin notes (the bare label "Marc Jans (2014)" is no note).
NOTES = 48


def test_margin_notes_load_twice_without_duplicates(framework):
    call_command("seed", verbosity=0)
    assert Annotation.objects.count() == NOTES
    call_command("seed", verbosity=0)
    assert Annotation.objects.count() == NOTES
    assert ModerationEvent.objects.count() == NOTES  # one event each: from nothing to approved


def test_every_seed_note_is_public_and_anchored_on_its_passage(framework):
    call_command("seed", verbosity=0)
    voices = set()
    for annotation in Annotation.objects.public().with_target():
        assert (
            annotation.target_text[annotation.position_start : annotation.position_end]
            == annotation.quote_exact
        )
        assert annotation.attribution
        voices.add(annotation.voice)
    assert Annotation.objects.public().count() == NOTES
    assert voices == {"denker", "planner", "doener"}
    assert Annotation.objects.filter(case__slug="torekes", voice="doener").exists()
    assert Annotation.objects.filter(
        section__key="wederzijdse-afhankelijkheid", attribution="Durkheim (1984)"
    ).exists()


def test_a_note_whose_passage_is_not_in_its_text_is_skipped_reported_and_saves_nothing(
    framework, tmp_path
):
    call_command("seed", verbosity=0)
    before = Annotation.objects.count()
    bad = tmp_path / "notes.yaml"
    bad.write_text(
        "- {key: goed, voice: denker, kind: associatie, attribution: A, target: {section: ontmoeting}, passage: 'zzz', body: x}\n",
        encoding="utf-8",
    )
    report = SeedReport()
    seed_margin_notes(bad, report)
    assert (
        str(report) == "0 nieuw, 0 bijgewerkt, 0 ongewijzigd, 0 behouden (bewerkt), 1 overgeslagen"
    )
    assert report.skipped == [
        "annotations.annotation:goed: de passage staat niet (meer) in de tekst (goed: passage not "
        "found exactly once in section:ontmoeting: 'zzz')"
    ]
    assert Annotation.objects.count() == before
    assert not Annotation.objects.filter(seed_key="goed").exists()


def test_the_seed_command_names_the_file_of_a_broken_seed(framework, tmp_path):
    for name in ("framework.yaml", "pilots.yaml"):
        (tmp_path / name).write_bytes((settings.BASE_DIR / "fixtures" / name).read_bytes())
    (tmp_path / "margin-notes.yaml").write_text("- {key: zonder-tekst}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="margin-notes.yaml"):
        call_command("seed", fixtures=tmp_path, verbosity=0)


@pytest.mark.parametrize(
    ("target", "echo", "message"),
    [
        (
            "{case: torekes, field: place_text}",
            "geen-sectie",
            "echo_section 'geen-sectie' is no framework section",
        ),
        (
            "{section: ontmoeting}",
            "ontmoeting",
            "only a note on a case can echo a framework section",
        ),
    ],
)
def test_a_wrong_echo_section_is_refused_naming_it(framework, tmp_path, target, echo, message):
    call_command("seed", verbosity=0)
    bad = tmp_path / "notes.yaml"
    bad.write_text(
        f"- {{key: echo, voice: doener, kind: voorbeeld, attribution: A, target: {target}, echo_section: {echo},"
        " passage: 'een zekere verbondenheid', body: x}\n",
        encoding="utf-8",
    )
    with pytest.raises(SeedError, match=message):
        seed_margin_notes(bad, SeedReport())
    assert not Annotation.objects.filter(seed_key="echo").exists()
