"""A workflow as one table of moves: case publication and annotation moderation both run on it.

The table maps (action, current status) to the new status, one row per
allowed move. Each app keeps its own table, with a comment per row, beside
the code that applies it; the actions and their Dutch labels are TextChoices
of that app. A move the table does not allow raises `IllegalTransition`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


class IllegalTransition(Exception):
    """The action is not allowed from the current status; the message says why, for the user."""


class Workflow:
    """The moves of one table: what follows an action, which actions a status allows, the way between two statuses."""

    def __init__(self, table: dict[tuple[str, str], str]):
        self.table = table

    def next_status(self, action: str, status: str) -> str | None:
        """The status `action` leads to from `status`, or None when the table has no such move."""
        return self.table.get((action, status))

    def actions_from(self, status: str) -> list[str]:
        """The actions the table allows from `status`, in the table's order."""
        return [action for (action, start) in self.table if start == status]

    def path(self, start: str, target: str) -> list[str]:
        """The shortest run of actions from one status to another (none when they are the same)."""
        routes: dict[str, list[str]] = {start: []}
        frontier = [start]
        while frontier and target not in routes:
            status = frontier.pop(0)
            for (action, begin), end in self.table.items():
                if begin == status and end not in routes:
                    routes[end] = [*routes[status], action]
                    frontier.append(end)
        if target not in routes:
            raise IllegalTransition(
                _("Geen weg van ‘%(from)s’ naar ‘%(to)s’.") % {"from": start, "to": target}
            )
        return routes[target]
