"""Reading a static archive from disk, as a reader's browser would, for the archive's tests."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

LINK_ATTRIBUTES = ("href", "src", "action")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)""")


def links_in(file: Path) -> list[str]:
    """Every href, src and action of an HTML file; every url(...) of a stylesheet."""
    if file.suffix == ".css":
        return CSS_URL.findall(file.read_text(encoding="utf-8"))
    doc = lxml.html.fromstring(file.read_bytes())
    return [
        element.get(attribute)
        for element in doc.iter()
        if isinstance(element.tag, str)
        for attribute in LINK_ATTRIBUTES
        if element.get(attribute) is not None
    ]


def ids_in(file: Path) -> set[str]:
    doc = lxml.html.fromstring(file.read_bytes())
    return {element.get("id") for element in doc.xpath("//*[@id]")}


def broken_links(root: Path) -> list[str]:
    """Every link in the archive's HTML and CSS that does not lead to a file (and id) in it."""
    broken = []
    ids: dict[Path, set[str]] = {}
    for file in sorted(root.rglob("*")):
        if file.suffix not in (".html", ".css"):
            continue
        for link in links_in(file):
            split = urlsplit(link)
            if split.scheme in ("http", "https", "mailto", "data"):
                continue  # another site (an absolute link to this one is tested apart)
            where = f"{file.relative_to(root)}: {link}"
            if split.netloc or split.path.startswith("/"):
                broken.append(f"{where} (not relative)")
                continue
            target = (file.parent / unquote(split.path)).resolve() if split.path else file
            if not target.is_relative_to(root.resolve()) or not target.is_file():
                broken.append(f"{where} (no such file)")
                continue
            if split.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = ids_in(target)
                if split.fragment not in ids[target]:
                    broken.append(f"{where} (no id {split.fragment})")
    return broken


def search_index(root: Path) -> dict:
    """The offline search's index: the data its script file defines."""
    text = (root / "zoeken" / "zoekindex.js").read_text(encoding="utf-8")
    prefix = "window.DIEGEM_ARCHIEF = "
    assert text.startswith(prefix)
    return json.loads(text[len(prefix) :].rstrip().rstrip(";"))
