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
- Not for ever: `manage.py build_files` (cron) builds a file older than
  `BUILT_FILES_SECONDS` again, so that writes which give the content no new version (a
  bulk `update()` from a shell) are gone from it by then; a request never rebuilds a
  file of the current version for its age (at 10,000 cases a build outlasts a worker's
  timeout). The name carries a fingerprint of the code that decides the bytes, taken
  when the caller's module is imported (`code_fingerprint`), so a deploy that changes
  the export (or what counts as public) never serves the old file; files of other
  fingerprints and versions are removed at the next build.
- One builder per machine and name (a lock file); the others wait and then read
  its file. Files are handed out open, so removing an older version's file never
  breaks a download under way. Temporary files of a build killed half-way are
  removed by the next build. Each app server keeps its own files: a cache, never a
  record. The name carries the database's address, so two databases on one machine
  (test workers, staging beside production) never share a file. A directory that
  cannot be written is logged and the file is built for the request alone.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import io
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

from django.conf import settings
from django.db import connection, transaction

from diegem.lib.versioning import current_content_version

logger = logging.getLogger(__name__)
SPOOL_BYTES = 8 * 1024 * 1024


def _directory() -> Path:
    directory = Path(settings.BUILT_FILES_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def code_fingerprint(modules: Iterable[ModuleType]) -> str:
    """A short hash of these modules' source files: call it when the caller's module is imported,
    so that a process running old code never takes the new files on disk for its own."""
    digest = hashlib.sha256()
    for file in sorted(module.__file__ for module in modules):
        digest.update(Path(file).read_bytes())
    return digest.hexdigest()[:12]


def _database() -> str:
    database = connection.settings_dict
    place = f"{database.get('HOST')}|{database.get('PORT')}|{database['NAME']}"
    return hashlib.sha256(place.encode()).hexdigest()[:12]


def _open_fresh(path: Path, max_age: float | None) -> BinaryIO | None:
    """The file, open, if it is there (and no older than `max_age` seconds); None otherwise."""
    try:
        file = path.open("rb")
    except FileNotFoundError:
        return None
    if max_age is not None and time.time() - os.fstat(file.fileno()).st_mtime > max_age:
        file.close()
        return None
    return file


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
    name: str,
    build: Callable[[BinaryIO], None],
    *,
    fingerprint: str,
    max_age: float | None = None,
) -> BinaryIO:
    """The file `name` for the current content version, open for reading; built by `build(out)`
    if not there yet (or older than `max_age` seconds: `build_files` asks that, a request not).
    `fingerprint`: `code_fingerprint` of the modules that decide what `build` writes."""
    try:
        directory = _directory()
        lock = open(directory / f"{_database()}-{name}.lock", "a")  # noqa: SIM115 - closed below
    except OSError:
        logger.exception("%s cannot be written: %s is built for this request alone", name, name)
        return _built_alone(build)
    stem = f"{_database()}-{fingerprint}-{name}"
    with lock:
        opened = _open_fresh(directory / f"{stem}-{current_content_version()}", max_age)
        if opened is not None:
            return opened
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _build(directory, stem, name, build, max_age)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build(directory: Path, stem: str, name: str, build, max_age) -> BinaryIO:
    temporary = f".tmp~{_database()}-{name}~"
    for leftover in directory.glob(glob.escape(temporary) + "*"):
        leftover.unlink(missing_ok=True)  # a build killed half-way (the lock is free now)
    with _one_state():
        # The version of the state this build reads: built by another process while
        # this one waited, or newer than the one asked for at first.
        path = directory / f"{stem}-{current_content_version()}"
        opened = _open_fresh(path, max_age)
        if opened is not None:
            return opened
        try:
            with tempfile.NamedTemporaryFile(dir=directory, prefix=temporary, delete=False) as out:
                try:
                    build(out)
                except BaseException:
                    os.unlink(out.name)
                    raise
            os.chmod(out.name, 0o644)
            os.replace(out.name, path)
            opened = path.open("rb")
        except OSError:  # the disk full, the folder made read-only meanwhile
            logger.exception("%s cannot be written: %s is built for this request alone", path, name)
            return spooled(build)  # in this snapshot still
    # Every other version of this name, under any code's fingerprint (a former deploy's too).
    ours = re.compile(re.escape(_database()) + r"-[0-9a-f]+-" + re.escape(name) + r"-\d+")
    for older in directory.iterdir():
        if older != path and ours.fullmatch(older.name):
            older.unlink(missing_ok=True)  # a download of it under way keeps its open file
    return opened


def _built_alone(build) -> BinaryIO:
    def in_one_state(out):
        with _one_state():
            build(out)

    return spooled(in_one_state)


def as_text(write: Callable[[io.TextIOBase], object]) -> Callable[[BinaryIO], None]:
    """A writer of text (UTF-8, "\\n" line ends as written) as a `build` of a binary file."""

    def into(out: BinaryIO) -> None:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        write(text)
        text.flush()
        text.detach()

    return into


def spooled(build: Callable[[BinaryIO], None]) -> BinaryIO:
    """What `build(out)` writes, in a spooled temporary file (memory up to a limit, then disk),
    open and at its start; closed again if the build fails."""
    out = tempfile.SpooledTemporaryFile(SPOOL_BYTES)  # noqa: SIM115 - returned open
    try:
        build(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
