"""One way to write a case: every entry point saves through `case_write`, once.

The admin (add and change), the import (in the workbench and by command),
restore and the seed each leave exactly one new version and refresh the
case's search vector once; an import of many published rows rebuilds the
"did you mean" vocabulary once, after the commit.
"""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from cases import services, vocabulary
from cases.history import versions_of
from cases.models import Case, CaseQuerySet
from cases.seed import case_seed_write, read_cases
from cases.vocabulary import SearchTerm
from frameworks.models import Domain
from tests.cases.conftest import change_url
from tests.factories import good_row, make_case, run_import, wide_csv
from tests.html import form_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshes(monkeypatch) -> list[list[int]]:
    """The cases of each search vector refresh `case_write` makes, in order."""
    calls = []
    refresh = CaseQuerySet.refresh_search_vectors

    def counted(cases):
        calls.append(sorted(cases.values_list("pk", flat=True)))
        return refresh(cases)

    monkeypatch.setattr(CaseQuerySet, "refresh_search_vectors", counted)
    return calls


def add_in_the_admin(client) -> Case:
    data = form_values(client.get(reverse("admin:cases_case_add")), "case_form")
    data |= {
        "title": "Nieuwe praktijk",
        "slug": "nieuwe-praktijk",
        "domain": str(Domain.objects.get(key="wonen").pk),
        "initiative": "vzw Samen",
        "nis_code": "44021",
        "summary": "Kort.",
        "practice": "Buren koken samen op vrijdag.",
        "keywords": "koken",
    }
    assert client.post(reverse("admin:cases_case_add"), data).status_code == 302
    return Case.objects.get(slug="nieuwe-praktijk")


def change_in_the_admin(client, case: Case) -> Case:
    data = form_values(client.get(change_url(case)), "case_form") | {
        "summary": "Een andere samenvatting.",
        "keywords": "markt",
    }
    assert client.post(change_url(case), data).status_code == 302
    return case


def restore_in_the_admin(client, case: Case) -> Case:
    older = versions_of(case).last()
    assert (
        client.post(reverse("admin:cases_case_restore", args=[case.pk, older.pk])).status_code
        == 302
    )
    return case


@pytest.fixture
def saved_twice(framework, researcher_client) -> Case:
    """A case with two versions, saved in the admin."""
    case = make_case(status=Case.Status.DRAFT, summary="Eerste samenvatting.")
    change_in_the_admin(researcher_client, case)
    data = form_values(researcher_client.get(change_url(case)), "case_form") | {
        "summary": "Tweede samenvatting."
    }
    assert researcher_client.post(change_url(case), data).status_code == 302
    return case


def test_adding_a_case_in_the_admin_is_one_version_and_one_refresh(
    framework, researcher_client, refreshes
):
    case = add_in_the_admin(researcher_client)
    assert versions_of(case).count() == 1
    assert refreshes == [[case.pk]]
    assert sorted(case.keywords.names()) == ["koken"]


def test_changing_a_case_in_the_admin_is_one_version_and_one_refresh(
    framework, researcher_client, refreshes
):
    case = make_case(status=Case.Status.DRAFT)
    change_in_the_admin(researcher_client, case)
    assert [v.revision.get_comment() for v in versions_of(case)] == [
        "Samenvatting en trefwoorden gewijzigd."
    ]
    assert refreshes == [[case.pk]]


def test_an_import_in_the_workbench_is_one_version_and_one_refresh(
    framework, researcher_client, refreshes
):
    case = make_case(slug="uit-het-werkblad", status=Case.Status.DRAFT)
    content = wide_csv([good_row(slug=case.slug, titel="Uit het werkblad", status="draft")])
    dry = researcher_client.post(
        reverse("admin:cases_case_import"), {"file": SimpleUploadedFile("p.csv", content)}
    )
    refreshes.clear()  # the dry run wrote through case_write too, and was rolled back
    confirm = {
        "content": dry.context["confirm_form"].initial["content"],
        "filename": "p.csv",
        "confirm": "True",
    }
    assert researcher_client.post(reverse("admin:cases_case_import"), confirm).status_code == 302
    assert Case.objects.get(pk=case.pk).title == "Uit het werkblad"
    assert versions_of(case).count() == 1
    assert refreshes == [[case.pk]]


