"""A framework section's words reach "did you mean" whatever changed: its text, its title (in any
language), or a new section, and leave it with a deleted section; a save that changes neither
leaves the vocabulary alone."""

import pytest
from django.urls import reverse

from cases import vocabulary
from cases.vocabulary import SearchTerm, TranslatedSearchTerm
from frameworks.models import Section
from frameworks.services import section_save
from tests.conftest import logged_in
from tests.factories import make_user
from tests.html import form_values

pytestmark = pytest.mark.django_db


def known(*words: str) -> list[str]:
    return sorted(SearchTerm.objects.filter(word__in=words).values_list("word", flat=True))


def test_a_title_edited_in_the_workbench_is_in_did_you_mean(framework):
    vocabulary.rebuild()
    section = Section.objects.get(key="ontmoeting")
    workbench = logged_in(make_user(is_staff=True, is_superuser=True))
    url = reverse("admin:frameworks_section_change", args=[section.pk])
    data = form_values(workbench.get(url), "section_form")
    data["title"] = "Ontmoeting en wijkgezondheidscentra"
    assert workbench.post(url, data).status_code == 302
    assert known("wijkgezondheidscentra") == ["wijkgezondheidscentra"]


def test_a_translated_title_reaches_its_language(framework):
    vocabulary.rebuild()
    section = Section.objects.get(key="ontmoeting")
    section.title_fr = "Rencontre et maisons médicales"
    section_save(section=section)
    assert TranslatedSearchTerm.objects.filter(language="fr", word="médicales").exists()


def test_a_new_section_brings_its_words(framework):
    vocabulary.rebuild()
    section_save(
        section=Section(
            key="nieuw", title="Zorgkringen", body="Een alinea over buurtzorgnetwerken.", order=99
        )
    )
    assert known("zorgkringen", "buurtzorgnetwerken") == ["buurtzorgnetwerken", "zorgkringen"]


def test_a_save_that_changes_no_word_leaves_the_vocabulary_alone(framework, monkeypatch):
    rebuilds = []
    monkeypatch.setattr(vocabulary, "rebuild", lambda: rebuilds.append(1))
    section = Section.objects.get(key="ontmoeting")
    section_save(section=section)
    assert rebuilds == []


@pytest.mark.parametrize("how", ["one", "selected"])
def test_a_section_deleted_in_the_workbench_takes_its_words_along(framework, how):
    section_save(
        section=Section(key="nieuw", title="Zorgkringen", body="Over buurtzorgnetwerken.", order=99)
    )
    assert known("zorgkringen", "buurtzorgnetwerken") == ["buurtzorgnetwerken", "zorgkringen"]
    section = Section.objects.get(key="nieuw")
    workbench = logged_in(make_user(is_staff=True, is_superuser=True))
    if how == "one":
        url = reverse("admin:frameworks_section_delete", args=[section.pk])
        response = workbench.post(url, {"post": "yes"})
    else:
        response = workbench.post(
            reverse("admin:frameworks_section_changelist"),
            {"action": "delete_selected", "_selected_action": [section.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not Section.objects.filter(key="nieuw").exists()
    assert known("zorgkringen", "buurtzorgnetwerken") == []


def test_sections_deleted_together_rebuild_the_vocabulary_once(framework, monkeypatch):
    for n in range(3):
        section_save(
            section=Section(key=f"nieuw-{n}", title=f"Nieuw {n}", body="Tekst.", order=90 + n)
        )
    rebuilds = []
    monkeypatch.setattr(vocabulary, "rebuild", lambda: rebuilds.append(1))
    workbench = logged_in(make_user(is_staff=True, is_superuser=True))
    selected = list(Section.objects.filter(key__startswith="nieuw-").values_list("pk", flat=True))
    response = workbench.post(
        reverse("admin:frameworks_section_changelist"),
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
    )
    assert response.status_code == 302
    assert not Section.objects.filter(key__startswith="nieuw-").exists()
    assert rebuilds == [1]
