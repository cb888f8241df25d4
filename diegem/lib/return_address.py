"""Where a form sends its reader back to: the page on this site it names, else its fallback."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def return_address(request: HttpRequest, value: str, fallback: str) -> str:
    """`value` if it is an address on this site written as a path (`/…`, as every form here
    writes it), else `fallback`. Never another site; and never a bare word, which `redirect()`
    would take for the name of a URL pattern (a 500 when there is none, a page the form never
    meant when there is one)."""
    if value.startswith("/") and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return fallback
