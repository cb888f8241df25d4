"""REFI-QDA (QDA-XML 1.0) writers: a codebook (`.qdc`) and a whole project (`.qdpx`).

A mechanism, no app imports: plain dataclasses in, bytes out. The caller
chooses what goes in and in which order; the writers keep that order and add
nothing that changes between two runs (no clock, no random identifiers, fixed
ZIP timestamps), so the same data gives the same bytes.

A `.qdpx` file is a ZIP holding `project.qde` (XML in the namespace
`urn:QDA-XML:project:1.0`, see tests/standards/Project.xsd) and a `Sources/`
folder with one UTF-8 text file per text source, named `<guid>.txt` and
referred to from the project as `internal://<guid>.txt`. Selections count
positions in Unicode code points of that text, as the standard and the bank's
anchors do.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
# A fixed moment for every file in the ZIP (the earliest a ZIP can hold): the same data, the same bytes.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
# Characters XML 1.0 cannot hold (control characters other than tab and line ends).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Code:
    guid: str
    name: str
    codable: bool
    description: str = ""
    color: str | None = None
    children: tuple[Code, ...] = ()


@dataclass(frozen=True)
class CodeSet:
    guid: str
    name: str
    members: tuple[str, ...]  # code GUIDs


@dataclass(frozen=True)
class Codebook:
    codes: tuple[Code, ...]
    sets: tuple[CodeSet, ...] = ()


@dataclass(frozen=True)
class User:
    guid: str
    name: str


@dataclass(frozen=True)
class Variable:
    guid: str
    name: str
    type: str  # Text, Boolean, Integer, Float, Date or DateTime
    description: str = ""


@dataclass(frozen=True)
class VariableValue:
    variable: Variable
    value: str | int | bool


@dataclass(frozen=True)
class Coding:
    guid: str
    code: str  # a code GUID
    notes: tuple[str, ...] = ()  # note GUIDs


@dataclass(frozen=True)
class Selection:
    """A span of a text source, in code points: `text[start:end]`."""

    guid: str
    name: str
    start: int
    end: int
    codings: tuple[Coding, ...] = ()
    notes: tuple[str, ...] = ()  # note GUIDs
    creating_user: str | None = None


@dataclass(frozen=True)
class TextSource:
    guid: str
    name: str
    text: str
    selections: tuple[Selection, ...] = ()
    creating_user: str | None = None

    @property
    def path(self) -> str:
        return f"internal://{self.guid}.txt"


@dataclass(frozen=True)
class Case:
    guid: str
    name: str
    description: str = ""
    values: tuple[VariableValue, ...] = ()
    sources: tuple[str, ...] = ()  # text source GUIDs


@dataclass(frozen=True)
class Note:
    guid: str
    name: str
    text: str
    creating_user: str | None = None


@dataclass(frozen=True)
class Link:
    """A one-way link between two objects of the project (a note and the case it is about)."""

    guid: str
    name: str
    origin: str
    target: str


@dataclass(frozen=True)
class Project:
    name: str
    origin: str
    codebook: Codebook
    users: tuple[User, ...] = ()
    variables: tuple[Variable, ...] = ()
    cases: tuple[Case, ...] = ()
    sources: tuple[TextSource, ...] = ()
    notes: tuple[Note, ...] = ()
    links: tuple[Link, ...] = ()
    description: str = ""


class SelectionOutsideSource(ValueError):
    """A selection does not lie within the text of its source."""


# --- the codebook (.qdc) -----------------------------------------------------------------------


def codebook_xml(codebook: Codebook, *, origin: str) -> bytes:
    """The codebook as a `.qdc` file (QDA-XML codebook 1.0)."""
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": origin})
    _codes(ET.SubElement(root, f"{{{CODEBOOK_NS}}}Codes"), codebook.codes, CODEBOOK_NS)
    _sets(root, codebook.sets, CODEBOOK_NS)
    return _serialise(root)


def _codes(parent, codes: tuple[Code, ...], ns: str) -> None:
    for code in codes:
        element = ET.SubElement(
            parent,
            f"{{{ns}}}Code",
            {
                "guid": code.guid,
                "name": _clean(code.name),
                "isCodable": "true" if code.codable else "false",
                **({"color": code.color} if code.color else {}),
            },
        )
        if code.description:
            ET.SubElement(element, f"{{{ns}}}Description").text = _clean(code.description)
        _codes(element, code.children, ns)


def _sets(parent, sets: tuple[CodeSet, ...], ns: str) -> None:
    if not sets:
        return
    element = ET.SubElement(parent, f"{{{ns}}}Sets")
    for code_set in sets:
        set_element = ET.SubElement(
            element, f"{{{ns}}}Set", {"guid": code_set.guid, "name": _clean(code_set.name)}
        )
        # The codebook schema names a member by `guid`, the project schema by `targetGUID`.
        attribute = "targetGUID" if ns == PROJECT_NS else "guid"
        for member in code_set.members:
            ET.SubElement(set_element, f"{{{ns}}}MemberCode", {attribute: member})


def _serialise(root) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


# --- the project (.qde in a .qdpx) -------------------------------------------------------------


def project_xml(project: Project) -> bytes:
    """`project.qde`: the project as QDA-XML project 1.0, its sources referred to by path."""
    ET.register_namespace("", PROJECT_NS)

    def sub(parent, tag: str, attributes: dict | None = None, text: str | None = None):
        element = ET.SubElement(
            parent, f"{{{PROJECT_NS}}}{tag}", {k: v for k, v in (attributes or {}).items() if v}
        )
        if text is not None:
            element.text = _clean(text)
        return element

    root = ET.Element(
        f"{{{PROJECT_NS}}}Project", {"name": _clean(project.name), "origin": project.origin}
    )
    if project.users:
        users = sub(root, "Users")
        for user in project.users:
            sub(users, "User", {"guid": user.guid, "name": _clean(user.name)})
    codes = sub(sub(root, "CodeBook"), "Codes")
    _codes(codes, project.codebook.codes, PROJECT_NS)
    if project.variables:
        variables = sub(root, "Variables")
        for variable in project.variables:
            element = sub(
                variables,
                "Variable",
                {"guid": variable.guid, "name": variable.name, "typeOfVariable": variable.type},
            )
            if variable.description:
                sub(element, "Description", text=variable.description)
    if project.cases:
        cases = sub(root, "Cases")
        for case in project.cases:
            element = sub(cases, "Case", {"guid": case.guid, "name": _clean(case.name)})
            if case.description:
                sub(element, "Description", text=case.description)
            for value in case.values:
                _variable_value(sub, element, value)
            for source in case.sources:
                sub(element, "SourceRef", {"targetGUID": source})
    if project.sources:
        sources = sub(root, "Sources")
        for source in project.sources:
            element = sub(
                sources,
                "TextSource",
                {
                    "guid": source.guid,
                    "name": _clean(source.name),
                    "plainTextPath": source.path,
                    "creatingUser": source.creating_user,
                },
            )
            for selection in source.selections:
                if not 0 <= selection.start < selection.end <= len(source.text):
                    raise SelectionOutsideSource(
                        f"{selection.guid}: {selection.start}-{selection.end} "
                        f"in {len(source.text)} code points"
                    )
                selection_element = sub(
                    element,
                    "PlainTextSelection",
                    {
                        "guid": selection.guid,
                        "name": _clean(selection.name),
                        "startPosition": str(selection.start),
                        "endPosition": str(selection.end),
                        "creatingUser": selection.creating_user,
                    },
                )
                for coding in selection.codings:
                    coding_element = sub(selection_element, "Coding", {"guid": coding.guid})
                    sub(coding_element, "CodeRef", {"targetGUID": coding.code})
                    for note in coding.notes:
                        sub(coding_element, "NoteRef", {"targetGUID": note})
                for note in selection.notes:
                    sub(selection_element, "NoteRef", {"targetGUID": note})
    if project.notes:
        notes = sub(root, "Notes")
        for note in project.notes:
            element = sub(
                notes,
                "Note",
                {"guid": note.guid, "name": _clean(note.name), "creatingUser": note.creating_user},
            )
            sub(element, "PlainTextContent", text=note.text)
    if project.links:
        links = sub(root, "Links")
        for link in project.links:
            sub(
                links,
                "Link",
                {
                    "guid": link.guid,
                    "name": _clean(link.name),
                    "direction": "OneWay",
                    "originGUID": link.origin,
                    "targetGUID": link.target,
                },
            )
    _sets(root, project.codebook.sets, PROJECT_NS)
    if project.description:
        sub(root, "Description", text=project.description)
    return _serialise(root)


_VALUE_ELEMENTS = {
    "Text": "TextValue",
    "Boolean": "BooleanValue",
    "Integer": "IntegerValue",
    "Float": "FloatValue",
    "Date": "DateValue",
    "DateTime": "DateTimeValue",
}


def _variable_value(sub, parent, value: VariableValue) -> None:
    element = sub(parent, "VariableValue")
    sub(element, "VariableRef", {"targetGUID": value.variable.guid})
    raw = value.value
    text = ("true" if raw else "false") if isinstance(raw, bool) else str(raw)
    sub(element, _VALUE_ELEMENTS[value.variable.type], text=text)


def qdpx(project: Project) -> bytes:
    """The project as a `.qdpx` ZIP: `project.qde`, then `Sources/<guid>.txt` in GUID order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _write(archive, "project.qde", project_xml(project))
        for source in sorted(project.sources, key=lambda s: s.guid):
            _write(archive, f"Sources/{source.guid}.txt", source.text.encode("utf-8"))
    return buffer.getvalue()


def _write(archive: zipfile.ZipFile, name: str, content: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, wherever it is made
    info.external_attr = 0o644 << 16
    archive.writestr(info, content)
