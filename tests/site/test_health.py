"""`/gezond/` tells a load balancer whether this app server can serve: 200 when the database
and the cache answer, 503 otherwise, and nothing more to whoever asks."""

import pytest
from django.urls import reverse

from tests.app_servers import app_server, closed_port, get
from tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)  # app servers read what the test wrote


def test_a_healthy_server_answers_ok_and_nothing_is_kept(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies
    assert "X-Page-Cache" not in response
    # Answered before the security middleware, with the headers every page carries.
    assert {name: response.get(name) for name in SAFE} == SAFE


SAFE = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def test_the_health_check_only_reads(client):
    assert client.post(reverse("health")).status_code == 405


def test_without_its_database_the_server_is_unhealthy_and_says_no_more():
    unreachable = f"postgres://postgres@127.0.0.1:{closed_port()}/diegem"
    with app_server(DATABASE_URL=unreachable) as server:
        status, headers, body = get(f"{server.url}/gezond/")
    assert (status, body) == (503, "niet gezond\n")
    assert "no-cache" in headers["Cache-Control"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Health check database failed: OperationalError" in server.log


def test_without_its_shared_cache_the_server_is_unhealthy_but_still_serves_pages(framework):
    make_case(title="Zonder cache")
    with app_server(CACHE_URL=f"redis://127.0.0.1:{closed_port()}/0") as server:
        status, _headers, body = get(f"{server.url}/gezond/")
        assert (status, body) == (503, "niet gezond\n")
        # The page is made without the cache, not a 500.
        status, _headers, body = get(f"{server.url}/praktijken/", host="127.0.0.1")
        assert status == 200 and "Zonder cache" in body
    assert "Health check cache failed: ConnectionError" in server.log
    assert "Page cache unavailable (read): ConnectionError" in server.log


def test_a_load_balancer_asks_by_address_over_http_and_gets_its_answer():
    # The README's production settings: one host name, HTTPS only behind the proxy. The load
    # balancer asks the app server by its own address, over plain HTTP, with or without a slash.
    production = {
        "ALLOWED_HOSTS": "praktijkenbank.example",
        "BEHIND_TLS_PROXY": "true",
        "SECURE_SSL_REDIRECT": "true",
    }
    with app_server(**production) as server:
        answers = [
            get(f"{server.url}/gezond/", host="10.0.0.11:8001")[::2],
            get(f"{server.url}/gezond")[::2],
        ]
        elsewhere = get(f"{server.url}/praktijken/", host="10.0.0.11:8001")[0]
    assert answers == [(200, "ok\n"), (200, "ok\n")]
    assert elsewhere == 400  # every other address keeps the host check


def test_with_its_database_and_cache_the_server_answers_ok():
    with app_server() as server:
        status, _headers, body = get(f"{server.url}/gezond/")
    assert (status, body) == (200, "ok\n")
