"""Without DATABASE_URL, manage.py runs on the embedded PostgreSQL: started when needed, kept, stopped with its last command.

These run manage.py in child processes, as `make run` does, on a data folder of their own.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir():
    # Short: the server's socket lives in this folder, and socket paths are limited to about 100 characters.
    folder = Path(tempfile.mkdtemp(prefix="diegem-run-"))
    yield folder / "pg"
    subprocess.run(
        [sys.executable, "-m", "diegem.lib.embedded_db", "stop", str(folder / "pg")],
        cwd=ROOT,
        check=True,
    )
    os.rmdir(folder)


def environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    return env | {"DEBUG": "true", "EMBEDDED_DATABASE_DIR": str(data_dir)}


def running(data_dir: Path) -> bool:
    """Whether a server runs on the folder (PostgreSQL keeps postmaster.pid while it does)."""
    return (data_dir / "postmaster.pid").exists()


def manage(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_command_starts_the_server_keeps_its_data_and_stops_it_when_done(data_dir):
    first = manage(
        data_dir,
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('SELECT current_database(), current_setting(%s)::int >= 180000', ['server_version_num']); print(c.fetchone()); "
        "c.execute('CREATE TABLE kept (word text)'); c.execute(\"INSERT INTO kept VALUES ('ontmoeting')\")",
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "('diegem', True)"  # the site's database on PostgreSQL 18
    assert not running(data_dir)
    again = manage(
        data_dir,
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('SELECT word FROM kept'); print(c.fetchall())",
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "[('ontmoeting',)]"
    assert not running(data_dir)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A command as a terminal starts it, where Ctrl-C reaches it: a suite started in the background
# of a shell without job control (`cmd &` in a script) ignores SIGINT, and every process it starts
# inherits that, runserver included (which then never stops on Ctrl-C).
AS_FROM_A_TERMINAL = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(lambda process: process.send_signal(signal.SIGTERM), id="SIGTERM"),
        # Ctrl-C in a terminal: SIGINT to every process of the foreground group (runserver and its reloaded child).
        pytest.param(lambda process: os.killpg(process.pid, signal.SIGINT), id="Ctrl-C"),
    ],
)
def test_the_server_of_runserver_stops_with_it(data_dir, stop):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", AS_FROM_A_TERMINAL, "manage.py", "runserver", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5)
                break
            except urllib.error.HTTPError:
                break  # it answers (the database is not migrated: an error page will do)
            except OSError:
                assert time.monotonic() < deadline, "runserver did not answer"
                time.sleep(0.3)
        assert running(data_dir)
        stop(process)
        process.wait(timeout=60)
        # The last holder asks the server to stop on its way out; under load it may take a moment.
        deadline = time.monotonic() + 30
        while running(data_dir) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not running(data_dir)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_django_talks_to_postgresql_through_psycopg2(db):
    """psycopg2 is one of the project's fixed choices (Django would prefer psycopg 3 if it were installed)."""
    assert connection.vendor == "postgresql"
    assert connection.Database.__name__ == "psycopg2"
