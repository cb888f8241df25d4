"""The REFI-QDA writer (diegem.lib.qdpx): selections within their text, the same bytes for the same project."""

import io
import zipfile

import pytest

from diegem.lib import qdpx

CODE = qdpx.Code("00000000-0000-0000-0000-000000000001", "Ontmoeting", True)


def project(start: int, end: int) -> qdpx.Project:
    selection = qdpx.Selection("00000000-0000-0000-0000-000000000003", "passage", start, end)
    source = qdpx.TextSource(
        "00000000-0000-0000-0000-000000000002", "tekst", "Soep 🍲 voor iedereen.", (selection,)
    )
    return qdpx.Project("p", "o", qdpx.Codebook((CODE,)), sources=(source,))


def test_a_selection_outside_its_text_is_refused():
    with pytest.raises(qdpx.SelectionOutsideSource):
        qdpx.qdpx(project(5, 22))  # the text has 21 code points (the bowl is one)
    with pytest.raises(qdpx.SelectionOutsideSource):
        qdpx.qdpx(project(4, 4))
    assert qdpx.qdpx(project(5, 21))


def test_the_zip_holds_the_project_and_its_sources_with_fixed_dates():
    content = qdpx.qdpx(project(0, 4))
    assert content == qdpx.qdpx(project(0, 4))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == [
            "project.qde",
            "Sources/00000000-0000-0000-0000-000000000002.txt",
        ]
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.read("Sources/00000000-0000-0000-0000-000000000002.txt") == (
            "Soep 🍲 voor iedereen.".encode()
        )
        assert b'plainTextPath="internal://00000000-0000-0000-0000-000000000002.txt"' in (
            archive.read("project.qde")
        )


def test_characters_xml_cannot_hold_are_left_out_of_names_and_notes():
    note = qdpx.Note("00000000-0000-0000-0000-000000000004", "noot\x0b", "tekst\x00 hier")
    content = qdpx.qdpx(qdpx.Project("p", "o", qdpx.Codebook((CODE,)), notes=(note,)))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("project.qde")
    assert b'name="noot"' in xml and b"<PlainTextContent>tekst hier</PlainTextContent>" in xml
