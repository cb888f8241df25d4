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

A project of 10,000 cases is hundreds of megabytes of XML: `ProjectWriter`
takes it piece by piece (a case, a text source, a note, a link at a time, in
any interleaving) and keeps each section in its own spooled temporary file,
so memory holds one piece at a time, never the whole tree (built whole, the
project took 2.5 GB at 10,000 cases). Each piece is serialised by lxml
without a namespace and the pieces are joined under a root element that
declares the project namespace as the default one, so every element is in it.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO
from xml.sax.saxutils import quoteattr

from lxml import etree

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


class SelectionOutsideSource(ValueError):
    """A selection does not lie within the text of its source."""


# --- the codebook (.qdc) -----------------------------------------------------------------------


def codebook_xml(codebook: Codebook, *, origin: str) -> bytes:
    """The codebook as a `.qdc` file (QDA-XML codebook 1.0)."""
    ET.register_namespace("", CODEBOOK_NS)

    def sub(parent, tag: str, attributes: dict):
        return ET.SubElement(parent, f"{{{CODEBOOK_NS}}}{tag}", attributes)

    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": origin})
    _codes(sub(root, "Codes", {}), codebook.codes, sub)
    _sets(root, codebook.sets, sub, member_attribute="guid")
    return _serialise(root)


_Sub = Callable[..., object]  # (parent, tag, attributes) -> the new child element


def _codes(parent, codes: tuple[Code, ...], sub: _Sub) -> None:
    for code in codes:
        element = sub(
            parent,
            "Code",
            {
                "guid": code.guid,
                "name": _clean(code.name),
                "isCodable": "true" if code.codable else "false",
                **({"color": code.color} if code.color else {}),
            },
        )
        if code.description:
            sub(element, "Description", {}).text = _clean(code.description)
        _codes(element, code.children, sub)


def _sets(parent, sets: tuple[CodeSet, ...], sub: _Sub, *, member_attribute: str) -> None:
    """The code sets; the codebook schema names a member by `guid`, the project schema by `targetGUID`."""
    if not sets:
        return
    element = sub(parent, "Sets", {})
    for code_set in sets:
        set_element = sub(element, "Set", {"guid": code_set.guid, "name": _clean(code_set.name)})
        for member in code_set.members:
            sub(set_element, "MemberCode", {member_attribute: member})


def _serialise(root) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


