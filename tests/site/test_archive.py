"""`manage.py archive OUT`: the public site as static files, read back from disk.

One archive of a small bank is built for the module (in a transaction rolled back
afterwards), then read as a browser reads a folder: every link resolves to a file in
it, nothing points at the site, nothing unpublished is anywhere in it.
"""

import io
import json
import re
import socket
from pathlib import Path

import lxml.html
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from annotations.models import Status
from cases.models import Case
from tests.factories import (
    KOOKPLOEG_PRACTICE,
    cite,
    make_annotation,
    make_case,
    make_member,
    make_reading,
    make_reply,
)
from tests.site.archive_disk import broken_links, links_in, search_index

# The tests read the disk; the mark makes pytest-django set up the test database, which
# the module's archive is built from.
pytestmark = pytest.mark.django_db

# Unique strings of what must never be archived; none may occur in any archived file.
UNPUBLISHED_MARKERS = [
    "ONTWERPMARKER",
    "ontwerpmarker-slug",
    "WACHTENDEKANTTEKENINGMARKER",
    "AFGEWEZENMARKER",
    "WACHTENDELEZINGMARKER",
    "WACHTENDANTWOORDMARKER",
]
LIST_TITLES = [f"Lijstpraktijk {n:02d}" for n in range(1, 22)]


def seed_bank() -> dict:
    """Two described cases with a margin, 21 more for a second list page, and what is hidden."""
    member = make_member(username="archieflid")
    kookploeg = make_case(
        title="Kookploeg Zaterdag",
        slug="kookploeg-zaterdag",
        practice=KOOKPLOEG_PRACTICE,
        summary="Buren koken samen in het buurthuis.",
        keywords=("koken", "buurthuis"),
    )
    make_case(
        title="Repaircafé Eeklo",
        slug="repaircafe-eeklo",
        domain="werken",
        summary="Herstellen met vrijwilligers.",
    )
    for title in LIST_TITLES:
        make_case(title=title, slug=title.lower().replace(" ", "-"))
    make_case(
        title="ONTWERPMARKER Geheime praktijk",
        slug="ontwerpmarker-slug",
        summary="ONTWERPMARKER",
        status=Case.Status.DRAFT,
    )
    evidence = cite(kookploeg, "ontmoeting", "Wie wil, schuift mee aan tafel.")
    note = make_annotation(
        target=kookploeg,
        passage="koken buren samen",
        author=member,
        body="Een goedgekeurde kanttekening over de keuken.",
    )
    make_reply(note, author=member, body="Een goedgekeurd antwoord.")
    make_reply(note, author=member, body="WACHTENDANTWOORDMARKER", status=Status.PENDING)
    make_annotation(
        target=kookploeg,
        passage="nieuwkomers",
        author=member,
        body="WACHTENDEKANTTEKENINGMARKER",
        status=Status.PENDING,
    )
    make_annotation(
        target=kookploeg,
        passage="recepten",
        author=member,
        body="AFGEWEZENMARKER",
        status=Status.REJECTED,
    )
    make_reading(
        kookploeg,
        source="strijd",
        author=member,
        body="WACHTENDELEZINGMARKER",
        status=Status.PENDING,
    )
    return {"note": note.pk, "evidence": evidence.pk}


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    """The archive of the seeded bank, and the seeded ids."""
    out = tmp_path_factory.mktemp("archief") / "diegem-archief"
    # Set up before any test's own settings: the downloads it builds go beside it.
    built_files = override_settings(BUILT_FILES_DIR=tmp_path_factory.mktemp("built-files"))
    with django_db_blocker.unblock(), transaction.atomic(), built_files:
        seeded = seed_bank()
        call_command("archive", str(out), "--quiet", stdout=io.StringIO())
        transaction.set_rollback(True)
    return out, seeded


@pytest.fixture(scope="module")
def archive(built) -> Path:
    return built[0]


