"""A citation is written as biblatex, RIS, CSL-JSON (valid against the CSL schema) and an APA reference."""

import datetime
import json
from pathlib import Path

import jsonschema
import pytest
from django.utils import translation
from pybtex.database import parse_string

from diegem.lib.citation import (
    Citation,
    Kind,
    Literal,
    Person,
    bibtex,
    csl_json,
    reference,
    reference_html,
    ris,
    tex_escape,
)

CSL_SCHEMA = json.loads(
    (Path(__file__).parents[1] / "standards" / "csl" / "csl-data.json").read_text()
)

PAGE = Citation(
    key="diegem-samen-2026-12-05",
    kind=Kind.WEBPAGE,
    title="Samen & solidair: 100% {buurt}",
    authors=(Person("Van den Broeck", "Anne-Marie"), Person("Öztürk", "Elif Su")),
    container="DieGem – praktijkenbank",
    publisher="DieGem",
    issued=datetime.date(2026, 12, 5),
    version=datetime.date(2026, 12, 5),
    url="https://praktijken.example.org/praktijken/samen/",
)

RELEASE = Citation(
    key="diegem-versie-3",
    kind=Kind.DATASET,
    title="Praktijkenbank DieGem: gecodeerde praktijken",
    authors=(Literal("DieGem"),),
    container="DieGem – praktijkenbank",
    publisher="DieGem",
    issued=datetime.date(2026, 12, 2),
    version="3",
    url="https://praktijken.example.org/data/versies/3/",
)


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def test_bibtex_of_a_page_escapes_what_tex_reads_as_commands_and_keeps_accents():
    assert bibtex(PAGE) == (
        "@online{diegem-samen-2026-12-05,\n"
        "  author = {{Van den Broeck}, Anne-Marie and {Öztürk}, Elif Su},\n"
        "  title = {{Samen \\& solidair: 100\\% \\textbraceleft{}buurt\\textbraceright{}}},\n"
        "  organization = {DieGem – praktijkenbank},\n"
        "  date = {2026-12-05},\n"
        "  version = {2026-12-05},\n"
        "  url = {https://praktijken.example.org/praktijken/samen/},\n"
        "}\n"
    )


def test_bibtex_of_a_release_is_a_dataset_by_an_organisation():
    assert bibtex(RELEASE) == (
        "@dataset{diegem-versie-3,\n"
        "  author = {{DieGem}},\n"
        "  title = {{Praktijkenbank DieGem: gecodeerde praktijken}},\n"
        "  publisher = {DieGem},\n"
        "  date = {2026-12-02},\n"
        "  version = {3},\n"
        "  url = {https://praktijken.example.org/data/versies/3/},\n"
        "}\n"
    )


def test_every_tex_special_character_is_escaped_and_newlines_become_spaces():
    assert tex_escape("a\\b {c} 5% & #1 x_y $2 ~ ^\nnieuw") == (
        "a\\textbackslash{}b \\textbraceleft{}c\\textbraceright{} 5\\% \\& \\#1 x\\_y \\$2 \\textasciitilde{} "
        "\\textasciicircum{} nieuw"
    )


def test_a_bibtex_url_keeps_percent_signs_and_encodes_braces():
    odd = Citation(**{**PAGE.__dict__, "url": "https://x.org/a%20b/{c}#d_e"})
    assert "  url = {https://x.org/a%20b/%7Bc%7D#d_e},\n" in bibtex(odd)


def test_an_access_date_is_written_only_when_given():
    accessed = Citation(**{**PAGE.__dict__, "accessed": datetime.date(2026, 12, 7)})
    assert "  urldate = {2026-12-07},\n" in bibtex(accessed)
    assert "urldate" not in bibtex(PAGE)
    assert "Y2  - 2026/12/07\r\n" in ris(accessed)
    assert "Y2" not in ris(PAGE)
    assert json.loads(csl_json(accessed))[0]["accessed"] == {"date-parts": [[2026, 12, 7]]}
    assert reference(accessed).endswith(
        "DieGem – praktijkenbank. Geraadpleegd op 7 december 2026, van "
        "https://praktijken.example.org/praktijken/samen/"
    )


