"""How a case page is cited: its authors, its version date, the site it is part of.

- **Authors**: the case's researchers as the case page names them (full name,
  else user name), family name first, in alphabetical order (the page lists them
  in the same order). A researcher without a family name is cited by the name
  the page shows, as a whole. A case without researchers is cited as the work of
  the DieGem team ("DieGem").
- **Version date**: the day (Brussels time) the case's public content last
  changed: its `updated_at`. Every write that changes a case (its row, coding,
  evidence, keywords: `cases.services.case_write`, through `case_snapshot`) and
  every move of the workflow moves it, and a save that changes nothing leaves it
  alone. Edits of a published case are public at once (there are no
  unpublished drafts of a published case), and a case taken offline, edited and
  published again gets the date of its new publication. So the date names the
  state a reader saw.
"""

from __future__ import annotations

from django.utils import timezone

from diegem.lib.citation import Citation, Kind, Literal, Person
from diegem.lib.people import shown_name

SITE_NAME = "DieGem – praktijkenbank"
PUBLISHER = "DieGem"
TEAM = Literal("DieGem")


def researchers_in_order(case) -> list:
    """The case's researchers in the order the page and the reference name them (uses the prefetch)."""
    return sorted(
        case.researchers.all(),
        key=lambda user: (
            (user.last_name or user.get_full_name() or user.get_username()).casefold(),
            user.first_name.casefold(),
            user.pk,
        ),
    )


def _author(user):
    if user.last_name.strip():
        return Person(family=user.last_name.strip(), given=user.first_name.strip())
    return Literal(shown_name(user))


def case_version_date(case):
    """The date the case's public content last changed (see the module's docstring)."""
    return timezone.localdate(case.updated_at)


def case_citation(case, url: str) -> Citation:
    """The citation of a case's page as it now stands; `url` is the page's absolute address."""
    version = case_version_date(case)
    authors = tuple(_author(user) for user in researchers_in_order(case)) or (TEAM,)
    return Citation(
        key=f"diegem-{case.slug}-{version.isoformat()}",
        kind=Kind.WEBPAGE,
        title=case.title,
        authors=authors,
        container=SITE_NAME,
        publisher=PUBLISHER,
        issued=version,
        version=version,
        url=url,
    )
