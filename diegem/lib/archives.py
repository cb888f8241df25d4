"""Deterministic ZIP files: the same members at the same moment give the same bytes.

A ZIP normally carries the time each member was written, the order it was
written in and whatever compression the writer chose. Here every entry gets
one given moment, the members are written in sorted order, with DEFLATE at zlib's
default level and fixed permissions, and the archive has no comment. The archive
is written into a `SpooledTemporaryFile` (memory up to a limit, then disk), and
each member is written by a function into the entry's own stream, so that
neither a member nor the archive needs to be held whole in memory.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from django.db import connection

COMPRESSION = zipfile.ZIP_DEFLATED
# -rw-r--r-- on a regular file, in the high 16 bits (as Unix zip writes them).
FILE_MODE = 0o100644 << 16
SPOOL_BYTES = 8 * 1024 * 1024
CHUNK = 1024 * 1024
# ZIP stores no date before 1980.
EARLIEST = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Member:
    """One file in the archive: its name and the function that writes its bytes into a stream."""

    name: str
    write: Callable[[BinaryIO], None]


@dataclass(frozen=True)
class Written:
    """A finished archive: the file (positioned at its start), its size, SHA-256 and members' sizes."""

    file: BinaryIO
    size: int
    sha256: str
    sizes: dict[str, int]


def zip_time(moment: datetime.datetime) -> tuple[int, int, int, int, int, int]:
    """The moment as a ZIP entry's date and time (local to the moment as given; 2-second steps)."""
    stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    return max(stamp, EARLIEST)


def _entry(name: str, stamp) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = COMPRESSION
    info.external_attr = FILE_MODE
    info.create_system = 3  # Unix, whatever system writes it
    return info


def write_zip(members: Iterable[Member], *, moment: datetime.datetime) -> Written:
    """Write the members, sorted by name, into a spooled temporary file as one deterministic ZIP."""
    stamp = zip_time(moment)
    members = sorted(members, key=lambda member: member.name)
    names = [member.name for member in members]
    if len(set(names)) != len(names):
        raise ValueError(f"A name twice in the archive: {names}")
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned open
    sizes = {}
    with zipfile.ZipFile(out, "w") as archive:
        for member in members:
            info = _entry(member.name, stamp)
            with archive.open(info, "w") as stream:
                member.write(stream)
            sizes[member.name] = archive.getinfo(member.name).file_size
    digest = hashlib.sha256()
    size = 0
    out.seek(0)
    while chunk := out.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    out.seek(0)
    return Written(out, size, digest.hexdigest(), sizes)


def normalised_zip(
    data: bytes,
    *,
    moment: datetime.datetime,
    rewrite: dict[str, Callable[[bytes], bytes]] | None = None,
) -> bytes:
    """A ZIP-based file (an XLSX workbook) rewritten with every entry at `moment`, in its own order.

    The order of the entries stays (a workbook's `[Content_Types].xml` comes first);
    the dates, permissions and compression become those of `write_zip`. `rewrite`
    maps an entry's name to a function that changes its bytes.
    """
    rewrite = rewrite or {}
    stamp = zip_time(moment)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = _entry(info.filename, stamp)
            if info.filename in rewrite:
                target.writestr(entry, rewrite[info.filename](source.read(info)))
                continue
            # Copied in chunks: a worksheet of 10,000 cases is tens of megabytes unpacked.
            with source.open(info) as reader, target.open(entry, "w") as writer:
                shutil.copyfileobj(reader, writer, CHUNK)
    return out.getvalue()


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def workbook_at(data: bytes, *, moment: datetime.datetime) -> bytes:
    """An XLSX workbook made the same whenever it was saved: its document dates and entries at `moment`.

    openpyxl stamps the workbook's `created` and `modified` properties with the
    time of saving; both become `moment` (in UTC, as the format wants).
    """
    utc = moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    data = normalised_zip(
        data,
        moment=moment,
        rewrite={
            "docProps/core.xml": lambda xml: _CORE_DATES.sub(rb"\g<1>" + utc + rb"\g<3>", xml)
        },
    )
    return data


class BinaryCopy(io.RawIOBase):
    """One bytea value in PostgreSQL's binary COPY format, read from a file in chunks.

    psycopg2 sends a bytea parameter as an escaped literal inside the SQL text,
    several copies of it in memory; `COPY ... FROM STDIN WITH (FORMAT binary)`
    streams it instead (`store_file`).
    """

    def __init__(self, file: BinaryIO, size: int):
        self._parts = iter(
            [
                b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big"),
                (1).to_bytes(2, "big") + size.to_bytes(4, "big", signed=True),
                *iter(lambda: file.read(CHUNK), b""),
                (-1).to_bytes(2, "big", signed=True),
            ]
        )
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            part = next(self._parts, None)
            if part is None:
                break
            self._buffer += part
        if size < 0:
            size = len(self._buffer)
        chunk, self._buffer = self._buffer[:size], self._buffer[size:]
        return chunk


def store_file(*, table: str, column: str, pk: int, file: BinaryIO, size: int) -> None:
    """Write a file into one row's bytea column, streamed (COPY into a temporary table, then UPDATE).

    `table` and `column` are names from the code, never from input.
    """
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE stored_file_upload (content bytea)")
        try:
            cursor.copy_expert(
                "COPY stored_file_upload (content) FROM STDIN WITH (FORMAT binary)",
                BinaryCopy(file, size),
            )
            cursor.execute(
                f'UPDATE "{table}" SET "{column}" = (SELECT content FROM stored_file_upload) '  # noqa: S608
                "WHERE id = %s",
                [pk],
            )
        finally:
            cursor.execute("DROP TABLE stored_file_upload")