def test_ris_of_a_page():
    assert ris(PAGE).split("\r\n") == [
        "TY  - ELEC",
        "AU  - Van den Broeck, Anne-Marie",
        "AU  - Öztürk, Elif Su",
        "TI  - Samen & solidair: 100% {buurt}",
        "T2  - DieGem – praktijkenbank",
        "PB  - DieGem",
        "PY  - 2026",
        "DA  - 2026/12/05",
        "ET  - 2026-12-05",
        "UR  - https://praktijken.example.org/praktijken/samen/",
        "LA  - nl",
        "ER  - ",
        "",
    ]


def test_ris_of_a_release():
    assert ris(RELEASE) == (
        "TY  - DATA\r\n"
        "AU  - DieGem\r\n"
        "TI  - Praktijkenbank DieGem: gecodeerde praktijken\r\n"
        "PB  - DieGem\r\n"
        "PY  - 2026\r\n"
        "DA  - 2026/12/02\r\n"
        "ET  - 3\r\n"
        "UR  - https://praktijken.example.org/data/versies/3/\r\n"
        "LA  - nl\r\n"
        "ER  - \r\n"
    )


def test_a_title_over_several_lines_stays_on_one_ris_line():
    broken = Citation(**{**PAGE.__dict__, "title": "Samen\nsolidair"})
    assert "TI  - Samen solidair\r\n" in ris(broken)


def test_csl_json_of_a_page():
    assert json.loads(csl_json(PAGE)) == [
        {
            "id": "diegem-samen-2026-12-05",
            "type": "webpage",
            "title": "Samen & solidair: 100% {buurt}",
            "author": [
                {"family": "Van den Broeck", "given": "Anne-Marie"},
                {"family": "Öztürk", "given": "Elif Su"},
            ],
            "container-title": "DieGem – praktijkenbank",
            "publisher": "DieGem",
            "issued": {"date-parts": [[2026, 12, 5]]},
            "version": "2026-12-05",
            "URL": "https://praktijken.example.org/praktijken/samen/",
            "language": "nl",
        }
    ]
    # UTF-8 as written, not \u escapes.
    assert '"family": "Öztürk"' in csl_json(PAGE)


def test_csl_json_of_a_release():
    assert json.loads(csl_json(RELEASE)) == [
        {
            "id": "diegem-versie-3",
            "type": "dataset",
            "title": "Praktijkenbank DieGem: gecodeerde praktijken",
            "author": [{"literal": "DieGem"}],
            "publisher": "DieGem",
            "issued": {"date-parts": [[2026, 12, 2]]},
            "version": "3",
            "URL": "https://praktijken.example.org/data/versies/3/",
            "language": "nl",
        }
    ]


@pytest.mark.parametrize("citation", [PAGE, RELEASE], ids=["page", "release"])
def test_csl_json_is_valid_against_the_csl_data_schema(citation):
    jsonschema.validate(json.loads(csl_json(citation)), CSL_SCHEMA)
    accessed = Citation(**{**citation.__dict__, "accessed": datetime.date(2026, 12, 7)})
    jsonschema.validate(json.loads(csl_json(accessed)), CSL_SCHEMA)


def test_the_schema_check_catches_a_wrong_item():
    """The vendored schema is strict: an unknown field or type fails (so the test above can fail)."""
    item = json.loads(csl_json(PAGE))
    item[0]["versie"] = "1"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(item, CSL_SCHEMA)
    item = json.loads(csl_json(PAGE))
    item[0]["type"] = "web page"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(item, CSL_SCHEMA)


def test_the_reference_of_a_page_is_apa_with_its_version_date():
    assert reference(PAGE) == (
        "Van den Broeck, A.-M., & Öztürk, E. S. (2026). Samen & solidair: 100% {buurt} "
        "(Versie van 5 december 2026). DieGem – praktijkenbank. "
        "https://praktijken.example.org/praktijken/samen/"
    )


