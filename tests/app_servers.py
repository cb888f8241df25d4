"""Real app servers for the tests that need more than the test client: gunicorn in a process of
its own, with exactly the environment given, on a free port of 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
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
    """The test run's own database (this worker's), as a DATABASE_URL for another process."""
    db = connection.settings_dict
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{quote(db['USER'])}@{host}{port}/{quote(db['NAME'])}"


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
        **env,
    }


def get(url: str, timeout: float = 10, host: str = "") -> tuple[int, dict[str, str], str]:
    """GET the URL: status, headers and body, whatever the status. With `host`, that Host header
    (behind a load balancer every app server sees the site's own name, not its port)."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@contextlib.contextmanager
def app_server(**env: str):
    """A gunicorn of the site (one worker) with this environment; yields its base URL and, once
    it has stopped, leaves what it logged in `log` of the yielded object."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "diegem.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=CHECKOUT,
        env=server_environment(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = Server(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn ended at start:\n{process.stdout.read()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            server.log = process.communicate(timeout=STARTUP_SECONDS)[0]
        except subprocess.TimeoutExpired:
            process.kill()
            server.log = process.communicate()[0]


class Server:
    def __init__(self, url: str):
        self.url = url
        self.log = ""
