"""The workbench speaks Dutch: the project catalogue fills what Django ships untranslated."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.catalogues import read_mo, read_po
from tests.factories import make_case
from tests.html import form_values, parse

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "diegem" / "locale" / "nl" / "LC_MESSAGES"


# --- the compiled catalogue is the catalogue -------------------------------------------------


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_catalogue_matches_its_source(domain):
    """Fails when a .po was edited without running msgfmt (see the .po's first lines)."""
    source = read_po(CATALOGUE / f"{domain}.po")
    assert source, "the .po has no translations"
    assert read_mo(CATALOGUE / f"{domain}.mo") == source


def test_the_po_reader_reads_plurals_and_continued_lines(tmp_path):
    po = tmp_path / "test.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n\n'
        '#, python-format\nmsgid "één %(n)d"\nmsgid_plural "veel %(n)d"\nmsgstr[0] "een "\n"%(n)d"\nmsgstr[1] "veel"\n\n'
        '#, fuzzy\nmsgid "vaag"\nmsgstr "niet gebruikt"\n\nmsgid "leeg"\nmsgstr ""\n\nmsgctxt "ctx"\nmsgid "a"\nmsgstr "b"\n',
        encoding="utf-8",
    )
    assert read_po(po) == {("één %(n)d", 0): "een %(n)d", ("één %(n)d", 1): "veel", "ctx\x04a": "b"}


# --- no English left on the workbench's pages -------------------------------------------------

ENGLISH = [
    "Select an option",
    "Filter by",
    "Pagination",
    "Taggit",
    "TAGGIT",
    "Add another",
    "Search ",
    "Nog een Tekstbewijs",
]


def admin_pages(client):
    case = make_case(title="Buurtkeuken", keywords=("koken",))
    change = reverse("admin:cases_case_change", args=[case.pk])
    client.post(
        change,
        form_values(client.get(change), "case_form") | {"summary": "Een andere samenvatting."},
    )
    return [
        reverse("admin:index"),
        reverse("admin:cases_case_changelist"),
        reverse("admin:cases_case_changelist") + "?updated_at__year=2026",
        reverse("admin:cases_case_add"),
        change,
        reverse("admin:cases_case_history", args=[case.pk]),
        reverse("admin:cases_case_dashboard"),
        reverse("admin:cases_case_import"),
        reverse("admin:taggit_tag_changelist"),
        reverse("admin:cases_casetransition_changelist"),
    ]


def test_the_workbench_pages_have_no_english_left(framework, researcher_client):
    for url in admin_pages(researcher_client):
        response = researcher_client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert [word for word in ENGLISH if word in body] == [], url


def test_the_strings_django_left_english_read_in_dutch(framework, researcher_client):
    case = make_case()
    form = parse(researcher_client.get(reverse("admin:cases_case_change", args=[case.pk])))
    assert form.xpath("//select[@name='domain']/option[1]/text()") == ["- Kies een optie -"]
    evidence = json.loads(form.xpath("//div[@id='evidence-group']/@data-inline-formset")[0])
    assert evidence["options"]["addText"] == "Tekstbewijs toevoegen"
    listing = parse(researcher_client.get(reverse("admin:cases_case_changelist")))
    assert listing.xpath("//span[@id='date-hierarchy-label']/text()") == ["Filteren op bijgewerkt"]
    assert listing.xpath("//h2[@id='pagination']/text()") == ["Paginering van praktijken"]
    index = parse(researcher_client.get(reverse("admin:index")))
    assert "Trefwoorden" in index.xpath("//div[contains(@class,'app-taggit')]//caption//text()")
