"""The client's address comes from a trusted proxy only; a spoofed X-Forwarded-For proves nothing."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from annotations.models import Annotation, Flag, Status
from diegem.lib.client_address import client_address, client_network
from tests.factories import make_annotation

PROXY = "127.0.0.1"


def address(remote_addr: str, forwarded_for: str | None = None) -> str:
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client_address(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address("203.0.113.9", "198.51.100.1") == "203.0.113.9"
    assert address(PROXY, "198.51.100.1") == PROXY


def test_a_spoofed_header_from_an_untrusted_client_is_ignored(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert address("203.0.113.9", "198.51.100.1") == "203.0.113.9"
    assert address("203.0.113.9", "198.51.100.1, 127.0.0.1") == "203.0.113.9"


def test_through_the_trusted_proxy_the_client_it_names_is_used(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert address(PROXY, "203.0.113.9") == "203.0.113.9"
    # What the client wrote itself stands left of what our proxy appended.
    assert address(PROXY, "198.51.100.1, 203.0.113.9") == "203.0.113.9"
    assert address(PROXY, "2001:db8::7") == "2001:db8::7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    # client 203.0.113.9 -> load balancer 10.0.0.2 -> nginx 10.1.0.3 -> gunicorn (REMOTE_ADDR 127.0.0.1)
    assert address(PROXY, "198.51.100.1, 203.0.113.9, 10.0.0.2, 10.1.0.3") == "203.0.113.9"
    # Only proxies in the header: the request is the proxies' own.
    assert address(PROXY, "10.0.0.2, 10.1.0.3") == PROXY
    # A request from a trusted proxy network, not only the last hop.
    assert address("10.1.0.3", "203.0.113.9, 10.0.0.2") == "203.0.113.9"


def test_malformed_values_are_ignored(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert address(PROXY, "") == PROXY
    assert address(PROXY, "unknown") == PROXY
    assert address(PROXY, "203.0.113.9, not-an-address") == "203.0.113.9"
    assert address(PROXY, "203.0.113.9:4711") == PROXY
    assert address(PROXY, "203.0.113.9, , ,") == "203.0.113.9"
    assert address(PROXY, " 203.0.113.9 ") == "203.0.113.9"


@pytest.mark.parametrize(
    ("remote", "counted_as"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
        ("2001:db8:1:3::1", "2001:db8:1:3::"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("unknown", "unknown"),
    ],
)
def test_limits_count_an_ipv6_client_by_its_64_block(remote, counted_as):
    """One subscriber gets a whole /64: each of its addresses is the same client to a limit."""
    assert client_network(RequestFactory().get("/", REMOTE_ADDR=remote)) == counted_as


def test_an_ipv4_address_seen_through_ipv6_is_the_same_address(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert address("::ffff:127.0.0.1", "::ffff:203.0.113.9") == "203.0.113.9"


# --- flags, through the proxy --------------------------------------------------------------------


def flag_by_three_readers(remote_addr: str) -> Annotation:
    """Three readers (three sessions, three forwarded addresses) flag one annotation."""
    annotation = make_annotation()
    for n in range(3):
        reader = Client(REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}")
        reader.post(reverse("annotation-flag", args=[annotation.pk]), {"reason": "spam"})
    assert Flag.objects.filter(annotation=annotation).count() == 3
    return Annotation.objects.get(pk=annotation.pk)


@pytest.mark.django_db
def test_three_readers_behind_the_proxy_hide_an_annotation(framework, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert flag_by_three_readers(PROXY).status == Status.HIDDEN


@pytest.mark.django_db
def test_one_reader_with_made_up_headers_does_not_hide_an_annotation(framework, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert flag_by_three_readers("198.51.100.7").status == Status.APPROVED


@pytest.mark.django_db
def test_the_flag_limit_is_per_client_not_for_the_whole_proxy(framework, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.FLAGS_PER_HOUR = 2
    settings.FLAGS_TO_HIDE = 99
    annotations = [make_annotation() for _ in range(4)]
    busy = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1")
    statuses = [
        busy.post(reverse("annotation-flag", args=[a.pk]), {"reason": "spam"}).status_code
        for a in annotations[:3]
    ]
    assert statuses == [302, 302, 429]
    other = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert (
        other.post(
            reverse("annotation-flag", args=[annotations[3].pk]), {"reason": "spam"}
        ).status_code
        == 302
    )