def archived_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_every_link_in_every_page_and_stylesheet_leads_to_a_file_in_the_archive(
    archive, monkeypatch
):
    def no_network(*args, **kwargs):
        raise AssertionError("the archive was read from a server")

    # Read from disk only: any connection (to a server, or through Django's client) fails.
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr("django.test.Client.request", no_network)
    assert broken_links(archive) == []
    # Not an empty crawl: the pages and the stylesheet were read.
    assert len([f for f in archived_files(archive) if f.suffix == ".html"]) > 40


def test_no_link_points_at_the_site_or_the_test_server(archive):
    for file in archived_files(archive):
        if file.suffix not in (".html", ".css", ".js"):
            continue
        text = file.read_text(encoding="utf-8")
        assert "http://testserver" not in text, file
        # A reference ("Citeer") names the address the case was published at, as text.
        text = re.sub(r'<p class="cite__reference"[^>]*>.*?</p>', "", text, flags=re.S)
        assert settings.SITE_URL not in text, file
        for link in links_in(file) if file.suffix != ".js" else []:
            assert not link.startswith("/"), (file, link)


def test_nothing_unpublished_is_in_any_archived_file(archive):
    for file in archived_files(archive):
        content = file.read_bytes()
        for marker in UNPUBLISHED_MARKERS:
            assert marker.encode() not in content, (marker, file)
    assert not (archive / "praktijken" / "ontwerpmarker-slug").exists()


def test_the_whole_public_site_is_there(archive, built):
    _root, seeded = built
    expected = [
        "index.html",
        "kader/index.html",
        "kader/ontmoeting/index.html",
        "bronnen/ontmoeting/index.html",
        "spanningsvelden/consensus-conflict/index.html",
        "praktijken/index.html",
        # The list's second page (20 a page, 23 published cases), under a stable name.
        "praktijken/index-pagina-2-4e881922.html",
        "praktijken/index-domein-wonen-0fb6a19e.html",
        "praktijken/kookploeg-zaterdag/index.html",
        "praktijken/repaircafe-eeklo/index.html",
        "praktijken/lijstpraktijk-21/index.html",
        "overzicht/index.html",
        "literatuur/index.html",
        "organisaties/index.html",
        "data/index.html",
        "data/praktijken.csv",
        "data/praktijken-lang.csv",
        "data/praktijken.xlsx",
        "data/praktijken-lang.xlsx",
        "data/praktijken.json",
        "data/kader.qdc",
        "api/kanttekeningen/index.json",
        "api/praktijken/kookploeg-zaterdag/kanttekeningen/index.json",
        "zoeken/index.html",
        "zoeken/zoekindex.js",
        "LEESMIJ.txt",
        "static/css/site.css",
        "static/js/archive_search.js",
        "static/img/favicon.svg",
    ]
    missing = [name for name in expected if not (archive / name).is_file()]
    assert missing == []
    first = (archive / "praktijken/index.html").read_text(encoding="utf-8")
    assert 'href="index-pagina-2-4e881922.html"' in first
    # The wide CSV is the site's download, byte for byte a CSV of the published cases.
    wide = (archive / "data/praktijken.csv").read_text(encoding="utf-8-sig")
    assert "Kookploeg Zaterdag" in wide
    annotations = json.loads(
        (archive / "api/praktijken/kookploeg-zaterdag/kanttekeningen/index.json").read_text()
    )
    assert annotations["label"] == "Kanttekeningen bij Kookploeg Zaterdag"
    # Its items are on its pages, archived beside it (the site's ?pagina=1).
    items = json.loads(
        (
            archive
            / "api/praktijken/kookploeg-zaterdag/kanttekeningen/index-pagina-1-6988e8cf.json"
        ).read_text()
    )
    assert "Een goedgekeurde kanttekening over de keuken." in json.dumps(
        items["items"], ensure_ascii=False
    )


