"""The public site as a folder of static files (`manage.py archive OUT`).

For deposit in a university repository when the project's funding ends: every page
an anonymous reader can reach, the data files and JSON-LD they link, the margin with
its anchors and the static assets, written so the folder works from file://, a ZIP or
any static host. Pages are rendered in this process through the URLconf as an
anonymous visitor (Django's test client; no server, no network), starting from the
home page, the main pages and the sitemap, and following every same-site href and src:
new pages and files are picked up without naming them here.

- Links become relative (`../../static/css/site.css`), directory URLs are written and
  linked as `…/index.html`; a URL with a query (pagination, a filter linked from a page)
  gets a stable file name of its own (`diegem.lib.static_site.file_for`). Query links
  are followed from pages without a query, and from there only to other pages of the
  same list: filter combinations would otherwise never end.
- What only a live site can do is taken out: links to actions (log in, write, flag,
  follow) are removed, forms are replaced by a note that the archive is read-only
  (a form marked `data-archive="unwrap"` keeps its contents; elements marked
  `data-archive="drop"` go), and the search is replaced by a page with a pre-built index
  of the published cases and framework sections that a small script searches in the
  browser (and, without JavaScript, a note and the full case list).
- Pages are written as they are rendered; the site is never held in memory. The folder
  is built beside OUT and renamed into place when it is complete.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit
from xml.etree import ElementTree

import lxml.html
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext as _

from annotations.models import Annotation
from cases.models import Case
from diegem.lib.static_site import archivable, file_for, relative_link, rewrite_css
from frameworks.models import Section

# Links to these are removed with their text: they act on a live site (write, flag, log in).
ACTION_URL_NAMES = frozenset(
    {
        "login",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "invitation-accept",
        "annotation-new",
        "annotations-mine",
        "reply-new",
        "annotation-edit",
        "annotation-withdraw",
        "annotation-flag",
        "moderation-queue",
        "moderation-decide",
        "moderation-attach",
        "follow",
        "notifications",
        "notifications-unsubscribe",
        "member-settings",
        "practice-save",
        "saved-practices",
        "saved-practice",
        "saved-practice-delete",
        "practice-placement-delete",
        "reading-new",
        "reading-respond",
        "reading-edit",
        "workshop-enter",
        "workshop-new",
        "workshop-list",
        "workshop-join",
        "workshop-screen",
        "workshop-distribution",
        "workshop-close",
        "workshop-qr",
        "workshop-csv",
    }
)
# What only a live site needs: links to them go too. (A feed and a sitemap announce
# changes, which an archive never has.)
NOT_ARCHIVED_URL_NAMES = frozenset({"case-feed", "sitemap", "robots", "favicon"})
# Directory URLs that answer with something other than a page (others are asked once).
INDEX_BY_URL_NAME = {
    "api-annotations": "index.json",
    "api-annotation": "index.json",
    "api-case-annotations": "index.json",
    "api-section-annotations": "index.json",
    "section-text": "index.txt",
    "case-text": "index.txt",
}
INDEX_EXTENSIONS = {
    "text/html": ".html",
    "application/json": ".json",
    "application/ld+json": ".json",
    "text/plain": ".txt",
    "text/csv": ".csv",
    "application/xml": ".xml",
    "text/xml": ".xml",
}
# Where the crawl starts (besides the sitemap's pages); the rest is found by following links.
START_URL_NAMES = ("home", "framework", "case-list", "overview", "bibliography", "open-data")
# Attributes holding a URL (copy_link.js reads data-copy-url).
LINK_ATTRIBUTES = ("href", "src", "data-copy-url")
# A list reached with a filter is archived with this many pages (the full lists with all):
# every case is reachable anyway, and at 10,000 cases all pages of every filter linked
# from the overview would be most of the archive. The 32 cases of the bank fit in two.
FILTERED_LIST_PAGES = 10
# Lists archived whole however long: a work's places are what the bibliography holds.
WHOLE_LIST_URL_NAMES = frozenset({"bibliography-work"})
# The query parameters that page through a list (the case list's, the API's).
PAGE_PARAMETERS = ("pagina", "page")
SEARCH_FILE = "zoeken/index.html"
# A note's own page (`annotation-detail`): archived as the note in its page's margin.
NOTE_PAGE_PREFIX = "/kanttekeningen/"
# The ids a note's margin holds: the note, its thread and its replies.
MARGIN_FRAGMENT = re.compile(r"(kanttekening|draad|antwoord)-\d+")
# The longest file name most file systems keep (ext4, APFS: 255 bytes), with room to spare.
MAX_NAME_BYTES = 200
SEARCH_DATA_FILE = "zoeken/zoekindex.js"


@dataclass
class ArchiveResult:
    pages: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    # URLs linked from a page that gave no page (a 404 or a redirect off the archive):
    # written as a short "not in the archive" page so that no link breaks.
    missing: list[str] = field(default_factory=list)


def margin_pages() -> dict[int, str]:
    """Every public margin note's id and the page (case or framework section) whose margin shows it."""
    rows = Annotation.objects.public().notes().values_list("pk", "case__slug", "section__key")
    return {
        pk: reverse("section-detail", args=[key]) if key else reverse("case-detail", args=[slug])
        for pk, slug, key in rows.iterator(chunk_size=5000)
    }


