"""Real app servers for the tests that need more than the test client: gunicorn in a process of
its own, with exactly the environment given, on a free port of 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

CHECKOUT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def closed_port() -> int:
    """A port of 127.0.0.1 nothing listens on (free a moment ago)."""
    return free_port()


def database_url_of_this_run() -> str:
    """The test run's own database (this worker's), as a DATABASE_URL for another process,
    with its password (a test server's environment is its own)."""
    db = connection.settings_dict
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}{port}/{quote(db['NAME'])}"


def server_environment(**env: str) -> dict[str, str]:
    """What an app server of the tests runs with: production settings on loopback."""
    return {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "insecure-key-for-the-test-suite-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
        "STATIC_ROOT": str(settings.STATIC_ROOT),
        "STATIC_MANIFEST": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "DATABASE_URL": database_url_of_this_run(),
        "BUILT_FILES_DIR": str(settings.BUILT_FILES_DIR),  # the test's own (tests/conftest.py)
        **env,
    }


def get(url: str, timeout: float = 10, host: str = "") -> tuple[int, dict[str, str], str]:
    """GET the URL: status, headers and body, whatever the status (0 when nothing answers).
    With `host`, that Host header (behind a load balancer every app server sees the site's own
    name, not its port)."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, {}, ""


@contextlib.contextmanager
def app_server(**env: str):
    """A gunicorn of the site (one worker) with this environment; yields its base URL and, once
    it has stopped, leaves what it logged in `log` of the yielded object.

    Its socket is bound here and handed over (`fd://`), so no other process can take the port
    between choosing and binding it; it is ready once it answers `/gezond/` (whatever that says).
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "diegem.wsgi",
            "--bind",
            f"fd://{listener.fileno()}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=CHECKOUT,
        env=server_environment(**env),
        stdout=log,
        stderr=subprocess.STDOUT,
        pass_fds=(listener.fileno(),),
    )
    listener.close()  # gunicorn holds it now
    server = Server(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while get(f"{server.url}/gezond/", timeout=5)[0] not in (200, 503):
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"gunicorn did not start:\n{log.read()}")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=STARTUP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.seek(0)
        server.log = log.read()
        log.close()


class Server:
    def __init__(self, url: str):
        self.url = url
        self.log = ""
