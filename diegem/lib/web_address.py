"""A web address as people type it (an IRI: bücher.de, "é" in a path) written as a URI, as
every client reads it and the W3C annotation model asks of a link."""

from urllib.parse import urlsplit, urlunsplit

from django.utils.encoding import iri_to_uri


def as_uri(address: str) -> str:
    """A web address (an IRI, as people type them) as a URI."""
    parts = urlsplit(address)
    netloc = parts.netloc
    if not netloc.isascii():
        userinfo, at, host_and_port = netloc.rpartition("@")
        host, colon, port = host_and_port.partition(":")
        try:
            netloc = f"{userinfo}{at}{host.encode('idna').decode('ascii')}{colon}{port}"
        except UnicodeError:  # not a name IDNA can write: escaped as the rest is
            pass
    return iri_to_uri(urlunsplit(parts._replace(netloc=netloc)))
