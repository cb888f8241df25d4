"""Test-run environment, loaded by pytest before Django reads its settings.

Registered with `-p diegem.pytest_plugin` in pyproject.toml. It gives the run a
secret key and its database: TEST_DATABASE_URL when set (an existing PostgreSQL),
otherwise a throwaway embedded PostgreSQL (diegem.lib.embedded_db) started here,
in pytest's own process, and stopped and removed when the run ends. pytest-xdist
workers inherit its URL and each make their own test database on it
(test_diegem_gw0, test_diegem_gw1, ...), as pytest-django names them.
"""

import atexit
import os
import shutil
import tempfile
from urllib.parse import urlsplit, urlunsplit

from diegem.lib import embedded_db

os.environ.setdefault("SECRET_KEY", "insecure-key-for-the-test-suite-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("STATIC_MANIFEST", "false")
# whitenoise wants its root to exist; tests serve static files from the finders. The run's
# first process makes it (pytest-xdist workers inherit it) and removes it when the run ends.
if "STATIC_ROOT" not in os.environ:
    os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="diegem-static-")
    atexit.register(shutil.rmtree, os.environ["STATIC_ROOT"], ignore_errors=True)
if not os.environ.get("TEST_DATABASE_URL"):
    os.environ["TEST_DATABASE_URL"] = embedded_db.throwaway("diegem")
os.environ["DATABASE_URL"] = os.environ["TEST_DATABASE_URL"]
# The cache of the tests: TEST_CACHE_URL (a throwaway Redis, as .ci/with-redis gives), never a
# CACHE_URL of the developer's shell, which the tests would empty between tests. With Redis, each
# pytest-xdist worker uses a database of its own: clearing the cache empties it (FLUSHDB).
os.environ["CACHE_URL"] = os.environ.get("TEST_CACHE_URL", "")
if os.environ["CACHE_URL"].startswith("redis") and (
    worker := os.environ.get("PYTEST_XDIST_WORKER")
):
    cache_url = urlsplit(os.environ["CACHE_URL"])
    worker_db = 1 + int(worker.removeprefix("gw"))
    os.environ["CACHE_URL"] = urlunsplit(cache_url._replace(path=f"/{worker_db}"))
