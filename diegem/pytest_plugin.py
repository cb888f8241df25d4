"""Test-run environment, loaded by pytest before Django reads its settings.

Registered with `-p diegem.pytest_plugin` in pyproject.toml. It gives the run a
secret key, lets TEST_DATABASE_URL point the suite at an existing PostgreSQL,
and stops the run when the database is not PostgreSQL: the suite tests the real
database, never SQLite or a mock.
"""

import os
import tempfile

import pytest

os.environ.setdefault("SECRET_KEY", "insecure-key-for-the-test-suite-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("STATIC_MANIFEST", "false")
# whitenoise wants its root to exist; tests serve static files from the finders.
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="diegem-static-"))
if os.environ.get("TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["TEST_DATABASE_URL"]


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        pytest.exit(
            "The test suite runs on PostgreSQL. Use `make test` (it starts a "
            "throwaway server), or set TEST_DATABASE_URL=postgres://user@host:port/db "
            "to an existing server.",
            returncode=2,
        )
