"""The address of the client that sent a request, seen through trusted proxies only.

Behind a reverse proxy every request comes from the proxy (REMOTE_ADDR); the
proxy names the client in X-Forwarded-For by appending the address it received
the request from. Anyone can send that header, so it is believed only when the
request comes from a proxy listed in settings.TRUSTED_PROXIES, and then only
from the right: each trusted proxy appends one hop, and the right-most hop that
is not a trusted proxy is the client. Whatever stands left of it was written by
the client itself and proves nothing.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address(request) -> str:
    """The client's IP address: REMOTE_ADDR, or the hop a trusted proxy names for it."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = _networks(tuple(settings.TRUSTED_PROXIES))
    if not proxies or not _is_trusted(_parse(remote), proxies):
        return remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _parse(hop)
        if address is not None and not _is_trusted(address, proxies):
            return str(address)
    return remote  # nothing readable beyond our own proxies: the request is theirs


def client_network(request) -> str:
    """The client as lockouts and limits count it: its address, or for an IPv6 address the
    first address of its /64, the block one subscriber (one home, one phone) gets whole: else
    each of its 2^64 addresses would have limits of its own."""
    address = client_address(request)
    parsed = _parse(address)
    if parsed is None:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False).network_address)
    return str(parsed)  # an IPv4 address, also one a server listening on IPv6 saw mapped


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    # The settings refuse entries that are no address or network (diegem.settings).
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(value: str) -> Address | None:
    """An IP address, or None for anything else (a port, a name, "unknown", garbage)."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped  # ::ffff:10.0.0.1 from a server listening on IPv6
    return address


def _is_trusted(address: Address | None, proxies: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in proxies)
