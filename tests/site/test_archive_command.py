"""The archive command's handling of its folder: refuse, replace, never half-written, zip, quiet.

What is archived is tested in test_archive; here one run is real and the others crawl a
stand-in site of two files, which is all the folder handling needs.
"""

import io
import re
import zipfile

import pytest
from django.core.management import CommandError, call_command

from diegem import site_archive
from tests.factories import make_annotation, make_case, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(framework):
    make_case(title="Kookploeg Zaterdag", slug="kookploeg-zaterdag")


@pytest.fixture
def small_site(monkeypatch):
    """A crawl that writes two files, reporting progress as the real one does."""

    def run(self):
        for n, name in enumerate(("index.html", "praktijken/kookploeg-zaterdag/index.html")):
            self._write_page(site_archive._Page("/", "", name), b"<!doctype html><p>pagina</p>")
            if self.progress:
                self.progress(n + 1, 2)
        return self.result

    monkeypatch.setattr(site_archive._Crawl, "run", run)


def test_refuses_a_folder_that_holds_files(small_site, tmp_path):
    out = tmp_path / "archief"
    out.mkdir()
    (out / "notities.txt").write_text("van iemand anders")
    with pytest.raises(CommandError, match="bestaat al en is niet leeg"):
        call_command("archive", str(out), "--quiet")
    assert [p.name for p in out.iterdir()] == ["notities.txt"]


def test_writes_into_an_empty_folder_and_says_what_it_wrote(bank, tmp_path):
    out = tmp_path / "archief"
    out.mkdir()
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("archive", str(out), stdout=stdout, stderr=stderr)
    assert (out / "praktijken/kookploeg-zaterdag/index.html").is_file()
    summary = stdout.getvalue()
    assert summary.startswith(f"Archive written to {out}: ")
    assert " pages, " in summary and " files, " in summary and " bytes in " in summary
    assert "archief:" in stderr.getvalue()  # tqdm's bar, labelled


