"""A site as static files: where each URL is written and how one file links to another.

Mechanism only (it knows no app): a URL path and query map to one stable file name
under the archive's root; links between files are relative, so a folder of them
works from file://, a ZIP or any static host. Directory URLs are written as
`…/index.html` (or `index.json`, `index.txt` for what is not a page) and linked to
that file explicitly: file:// serves no index for a folder.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from collections.abc import Callable
from urllib.parse import unquote, unquote_plus

_SLUG_UNSAFE = re.compile(r"[^a-z0-9]+")
# CSS references: url(...) with or without quotes, and @import "...".
_CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>[^'")]+)(?P=q)\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(?P<q>['"])(?P<url>[^'"]+)(?P=q)""")


def _query_part(query: str) -> str:
    """A readable, file-safe rendering of a query string with a short hash (never two the same)."""
    ascii_ = unicodedata.normalize("NFKD", unquote_plus(query)).encode("ascii", "ignore").decode()
    slug = _SLUG_UNSAFE.sub("-", ascii_.lower()).strip("-")[:60].strip("-")
    digest = hashlib.sha256(query.encode()).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else digest


def archivable(path: str) -> bool:
    """Whether a URL path names a file inside the archive: decoded, no part of it is "." or ".."
    (`%2F..%2F` too), and no backslash or NUL."""
    decoded = unquote(path)
    if "\\" in decoded or "\x00" in decoded:
        return False
    return not any(part in (".", "..") for part in decoded.split("/"))


def file_for(path: str, query: str = "", *, index: str = "index.html") -> str:
    """The archive file (relative to its root, '/'-separated) for a URL path and query.

    `/praktijken/x/` -> `praktijken/x/index.html`; `/data/praktijken.csv` stays as it is;
    `/praktijken/?page=2` -> `praktijken/index-page-2-<hash>.html`.
    """
    if not archivable(path):
        raise ValueError(f"Not an archivable path: {path!r}")
    relative = unquote(path).lstrip("/")
    if not relative or relative.endswith("/"):
        relative += index
    if not query:
        return relative
    folder, name = posixpath.split(relative)
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    named = f"{stem}-{_query_part(query)}" + (f".{extension}" if extension else "")
    return posixpath.join(folder, named) if folder else named


def relative_link(from_file: str, to_file: str, fragment: str = "") -> str:
    """The relative href from one archive file to another (with its #fragment, if any)."""
    start = posixpath.dirname(from_file) or "."
    link = posixpath.relpath(to_file, start)
    return f"{link}#{fragment}" if fragment else link


def rewrite_css(text: str, rewrite: Callable[[str], str | None]) -> str:
    """Every url(...) and @import in a stylesheet passed through `rewrite` (None: unchanged)."""

    def replace(match: re.Match) -> str:
        new = rewrite(match.group("url").strip())
        if new is None:
            return match.group(0)
        offset = match.start()
        start, end = match.start("url") - offset, match.end("url") - offset
        return match.group(0)[:start] + new + match.group(0)[end:]

    return _CSS_IMPORT.sub(replace, _CSS_URL.sub(replace, text))
