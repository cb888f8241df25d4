"""What `make bench`'s commands share: timing a command with its peak memory, and their README sections.

A child's peak resident memory as Linux counts it (`ru_maxrss` of RUSAGE_CHILDREN) includes
the memory of the process it was forked from, so a command is run through a small
launcher that reads its own child's usage with `wait4`: the figure is that command's own.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Runs the command it is given and writes, last on stderr, its wall time and peak resident
# memory (wait4: that child's own, in kB on Linux).
LAUNCHER = """
import os, subprocess, sys, time
started = time.monotonic()
child = subprocess.Popen(sys.argv[1:])
_pid, status, usage = os.wait4(child.pid, 0)
child.returncode = os.waitstatus_to_exitcode(status)
print(time.monotonic() - started, usage.ru_maxrss, file=sys.stderr)
sys.exit(child.returncode)
"""


class MeasureFailed(Exception):
    """The measured command ended with an error; the message holds the end of its stderr."""


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str


def measure_command(argv: list[str], *, env: dict[str, str] | None = None) -> Measured:
    """Run `argv` (a Python program and its arguments after the interpreter) and measure it."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.run(
            [sys.executable, "-c", LAUNCHER, sys.executable, *argv],
            env=env,
            stdout=out,
            stderr=err,
            check=False,
        )
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode != 0:
        raise MeasureFailed(stderr[-2000:])
    seconds, peak_kb = (float(value) for value in stderr.split()[-2:])
    return Measured(seconds, peak_kb / 1024, stdout, stderr)


class MissingSection(Exception):
    pass


def replace_section(path: Path, name: str, text: str) -> None:
    """Put `text` between the markers `<!-- NAME:start -->` and `<!-- NAME:end -->` of the file."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    content = path.read_text(encoding="utf-8")
    if start not in content or end not in content:
        raise MissingSection(f"{path} has no {start} … {end} section")
    before, rest = content.split(start, 1)
    _old, after = rest.split(end, 1)
    path.write_text(f"{before}{start}\n{text}\n{end}{after}", encoding="utf-8")


def session_cookie(user) -> str:
    """A Cookie header value that signs `user` in (a session made as a login makes it), for
    load runs of pages as a signed-in reader sees them; benchmark databases only."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "diegem.lib.permissions.SiteBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def wrk_command(url: str, seconds: int, connections: int, headers: dict[str, str]) -> list[str]:
    """wrk on one URL for `seconds`, two threads, with these headers."""
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    return [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        *header_args,
        url,
    ]


def wrk_rate(url: str, output: str) -> float:
    """Requests per second from wrk's output; a run with error responses is refused."""
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise MeasureFailed(f"{url}: {errors.group(1)} error responses under load")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
