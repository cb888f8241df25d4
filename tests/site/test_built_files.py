"""Large downloads built once per content version (`diegem.lib.built_files`): the public QDPX project."""

import io
import threading
import time
import urllib.request
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from annotations import qdpx_project
from cases.models import Case
from diegem.lib.built_files import built_file
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_directory(settings, tmp_path):
    settings.BUILT_FILES_DIR = tmp_path / "built"
    return settings.BUILT_FILES_DIR


def counting(content: bytes, calls: list):
    def build(out):
        calls.append(1)
        out.write(content)

    return build


def test_a_file_is_built_once_per_content_version(framework, own_directory):
    calls = []
    first = built_file("proef.bin", counting(b"een", calls))
    again = built_file("proef.bin", counting(b"twee", calls))
    assert (first, first.read_bytes(), len(calls)) == (again, b"een", 1)

    make_case(title="Nieuwe praktijk", status=Case.Status.PUBLISHED)  # a new content version
    newer = built_file("proef.bin", counting(b"drie", calls))

    assert (newer.read_bytes(), len(calls)) == (b"drie", 2)
    assert not first.exists()  # the older version's file is gone
    assert sorted(p.name for p in own_directory.iterdir() if not p.name.endswith(".lock")) == [
        newer.name
    ]


def test_a_build_that_fails_leaves_nothing_behind(framework, own_directory):
    def broken(out):
        out.write(b"half")
        raise RuntimeError("stuk")

    with pytest.raises(RuntimeError):
        built_file("proef.bin", broken)
    assert [p.name for p in own_directory.iterdir() if not p.name.endswith(".lock")] == []
    assert built_file("proef.bin", counting(b"heel", [])).read_bytes() == b"heel"


def case_names(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("project.qde").decode("utf-8")


def test_the_public_project_follows_publication_at_once(framework):
    case = make_case(title="VERDWIJNENDE-PRAKTIJK", status=Case.Status.PUBLISHED)
    assert "VERDWIJNENDE-PRAKTIJK" in case_names(Client().get(reverse("export-project")).getvalue())

    case.status = Case.Status.DRAFT
    case.save()

    assert "VERDWIJNENDE-PRAKTIJK" not in case_names(
        Client().get(reverse("export-project")).getvalue()
    )


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

    content = Client().get(reverse("export-project")).getvalue()

    assert len(builds) == 1
    assert "Vooraf gebouwd" in case_names(content)