def test_force_replaces_the_folder(small_site, tmp_path):
    out = tmp_path / "archief"
    out.mkdir()
    (out / "oud.html").write_text("oud")
    call_command("archive", str(out), "--force", "--quiet", stdout=io.StringIO())
    assert not (out / "oud.html").exists()
    assert (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archief"]


def test_a_failed_run_leaves_no_archive_and_no_leftovers(bank, tmp_path, monkeypatch):
    """Half way through a real crawl."""
    calls = []
    original = site_archive._Crawl._archive

    def failing(self, page):
        calls.append(page.url)
        if len(calls) == 5:
            raise RuntimeError("schijf vol")
        return original(self, page)

    monkeypatch.setattr(site_archive._Crawl, "_archive", failing)
    with pytest.raises(RuntimeError, match="schijf vol"):
        call_command("archive", str(tmp_path / "archief"), "--quiet")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_forced_run_keeps_the_old_archive(framework, tmp_path, monkeypatch):
    out = tmp_path / "archief"
    out.mkdir()
    (out / "index.html").write_text("het vorige archief")

    def failing(self, page):
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(site_archive._Crawl, "_archive", failing)
    with pytest.raises(RuntimeError):
        call_command("archive", str(out), "--force", "--quiet")
    assert (out / "index.html").read_text() == "het vorige archief"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archief"]


def test_zip_holds_the_same_folder(small_site, tmp_path):
    out = tmp_path / "archief"
    call_command("archive", str(out), "--zip", "--quiet", stdout=io.StringIO())
    with zipfile.ZipFile(tmp_path / "archief.zip") as archive:
        names = archive.namelist()
    assert "archief/index.html" in names
    assert "archief/praktijken/kookploeg-zaterdag/index.html" in names
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archief", "archief.zip"]


def test_zip_does_not_overwrite_an_earlier_zip_without_force(small_site, tmp_path):
    (tmp_path / "archief.zip").write_bytes(b"ouder")
    with pytest.raises(CommandError, match="archief.zip bestaat al"):
        call_command("archive", str(tmp_path / "archief"), "--zip", "--quiet")
    assert (tmp_path / "archief.zip").read_bytes() == b"ouder"
    assert not (tmp_path / "archief").exists()
    call_command("archive", str(tmp_path / "archief"), "--zip", "--force", "--quiet")
    assert zipfile.is_zipfile(tmp_path / "archief.zip")


def test_quiet_and_verbosity_zero_show_no_progress(small_site, tmp_path):
    err = io.StringIO()
    call_command("archive", str(tmp_path / "a"), stdout=io.StringIO(), stderr=err)
    assert "archief:" in err.getvalue()  # the bar, where it is not silenced
    for n, options in enumerate((["--quiet"], ["--verbosity", "0"])):
        out, err = io.StringIO(), io.StringIO()
        call_command("archive", str(tmp_path / f"q{n}"), *options, stdout=out, stderr=err)
        assert err.getvalue() == ""
    assert out.getvalue() == ""  # verbosity 0: not even the summary


def test_a_directory_url_of_a_new_kind_is_named_by_its_content_type(
    framework, tmp_path, monkeypatch
):
    """A page or download added later needs no entry here: its kind is asked once."""
    monkeypatch.setattr(site_archive, "INDEX_BY_URL_NAME", {})
    out = tmp_path / "archief"
    call_command("archive", str(out), "--quiet", stdout=io.StringIO())
    assert (out / "api/kader/ontmoeting/kanttekeningen/index.json").is_file()
    assert not (out / "api/kader/ontmoeting/kanttekeningen/index.html").exists()
    section = (out / "kader/ontmoeting/index.html").read_text(encoding="utf-8")
    assert 'href="../../api/kader/ontmoeting/kanttekeningen/index.json"' in section


def test_a_moved_page_leads_on_and_a_missing_one_says_it_is_not_archived(
    framework, tmp_path, monkeypatch
):
    """Pages that give no page still get a file, so that no link in the archive breaks."""
    monkeypatch.setattr(
        site_archive._Crawl,
        "_sitemap_paths",
        lambda self: ["/bronnen/encounter/", "/praktijken/bestaat-niet/"],
    )
    out = tmp_path / "archief"
    stdout = io.StringIO()
    call_command("archive", str(out), "--quiet", stdout=stdout)
    moved = (out / "bronnen/encounter/index.html").read_text(encoding="utf-8")
    assert "Deze pagina is verplaatst" in moved
    assert 'href="../ontmoeting/index.html"' in moved
    missing = (out / "praktijken/bestaat-niet/index.html").read_text(encoding="utf-8")
    assert "Niet in het archief" in missing
    assert 'href="../../index.html"' in missing
    assert "(1 links gave no page)" in stdout.getvalue()


def test_a_link_in_a_note_never_writes_outside_the_archive(framework, tmp_path):
    case = make_case(title="Kookploeg", slug="kookploeg")
    make_annotation(
        target=case,
        author=make_member(),
        body="Zie [dit](/static/x%2F..%2F..%2F..%2FONTSNAPT.css) en [dat](/static/..%5CONTSNAPT.js).",
    )
    out = tmp_path / "a" / "archief"
    call_command("archive", str(out), "--quiet", stdout=io.StringIO())
    assert [path.name for path in tmp_path.rglob("ONTSNAPT*")] == []
    # The note stands in the margin, its links without a target.
    page = (out / "praktijken/kookploeg/index.html").read_text(encoding="utf-8")
    assert ">dit</a>" in page and ">dat</a>" in page
    assert [
        href for href in re.findall(r'(?:href|src)="([^"]*)"', page) if "ONTSNAPT" in href
    ] == []


def test_links_in_a_note_can_neither_blank_a_file_nor_stop_the_run(framework, tmp_path):
    case = make_case(title="Kookploeg", slug="kookploeg")
    make_annotation(
        target=case,
        author=make_member(),
        body=(
            "Zie [stijl](/static/css/site%2Ecss), [pad](/static//etc/passwd), "
            f"[lang](/praktijken/{'x' * 300}/) en [map](/static/css/site.css/x)."
        ),
    )
    out = tmp_path / "archief"
    call_command("archive", str(out), "--quiet", stdout=io.StringIO())
    # The stylesheet is the site's, not the empty answer to a second spelling of its name.
    assert "--" in (out / "static/css/site.css").read_text(encoding="utf-8")
    page = (out / "praktijken/kookploeg/index.html").read_text(encoding="utf-8")
    assert ">pad</a>" in page and ">lang</a>" in page and ">map</a>" in page


def test_a_run_given_too_little_time_stops_writes_nothing_and_says_how_far_it_got(
    bank, tmp_path, monkeypatch
):
    """For measuring at scale (`bench_data`): the time runs out after the first few pages."""
    clock = iter(range(0, 10_000, 10))  # every look at the clock: ten seconds later
    monkeypatch.setattr(site_archive.time, "monotonic", lambda: next(clock))
    out = io.StringIO()

    call_command("archive", str(tmp_path / "archief"), "--stop-after", "25", stdout=out)

    said = out.getvalue()
    match = re.search(r"Gestopt na (\d+) s: (\d+) van (\d+) bekende adressen", said)
    assert match, said
    seconds, done, known = (int(n) for n in match.groups())
    assert seconds == 30 and done == 3 and known > done  # pages at 10, 20 and 30 s, then out
    assert list(tmp_path.iterdir()) == []  # nothing written, no leftovers


def test_the_bench_reads_how_far_a_stopped_archive_got():
    from diegem.management.commands.bench_data import STOPPED

    said = "Gestopt na 2400 s: 59842 van 61211 bekende adressen, 59800 bestanden, 1234567 bytes; niets geschreven in /tmp/x."
    assert STOPPED.search(said).groups() == ("59842", "61211", "59800", "1234567")
