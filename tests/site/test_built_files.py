"""Large downloads built once per content version (`diegem.lib.built_files`): the public QDPX project."""

import errno
import io
import os
import sys
import threading
import time
import urllib.request
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from annotations import qdpx_project
from annotations.models import Annotation
from cases.models import Case, SourceCoding
from diegem.lib import built_files
from diegem.lib.built_files import built_file, code_fingerprint
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db
THIS = code_fingerprint((sys.modules[__name__],))


@pytest.fixture(autouse=True)
def own_directory(settings, tmp_path):
    settings.BUILT_FILES_DIR = tmp_path / "built"
    return settings.BUILT_FILES_DIR


def counting(content: bytes, calls: list):
    def build(out):
        calls.append(1)
        out.write(content)

    return build


def read(name: str, build, **options) -> bytes:
    with built_file(name, build, fingerprint=THIS, **options) as file:
        return file.read()


def kept(directory) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if not p.name.endswith(".lock"))


def test_a_file_is_built_once_per_content_version(framework, own_directory):
    calls = []
    assert read("proef.bin", counting(b"een", calls)) == b"een"
    assert read("proef.bin", counting(b"twee", calls)) == b"een"
    assert len(calls) == 1
    [first] = kept(own_directory)

    make_case(title="Nieuwe praktijk", status=Case.Status.PUBLISHED)  # a new content version

    assert read("proef.bin", counting(b"drie", calls)) == b"drie"
    assert len(calls) == 2
    assert first not in kept(own_directory) and len(kept(own_directory)) == 1


def test_a_file_older_than_its_time_is_built_again_when_asked_not_in_a_request(
    framework, own_directory
):
    calls = []
    read("proef.bin", counting(b"oud", calls))
    [name] = kept(own_directory)
    an_hour_ago = time.time() - 3600
    os.utime(own_directory / name, (an_hour_ago, an_hour_ago))

    # A request takes the current version's file whatever its age…
    assert read("proef.bin", counting(b"nieuw", calls)) == b"oud"
    # …`build_files` asks for a file no older than its time.
    assert read("proef.bin", counting(b"nieuw", calls), max_age=60) == b"nieuw"
    assert len(calls) == 2


def test_other_code_builds_its_own_file_and_the_former_one_goes(framework, own_directory):
    calls = []
    read("proef.bin", counting(b"oude code", calls))
    with built_file(
        "proef.bin", counting(b"nieuwe code", calls), fingerprint=code_fingerprint((zipfile,))
    ) as file:
        assert file.read() == b"nieuwe code"
    assert len(calls) == 2
    assert len(kept(own_directory)) == 1


def test_the_fingerprint_covers_what_counts_as_public():
    modules = {Case.objects.published.__module__, Annotation.objects.public.__module__}
    fingerprinted = {module.__file__ for module in qdpx_project.FINGERPRINTED_MODULES}
    assert {sys.modules[name].__file__ for name in modules} <= fingerprinted


def test_a_directory_that_cannot_be_written_still_serves_the_file(framework, settings, tmp_path):
    blocked = tmp_path / "een-bestand"
    blocked.write_text("geen map")
    settings.BUILT_FILES_DIR = blocked / "built"
    assert read("proef.bin", counting(b"toch", [])) == b"toch"
    make_case(title="IN-HET-PROJECT")
    assert "IN-HET-PROJECT" in case_names(download())


def test_a_full_disk_still_serves_the_file_built_for_the_request(
    framework, own_directory, monkeypatch
):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(built_files.tempfile, "NamedTemporaryFile", full)
    assert read("proef.bin", counting(b"toch", [])) == b"toch"
    assert kept(own_directory) == []


def test_an_open_file_survives_a_newer_version_removing_it(framework, own_directory):
    old = built_file("proef.bin", counting(b"versie een", []), fingerprint=THIS)
    make_case(title="Nieuwe praktijk")
    assert read("proef.bin", counting(b"versie twee", [])) == b"versie twee"
    with old:
        assert old.read() == b"versie een"  # a download under way finishes
    assert len(kept(own_directory)) == 1


