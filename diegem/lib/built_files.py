"""Large downloads built once per content version and kept on disk.

A file that takes long to build (the REFI-QDA project of the whole bank takes a
minute or two at 10,000 cases) is not built per request, nor kept in the page
cache (which holds pages in memory). `built_file` builds it for the current
content version (`diegem.lib.versioning`) into `BUILT_FILES_DIR`, and later
requests for that version get the same file from disk.

- One state: outside a transaction the build reads one REPEATABLE READ, READ ONLY
  snapshot and names the file by the version inside that snapshot, so a file
  named for a version holds exactly that version's state, never a write
  committed while it was built (a case taken offline, a rationale rewritten).
  Inside a caller's transaction (tests) it reads that transaction's state.
- Not for ever: a file older than `BUILT_FILES_SECONDS` is built again (writes that
  give the content no new version, a bulk `update()` from a shell, are gone from it
  by then, as from the page cache), and the name carries a fingerprint of the code
  that builds it, so a deploy that changes the export never serves the old one.
- One builder per machine and name (a lock file); the others wait and then read
  its file. Files are handed out open, so removing an older version's file never
  breaks a download under way. Temporary files of a build killed half-way are
  removed by the next build. Each app server keeps its own files: a cache, never a
  record. The name carries the database's address, so two databases on one machine
  (test workers, staging beside production) never share a file.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

from django.conf import settings
from django.db import connection, transaction

from diegem.lib.versioning import current_content_version


def _directory() -> Path:
    directory = Path(settings.BUILT_FILES_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@cache
def _code_fingerprint(files: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(Path(file).read_bytes())
    return digest.hexdigest()[:12]


def _stem(name: str, code: Iterable[ModuleType]) -> str:
    database = connection.settings_dict
    place = f"{database.get('HOST')}|{database.get('PORT')}|{database['NAME']}"
    fingerprint = _code_fingerprint(tuple(sorted(module.__file__ for module in code)))
    return f"{hashlib.sha256(place.encode()).hexdigest()[:12]}-{fingerprint}-{name}"


def _open_fresh(path: Path) -> BinaryIO | None:
    """The file, open, if it is there and young enough; None otherwise."""
    try:
        file = path.open("rb")
    except FileNotFoundError:
        return None
    if time.time() - os.fstat(file.fileno()).st_mtime > settings.BUILT_FILES_SECONDS:
        file.close()
        return None
    return file


@contextmanager
def _locked(path: Path):
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def _one_state():
    """A REPEATABLE READ, READ ONLY transaction, unless the caller is in a transaction already."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def built_file(
    name: str, build: Callable[[BinaryIO], None], *, code: Iterable[ModuleType]
) -> BinaryIO:
    """The file `name` for the current content version, open for reading; built by `build(out)`
    if not there yet. `code`: the modules whose source decides what `build` writes."""
    directory = _directory()
    stem = _stem(name, code)
    ours = re.compile(re.escape(stem) + r"-\d+")
    opened = _open_fresh(directory / f"{stem}-{current_content_version()}")
    if opened is not None:
        return opened
    with _locked(directory / f"{stem}.lock"):
        for leftover in directory.glob(f".{stem}.*"):
            leftover.unlink(missing_ok=True)  # a build killed half-way (the lock is free)
        with _one_state():
            # The version of the state this build reads: built by another process while
            # this one waited, or newer than the one asked for at first.
            path = directory / f"{stem}-{current_content_version()}"
            opened = _open_fresh(path)
            if opened is not None:
                return opened
            with tempfile.NamedTemporaryFile(
                dir=directory, prefix=f".{stem}.", delete=False
            ) as out:
                try:
                    build(out)
                except BaseException:
                    os.unlink(out.name)
                    raise
            os.chmod(out.name, 0o644)
            os.replace(out.name, path)
            opened = path.open("rb")
        for older in directory.iterdir():
            if older != path and ours.fullmatch(older.name):
                older.unlink(missing_ok=True)  # a download of it under way keeps its open file
    return opened