# --- the project (.qde in a .qdpx) -------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """What a project says once, before and after its cases, sources, notes and links."""

    name: str
    origin: str
    codebook: Codebook
    users: tuple[User, ...] = ()
    variables: tuple[Variable, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Project(Header):
    """A whole project given at once (small projects; tests): `qdpx(project)`."""

    cases: tuple[Case, ...] = ()
    sources: tuple[TextSource, ...] = ()
    notes: tuple[Note, ...] = ()
    links: tuple[Link, ...] = ()


_SECTIONS = ("Cases", "Sources", "Notes", "Links")
SPOOL_BYTES = 8 * 1024 * 1024
CHUNK = 1024 * 1024


def _sub(parent, tag: str, attributes: dict | None = None, text: str | None = None):
    """A child element (no namespace: the root declares the project's as the default)."""
    element = etree.SubElement(parent, tag, {k: v for k, v in (attributes or {}).items() if v})
    if text is not None:
        element.text = _clean(text)
    return element


def _element(tag: str, attributes: dict | None = None, text: str | None = None):
    element = etree.Element(tag, {k: v for k, v in (attributes or {}).items() if v})
    if text is not None:
        element.text = _clean(text)
    return element


def _piece(element) -> bytes:
    return etree.tostring(element, encoding="utf-8", pretty_print=True)


class ProjectWriter:
    """A `.qdpx` written piece by piece in bounded memory.

    Give it cases, text sources, notes and links in any interleaving (each
    section keeps the order it was given), then `finish(out)` writes the ZIP:
    `project.qde` first, then `Sources/<guid>.txt` in GUID order. Spooled
    files hold the sections and the texts until then; `close()` (or leaving
    the `with` block) lets them go.
    """

    def __init__(self, header: Header):
        self.header = header
        self._sections = {name: tempfile.SpooledTemporaryFile(SPOOL_BYTES) for name in _SECTIONS}
        self._texts = tempfile.SpooledTemporaryFile(SPOOL_BYTES)
        self._text_at: dict[str, tuple[int, int]] = {}  # GUID -> (offset, length) in _texts
        self._users: dict[str, User] = {user.guid: user for user in header.users}

    def __enter__(self) -> ProjectWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for spool in (*self._sections.values(), self._texts):
            spool.close()

    def user(self, user: User) -> None:
        """A user of the project (written once, however often given; sorted by name)."""
        self._users[user.guid] = user

    def case(self, case: Case) -> None:
        element = _element("Case", {"guid": case.guid, "name": _clean(case.name)})
        if case.description:
            _sub(element, "Description", text=case.description)
        for value in case.values:
            _variable_value(element, value)
        for source in case.sources:
            _sub(element, "SourceRef", {"targetGUID": source})
        self._sections["Cases"].write(_piece(element))

    def source(self, source: TextSource) -> None:
        """A text source with its selections (each checked to lie within its text), and its text."""
        if source.guid in self._text_at:
            raise ValueError(f"A text source twice in the project: {source.guid}")
        element = _element(
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
            selection_element = _sub(
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
                coding_element = _sub(selection_element, "Coding", {"guid": coding.guid})
                _sub(coding_element, "CodeRef", {"targetGUID": coding.code})
                for note in coding.notes:
                    _sub(coding_element, "NoteRef", {"targetGUID": note})
            for note in selection.notes:
                _sub(selection_element, "NoteRef", {"targetGUID": note})
        self._sections["Sources"].write(_piece(element))
        text = source.text.encode("utf-8")
        self._texts.seek(0, io.SEEK_END)
        self._text_at[source.guid] = (self._texts.tell(), len(text))
        self._texts.write(text)

    def note(self, note: Note) -> None:
        element = _element(
            "Note",
            {"guid": note.guid, "name": _clean(note.name), "creatingUser": note.creating_user},
        )
        _sub(element, "PlainTextContent", text=note.text)
        self._sections["Notes"].write(_piece(element))

    def link(self, link: Link) -> None:
        self._sections["Links"].write(
            _piece(
                _element(
                    "Link",
                    {
                        "guid": link.guid,
                        "name": _clean(link.name),
                        "direction": "OneWay",
                        "originGUID": link.origin,
                        "targetGUID": link.target,
                    },
                )
            )
        )

    def finish(self, out: BinaryIO) -> None:
        """Write the whole `.qdpx` into `out` (built in a seekable spool, so the bytes never depend on `out`)."""
        with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as spool:
            with zipfile.ZipFile(spool, "w") as archive:
                with archive.open(_entry("project.qde"), "w") as stream:
                    self._write_qde(stream)
                for guid in sorted(self._text_at):
                    offset, length = self._text_at[guid]
                    self._texts.seek(offset)
                    with archive.open(_entry(f"Sources/{guid}.txt"), "w") as stream:
                        while length:
                            chunk = self._texts.read(min(CHUNK, length))
                            stream.write(chunk)
                            length -= len(chunk)
            spool.seek(0)
            shutil.copyfileobj(spool, out, CHUNK)

    def _write_qde(self, stream: BinaryIO) -> None:
        header = self.header
        stream.write(b"<?xml version='1.0' encoding='utf-8'?>\n")
        stream.write(
            f"<Project xmlns={quoteattr(PROJECT_NS)} name={quoteattr(_clean(header.name))} "
            f"origin={quoteattr(header.origin)}>\n".encode()
        )
        if self._users:
            users = _element("Users")
            for user in sorted(self._users.values(), key=lambda u: (u.name, u.guid)):
                _sub(users, "User", {"guid": user.guid, "name": _clean(user.name)})
            stream.write(_piece(users))
        codebook = _element("CodeBook")
        _codes(_sub(codebook, "Codes"), header.codebook.codes, _sub)
        stream.write(_piece(codebook))
        if header.variables:
            variables = _element("Variables")
            for variable in header.variables:
                element = _sub(
                    variables,
                    "Variable",
                    {"guid": variable.guid, "name": variable.name, "typeOfVariable": variable.type},
                )
                if variable.description:
                    _sub(element, "Description", text=variable.description)
            stream.write(_piece(variables))
        for name in _SECTIONS:
            spool = self._sections[name]
            if not spool.tell():
                continue  # an empty list is not allowed: no element at all
            stream.write(f"<{name}>\n".encode())
            spool.seek(0)
            shutil.copyfileobj(spool, stream, CHUNK)
            stream.write(f"</{name}>\n".encode())
        holder = _element("Holder")
        _sets(holder, header.codebook.sets, _sub, member_attribute="targetGUID")
        for sets in holder:
            stream.write(_piece(sets))
        if header.description:
            stream.write(_piece(_element("Description", text=header.description)))
        stream.write(b"</Project>\n")


_VALUE_ELEMENTS = {
    "Text": "TextValue",
    "Boolean": "BooleanValue",
    "Integer": "IntegerValue",
    "Float": "FloatValue",
    "Date": "DateValue",
    "DateTime": "DateTimeValue",
}


def _variable_value(parent, value: VariableValue) -> None:
    element = _sub(parent, "VariableValue")
    _sub(element, "VariableRef", {"targetGUID": value.variable.guid})
    raw = value.value
    text = ("true" if raw else "false") if isinstance(raw, bool) else str(raw)
    _sub(element, _VALUE_ELEMENTS[value.variable.type], text=text)


def qdpx(project: Project) -> bytes:
    """A whole project given at once, as `.qdpx` bytes (small projects; tests)."""
    out = io.BytesIO()
    with ProjectWriter(project) as writer:
        for case in project.cases:
            writer.case(case)
        for source in project.sources:
            writer.source(source)
        for note in project.notes:
            writer.note(note)
        for link in project.links:
            writer.link(link)
        writer.finish(out)
    return out.getvalue()


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, wherever it is made
    info.external_attr = 0o644 << 16
    return info