def test_an_import_by_command_is_one_version_and_one_refresh(
    framework, researcher, refreshes, tmp_path: Path
):
    path = tmp_path / "p.csv"
    path.write_bytes(wide_csv([good_row(slug="per-opdracht", status="draft")]))
    call_command("exchange", "import", str(path), "--apply", "--user", researcher.username)
    case = Case.objects.get(slug="per-opdracht")
    assert versions_of(case).count() == 1
    assert refreshes == [[case.pk]]


def test_a_restore_is_one_version_and_one_refresh(saved_twice, researcher_client, refreshes):
    refreshes.clear()
    restore_in_the_admin(researcher_client, saved_twice)
    assert versions_of(saved_twice).count() == 3
    assert Case.objects.get(pk=saved_twice.pk).summary == "Een andere samenvatting."
    assert refreshes == [[saved_twice.pk]]


def test_a_seeded_case_is_one_version_and_one_refresh(framework, refreshes):
    entry = read_cases(Path(settings.BASE_DIR) / "fixtures" / "pilots.yaml")[0]
    case = case_seed_write(entry=entry)
    assert versions_of(case).count() == 1
    assert refreshes == [[case.pk]]


def test_importing_many_published_rows_rebuilds_the_vocabulary_once_after_the_commit(
    framework, researcher, monkeypatch, django_capture_on_commit_callbacks
):
    rebuilds = []
    rebuild = vocabulary.rebuild
    monkeypatch.setattr(vocabulary, "rebuild", lambda: rebuilds.append(rebuild()))
    make_case(slug="al-gepubliceerd", title="Al gepubliceerd")
    rows = [good_row(slug=f"rij-{n}", titel=f"Woordenschatrij {n}") for n in range(4)]
    rows.append(
        good_row(slug="al-gepubliceerd", titel="Gepubliceerd en hernoemd")
    )  # a published case's row changes
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(wide_csv(rows), researcher)
        assert rebuilds == []  # not inside the transaction
    assert report.saved, report.errors
    assert Case.objects.published().count() == 5
    assert len(rebuilds) == 1
    assert SearchTerm.objects.filter(word__in=["woordenschatrij", "hernoemd"]).count() == 2


def test_a_write_that_changes_nothing_keeps_no_version(framework, refreshes):
    case = make_case()
    services.case_write(case=case, actor=None, comment="")
    assert not versions_of(case).exists()
    assert refreshes == [[case.pk]]


def test_a_restore_names_the_version_at_the_time_the_history_shows(saved_twice, researcher_client):
    older = versions_of(saved_twice).last()
    # Saved on a summer's evening in Brussels: 22:30 there, 20:30 UTC.
    older.revision.date_created = datetime.datetime(2026, 7, 1, 20, 30, tzinfo=datetime.UTC)
    older.revision.save()
    response = researcher_client.post(
        reverse("admin:cases_case_restore", args=[saved_twice.pk, older.pk]), follow=True
    )
    told = [str(message) for message in response.context["messages"]]
    assert told[-1] == "De versie van 01-07-2026 22:30 is teruggezet."
    assert versions_of(saved_twice).first().revision.comment == (
        "Teruggezet naar de versie van 01-07-2026 22:30."
    )


@pytest.mark.django_db(transaction=True)
def test_a_restore_holds_its_own_transaction_as_in_production(saved_twice, researcher_client):
    """No test transaction around it here, as none is around a request: the restore takes its
    row lock inside a transaction of its own."""
    restore_in_the_admin(researcher_client, saved_twice)
    assert Case.objects.get(pk=saved_twice.pk).summary == "Een andere samenvatting."
