"""A conditional GET: whether the client already holds what an ETag names (If-None-Match).

Compared weakly, as HTTP asks of If-None-Match (RFC 9110, 13.1.2): a proxy that compresses a
response marks its strong tag weak (W/"…"), and it still names the same content; `*` holds
any. Only If-None-Match is read: Django's `get_conditional_response` would also answer
If-Unmodified-Since with an empty 412 where a resource has no modification date, which HTTP
says to ignore then.
"""

from django.http import HttpRequest
from django.utils.http import parse_etags


def etag_held(request: HttpRequest, etag: str) -> bool:
    """Whether the request's If-None-Match names `etag` (quoted, as sent in ETag)."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    held = parse_etags(header)
    return "*" in held or etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in held}