def test_a_build_that_fails_or_was_killed_leaves_nothing_behind(framework, own_directory):
    def broken(out):
        out.write(b"half")
        raise RuntimeError("stuk")

    with pytest.raises(RuntimeError):
        read("proef.bin", broken)
    assert kept(own_directory) == []
    # What a build killed half-way leaves (a temporary file beside the others) goes with the next.
    [lock] = [p.name for p in own_directory.iterdir() if p.name.endswith(".lock")]
    (own_directory / f".tmp~{lock.removesuffix('.lock')}~afgebroken").write_bytes(b"half")
    assert read("proef.bin", counting(b"heel", [])) == b"heel"
    assert len(kept(own_directory)) == 1
    assert oct(os.stat(own_directory / kept(own_directory)[0]).st_mode & 0o777) == "0o644"


def case_names(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("project.qde").decode("utf-8")


def download() -> bytes:
    return Client().get(reverse("export-project")).getvalue()


def test_the_public_project_follows_publication_at_once(framework):
    case = make_case(title="VERDWIJNENDE-PRAKTIJK", status=Case.Status.PUBLISHED)
    assert "VERDWIJNENDE-PRAKTIJK" in case_names(download())

    case.status = Case.Status.DRAFT
    case.save()

    assert "VERDWIJNENDE-PRAKTIJK" not in case_names(download())


def commit_elsewhere(work) -> None:
    """Run `work` in another connection and commit, as a colleague's request would."""

    def run():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


@pytest.mark.django_db(transaction=True)
def test_a_draft_written_while_the_project_is_built_never_reaches_it(framework, monkeypatch):
    researcher = make_user("geheim", first_name="Geheime", last_name="Onderzoeker")
    case = make_case(title="Buurtkeuken")
    case.researchers.add(researcher)
    write_cases = qdpx_project._write_cases

    def taken_offline_and_rewritten():
        Case.objects.filter(pk=case.pk).update(status=Case.Status.DRAFT, published_at=None)
        SourceCoding.objects.filter(case=case).update(rationale="GEHEIME-CONCEPT-ONDERBOUWING")
        make_case(title="Iets anders")  # a save: the content gets a new version

    def meanwhile(*args):
        commit_elsewhere(taken_offline_and_rewritten)
        write_cases(*args)

    monkeypatch.setattr(qdpx_project, "_write_cases", meanwhile)
    first = case_names(download())
    # Built from one state: the case as it was public, without what was written meanwhile.
    assert "Buurtkeuken" in first and "GEHEIME-CONCEPT-ONDERBOUWING" not in first

    monkeypatch.setattr(qdpx_project, "_write_cases", write_cases)
    later = case_names(download())
    assert "Buurtkeuken" not in later and "Geheime Onderzoeker" not in later
    assert "GEHEIME-CONCEPT-ONDERBOUWING" not in later


@pytest.mark.django_db(transaction=True)
def test_simultaneous_downloads_build_the_project_once(live_server, monkeypatch, framework):
    make_case(title="Gedeelde praktijk", status=Case.Status.PUBLISHED)
    builds = []
    write = qdpx_project.write_published_project

    def slow_counting_write(out):
        builds.append(1)
        time.sleep(0.5)  # long enough for every request to arrive while it builds
        write(out)

    monkeypatch.setattr(qdpx_project, "write_published_project", slow_counting_write)
    url = live_server.url + reverse("export-project")
    start = threading.Barrier(6)
    bodies: list[bytes] = [b""] * 6

    def one(n: int) -> None:
        start.wait()
        with urllib.request.urlopen(url, timeout=60) as response:
            bodies[n] = response.read()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(builds) == 1
    assert len(set(bodies)) == 1 and "Gedeelde praktijk" in case_names(bodies[0])


def test_the_command_builds_the_project_ahead_of_the_first_download(framework, monkeypatch):
    make_case(title="Vooraf gebouwd", status=Case.Status.PUBLISHED)
    builds = []
    write = qdpx_project.write_published_project

    def counting_write(out):
        builds.append(1)
        write(out)

    monkeypatch.setattr(qdpx_project, "write_published_project", counting_write)
    call_command("build_files", stdout=io.StringIO())
    call_command("build_files", stdout=io.StringIO())  # nothing changed: nothing built
    assert len(builds) == 1

    content = download()

    assert len(builds) == 1
    assert "Vooraf gebouwd" in case_names(content)
