"""What `make bench` measures is what it says: the member's page is a signed-in member's, with
their pending notes, and the workers' peak memory is read from the workers themselves."""

import subprocess
import sys
import time

import psutil
import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.test import Client

from cases.models import Case
from diegem.management.commands.bench_pages import (
    PAGES,
    TWENTY_SLUG,
    hello_references,
    member_session_cookie,
    worker_peak_mb,
)
from tests.factories import make_annotation, make_case

pytestmark = pytest.mark.django_db


def test_the_member_page_is_read_by_a_signed_in_member_with_pending_notes(framework, settings):
    settings.BENCHMARK = True
    case = make_case(slug=TWENTY_SLUG, title="Twintig kanttekeningen")
    for n in range(5):
        make_annotation(target=case, body=f"Goedgekeurde kanttekening {n}.")
    name, key = member_session_cookie().split("=", 1)
    client = Client()
    client.cookies[name] = key

    body = client.get(case.get_absolute_url()).content.decode()

    # Pending notes show to their author alone: the page is read signed in, as that member.
    assert body.count("[Synthetisch] Een kanttekening die wacht op moderatie.") == 3
    # Asked again (a second run on the same database), nothing is added twice.
    member_session_cookie()
    assert client.get(case.get_absolute_url()).content.decode().count("wacht op moderatie.") == 3


MASTER = """
import subprocess, sys, time
small = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
big = subprocess.Popen([sys.executable, "-c", "b = bytearray(80 * 2**20); import time; time.sleep(60)"])
print("started", flush=True)
time.sleep(60)
"""


def test_nothing_is_written_outside_a_benchmark_database(framework, settings):
    make_case(slug=TWENTY_SLUG)
    with pytest.raises(CommandError, match="Only on a benchmark database"):
        member_session_cookie()
    settings.BENCHMARK = True
    Case.objects.filter(slug=TWENTY_SLUG).delete()
    with pytest.raises(CommandError, match="not a database made by synthesize"):
        member_session_cookie()
    assert not get_user_model().objects.filter(username="bench-lid-pagina").exists()


def test_the_peak_memory_is_the_largest_of_the_masters_workers():
    master = subprocess.Popen([sys.executable, "-c", MASTER], stdout=subprocess.PIPE, text=True)
    try:
        assert master.stdout.readline() == "started\n"
        for _ in range(200):  # until the large worker holds its memory
            if max(c.memory_info().rss for c in psutil.Process(master.pid).children()) > 80 * 2**20:
                break
            time.sleep(0.05)
        assert 80 <= worker_peak_mb(master.pid) < 160
    finally:
        for child in psutil.Process(master.pid).children():
            child.kill()
        master.kill()
        master.wait()


@pytest.mark.parametrize(
    ("page", "language"), [("case page in French", "fr"), ("case page in English", "en")]
)
def test_the_pages_in_other_languages_are_the_case_page_in_those_languages(
    framework, client, page, language
):
    case = make_case(slug=TWENTY_SLUG, title="Twintig kanttekeningen")
    response = client.get(PAGES[page])
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert PAGES[page] == f"/{language}{case.get_absolute_url()}"


def test_each_page_is_measured_against_hello_world_just_before_and_after_it():
    # Hello-world's runs: its own, then one after each page (three pages here).
    assert hello_references([2000.0, 3000.0, 2500.0, 2500.0]) == [2500.0, 2750.0, 2500.0]
