"""The README of a release describes every column of every table in it, in Dutch and English."""

import json

import pytest

from diegem.data_releases import RELEASE_FILES, release_cut
from tests.factories import make_case
from tests.site.release_helpers import header, members

pytestmark = pytest.mark.django_db


def test_every_column_of_every_tabular_member_is_in_the_readme(framework):
    make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    files = members(bytes(release_cut(title="Eerste").archive))
    readme = files["README.md"].decode()
    tabular = [name for name in files if name.endswith((".csv", ".xlsx"))]
    # (A table added to RELEASE_FILES is checked here too, by its extension.)
    assert {
        "praktijken-lang.csv",
        "praktijken-lang.xlsx",
        "praktijken.csv",
        "praktijken.xlsx",
    } <= set(tabular)
    for name in tabular:
        columns = header(name, files[name])
        assert columns, name
        missing = [column for column in columns if f"| `{column}` |" not in readme]
        assert missing == [], name
    # Every tabular member has a section of its own.
    for name in tabular:
        assert f"### `{name}`" in readme


def test_the_json_keys_are_in_the_readme(framework):
    make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    files = members(bytes(release_cut(title="Eerste").archive))
    readme = files["README.md"].decode()
    data = json.loads(files["praktijken.json"])
    case = data["praktijken"][0]
    for key in [*data, *case]:
        assert f"| `{key}` |" in readme, key
    assert "| `codering.bronnen.<sleutel>.sterkte` |" in readme


def test_the_other_places_are_text_in_the_table_and_a_list_in_the_json(framework):
    make_case(municipality="Gent", more_places=["31005"])
    files = members(bytes(release_cut(title="Eerste").archive))
    readme = files["README.md"].decode()
    assert json.loads(files["praktijken.json"])["praktijken"][0]["ook_in"] == ["31005"]
    rows = [line for line in readme.splitlines() if line.startswith("| `ook_in` |")]
    assert [row.split(" | ")[1] for row in rows] == ["tekst / text", "lijst / list"]


def test_a_row_gives_type_allowed_values_and_meaning_in_both_languages(framework):
    make_case()
    readme = members(bytes(release_cut(title="Eerste").archive))["README.md"].decode()
    assert (
        "| `bron_ontmoeting_grond` | code / code | tekstbewijs, interpretatie, niet_te_bepalen "
        "(of: niet te bepalen) | tekstbewijs, interpretatie, niet_te_bepalen | Hoe de sterkte voor "
        "‘Ontmoeting’ gekend is:"
    ) in readme
    assert (
        "| How the coding of ‘Ontmoeting’ is known: text evidence, interpretation, or not to be told. |"
        in readme
    )
    assert (
        "| `startjaar` | geheel getal / integer | een jaartal van 1800 tot 2100 | a year from 1800 to 2100 | "
        "Het jaar waarin het initiatief begon. | The year the initiative began. |"
    ) in readme


def test_every_member_is_listed_in_the_readme_with_what_it_holds(framework):
    make_case()
    files = members(bytes(release_cut(title="Eerste").archive))
    readme = files["README.md"].decode()
    assert sorted(f.name for f in RELEASE_FILES) == sorted(files)
    for name in files:
        assert f"| `{name}` |" in readme


def test_licence_and_citation(framework, settings):
    settings.SITE_URL = "https://praktijkenbank.example"
    make_case()
    release = release_cut(title="Eerste helft")
    files = members(bytes(release.archive))
    date = release.cut_at.astimezone().strftime("%Y-%m-%d")
    from django.utils import timezone

    date = timezone.localtime(release.cut_at).strftime("%Y-%m-%d")
    assert files["CITATION.cff"].decode() == (
        "cff-version: 1.2.0\n"
        'message: "Citeer deze gegevens zo. If you use these data, please cite them as below."\n'
        "type: dataset\n"
        'title: "Praktijkenbank DieGem: Eerste helft"\n'
        'version: "1"\n'
        f"date-released: {date}\n"
        "authors:\n"
        '  - name: "DieGem"\n'
        "license: CC-BY-4.0\n"
        'url: "https://praktijkenbank.example/data/versies/1/"\n'
        'repository-artifact: "https://praktijkenbank.example/data/versies/1/diegem-praktijkenbank-v1.zip"\n'
    )
    licence = files["LICENSE"].decode()
    assert "Creative Commons Naamsvermelding 4.0" in licence
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in licence