def test_links_are_relative_and_name_index_html(archive):
    case_page = (archive / "praktijken/kookploeg-zaterdag/index.html").read_text(encoding="utf-8")
    assert 'href="../../static/css/site.css"' in case_page
    assert 'href="../../index.html"' in case_page  # the brand, to the home page
    assert 'href="../index.html"' in case_page  # the case list
    assert 'href="../../bronnen/ontmoeting/index.html"' in case_page
    assert 'action="../../zoeken/index.html"' in case_page
    home = (archive / "index.html").read_text(encoding="utf-8")
    assert 'href="praktijken/lijstpraktijk-21/index.html"' in home  # the latest case


def test_the_case_page_keeps_its_margin_and_anchors(archive, built):
    _root, seeded = built
    page = (archive / "praktijken/kookploeg-zaterdag/index.html").read_text(encoding="utf-8")
    note = seeded["note"]
    assert f'id="passage-{note}"' in page
    assert f'href="#passage-{note}"' in page
    assert "Een goedgekeurde kanttekening over de keuken." in page
    assert 'id="bewijs-ontmoeting"' in page
    assert 'id="codering-ontmoeting"' in page
    # No page per note: a link to one leads to the note in this margin, with its thread in place.
    assert 'href="../../kanttekeningen/' not in page
    assert f'href="index.html#kanttekening-{note}"' in page
    assert "Een goedgekeurd antwoord." in page
    assert not (archive / f"kanttekeningen/{note}").exists()


def test_the_archive_is_read_only(archive):
    for file in archived_files(archive):
        if file.suffix != ".html":
            continue
        text = file.read_text(encoding="utf-8")
        assert 'method="post"' not in text.lower(), file
        assert "account/aanmelden" not in text, file
        assert "Aanmelden</a>" not in text, file
        assert "/melden/" not in text, file
        assert "praktijken/feed" not in text, file
        assert "Atom-feed" not in text, file
    case_list = (archive / "praktijken/index.html").read_text(encoding="utf-8")
    # The filter form became a note; the cards stay, without their compare boxes.
    assert "Dit formulier werkt niet in het archief" in case_list
    assert 'name="praktijk"' not in case_list
    assert "Dit is het archief van de praktijkenbank DieGem" in case_list


def test_the_search_index_holds_published_cases_and_framework_sections_only(archive):
    index = search_index(archive)
    titles = sorted(entry["titel"] for entry in index["praktijken"])
    assert titles == sorted(["Kookploeg Zaterdag", "Repaircafé Eeklo", *LIST_TITLES])
    kookploeg = next(e for e in index["praktijken"] if e["titel"] == "Kookploeg Zaterdag")
    assert kookploeg == {
        "titel": "Kookploeg Zaterdag",
        "samenvatting": "Buren koken samen in het buurthuis.",
        "trefwoorden": ["buurthuis", "koken"],
        "url": "praktijken/kookploeg-zaterdag/index.html",
    }
    sections = {entry["url"] for entry in index["kader"]}
    assert "kader/ontmoeting/index.html" in sections
    for entry in index["praktijken"] + index["kader"]:
        assert (archive / entry["url"]).is_file()


def test_the_search_page_lists_every_case_without_javascript(archive):
    page = (archive / "zoeken/index.html").read_text(encoding="utf-8")
    assert "<noscript>" in page
    assert "Zoeken werkt in dit archief alleen met JavaScript." in page
    assert 'href="../praktijken/kookploeg-zaterdag/index.html"' in page
    assert 'href="../praktijken/lijstpraktijk-21/index.html"' in page
    assert '<script src="zoekindex.js"' in page
    assert '<script src="../static/js/archive_search.js"' in page


def test_scripts_are_files_and_no_inline_style_is_added(archive):
    for file in archived_files(archive):
        if file.suffix != ".html":
            continue
        doc = lxml.html.fromstring(file.read_bytes())
        for script in doc.iter("script"):
            # Data islands are inert; what runs is a file of the archive.
            assert script.get("src") or script.get("type") == "application/json", file
        assert doc.xpath("//style") == [], file