def test_the_reference_of_a_release_names_its_number_and_date_and_no_publisher_twice():
    assert reference(RELEASE) == (
        "DieGem. (2026). Praktijkenbank DieGem: gecodeerde praktijken "
        "(Versie 3 van 2 december 2026) [Dataset]. "
        "https://praktijken.example.org/data/versies/3/"
    )


def test_the_reference_in_html_is_escaped_with_the_title_in_italics():
    hostile = Citation(**{**PAGE.__dict__, "title": "<script>x</script> & co"})
    assert str(reference_html(hostile)) == (
        "Van den Broeck, A.-M., &amp; Öztürk, E. S. (2026). "
        "<i>&lt;script&gt;x&lt;/script&gt; &amp; co</i> "
        "(Versie van 5 december 2026). DieGem – praktijkenbank. "
        "https://praktijken.example.org/praktijken/samen/"
    )


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ((Person("Janssens", "An"),), "Janssens, A. (2026)."),
        (
            (Person("Janssens", "An"), Person("Peeters", "Bram")),
            "Janssens, A., & Peeters, B. (2026).",
        ),
        (
            (Person("Janssens", "An"), Person("Peeters", "Bram"), Literal("Karim")),
            "Janssens, A., Peeters, B., & Karim. (2026).",
        ),
        ((Person("Janssens", ""),), "Janssens. (2026)."),
    ],
    ids=["one", "two", "three", "no given name"],
)
def test_apa_lists_authors_with_initials_and_an_ampersand(names, expected):
    cited = Citation(**{**PAGE.__dict__, "authors": names})
    assert reference(cited).startswith(expected)


def test_apa_shortens_more_than_twenty_authors_to_nineteen_and_the_last():
    many = tuple(Person(f"Auteur{i}", "X") for i in range(1, 23))
    cited = Citation(**{**PAGE.__dict__, "authors": many})
    assert reference(cited).startswith(
        ", ".join(f"Auteur{i}, X." for i in range(1, 20)) + ", . . . Auteur22, X. (2026)."
    )


def test_a_bibtex_parser_reads_the_entries_back():
    """pybtex, a BibTeX parser, finds the entry, its fields and the authors' name parts."""
    page = parse_string(bibtex(PAGE), "bibtex").entries["diegem-samen-2026-12-05"]
    assert page.type == "online"
    assert dict(page.fields) == {
        "title": "{Samen \\& solidair: 100\\% \\textbraceleft{}buurt\\textbraceright{}}",
        "organization": "DieGem – praktijkenbank",
        "date": "2026-12-05",
        "version": "2026-12-05",
        "url": "https://praktijken.example.org/praktijken/samen/",
    }
    assert [
        (person.last_names, person.first_names, person.middle_names)
        for person in page.persons["author"]
    ] == [(["{Van den Broeck}"], ["Anne-Marie"], []), (["{Öztürk}"], ["Elif"], ["Su"])]
    release = parse_string(bibtex(RELEASE), "bibtex").entries["diegem-versie-3"]
    assert release.type == "dataset"
    assert [person.last_names for person in release.persons["author"]] == [["{DieGem}"]]
    assert release.fields["publisher"] == "DieGem"


def test_a_title_cannot_break_out_of_its_bibtex_field():
    hostile = Citation(**{**PAGE.__dict__, "title": "x}}, author = {Mallory}, note = {y"})
    entry = parse_string(bibtex(hostile), "bibtex").entries["diegem-samen-2026-12-05"]
    assert entry.fields["title"] == (
        "{x\\textbraceright{}\\textbraceright{}, author = \\textbraceleft{}Mallory"
        "\\textbraceright{}, note = \\textbraceleft{}y}"
    )
    assert "note" not in entry.fields
    assert [person.last_names for person in entry.persons["author"]] == [
        ["{Van den Broeck}"],
        ["{Öztürk}"],
    ]


def test_and_in_a_given_name_does_not_start_another_author():
    odd = Citation(**{**PAGE.__dict__, "authors": (Person("Smit", "Jan and Piet"),)})
    assert "  author = {{Smit}, {Jan and Piet}},\n" in bibtex(odd)
    entry = parse_string(bibtex(odd), "bibtex").entries["diegem-samen-2026-12-05"]
    assert len(entry.persons["author"]) == 1
