"""`make bench`, scaled out: two app servers sharing PostgreSQL and Redis (`CACHE_URL`).

Shows that a write through one is seen through the other at once (a researcher takes a case
offline through the first server's admin; the second, whose shared cache holds the case page,
answers 404 to the next anonymous reader; the case is put back through the second), and
measures throughput of both together against one, served and made afresh, with wrk. Traffic to
127.0.0.1 only; the writes touch one synthetic case of the benchmark database and undo it.
"""

from __future__ import annotations

import http.client
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from cases.models import Case
from cases.roles import RESEARCHERS_GROUP
from diegem.lib.measuring import (
    MeasureFailed,
    MissingSection,
    replace_section,
    session_cookie,
    wrk_command,
    wrk_rate,
)

RESEARCHER = "bench-onderzoeker"
HOST = "127.0.0.1"  # the Host both servers are asked by, as behind a load balancer
PAGES = {
    "home, served": ("/", {}),
    "case page, made afresh": (
        "/praktijken/synthetisch-met-twintig-kanttekeningen/",
        {"X-Bench-Cold": "1"},
    ),
}


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


def researcher_cookie() -> str:
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(
        username=RESEARCHER,
        defaults={"email": "onderzoeker@bench.invalid", "password": "!", "is_staff": True},
    )
    user.groups.add(Group.objects.get(name=RESEARCHERS_GROUP))
    return session_cookie(user)


class Command(BaseCommand):
    help = "Two app servers on one database and one Redis: a write seen at once, and throughput."

    def add_arguments(self, parser):
        parser.add_argument("--one", required=True, help="base URL of the first app server")
        parser.add_argument("--other", required=True, help="base URL of the second")
        parser.add_argument("--seconds", type=int, default=8)
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--readme", type=Path)

    def handle(self, *args, one, other, seconds, connections, readme, **options):
        if not settings.BENCHMARK:
            raise CommandError("Only on a benchmark database (BENCHMARK=true, as make bench sets).")
        for url in (one, other):
            if urlsplit(url).hostname != "127.0.0.1":
                raise CommandError("The benchmark only sends traffic to 127.0.0.1.")
        seen = self._write_seen_at_once(one, other)
        rows = []
        for name, (path, headers) in PAGES.items():
            alone = self._wrk([one + path], seconds, connections, headers)
            both = self._wrk([one + path, other + path], seconds, connections, headers)
            rows.append((name, alone, both))
            self.stdout.write(f"{name}: one server {alone:.0f} req/s, both {both:.0f} req/s")
        lines = [
            "Scaled out: two gunicorn instances (each half the workers) on one PostgreSQL and one",
            f"Redis. A case taken offline through the first: {seen}.",
            "",
            "| page | one server (requests/s) | both together (requests/s) |",
            "|---|---|---|",
            *(f"| {name} | {alone:.0f} | {both:.0f} |" for name, alone, both in rows),
        ]
        table = "\n".join(lines)
        self.stdout.write("\n" + table)
        if readme:
            try:
                replace_section(readme, "bench-scale", table)
            except MissingSection as error:
                raise CommandError(str(error)) from error

    def _write_seen_at_once(self, one: str, other: str) -> str:
        case = (
            Case.objects.published()
            .filter(slug__startswith="synthetisch-")
            .exclude(slug__contains="kanttekeningen")
            .exclude(slug__contains="draden")
            .order_by("pk")
            .first()
        )
        if case is None:
            raise CommandError("No synthetic published case to take offline.")
        path = case.get_absolute_url()
        cookie = researcher_cookie()
        first, second = self._get(one, path), self._get(other, path)
        if (first.status, second.status) != (200, 200):
            raise CommandError(f"{path} answered {first.status} and {second.status}")
        shared = second.headers.get("X-Page-Cache") == "hit"
        self._admin_action(one, cookie, case.pk, "unpublish")
        after = self._get(other, path).status
        self._admin_action(other, cookie, case.pk, "submit_for_review")
        self._admin_action(other, cookie, case.pk, "publish")
        back = self._get(one, path).status
        if (after, back) != (404, 200):
            raise CommandError(
                f"Not seen at once: {after} after the write, {back} after undoing it"
            )
        return (
            f"the other answered 404 to the next reader{' (its shared cache had the page)' if shared else ''}"
            ", and 200 again once it was put back through the other"
        )

    def _connection(self, base: str) -> http.client.HTTPConnection:
        parts = urlsplit(base)
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def _get(self, base: str, path: str, cookie: str = "") -> Answer:
        connection = self._connection(base)
        headers = {"Host": HOST, **({"Cookie": cookie} if cookie else {})}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        answer = Answer(response.status, dict(response.getheaders()), response.read().decode())
        connection.close()
        return answer

    def _admin_action(self, base: str, cookie: str, pk: int, action: str) -> None:
        """The case list's action in the admin, posted as a researcher's browser posts it."""
        changelist = reverse("admin:cases_case_changelist")
        page = self._get(base, changelist, cookie)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        csrf_cookie = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", ""))
        if page.status != 200 or token is None or csrf_cookie is None:
            raise CommandError(f"The admin's case list answered {page.status} without a form")
        body = urlencode(
            {"csrfmiddlewaretoken": token.group(1), "action": action, "_selected_action": pk}
        )
        connection = self._connection(base)
        connection.request(
            "POST",
            changelist,
            body=body,
            headers={
                "Host": HOST,
                "Cookie": f"{cookie}; csrftoken={csrf_cookie.group(1)}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = connection.getresponse()
        response.read()
        connection.close()
        if response.status != 302:
            raise CommandError(f"The admin action {action} answered {response.status}")

    def _wrk(self, urls: list[str], seconds: int, connections: int, headers) -> float:
        """Requests per second of wrk runs started together, one per URL, summed."""
        runs = [
            (
                url,
                subprocess.Popen(
                    wrk_command(url, seconds, connections, {"Host": HOST, **headers}),
                    stdout=subprocess.PIPE,
                    text=True,
                ),
            )
            for url in urls
        ]
        try:
            return sum(wrk_rate(url, run.communicate(timeout=seconds + 30)[0]) for url, run in runs)
        except MeasureFailed as error:
            raise CommandError(str(error)) from error
