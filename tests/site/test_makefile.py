"""`make run` serves where it is told and its mails link there."""

import os
import subprocess

from django.conf import settings


def dry_run(*args: str, **env: str) -> str:
    """What `make run` would do (make -n prints the commands without running them)."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SITE_URL", "HOST", "PORT", "MAKEFLAGS", "MFLAGS")
    }
    result = subprocess.run(
        ["make", "-n", "run", *args],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if "runserver" in line][0]


def test_site_url_follows_host_and_port():
    assert (
        dry_run()
        == "DEBUG=true CONN_MAX_AGE=0 SITE_URL='http://127.0.0.1:8000' .venv/bin/python manage.py runserver 127.0.0.1:8000"
    )
    assert dry_run("PORT=8101") == (
        "DEBUG=true CONN_MAX_AGE=0 SITE_URL='http://127.0.0.1:8101' .venv/bin/python manage.py runserver 127.0.0.1:8101"
    )
    assert dry_run("HOST=192.168.1.20", "PORT=8101") == (
        "DEBUG=true CONN_MAX_AGE=0 SITE_URL='http://192.168.1.20:8101' .venv/bin/python manage.py runserver 192.168.1.20:8101"
    )


def test_the_development_server_keeps_no_database_connection():
    """runserver answers each request in a new thread; a connection kept (CONN_MAX_AGE) is never
    closed and a burst of requests ran PostgreSQL out of connections ("too many clients")."""
    assert " CONN_MAX_AGE=0 " in dry_run()
    assert " CONN_MAX_AGE=0 " in dry_run(CONN_MAX_AGE="60")


def test_a_site_url_that_is_set_wins():
    assert dry_run("PORT=8101", SITE_URL="https://demo.example") == (
        "DEBUG=true CONN_MAX_AGE=0 SITE_URL='https://demo.example' .venv/bin/python manage.py runserver 127.0.0.1:8101"
    )


def test_the_readme_mentions_port_and_host():
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert "`make run PORT=8101`" in readme and "`make run HOST=0.0.0.0`" in readme
