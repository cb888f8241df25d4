"""Helpers for the workbench tests: the case form as a browser submits it, and the versions it leaves."""

from django.urls import reverse

from cases.history import versions_of
from tests.html import form_values

# The message a coding on "tekstbewijs" without a passage gets, on its field in the workbench.
EVIDENCE_NEEDED = (
    "‘Tekstbewijs’ vraagt minstens één passage uit de tekst van deze praktijk voor deze codering: voeg ze toe onder "
    "‘Tekstbewijs voor de codering’, of kies ‘interpretatie’."
)


def change_url(case) -> str:
    return reverse("admin:cases_case_change", args=[case.pk])


def as_a_browser_sends_it(data: dict) -> dict:
    """Browsers submit every textarea with CRLF line ends."""
    return {
        name: value.replace("\n", "\r\n") if isinstance(value, str) else value
        for name, value in data.items()
    }


def the_form(client, case) -> dict:
    """The case form as the browser would submit it unchanged."""
    return as_a_browser_sends_it(form_values(client.get(change_url(case)), "case_form"))


def row_of(data: dict, prefix: str, name: str, value) -> str:
    """The prefix of the inline row whose `name` field holds `value`, e.g. "source_codings-2"."""
    key = next(
        k
        for k, v in data.items()
        if k.startswith(f"{prefix}-") and k.endswith(f"-{name}") and v == str(value)
    )
    return key.rsplit("-", 1)[0]


def comments(case) -> list[str]:
    """The comments of the case's versions, newest first."""
    return [version.revision.get_comment() for version in versions_of(case)]