def _static_file(name: str) -> str | None:
    """The path of a static file the site has (app folders or collected), or None."""
    try:
        found = finders.find(name)
        if not found and staticfiles_storage.exists(name):
            found = staticfiles_storage.path(name)
    except (SuspiciousFileOperation, ValueError, OSError):
        return None
    return found if found and Path(found).is_file() else None


class ArchiveError(Exception):
    """The archive could not be written (OUT is in the way, a page failed)."""


class ArchiveStopped(Exception):
    """The time given (`stop_after`) ran out: nothing was written to OUT. How far it got."""

    def __init__(self, result: ArchiveResult, done: int, known: int):
        super().__init__(f"stopped after {result.seconds:.0f} s: {done} of {known} addresses")
        self.result, self.done, self.known = result, done, known


def archive_build(
    out: Path,
    *,
    force: bool = False,
    make_zip: bool = False,
    progress: Callable[[int, int], None] | None = None,
    stop_after: float | None = None,
) -> ArchiveResult:
    """Write the public site to the folder `out` (and `out.zip` with `make_zip`).

    Refuses a non-empty `out` unless `force`. Builds in a temporary folder beside it and
    renames that into place only when complete, so a failed run leaves no half archive
    named `out`. `progress(done, known)` is called after each URL. With `stop_after`
    (seconds; for measuring) it gives up once that time has passed: ArchiveStopped, and
    nothing written.
    """
    out = Path(out).absolute()
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not force:
        raise ArchiveError(
            f"{out} bestaat al en is niet leeg: kies een andere map of gebruik --force."
        )
    if make_zip and out.with_name(f"{out.name}.zip").exists() and not force:
        raise ArchiveError(f"{out}.zip bestaat al: kies een andere map of gebruik --force.")
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".bouw", dir=out.parent))
    try:
        result = _Crawl(building, progress, started, stop_after).run()
        _finish_folder(building, out)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    if make_zip:
        _write_zip(out)
    result.seconds = time.monotonic() - started
    return result


def _finish_folder(building: Path, out: Path) -> None:
    os.chmod(building, 0o755)  # mkdtemp makes it private; an archive is for everyone
    if out.exists():
        old = out.with_name(f".{out.name}.oud-{os.getpid()}")
        os.rename(out, old)
        os.rename(building, out)
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        else:
            old.unlink()
    else:
        os.rename(building, out)


def _write_zip(out: Path) -> None:
    partial = out.with_name(f".{out.name}.zip.bouw")
    made = shutil.make_archive(str(partial), "zip", root_dir=out.parent, base_dir=out.name)
    os.replace(made, out.with_name(f"{out.name}.zip"))


