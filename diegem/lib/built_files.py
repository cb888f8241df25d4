"""Large downloads built once per content version and kept on disk.

A file that takes long to build (the REFI-QDA project of the whole bank is
tens of seconds at 10,000 cases) is not built per request, nor kept in the page
cache (which holds pages in memory). `built_file` builds it once for the
current content version (`diegem.lib.versioning`) into `BUILT_FILES_DIR`, and
every later request for that version gets the same file from disk. A new
version builds a new file and removes the older ones of that name.

On one machine, one process builds while the others wait for it (a lock file);
each app server keeps its own files (they are a cache, never a record). The
name carries the database's name, so two databases on one machine (the test
workers) never share a file, and the version is random, so a write that rolled
back never leaves a file that a later state could take for its own.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import connection

from diegem.lib.versioning import current_content_version


def _directory() -> Path:
    directory = Path(settings.BUILT_FILES_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _stem(name: str) -> str:
    database = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:12]
    return f"{database}-{name}"


def built_file(name: str, build: Callable[[BinaryIO], None]) -> Path:
    """The file `name` for the current content version, built by `build(out)` if not there yet."""
    directory = _directory()
    stem = _stem(name)
    path = directory / f"{stem}-{current_content_version()}"
    if path.exists():
        return path
    with open(directory / f"{stem}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if path.exists():  # another process built it while this one waited
                return path
            with tempfile.NamedTemporaryFile(dir=directory, prefix=".", delete=False) as out:
                try:
                    build(out)
                except BaseException:
                    os.unlink(out.name)
                    raise
            os.replace(out.name, path)
            for older in directory.glob(f"{stem}-*"):
                if older != path:
                    older.unlink(missing_ok=True)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return path
