r"""Citations: one description of a citable thing, written as BibTeX, RIS, CSL-JSON and a formatted reference.

A mechanism: it knows no app. The site builds a `Citation` (a case page, a data
release) and hands it to the writers here and to `templates/includes/cite.html`.

Choices, so that they need not be guessed again:

- **BibTeX** is written for biblatex (biber reads UTF-8, so accents stay as they
  are; Zotero and JabRef read it too): `@online` for a web page (a case page),
  `@dataset` for a dataset (a release), with `date` (ISO 8601), `version`,
  `url`, `urldate` (only with an access date) and `organization` (the site, for
  `@online`, which has no publisher) or `publisher` (for `@dataset`).
  Classic BibTeX styles treat both types as `@misc`. The title is wrapped in a
  second pair of braces so that no style lowercases its proper names. The
  characters TeX reads as commands (``\ { } % & # _ $ ~ ^``) are escaped, braces as
  `\textbraceleft{}` / `\textbraceright{}` (BibTeX counts an escaped brace as a
  group, so an unbalanced `\}` would end the field); the URL
  is a verbatim field in biblatex, so only braces and backslashes are encoded there.
  Family names are braced so that "Van den Broeck" stays one family name.
- **RIS** follows the 2011 RIS specification: `TY  - ELEC` (web page) or
  `TY  - DATA` (dataset), one `AU` per author ("Family, Given"), `TI`, `T2` (the
  website), `PB`, `PY`, `DA` (YYYY/MM/DD), `ET` (edition: the version), `UR`,
  `LA`, `Y2` (access date, only when given), `ER`; lines end in CR LF.
- **CSL-JSON** is a list with one item, valid against the CSL-JSON schema
  (tests/standards/csl/csl-data.json): `type` `webpage` or `dataset`, `author`
  as `{family, given}` or `{literal}`, `issued` as date-parts, `version`, `URL`.
- **The formatted reference** follows APA 7 as Dutch guides write it:
  "Janssens, A., & Peeters, B. (2026). *Titel* (Versie van 5 december 2026).
  DieGem – praktijkenbank. https://…". The version always carries its date
  ("Versie 3 van 2 december 2026" for a numbered one), so a reference names the
  state of the thing it cites. An access date ("Geraadpleegd op …") is written
  only when one is given: with a dated version APA asks for none, and a page
  cached for days must not print yesterday as today.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from enum import StrEnum

from django.http import HttpResponse
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


class Kind(StrEnum):
    """What is cited: a page of the site, or a dataset (a release of the data)."""

    WEBPAGE = "webpage"
    DATASET = "dataset"


@dataclass(frozen=True)
class Person:
    """An author with a family name and given names."""

    family: str
    given: str = ""


@dataclass(frozen=True)
class Literal:
    """An author named as a whole: an organisation, or a person whose name cannot be split."""

    name: str


Author = Person | Literal


@dataclass(frozen=True)
class Citation:
    """Everything a reference says about one citable thing, in one version.

    `version` is a date (the date the thing's content last changed) or a
    number/label (a release); `issued` is the date of that version.
    `container` is the website or collection the thing is part of; `publisher`
    who publishes it.
    """

    key: str
    kind: Kind
    title: str
    authors: tuple[Author, ...]
    container: str
    publisher: str
    issued: datetime.date
    version: datetime.date | str
    url: str
    accessed: datetime.date | None = None
    language: str = "nl"


# --- BibTeX (biblatex) ------------------------------------------------------------------------

_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    # BibTeX counts braces even after a backslash: an escaped `\{` still opens a group, so a
    # lone brace in a title would end its field. Commands with balanced braces cannot.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def tex_escape(text: str) -> str:
    """Text as TeX reads it literally: the special characters escaped, other characters (UTF-8) kept."""
    return "".join(_TEX_SPECIAL.get(char, char) for char in _one_line(text))


def _bib_url(url: str) -> str:
    # biblatex reads `url` verbatim: %, # and _ stay; braces and backslashes would end the field.
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _bib_name(author: Author) -> str:
    if isinstance(author, Literal):
        return "{" + tex_escape(author.name) + "}"
    family = "{" + tex_escape(author.family) + "}"
    given = tex_escape(author.given)
    if re.search(r"\band\b", given, re.IGNORECASE):
        given = "{" + given + "}"  # " and " would start another author
    return f"{family}, {given}" if given else family


def _key(citation: Citation) -> str:
    return re.sub(r"[^A-Za-z0-9_:.-]+", "-", citation.key).strip("-") or "diegem"


def _version_text(version: datetime.date | str) -> str:
    return version.isoformat() if isinstance(version, datetime.date) else _one_line(version)


def bibtex(citation: Citation) -> str:
    """The citation as one biblatex entry (`@online` for a web page, `@dataset` for a dataset)."""
    entry_type = "online" if citation.kind == Kind.WEBPAGE else "dataset"
    fields = [
        ("author", " and ".join(_bib_name(author) for author in citation.authors)),
        ("title", "{" + tex_escape(citation.title) + "}"),
    ]
    if citation.kind == Kind.WEBPAGE:
        # biblatex's @online has no publisher: the site that holds the page is its organization.
        fields.append(("organization", tex_escape(citation.container)))
    else:
        fields.append(("publisher", tex_escape(citation.publisher)))
    fields += [
        ("date", citation.issued.isoformat()),
        ("version", tex_escape(_version_text(citation.version))),
        ("url", _bib_url(citation.url)),
    ]
    if citation.accessed:
        fields.append(("urldate", citation.accessed.isoformat()))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{_key(citation)},\n{body},\n}}\n"


# --- RIS --------------------------------------------------------------------------------------


def _ris_name(author: Author) -> str:
    if isinstance(author, Literal):
        return _one_line(author.name)
    given = _one_line(author.given)
    return f"{_one_line(author.family)}, {given}" if given else _one_line(author.family)


def ris(citation: Citation) -> str:
    """The citation as one RIS record (CR LF line ends, as the specification asks)."""
    lines = [("TY", "ELEC" if citation.kind == Kind.WEBPAGE else "DATA")]
    lines += [("AU", _ris_name(author)) for author in citation.authors]
    lines.append(("TI", _one_line(citation.title)))
    if citation.kind == Kind.WEBPAGE:
        lines.append(("T2", _one_line(citation.container)))
    lines += [
        ("PB", _one_line(citation.publisher)),
        ("PY", f"{citation.issued.year:04d}"),
        ("DA", citation.issued.strftime("%Y/%m/%d")),
        ("ET", _version_text(citation.version)),
        ("UR", citation.url),
        ("LA", citation.language),
    ]
    if citation.accessed:
        lines.append(("Y2", citation.accessed.strftime("%Y/%m/%d")))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


# --- CSL-JSON ---------------------------------------------------------------------------------


def _csl_name(author: Author) -> dict:
    if isinstance(author, Literal):
        return {"literal": author.name}
    name = {"family": author.family}
    if author.given.strip():
        name["given"] = author.given
    return name


def _csl_date(day: datetime.date) -> dict:
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl_item(citation: Citation) -> dict:
    """The citation as one CSL-JSON item."""
    item = {
        "id": _key(citation),
        "type": str(citation.kind),
        "title": citation.title,
        "author": [_csl_name(author) for author in citation.authors],
    }
    if citation.kind == Kind.WEBPAGE:
        item["container-title"] = citation.container
    item |= {
        "publisher": citation.publisher,
        "issued": _csl_date(citation.issued),
        "version": _version_text(citation.version),
        "URL": citation.url,
        "language": citation.language,
    }
    if citation.accessed:
        item["accessed"] = _csl_date(citation.accessed)
    return item


def csl_json(citation: Citation) -> str:
    """The citation as CSL-JSON: a list with one item, as citeproc processors and Zotero read it."""
    return json.dumps([csl_item(citation)], ensure_ascii=False, indent=2) + "\n"


# --- The formatted reference (APA 7, Dutch) ---------------------------------------------------


def _initials(given: str) -> str:
    """ "Anne-Marie Jan" -> "A.-M. J.": each given name (and each part of a hyphenated one) as an initial."""
    names = []
    for name in given.split():
        names.append("-".join(part[0] + "." for part in name.split("-") if part))
    return " ".join(names)


def _apa_name(author: Author) -> str:
    if isinstance(author, Literal):
        return _one_line(author.name)
    initials = _initials(author.given)
    return f"{_one_line(author.family)}, {initials}" if initials else _one_line(author.family)


def _apa_authors(authors: tuple[Author, ...]) -> str:
    """APA's list: "A", "A, & B", "A, B, & C"; past twenty, the first nineteen, an ellipsis, the last."""
    names = [_apa_name(author) for author in authors]
    if len(names) == 1:
        return names[0]
    if len(names) > 20:
        return ", ".join(names[:19]) + ", . . . " + names[-1]
    return ", ".join(names[:-1]) + ", & " + names[-1]


def _long_date(day: datetime.date) -> str:
    return format_date(day, "j F Y")


def version_label(citation: Citation) -> str:
    """ "Versie van 5 december 2026" for a dated version, "Versie 3 van 2 december 2026" for a numbered one."""
    if isinstance(citation.version, datetime.date):
        return _("Versie van %(date)s") % {"date": _long_date(citation.version)}
    return _("Versie %(version)s van %(date)s") % {
        "version": _one_line(citation.version),
        "date": _long_date(citation.issued),
    }


def _reference_parts(citation: Citation) -> tuple[str, str, str]:
    """(what comes before the title, the title, what comes after it)."""
    authors = _apa_authors(citation.authors)
    ending = "" if authors.endswith(".") else "."
    before = f"{authors}{ending} ({citation.issued.year}). "
    after = f" ({version_label(citation)})"
    if citation.kind == Kind.DATASET:
        after += " [" + _("Dataset") + "]"
    after += "."
    # APA leaves out a publisher that is also the (only) author.
    source = citation.container if citation.kind == Kind.WEBPAGE else citation.publisher
    if not (len(citation.authors) == 1 and _apa_name(citation.authors[0]) == source):
        after += f" {_one_line(source)}."
    if citation.accessed:
        after += " " + _("Geraadpleegd op %(date)s, van %(url)s") % {
            "date": _long_date(citation.accessed),
            "url": citation.url,
        }
    else:
        after += f" {citation.url}"
    return before, _one_line(citation.title), after


def reference(citation: Citation) -> str:
    """The formatted reference as plain text (the title without italics)."""
    return "".join(_reference_parts(citation))


def reference_html(citation: Citation) -> SafeString:
    """The formatted reference as HTML: escaped, the title in italics."""
    before, title, after = _reference_parts(citation)
    return format_html("{}<i>{}</i>{}", before, title, after)


# --- Downloads --------------------------------------------------------------------------------

# Extension -> (writer, content type). The registered or customary types.
FORMATS = {
    "bib": (bibtex, "application/x-bibtex; charset=utf-8"),
    "ris": (ris, "application/x-research-info-systems; charset=utf-8"),
    "json": (csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8"),
}


class FormatConverter:
    """A URL converter for the three download formats: `citeer.<citeformat:fmt>`."""

    regex = "|".join(FORMATS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def citation_download(citation: Citation, fmt: str, filename: str) -> HttpResponse:
    """The citation as a file to download: `fmt` is a key of FORMATS, `filename` has no extension."""
    writer, content_type = FORMATS[fmt]
    response = HttpResponse(writer(citation), content_type=content_type)
    safe_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", filename).strip("-") or "citatie"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
