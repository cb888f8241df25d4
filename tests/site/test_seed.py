"""Loading the seed again creates what is missing and never overwrites what researchers edited."""

import shutil
from io import StringIO

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from annotations.models import Annotation
from annotations.services import annotation_moderate
from annotations.thread_replies import reply_submit
from cases.models import Case, Grounds, SourceCoding
from cases.services import case_transition, case_write
from diegem.lib.models import SeedRecord
from diegem.lib.seeding import fingerprint
from diegem.seeding import row_description
from frameworks.models import Domain, Section, Source, TensionField
from frameworks.services import section_save
from tests.cases.double_coding import make_colleague, open_round

pytestmark = pytest.mark.django_db


def seed(*args, **options) -> str:
    out = StringIO()
    call_command("seed", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def fixtures(tmp_path):
    """A copy of the seed files that a test may change (a corrected fixture)."""
    for name in ("framework.yaml", "pilots.yaml", "margin-notes.yaml", "seed-history.yaml"):
        shutil.copy(settings.BASE_DIR / "fixtures" / name, tmp_path / name)
    return tmp_path


def rewrite(path, old: str, new: str) -> None:
    """Correct a seed file: one passage of it replaced."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


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
    assert (
        Case.objects.get(slug="torekes").summary == "Door de onderzoekers herschreven samenvatting."
    )


def test_an_edited_coding_counts_as_an_edit_of_its_case(fixtures):
    seed(fixtures=fixtures)
    SourceCoding.objects.filter(case__slug="mater-dei", source__key="strijd").update(
        grounds=Grounds.INTERPRETATION, strength=1, rationale="Onze lezing."
    )
    summary = Case.objects.get(slug="mater-dei").summary
    rewrite(fixtures / "pilots.yaml", summary, "Een verbeterde samenvatting.")
    output = seed(fixtures=fixtures)
    assert (
        "pilootcases: 0 nieuw, 0 bijgewerkt, 3 ongewijzigd, 1 behouden (bewerkt)"
        in output.splitlines()
    )
    coding = SourceCoding.objects.get(case__slug="mater-dei", source__key="strijd")
    assert (coding.grounds, coding.strength, coding.rationale) == (
        "interpretatie",
        1,
        "Onze lezing.",
    )
    assert Case.objects.get(slug="mater-dei").summary == summary


def test_a_corrected_seed_reaches_a_case_nobody_touched(fixtures):
    seed(fixtures=fixtures)
    pilots = fixtures / "pilots.yaml"
    old = Case.objects.get(slug="mater-dei").summary
    pilots.write_text(
        pilots.read_text(encoding="utf-8").replace(old, "Een verbeterde samenvatting."),
        encoding="utf-8",
    )
    output = seed(fixtures=fixtures)
    assert "pilootcases: 0 nieuw, 1 bijgewerkt, 3 ongewijzigd, 0 behouden (bewerkt)" in output
    assert Case.objects.get(slug="mater-dei").summary == "Een verbeterde samenvatting."


def test_reset_restores_the_seed_over_an_edit():
    seed()
    section = Section.objects.get(key="ontmoeting")
    original = section.body
    section.body = original + "\n\nEen alinea van de onderzoekers."
    section_save(section=section)
    assert (
        "kader: 0 nieuw, 0 bijgewerkt, 32 ongewijzigd, 1 behouden (bewerkt)" in seed().splitlines()
    )
    assert Section.objects.get(key="ontmoeting").body.endswith("Een alinea van de onderzoekers.")
    assert (
        "kader: 0 nieuw, 1 bijgewerkt, 32 ongewijzigd, 0 behouden (bewerkt)"
        in seed("--reset").splitlines()
    )
    assert Section.objects.get(key="ontmoeting").body == original
    assert (
        "kader: 0 nieuw, 0 bijgewerkt, 33 ongewijzigd, 0 behouden (bewerkt)" in seed().splitlines()
    )


def test_a_margin_note_a_reviewer_changed_is_left_alone(fixtures):
    seed(fixtures=fixtures)
    note = Annotation.objects.get(seed_key="simmel-1950-ontmoeting")
    seeded_body = note.body
    note.body = "Door een moderator verduidelijkt."
    note.save()
    rewrite(fixtures / "margin-notes.yaml", seeded_body.splitlines()[0], "Een verbeterde kantnoot.")
    output = seed(fixtures=fixtures)
    assert (
        "kanttekeningen: 0 nieuw, 0 bijgewerkt, 47 ongewijzigd, 1 behouden (bewerkt)"
        in output.splitlines()
    )
    assert (
        Annotation.objects.get(seed_key="simmel-1950-ontmoeting").body
        == "Door een moderator verduidelijkt."
    )


def test_a_pilot_taken_offline_stays_offline_when_the_seed_changes(fixtures, researcher):
    seed(fixtures=fixtures)
    case_transition(case=Case.objects.get(slug="mater-dei"), action="unpublish", actor=researcher)
    rewrite(
        fixtures / "pilots.yaml",
        Case.objects.get(slug="mater-dei").summary,
        "Een verbeterde samenvatting.",
    )
    assert (
        "pilootcases: 0 nieuw, 0 bijgewerkt, 3 ongewijzigd, 1 behouden (bewerkt)"
        in seed(fixtures=fixtures).splitlines()
    )
    assert Case.objects.get(slug="mater-dei").status == "draft"
    # Even a reset restores contents only; publishing again is the workflow's.
    seed("--reset", fixtures=fixtures)
    case = Case.objects.get(slug="mater-dei")
    assert (case.status, case.summary) == ("draft", "Een verbeterde samenvatting.")


def test_a_note_a_reviewer_took_offline_stays_offline_when_the_seed_changes(fixtures, reviewer):
    seed(fixtures=fixtures)
    note = Annotation.objects.get(seed_key="simmel-1950-ontmoeting")
    annotation_moderate(
        annotation_id=note.pk,
        action="hide",
        actor=reviewer,
        expected_version=note.version,
        public_reason="Te herzien.",
    )
    rewrite(fixtures / "margin-notes.yaml", note.body.splitlines()[0], "Een verbeterde kantnoot.")
    assert (
        "kanttekeningen: 0 nieuw, 0 bijgewerkt, 47 ongewijzigd, 1 behouden (bewerkt)"
        in seed(fixtures=fixtures).splitlines()
    )
    assert Annotation.objects.get(seed_key="simmel-1950-ontmoeting").status == "hidden"
    seed("--reset", fixtures=fixtures)
    note = Annotation.objects.get(seed_key="simmel-1950-ontmoeting")
    assert (note.status, note.body.splitlines()[0]) == ("hidden", "Een verbeterde kantnoot.")


def test_a_note_whose_passage_left_an_edited_text_is_skipped_and_the_rest_loads():
    seed()
    Annotation.objects.filter(seed_key="torekes-tuiniers-stadsakker").delete()
    case = Case.objects.get(slug="torekes")
    passage = "Omdat ze dat terrein delen en er elk hun eigen activiteiten doen, ontstaat er toch een zekere verbondenheid."
    assert passage in case.place_text
    case.place_text = case.place_text.replace(passage, "De onderzoekers herschreven deze zin.")
    case_write(case=case, actor=None, comment="Door de onderzoekers bewerkt.")
    output = seed().splitlines()
    assert (
        "kanttekeningen: 0 nieuw, 0 bijgewerkt, 47 ongewijzigd, 0 behouden (bewerkt), 1 overgeslagen"
        in output
    )
    assert any(
        line.startswith(
            "  overgeslagen: annotations.annotation:torekes-tuiniers-stadsakker: de passage staat "
            "niet (meer) in de tekst"
        )
        for line in output
    )
    assert not Annotation.objects.filter(seed_key="torekes-tuiniers-stadsakker").exists()


def test_an_earlier_seed_version_nobody_touched_follows_the_seed(fixtures):
    """A database loaded before the seed records: an object still as an earlier seed left it is updated."""
    seed(fixtures=fixtures)
    SeedRecord.objects.all().delete()
    earlier = dict(line.strip().split(": ", 1) for line in seed("--fingerprints").splitlines())
    history = fixtures / "seed-history.yaml"
    history.write_text(
        f"earlier:\n  cases.case:torekes: {earlier['cases.case:torekes']}\n"
        f"  cases.case:mater-dei: {earlier['cases.case:mater-dei']}\n"
        "retired: []\n",
        encoding="utf-8",
    )
    chiro = Case.objects.get(slug="chiro-brussel").summary
    for slug in ("torekes", "mater-dei", "chiro-brussel"):
        rewrite(
            fixtures / "pilots.yaml",
            Case.objects.get(slug=slug).summary,
            f"Nieuwe samenvatting van {slug}.",
        )
    case = Case.objects.get(slug="mater-dei")
    case.summary = "Door de onderzoekers herschreven."
    case_write(case=case, actor=None, comment="Door de onderzoekers bewerkt.")
    assert (
        "pilootcases: 0 nieuw, 1 bijgewerkt, 1 ongewijzigd, 2 behouden (bewerkt)"
        in seed(fixtures=fixtures).splitlines()
    )
    assert [
        Case.objects.get(slug=slug).summary for slug in ("torekes", "mater-dei", "chiro-brussel")
    ] == [
        "Nieuwe samenvatting van torekes.",  # as an earlier seed left it
        "Door de onderzoekers herschreven.",  # edited
        chiro,  # no earlier version known: left alone
    ]


def test_a_note_the_seed_retired_leaves_unless_someone_changed_it(fixtures):
    seed(fixtures=fixtures)
    retired = ["simmel-1950-ontmoeting", "durkheim-1984-wederzijdse-afhankelijkheid"]
    notes = fixtures / "margin-notes.yaml"
    kept_notes = [
        note
        for note in yaml.safe_load(notes.read_text(encoding="utf-8"))
        if note["key"] not in retired
    ]
    notes.write_text(yaml.safe_dump(kept_notes, allow_unicode=True), encoding="utf-8")
    (fixtures / "seed-history.yaml").write_text(
        "retired:\n" + "".join(f"  - annotations.annotation:{key}\n" for key in retired),
        encoding="utf-8",
    )
    edited = Annotation.objects.get(seed_key="durkheim-1984-wederzijdse-afhankelijkheid")
    edited.body = "Door een moderator verduidelijkt."
    edited.save()
    assert (
        "kanttekeningen: 0 nieuw, 0 bijgewerkt, 46 ongewijzigd, 1 behouden (bewerkt), 1 verwijderd (uit de seed gehaald)"
        in seed(fixtures=fixtures).splitlines()
    )
    assert not Annotation.objects.filter(seed_key="simmel-1950-ontmoeting").exists()
    assert Annotation.objects.filter(seed_key="durkheim-1984-wederzijdse-afhankelijkheid").exists()


def retire_in_fixtures(fixtures, key: str) -> None:
    """The seed files as a correction leaves them: note `key` taken out and named retired."""
    notes = fixtures / "margin-notes.yaml"
    kept = [
        note for note in yaml.safe_load(notes.read_text(encoding="utf-8")) if note["key"] != key
    ]
    notes.write_text(yaml.safe_dump(kept, allow_unicode=True), encoding="utf-8")
    (fixtures / "seed-history.yaml").write_text(
        f"retired:\n  - annotations.annotation:{key}\n", encoding="utf-8"
    )


def answered_seed_note(key: str, member, reviewer) -> tuple[Annotation, Annotation]:
    """A seed note with a member's public reply under it."""
    note = Annotation.objects.get(seed_key=key)
    reply = reply_submit(author=member, voice="doener", body="Mijn antwoord.", parent_id=note.pk)
    reply.refresh_from_db()
    annotation_moderate(
        annotation_id=reply.pk, action="approve", actor=reviewer, expected_version=reply.version
    )
    return note, reply


def test_a_retired_note_with_replies_is_withdrawn_and_its_replies_kept(
    fixtures, member_b, reviewer, client
):
    seed(fixtures=fixtures)
    note, reply = answered_seed_note("simmel-1950-ontmoeting", member_b, reviewer)
    retire_in_fixtures(fixtures, "simmel-1950-ontmoeting")
    assert (
        "kanttekeningen: 0 nieuw, 0 bijgewerkt, 47 ongewijzigd, 0 behouden (bewerkt), 1 verwijderd (uit de seed gehaald)"
        in seed(fixtures=fixtures).splitlines()
    )
    note.refresh_from_db()
    assert note.status == "withdrawn"
    assert list(
        note.events.order_by("pk").values_list("action", "old_status", "new_status", "actor")
    ) == [
        ("seed", "", "approved", None),
        ("withdraw", "approved", "withdrawn", None),
    ]
    # Member B's reply and its log stay; neither it nor the note is public any longer.
    assert list(Annotation.objects.filter(pk=reply.pk).values_list("status", flat=True)) == [
        "approved"
    ]
    assert list(reply.events.order_by("pk").values_list("action", flat=True)) == [
        "submit",
        "approve",
    ]
    assert not Annotation.objects.public().filter(pk__in=[note.pk, reply.pk]).exists()
    page = client.get(Section.objects.get(key="ontmoeting").get_absolute_url()).content.decode()
    assert "Mijn antwoord." not in page
    assert f"kanttekening-{note.pk}" not in page
    # The next load finds nothing to do.
    assert seed(fixtures=fixtures).splitlines()[-1] == (
        "kanttekeningen: 0 nieuw, 0 bijgewerkt, 47 ongewijzigd, 0 behouden (bewerkt)"
    )


def test_a_retired_note_back_in_the_seed_returns_with_its_thread(fixtures, member_b, reviewer):
    shipped = (fixtures / "margin-notes.yaml").read_text(encoding="utf-8")
    seed(fixtures=fixtures)
    note, reply = answered_seed_note("simmel-1950-ontmoeting", member_b, reviewer)
    retire_in_fixtures(fixtures, "simmel-1950-ontmoeting")
    seed(fixtures=fixtures)
    (fixtures / "margin-notes.yaml").write_text(shipped, encoding="utf-8")
    (fixtures / "seed-history.yaml").write_text("retired: []\n", encoding="utf-8")
    assert (
        "kanttekeningen: 1 nieuw, 0 bijgewerkt, 47 ongewijzigd, 0 behouden (bewerkt)"
        in seed(fixtures=fixtures).splitlines()
    )
    assert list(note.events.order_by("pk").values_list("action", "old_status", "new_status")) == [
        ("seed", "", "approved"),
        ("withdraw", "approved", "withdrawn"),
        ("seed", "withdrawn", "approved"),
    ]
    assert set(Annotation.objects.public().filter(pk__in=[note.pk, reply.pk])) == {note, reply}


def test_a_retired_note_nobody_answered_is_deleted(fixtures):
    seed(fixtures=fixtures)
    retire_in_fixtures(fixtures, "simmel-1950-ontmoeting")
    seed(fixtures=fixtures)
    assert not Annotation.objects.filter(seed_key="simmel-1950-ontmoeting").exists()


def test_the_shipped_history_retires_only_keys_the_seed_no_longer_has():
    history = (settings.BASE_DIR / "fixtures" / "seed-history.yaml").read_text(encoding="utf-8")
    notes = (settings.BASE_DIR / "fixtures" / "margin-notes.yaml").read_text(encoding="utf-8")
    assert "  - annotations.annotation:marc-jans-2014-inleiding" in history.splitlines()
    assert "key: marc-jans-2014-inleiding" not in notes


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


# --- the framework's advice for practice (migration frameworks 0008) ---------------------------


@pytest.fixture
def fresh_framework(db):
    """No framework yet, and sections numbered from 1 as in a fresh installation.

    The fingerprints in `fixtures/seed-history.yaml` describe a source or tension field with its
    `section_id`; the session's framework and other tests have moved the numbering on.
    """
    for model in (Source, TensionField, Domain, Section):
        model.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('frameworks_section', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
        last_value, is_called = cursor.fetchone()
        cursor.execute("SELECT setval(%s, 1, false)", [sequence])
    yield
    # A sequence does not roll back with the test: give the session's rows their numbering back.
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(%s, %s, %s)", [sequence, last_value, is_called])


# Passages the second reading of the seed corrected (5 December 2026), as the seed had them
# before: a database the older seed loaded holds them (`fixtures/seed-history.yaml` knows it so).
BEFORE_THE_SECOND_READING = [
    (
        "Een erkenningsbeleid gericht op de specifieke eisen van minderheidsgroepen,",
        "Een erkenningsbeleid voor de specifieke noden van minderheden,",
    ),
    (
        "of net voor een aanbod voor iedereen. In de kantlijn wijst CIMIC, dat zelf ‘en-en’ "
        "antwoordt, erop dat een categoriale aanpak kan stigmatiseren.",
        "of net voor een aanbod voor iedereen, onder meer omdat een categoriale aanpak kan "
        "stigmatiseren.",
    ),
    (
        "Verschillende planners leggen in hun beleidsdocumenten de nadruk op nabijheid,",
        "Veel beleidsdocumenten leggen de nadruk op nabijheid,",
    ),
]


def without_for_practice(fixtures) -> None:
    """The framework seed as it was before sources and tension fields said what practice can do."""
    for corrected, before in BEFORE_THE_SECOND_READING:
        rewrite(fixtures / "framework.yaml", corrected, before)
    path = fixtures / "framework.yaml"
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    for row in rows:
        row["fields"].pop("for_practice", None)
    path.write_text(
        yaml.safe_dump(rows, allow_unicode=True, sort_keys=False, width=100_000), encoding="utf-8"
    )


@pytest.mark.parametrize("records", [True, False], ids=["with-records", "before-the-records"])
def test_a_framework_seeded_before_for_practice_receives_it_unless_someone_edited_it(
    fresh_framework, fixtures, records
):
    without_for_practice(fixtures)
    seed(fixtures=fixtures)
    # What that seed recorded, before migration 0008 added the (empty) field to every row.
    for model in (Source, TensionField):
        for row in model.objects.all():
            described = row_description(row)
            assert described.pop("for_practice") == ""
            SeedRecord.objects.filter(key=f"{model._meta.label_lower}:{row.key}").update(
                wanted=fingerprint(described), written=fingerprint(described)
            )
    if not records:
        SeedRecord.objects.all().delete()
    Source.objects.filter(key="ontmoeting").update(description="Door de onderzoekers herschreven.")

    output = seed()  # the shipped seed and its history

    # Every untouched row is brought up to date: the nine sources and tension fields receive
    # their advice, and all of them (the 23 sections too) the French and English translations
    # the shipped seed has and this copy's had not.
    assert (
        "kader: 0 nieuw, 32 bijgewerkt, 0 ongewijzigd, 1 behouden (bewerkt)" in output.splitlines()
    )
    assert "behouden, want bewerkt sinds het laden: frameworks.source:ontmoeting" in output
    assert "opmerkelijk in de schaduw" in Source.objects.get(key="strijd").for_practice
    assert "evenredige deelname" in (
        TensionField.objects.get(key="universeel-particularistisch").for_practice
    )
    assert all(
        row.for_practice
        for model in (Source, TensionField)
        for row in model.objects.exclude(key="ontmoeting")
    )
    edited = Source.objects.get(key="ontmoeting")
    assert (edited.description, edited.for_practice) == ("Door de onderzoekers herschreven.", "")
    assert (
        "kader: 0 nieuw, 0 bijgewerkt, 32 ongewijzigd, 1 behouden (bewerkt)" in seed().splitlines()
    )


def test_a_retired_note_a_reviewer_hid_stays_hidden_with_its_replies(fixtures, member_b, reviewer):
    """Even with --reset: a reviewer's decision stands, and nothing of the members' is deleted."""
    seed(fixtures=fixtures)
    note, reply = answered_seed_note("simmel-1950-ontmoeting", member_b, reviewer)
    note.refresh_from_db()
    annotation_moderate(
        annotation_id=note.pk,
        action="hide",
        actor=reviewer,
        expected_version=note.version,
        public_reason="Even uit beeld.",
    )
    retire_in_fixtures(fixtures, "simmel-1950-ontmoeting")
    assert (
        "kanttekeningen: 0 nieuw, 0 bijgewerkt, 47 ongewijzigd, 1 behouden (bewerkt)"
        in seed("--reset", fixtures=fixtures).splitlines()
    )
    assert list(
        Annotation.objects.filter(pk__in=[note.pk, reply.pk])
        .order_by("pk")
        .values_list("status", flat=True)
    ) == ["hidden", "approved"]


def test_a_framework_seeded_before_the_thinkers_were_translated_receives_them(db):
    seed()
    # As the seed before migration 0010 left the sources: every text translated but the thinkers,
    # and its records describing them so (an empty translation column is left out of a description).
    for row in Source.objects.all():
        row.thinkers_fr = row.thinkers_en = ""
        row.save()
        SeedRecord.objects.filter(key=f"frameworks.source:{row.key}").update(
            wanted=fingerprint(row_description(row)), written=fingerprint(row_description(row))
        )
    Source.objects.filter(key="ontmoeting").update(thinkers="Georg Simmel; ook Richard Sennett")

    output = seed()

    assert "kader: 0 nieuw, 3 bijgewerkt, 29 ongewijzigd, 1 behouden (bewerkt)" in output
    assert "behouden, want bewerkt sinds het laden: frameworks.source:ontmoeting" in output
    norms = Source.objects.get(key="normen-en-waarden")
    assert norms.thinkers_en == (
        "Talcott Parsons; also Emile Durkheim on the limits of interdependence"
    )
    assert norms.thinkers_fr.startswith("Talcott Parsons\u00a0; aussi Emile Durkheim")
    assert Source.objects.get(key="ontmoeting").thinkers_en == ""
    assert "kader: 0 nieuw, 0 bijgewerkt, 32 ongewijzigd, 1 behouden (bewerkt)" in seed()


def test_a_pilot_being_double_coded_is_skipped_with_why_and_the_rest_loads(researcher):
    """`seed --reset` would put back the pilot's coding while its round's consensus is to become
    it (`CodingDuringDoubleCoding`): the pilot is skipped, saying why, the rest loads."""
    seed()
    case = Case.objects.get(slug="torekes")
    case_transition(case=case, action="unpublish", actor=researcher)
    SourceCoding.objects.filter(case=case, source__key="strijd").update(strength=0)
    open_round(Case.objects.get(pk=case.pk), researcher, make_colleague())
    Annotation.objects.filter(seed_key="torekes-tuiniers-stadsakker").delete()

    output = seed("--reset").splitlines()

    assert (
        "  overgeslagen: cases.case:torekes: "
        + (
            "Er loopt een dubbele codering voor deze praktijk: haar consensus wordt de codering en "
            "zou deze wijziging vervangen. Laat de codering van ‘Strijd’ staan tot na de consensus; "
            "niets is bewaard."
        )
        in output
    )
    assert SourceCoding.objects.get(case=case, source__key="strijd").strength == 0
    assert Annotation.objects.filter(seed_key="torekes-tuiniers-stadsakker").exists()
