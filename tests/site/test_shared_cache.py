"""Several app servers share one Redis cache (`CACHE_URL`): a page one of them made is served by
the other, and a write is seen through both at once (the cache is keyed by the content version
in the database, `diegem.lib.caching`). Run against a real Redis by `.ci/test`."""

import os
import secrets

import pytest

from cases import services as case_services
from tests.app_servers import app_server, get
from tests.factories import make_case

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the app servers read what the test committed
    pytest.mark.skipif(
        not os.environ.get("CACHE_URL", "").startswith("redis"),
        reason="needs a Redis server: .ci/test runs it under .ci/with-redis "
        "(or: .ci/with-redis .venv/bin/python -m pytest tests/site/test_shared_cache.py)",
    ),
]


SITE = "127.0.0.1"  # the name both app servers are reached by, as behind a load balancer


def test_two_app_servers_share_pages_and_see_a_write_at_once(framework, researcher):
    case = make_case(title="Gedeelde praktijk")
    shared = {"CACHE_URL": os.environ["CACHE_URL"], "CACHE_KEY_PREFIX": secrets.token_hex(4)}
    with app_server(**shared) as one, app_server(**shared) as other:
        status, headers, body = get(f"{one.url}/praktijken/", host=SITE)
        assert (status, headers["X-Page-Cache"]) == (200, "miss")
        assert "Gedeelde praktijk" in body
        status, headers, body = get(f"{other.url}/praktijken/", host=SITE)
        assert (status, headers["X-Page-Cache"]) == (200, "hit")  # made by the first
        assert "Gedeelde praktijk" in body

        case_services.case_transition(case=case, action="unpublish", actor=researcher)

        status, headers, body = get(f"{other.url}/praktijken/", host=SITE)
        assert (headers["X-Page-Cache"], "Gedeelde praktijk" in body) == ("miss", False)
        status, headers, body = get(f"{one.url}/praktijken/", host=SITE)
        assert (headers["X-Page-Cache"], "Gedeelde praktijk" in body) == ("hit", False)