@dataclass(frozen=True)
class _Page:
    """A URL being archived: its path and query, and the file it is written to."""

    path: str
    query: str
    file: str
    static_source: str | None = None  # for a static file: where it was found when linked

    @property
    def url(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")


_REMOVE = "remove"


class _Crawl:
    def __init__(
        self,
        root: Path,
        progress: Callable[[int, int], None] | None,
        started: float,
        stop_after: float | None,
    ):
        self.root = root
        self.progress = progress
        self.started, self.stop_after = started, stop_after
        site = urlsplit(settings.SITE_URL)
        self.scheme = site.scheme or "http"
        self.host = site.netloc or "testserver"
        # Absolute links to the site's own addresses count as same-site links.
        self.hosts = {self.host, "testserver"}
        self.client = Client(HTTP_HOST=self.host, raise_request_exception=True)
        self.queue: deque[_Page] = deque()
        self.known: dict[tuple[str, str], str] = {}
        self.files: set[str] = set()
        # Lists reached with a query from a page without one: (path, its non-page parameters).
        self.lists: set[tuple[str, frozenset]] = set()
        self.index_by_name = dict(INDEX_BY_URL_NAME)
        # Public notes by id: the page whose margin shows them (loaded at the first link to one).
        self.margin_pages: dict[int, str] | None = None
        self.result = ArchiveResult()
        self.done = 0

    # --- the crawl ----------------------------------------------------------------------

    def run(self) -> ArchiveResult:
        # The page cache would keep thousands of pages in memory for nothing.
        with override_settings(
            PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, self.host.split(":")[0]]
        ):
            for name in START_URL_NAMES:
                self._enqueue(reverse(name), "")
            for path in self._sitemap_paths():
                self._link_target(path, base=None)
            self._write_search()
            self._write_readme()
            while self.queue:
                page = self.queue.popleft()
                self._archive(page)
                self.done += 1
                if self.progress:
                    self.progress(self.done, len(self.known))
                elapsed = time.monotonic() - self.started
                if self.stop_after is not None and elapsed > self.stop_after and self.queue:
                    self.result.seconds = elapsed
                    raise ArchiveStopped(self.result, self.done, len(self.known))
        return self.result

    def _sitemap_paths(self) -> list[str]:
        response = self.client.get(reverse("sitemap"), secure=self.scheme == "https")
        if response.status_code != 200:
            return []
        tree = ElementTree.fromstring(response.content)
        namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
        paths = []
        for loc in tree.iter(f"{namespace}loc"):
            split = urlsplit(loc.text.strip())
            if get_language_from_path(split.path):  # the archive is Dutch (README)
                continue
            paths.append(split.path + (f"?{split.query}" if split.query else ""))
        return paths

    def _enqueue(
        self, path: str, query: str, file: str | None = None, static_source: str | None = None
    ) -> str:
        key = (path, query)
        if key not in self.known:
            file = file or file_for(path, query)
            self.known[key] = file
            # Two spellings of one file (`site%2Ecss`, `site.css`) are written once: the
            # second would overwrite the first with whatever it answers.
            if file not in self.files:
                self.files.add(file)
                self.queue.append(_Page(path, query, file, static_source))
        return self.known[key]

    def _fetch(self, page: _Page):
        self.client.cookies.clear()  # always a first-time anonymous visitor
        return self.client.get(page.url, secure=self.scheme == "https")

    def _archive(self, page: _Page) -> None:
        if page.path.startswith(settings.STATIC_URL):
            self._archive_static(page)
            return
        response = self._fetch(page)
        if response.status_code in (301, 302, 303, 307, 308):
            location = response["Location"]
            target = self._link_target(location, base=page)
            if target and target != _REMOVE:
                self._write_page(page, self._stub(page, redirect_to=location))
                return
        if response.status_code != 200:
            self.result.missing.append(page.url)
            self._write_page(page, self._stub(page))
            return
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if content_type == "text/html":
            self._write_page(page, self._rewrite_html(response.content, page))
        elif content_type == "text/css":
            self._write(page.file, self._rewrite_css(response.content.decode(), page).encode())
        elif "json" in content_type and not response.streaming:
            self._write(page.file, response.content)
            self._follow_json_pages(response.content, page)
        elif response.streaming:
            self._write_chunks(page.file, response.streaming_content)
        else:
            self._write(page.file, response.content)

    def _archive_static(self, page: _Page) -> None:
        name = unquote(page.path[len(settings.STATIC_URL) :])
        found = page.static_source or _static_file(name)
        if not found:
            self.result.missing.append(page.url)
            self._write(page.file, b"")
            return
        if name.endswith(".css"):
            text = Path(found).read_text(encoding="utf-8")
            self._write(page.file, self._rewrite_css(text, page).encode())
        else:
            target = self.root / page.file
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(found, target)
            self.result.files += 1
            self.result.bytes += target.stat().st_size

    def _follow_json_pages(self, content: bytes, page: _Page) -> None:
        """A JSON-LD collection's pages (first, next, …) are archived beside it.

        The document itself is kept as the site served it: its ids are the site's IRIs,
        identifiers rather than links; the archive's LEESMIJ.txt says where each is.
        """
        try:
            data = json.loads(content)
        except ValueError:
            return
        if not isinstance(data, dict):
            return
        for key in ("first", "next", "prev", "last"):
            if isinstance(data.get(key), str):
                self._link_target(data[key], base=page)

    # --- links --------------------------------------------------------------------------

    def _link_target(self, raw: str, base: _Page | None) -> str | None:
        """Where a link in `base` should point in the archive.

        A string: the archive file (queued when new). None: not a link to the site
        (external, a fragment, mailto:): left as it is. `_REMOVE`: an action on a
        live site. "": a site page the archive leaves out (the link loses its target).
        """
        raw = raw.strip()
        if not raw or raw.startswith("#"):
            return None
        absolute = urljoin(f"{self.scheme}://{self.host}{base.url if base else '/'}", raw)
        split = urlsplit(absolute)
        if split.scheme not in ("http", "https") or split.netloc not in self.hosts:
            return None
        path, query = split.path or "/", split.query
        if not archivable(path):
            return ""  # a link that would lead outside the archive (a "%2F..%2F" in a note)
        if (path, query) in self.known:
            return self.known[(path, query)]
        if any(len(part.encode()) > MAX_NAME_BYTES for part in file_for(path, query).split("/")):
            return ""  # no file system keeps a name that long (a made-up address in a note)
        if path.startswith(settings.STATIC_URL):
            found = _static_file(unquote(path[len(settings.STATIC_URL) :]))
            if not found:
                return ""  # only files the site has: a made-up one would be written empty
            return self._enqueue(path, "", static_source=found)
        try:
            match = resolve(path)
        except Resolver404:
            return ""
        name = match.view_name
        if name.startswith("admin:") or name in ACTION_URL_NAMES:
            return _REMOVE
        if name in NOT_ARCHIVED_URL_NAMES:
            return _REMOVE
        if name == "search":
            return SEARCH_FILE
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            # The first page of a list is the list itself: one file, not two.
            first_page = any(k in PAGE_PARAMETERS and v == "1" for k, v in pairs)
            if first_page and self._index_for(name, path, query) == "index.html":
                query = urlencode([(k, v) for k, v in pairs if k not in PAGE_PARAMETERS])
                return self._link_target(f"{path}?{query}" if query else path, base)
            same_list = (path, frozenset((k, v) for k, v in pairs if k not in PAGE_PARAMETERS))
            if base is None or not base.query:
                self.lists.add(same_list)
            elif same_list[1] and same_list not in self.lists:
                return ""  # a further filter combination
            if (
                same_list[1]
                and name not in WHOLE_LIST_URL_NAMES
                and _page_number(pairs) > FILTERED_LIST_PAGES
            ):
                return ""
        index = self._index_for(name, path, query) if path.endswith("/") else "index.html"
        return self._enqueue(path, query, file_for(path, query, index=index))

    def _index_for(self, name: str, path: str, query: str) -> str:
        """The file name a directory URL of this kind is written as (index.html, index.json…).

        Known kinds are in INDEX_BY_URL_NAME; a kind met for the first time (a page or
        download added since) is asked once, and its content type decides for all its URLs.
        """
        if name not in self.index_by_name:
            response = self._fetch(_Page(path, query, ""))
            content_type = response.get("Content-Type", "text/html").split(";")[0].strip()
            extension = INDEX_EXTENSIONS.get(content_type) or mimetypes.guess_extension(
                content_type
            )
            self.index_by_name[name] = f"index{extension or '.html'}"
        return self.index_by_name[name]

    def _is_site_url(self, value: str) -> bool:
        split = urlsplit(value.strip())
        return split.scheme in ("http", "https") and split.netloc in self.hosts

    def _relative(self, page: _Page, raw: str) -> str | None:
        """The link as written in the archive file of `page` (None: leave; "" or _REMOVE: see _link_target)."""
        raw = self._in_margin(raw, page)
        target = self._link_target(raw, page)
        if not target or target == _REMOVE:
            return target
        fragment = urlsplit(raw.strip()).fragment
        return relative_link(page.file, target, fragment)

    def _in_margin(self, raw: str, page: _Page) -> str:
        """A link to a note's own page, as a link to the note (or a reply) in its page's margin.

        The margin shows every public note with its thread in place, so the archive has no
        page per note: at 100,000 notes those pages would be most of the archive and of its
        time. (A reading has no page of its own: it stands beside its coding, `#lezing-<id>`.)
        """
        if NOTE_PAGE_PREFIX not in raw:
            return raw
        split = urlsplit(urljoin(f"{self.scheme}://{self.host}{page.url}", raw.strip()))
        if split.netloc not in self.hosts:
            return raw
        try:
            match = resolve(split.path)
        except Resolver404:
            return raw
        if match.view_name != "annotation-detail":
            return raw
        if self.margin_pages is None:
            self.margin_pages = margin_pages()
        note = match.kwargs["pk"]
        where = self.margin_pages.get(note)
        if where is None:
            return raw
        fragment = split.fragment if MARGIN_FRAGMENT.fullmatch(split.fragment) else ""
        return f"{where}#{fragment or f'kanttekening-{note}'}"

    # --- pages --------------------------------------------------------------------------

    def _rewrite_html(self, content: bytes, page: _Page) -> bytes:
        doc = lxml.html.document_fromstring(content)
        for element in doc.xpath('//*[@data-archive="drop"]'):
            element.drop_tree()
        self._replace_forms(doc, page)
        for meta in doc.xpath("//meta[@content]"):
            # og:url and the like must be absolute, and would name the site that is gone.
            if self._is_site_url(meta.get("content")):
                meta.drop_tree()
        for element in list(doc.iter()):
            if not isinstance(element.tag, str):
                continue
            for attribute in LINK_ATTRIBUTES:
                raw = element.get(attribute)
                if raw is None:
                    continue
                new = self._relative(page, raw)
                if new is None:
                    continue
                if new == _REMOVE or (new == "" and element.tag != "a"):
                    _drop(element)
                elif new == "":
                    del element.attrib[attribute]
                else:
                    element.set(attribute, new)
        self._add_banner(doc)
        return lxml.html.tostring(doc, doctype="<!doctype html>", encoding="utf-8")

    def _replace_forms(self, doc, page: _Page) -> None:
        search = reverse("search")
        for form in list(doc.iter("form")):
            method = (form.get("method") or "get").lower()
            action = form.get("action")
            target = self._link_target(action, page) if action else None
            if method == "get" and target == SEARCH_FILE:
                form.set("action", relative_link(page.file, SEARCH_FILE))
            elif method == "get" and form.get("data-archive") == "unwrap":
                form.tag = "div"
                for attribute in ("method", "action", "data-archive", "novalidate"):
                    form.attrib.pop(attribute, None)
            else:
                note = lxml.html.fragment_fromstring("<p></p>")
                note.set("class", "message archive-note")
                # Links into the form (to a field, a result) land on the note.
                for element in form.xpath(".//*[@id]"):
                    anchor = lxml.html.fragment_fromstring("<span></span>")
                    anchor.set("id", element.get("id"))
                    note.append(anchor)
                if form.get("id"):
                    note.set("id", form.get("id"))
                text = lxml.html.fragment_fromstring("<span></span>")
                text.text = _(
                    "Dit formulier werkt niet in het archief: het archief is alleen-lezen. "
                )
                note.append(text)
                link = lxml.html.fragment_fromstring("<a></a>")
                link.set("href", search)  # made relative with the page's other links
                link.text = _("Zoeken kan op de zoekpagina.")
                note.append(link)
                note.tail = form.tail
                form.getparent().replace(form, note)

    def _add_banner(self, doc) -> None:
        main = doc.find(".//main")
        if main is None:
            return
        banner = lxml.html.fragment_fromstring("<p></p>")
        banner.set("class", "message archive-note")
        banner.text = _(
            "Dit is het archief van de praktijkenbank DieGem, gemaakt op %(date)s. Het is "
            "alleen-lezen: aanmelden, kanttekeningen schrijven en filteren kunnen hier niet."
        ) % {"date": timezone.localdate().strftime("%d-%m-%Y")}
        banner.tail = main.text
        main.text = None
        main.insert(0, banner)

    def _rewrite_css(self, text: str, page: _Page) -> str:
        def rewrite(raw: str) -> str | None:
            new = self._relative(page, raw)
            return new or None

        return rewrite_css(text, rewrite)

    def _stub(self, page: _Page, redirect_to: str | None = None) -> bytes:
        """A short page for a URL that gave no page: a redirect's target, or 'not archived'."""
        html = render_to_string(
            "diegem/archive_stub.html", {"target": redirect_to}, request=self._request(page.path)
        )
        return self._rewrite_html(html.encode(), page)

    def _request(self, path: str):
        request = RequestFactory(HTTP_HOST=self.host).get(path, secure=self.scheme == "https")
        request.user = AnonymousUser()
        return request

    # --- search -------------------------------------------------------------------------

    def _write_search(self) -> None:
        """The search page, its index as a script (file:// cannot fetch JSON), the script."""
        page = _Page(reverse("search"), "", SEARCH_FILE)
        self.known[(page.path, "")] = SEARCH_FILE
        data_url = f"{page.path}{SEARCH_DATA_FILE.rsplit('/', 1)[1]}"
        self.known[(data_url, "")] = SEARCH_DATA_FILE
        with self._open(SEARCH_DATA_FILE) as out:
            out.write(b'window.DIEGEM_ARCHIEF = {"praktijken": [\n')
            cases = Case.objects.published().order_by("title", "pk").prefetch_related("keywords")
            listed = []
            for n, case in enumerate(cases.iterator(chunk_size=500)):
                url = file_for(case.get_absolute_url())
                listed.append((case.title, case.get_absolute_url()))
                entry = {
                    "titel": case.title,
                    "samenvatting": case.summary,
                    "trefwoorden": sorted(tag.name for tag in case.keywords.all()),
                    "url": url,
                }
                out.write(
                    (",\n" if n else "").encode() + json.dumps(entry, ensure_ascii=False).encode()
                )
            out.write(b'\n], "kader": [\n')
            for n, section in enumerate(Section.objects.order_by("order")):
                entry = {
                    "titel": section.title,
                    "samenvatting": Truncator(strip_tags(section.body)).words(40),
                    "trefwoorden": [],
                    "url": file_for(section.get_absolute_url()),
                }
                out.write(
                    (",\n" if n else "").encode() + json.dumps(entry, ensure_ascii=False).encode()
                )
            out.write(b"\n]};\n")
        self.result.files += 1
        self.result.bytes += (self.root / SEARCH_DATA_FILE).stat().st_size
        html = render_to_string(
            "diegem/archive_search.html",
            {
                "cases": listed,
                "index_script": data_url,
            },
            request=self._request(page.path),
        )
        self._write_page(page, self._rewrite_html(html.encode(), page))

    def _write_readme(self) -> None:
        text = render_to_string(
            "diegem/archive_readme.txt",
            {"site_url": settings.SITE_URL, "made": timezone.localdate()},
        )
        self._write("LEESMIJ.txt", text.encode())

    # --- writing ------------------------------------------------------------------------

    def _open(self, file: str):
        target = self.root / file
        target.parent.mkdir(parents=True, exist_ok=True)
        return open(target, "wb")

    def _write_page(self, page: _Page, content: bytes) -> None:
        self._write(page.file, content)
        self.result.pages += 1
        self.result.files -= 1

    def _write(self, file: str, content: bytes) -> None:
        with self._open(file) as out:
            out.write(content)
        self.result.files += 1
        self.result.bytes += len(content)

    def _write_chunks(self, file: str, chunks) -> None:
        with self._open(file) as out:
            for chunk in chunks:
                out.write(chunk)
                self.result.bytes += len(chunk)
        self.result.files += 1


def _page_number(pairs: list[tuple[str, str]]) -> int:
    for key, value in pairs:
        if key in PAGE_PARAMETERS:
            try:
                return int(value)
            except ValueError:
                return 1
    return 1


def _drop(element) -> None:
    """Remove an element (its tail text stays); an item left empty goes with it."""
    parent = element.getparent()
    if parent is None:
        return
    if (
        parent.tag == "li"
        and len(parent) == 1
        and not (parent.text or "").strip()
        and not (element.tail or "").strip()
    ):
        _drop(parent)
        return
    element.drop_tree()
