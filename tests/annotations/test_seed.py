"""The margin notes of the research text, seeded as approved annotations."""

import pytest
from django.core.management import call_command

from annotations.models import Annotation, ModerationEvent

pytestmark = pytest.mark.django_db


def test_margin_notes_load_twice_without_duplicates(framework):
    call_command("seed", verbosity=0)
    first = Annotation.objects.count()
    assert first == 49
    call_command("seed", verbosity=0)
    assert Annotation.objects.count() == first
    assert ModerationEvent.objects.count() == first  # one event each: from nothing to approved


def test_every_seed_note_is_public_and_anchored_on_its_passage(framework):
    call_command("seed", verbosity=0)
    voices = set()
    for annotation in Annotation.objects.public().with_target():
        assert annotation.target_text[annotation.position_start : annotation.position_end] == annotation.quote_exact
        assert annotation.attribution
        voices.add(annotation.voice)
    assert Annotation.objects.public().count() == 49
    assert voices == {"denker", "planner", "doener"}
    assert Annotation.objects.filter(case__slug="torekes", voice="doener").exists()
    assert Annotation.objects.filter(section__key="wederzijdse-afhankelijkheid", attribution="Durkheim (1984)").exists()


def test_a_broken_seed_file_is_refused_and_saves_nothing(framework, tmp_path):
    from django.core.management.base import CommandError

    call_command("loaddata", "pilots", verbosity=0)
    bad = tmp_path / "notes.yaml"
    bad.write_text(
        "- {key: goed, voice: denker, kind: associatie, attribution: A, target: {section: ontmoeting}, passage: 'zzz', body: x}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="passage not found"):
        call_command("load_margin_notes", file=bad, verbosity=0)
    assert not Annotation.objects.exists()
