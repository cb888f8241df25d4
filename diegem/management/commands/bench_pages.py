"""Measure pages against a hello-world view on a running server (`make bench` calls this).

For each page: server time (p50, p95) from the `Server-Timing` header over
sequential requests, served from the page cache ("warm") and made afresh
("cold", `X-Bench-Cold: 1`, as a signed-in member always gets it); SQL queries per request;
and throughput under load from wrk, served and made afresh, each as a share of the
hello-world view's, measured in the same run just before and after the page's
(`hello_references`). One page is read by a signed-in member (their
pending notes, follow state and notifications on the page): never cached, so served is made
afresh. With `--server-pid` (gunicorn's master), the peak resident memory of its workers after
the run. Traffic goes to 127.0.0.1 only and every load run is bounded in time.
"""

from __future__ import annotations

import http.client
import itertools
import json
import re
import statistics
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.models import Annotation, Membership, Organisation
from annotations.notifications import Follow, Notification
from cases.models import Case
from diegem.lib.measuring import (
    MeasureFailed,
    MissingSection,
    replace_section,
    session_cookie,
    wrk_command,
    wrk_rate,
)
from diegem.management.commands.bench_digests import ORGANISATION_NAME, ORGANISATION_SLUG

PAGES = {
    "hello": "/_bench/hello/",
    "home": "/",
    "case list, three filters": "/praktijken/?domein=wonen&bron-ontmoeting=2&consensus-conflict-van=-1",
    "case page, 20 annotations": "/praktijken/synthetisch-met-twintig-kanttekeningen/",
    # The same page in French and in English (the interface translated, the text Dutch).
    "case page in French": "/fr/praktijken/synthetisch-met-twintig-kanttekeningen/",
    "case page in English": "/en/praktijken/synthetisch-met-twintig-kanttekeningen/",
    # The same page for a signed-in member (MEMBER_PAGES): never from the page cache.
    "case page, signed-in member": "/praktijken/synthetisch-met-twintig-kanttekeningen/",
    "framework section": "/kader/ontmoeting/",
    "case page, 50 threads, 30 readings": "/praktijken/synthetisch-met-vijftig-draden/",
    "search, common word": "/zoeken/?q=buurt",
    # The map of every published case (grouped per municipality) with the filter form's counts.
    "map of places": "/kaart/",
    "search, rare word": "/zoeken/?q=waterzuivering",
    # "Waar staat uw praktijk?": four sources and fields placed now and desired, ranked over all cases.
    "practice result": "/uw-praktijk/?bron-ontmoeting=1&gewenst-bron-ontmoeting=3&bron-strijd=0"
    "&gewenst-bron-strijd=2&consensus-conflict=-2&gewenst-consensus-conflict=1"
    "&afstand-nabijheid=2&gewenst-afstand-nabijheid=beide",
}
# Targets at 10,000 cases and 100,000 annotations (issue 15's numbers).
MAX_QUERIES = 12
MEMBER_PAGES = {"case page, signed-in member"}
# Served from the page cache: throughput as a share of hello-world's.
MIN_SHARE = {
    "home": 0.60,
    "case list, three filters": 0.60,
    "case page, 20 annotations": 0.60,
    "case page in French": 0.60,
    "case page in English": 0.60,
    "framework section": 0.60,
    "search, common word": 0.60,
    "search, rare word": 0.60,
    "map of places": 0.60,
    "practice result": 0.60,
}
# Made afresh (the page cache bypassed, as for a signed-in reader): throughput as a share of
# hello-world's, and p95 in ms.
MIN_COLD_SHARE = {
    "case page, 20 annotations": 0.10,
    "case page in French": 0.10,
    "case page in English": 0.10,
    "home": 0.10,
    "framework section": 0.10,
    "case list, three filters": 0.05,
    "search, common word": 0.05,
    "practice result": 0.05,
    "map of places": 0.05,
    "case page, signed-in member": 0.08,
}
MAX_P95_MS = {"search, rare word": 100.0, "search, common word": 300.0}
MAX_COLD_P95_MS = {"practice result": 50.0, "map of places": 100.0}


@dataclass
class Measurement:
    page: str
    path: str
    warm_p50_ms: float = 0.0
    warm_p95_ms: float = 0.0
    cold_p50_ms: float = 0.0
    cold_p95_ms: float = 0.0
    # Made whole: nothing kept used (`X-Bench-Cold: whole`), as the first reader after a change.
    whole_p50_ms: float = 0.0
    whole_p95_ms: float = 0.0
    queries_warm: int = 0
    queries_cold: int = 0
    queries_whole: int = 0
    requests_per_second: float = 0.0
    # The yardstick of this page's shares: hello-world's runs just before and after its own.
    hello_reference: float = 0.0
    share_of_hello: float = 0.0
    cold_requests_per_second: float = 0.0
    cold_share_of_hello: float = 0.0
    checks: list[str] = field(default_factory=list)


def hello_references(hello_runs: list[float]) -> list[float]:
    """Each page's yardstick, in the order measured: the mean of hello-world's load runs just
    before and just after the page's own (the first run before the first page). A machine
    shared with others drifts during a quarter of an hour; a page is measured against the
    machine as it was while the page was measured."""
    return [(before + after) / 2 for before, after in itertools.pairwise(hello_runs)]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Command(BaseCommand):
    help = "Measure the benchmark pages on a running server on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", required=True)
        parser.add_argument("--seconds", type=int, default=8, help="length of each wrk run")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument(
            "--samples", type=int, default=150, help="sequential requests per page and mode"
        )
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--readme", type=Path)
        parser.add_argument("--label", default="")
        parser.add_argument(
            "--server-pid", type=int, help="gunicorn's master: its workers' peak memory"
        )

    def handle(
        self,
        *args,
        base_url,
        seconds,
        connections,
        samples,
        out,
        readme,
        label,
        server_pid,
        **options,
    ):
        parts = urlsplit(base_url)
        if parts.hostname not in ("127.0.0.1", "localhost"):
            raise CommandError("The benchmark only sends traffic to 127.0.0.1.")
        self.host, self.port = parts.hostname, parts.port or 80
        member = {"Cookie": member_session_cookie()}
        results = {}
        hello_rates = []
        for name, path in PAGES.items():
            measurement = Measurement(name, path)
            headers = member if name in MEMBER_PAGES else {}
            warm = self._sample(path, samples, cold=False, headers=headers)
            cold = self._sample(path, max(20, samples // 5), cold=True, headers=headers)
            whole = self._sample(path, 20, cold="whole", headers=headers)
            measurement.whole_p50_ms, measurement.whole_p95_ms = (
                _percentile(whole[0], 0.5),
                _percentile(whole[0], 0.95),
            )
            measurement.queries_whole = max(whole[1])
            measurement.warm_p50_ms, measurement.warm_p95_ms = (
                _percentile(warm[0], 0.5),
                _percentile(warm[0], 0.95),
            )
            measurement.cold_p50_ms, measurement.cold_p95_ms = (
                _percentile(cold[0], 0.5),
                _percentile(cold[0], 0.95),
            )
            # Served: the typical request (a page-cache hit); made afresh: the worst.
            measurement.queries_warm, measurement.queries_cold = (
                int(statistics.median(warm[1])),
                max(cold[1]),
            )
            measurement.requests_per_second = self._wrk(
                base_url + path, seconds, connections, headers
            )
            measurement.cold_requests_per_second = self._wrk(
                base_url + path, seconds, connections, {**headers, "X-Bench-Cold": "1"}
            )
            # Hello-world's runs: its own, then one after each page (`hello_references`).
            hello_rates.append(
                measurement.requests_per_second
                if name == "hello"
                else self._wrk(base_url + PAGES["hello"], seconds, connections)
            )
            results[name] = measurement
            self.stdout.write(
                f"{name}: {measurement.requests_per_second:.0f} req/s served, "
                f"{measurement.cold_requests_per_second:.0f} made afresh, "
                f"warm p95 {measurement.warm_p95_ms:.1f} ms"
            )
        hello_rate = statistics.mean(hello_rates)
        results["hello"].requests_per_second = hello_rate
        pages = [m for name, m in results.items() if name != "hello"]
        for measurement, reference in zip(pages, hello_references(hello_rates), strict=True):
            measurement.hello_reference = reference
        results["hello"].hello_reference = hello_rate
        failures = self._check(results)
        report = {
            "label": label,
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "hello_requests_per_second": round(hello_rate, 1),
            "hello_runs": [round(rate, 1) for rate in hello_rates],
            "pages": [asdict(m) for m in results.values()],
            "failures": failures,
            "worker_peak_mb": worker_peak_mb(server_pid) if server_pid else None,
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        table = self._markdown(report)
        self.stdout.write("\n" + table)
        if readme:
            self._update_readme(
                readme, table
            )  # the table's last line says whether the targets were met

    def _sample(
        self, path: str, count: int, *, cold: bool | str, headers: dict[str, str]
    ) -> tuple[list[float], list[int]]:
        """`cold`: True bypasses the page cache, "whole" every kept part too."""
        if cold:
            headers = {**headers, "X-Bench-Cold": "whole" if cold == "whole" else "1"}
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        times, queries = [], []
        warmup = 30  # reach every worker's own page cache before timing
        for i in range(count + warmup):
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise CommandError(f"{path} answered {response.status}")
            if i < warmup:
                continue
            timing = re.search(r"dur=([\d.]+)", response.getheader("Server-Timing", ""))
            times.append(float(timing.group(1)) if timing else 0.0)
            queries.append(int(response.getheader("X-Query-Count", "0")))
        connection.close()
        return times, queries

    def _wrk(
        self, url: str, seconds: int, connections: int, headers: dict[str, str] | None = None
    ) -> float:
        result = subprocess.run(
            wrk_command(url, seconds, connections, headers or {}),
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        )
        try:
            return wrk_rate(url, result.stdout)
        except MeasureFailed as error:
            raise CommandError(str(error)) from error

    def _check(self, results: dict[str, Measurement]) -> list[str]:
        failures = []
        for name, m in results.items():
            reference = m.hello_reference or float("inf")  # no hello-world run: no share
            m.share_of_hello = m.requests_per_second / reference
            m.cold_share_of_hello = m.cold_requests_per_second / reference
            if name == "hello":
                continue
            for mode, queries in (("warm", m.queries_warm), ("cold", m.queries_cold)):
                ok = queries <= MAX_QUERIES
                m.checks.append(
                    f"{'ok' if ok else 'MISSED'}: {queries} queries {mode} (max {MAX_QUERIES})"
                )
                if not ok:
                    failures.append(f"{name} {mode} makes {queries} queries")
            if name in MIN_SHARE:
                ok = m.share_of_hello >= MIN_SHARE[name]
                m.checks.append(
                    f"{'ok' if ok else 'MISSED'}: {m.share_of_hello:.0%} of hello-world (min {MIN_SHARE[name]:.0%})"
                )
                if not ok:
                    failures.append(f"{name} throughput {m.share_of_hello:.0%} of hello-world")
            if name in MIN_COLD_SHARE:
                ok = m.cold_share_of_hello >= MIN_COLD_SHARE[name]
                m.checks.append(
                    f"{'ok' if ok else 'MISSED'}: made afresh {m.cold_share_of_hello:.1%} of "
                    f"hello-world (min {MIN_COLD_SHARE[name]:.0%})"
                )
                if not ok:
                    failures.append(
                        f"{name} made afresh {m.cold_share_of_hello:.1%} of hello-world "
                        f"(min {MIN_COLD_SHARE[name]:.0%})"
                    )
            if name in MAX_P95_MS:
                ok = m.warm_p95_ms < MAX_P95_MS[name]
                m.checks.append(
                    f"{'ok' if ok else 'MISSED'}: p95 {m.warm_p95_ms:.1f} ms (max {MAX_P95_MS[name]:.0f})"
                )
                if not ok:
                    failures.append(f"{name} p95 {m.warm_p95_ms:.0f} ms")
            if name in MAX_COLD_P95_MS:
                ok = m.cold_p95_ms < MAX_COLD_P95_MS[name]
                m.checks.append(
                    f"{'ok' if ok else 'MISSED'}: p95 made afresh {m.cold_p95_ms:.1f} ms "
                    f"(max {MAX_COLD_P95_MS[name]:.0f})"
                )
                if not ok:
                    failures.append(f"{name} p95 made afresh {m.cold_p95_ms:.0f} ms")
        return failures

    def _markdown(self, report: dict) -> str:
        lines = [
            f"Measured {report['date']}{' on ' + report['label'] if report['label'] else ''}: "
            f"hello-world {report['hello_requests_per_second']:.0f} requests/s on average "
            f"(runs: {', '.join(str(r) for r in report['hello_runs'])}); each page's shares "
            "are of the mean of the runs just before and after its own.",
            "",
            "| page | p50 / p95 served (ms) | p50 / p95 made afresh (ms) | p50 / p95 made whole "
            "(ms) | queries served / made / whole | served: requests/s, share of hello-world "
            "| made afresh: requests/s, share |",
            "|---|---|---|---|---|---|---|",
        ]
        for m in report["pages"]:
            lines.append(
                f"| {m['page']} | {m['warm_p50_ms']:.1f} / {m['warm_p95_ms']:.1f} "
                f"| {m['cold_p50_ms']:.1f} / {m['cold_p95_ms']:.1f} "
                f"| {m['whole_p50_ms']:.1f} / {m['whole_p95_ms']:.1f} "
                f"| {m['queries_warm']} / {m['queries_cold']} / {m['queries_whole']} "
                f"| {m['requests_per_second']:.0f}, {m['share_of_hello']:.0%} "
                f"| {m['cold_requests_per_second']:.0f}, {m['cold_share_of_hello']:.1%} |"
            )
        lines.append("")
        if report.get("worker_peak_mb"):
            lines.append(
                f"Peak resident memory of a gunicorn worker after the run: "
                f"{report['worker_peak_mb']:.0f} MB."
            )
            lines.append("")
        lines.append(
            "Targets missed: " + "; ".join(report["failures"])
            if report["failures"]
            else "All targets met."
        )
        return "\n".join(lines)

    def _update_readme(self, readme: Path, table: str) -> None:
        try:
            replace_section(readme, "bench", table)
        except MissingSection as error:
            raise CommandError(str(error)) from error


MEMBER = "bench-lid-pagina"
TWENTY_SLUG = "synthetisch-met-twintig-kanttekeningen"


def member_session_cookie() -> str:
    """A signed-in member with what a member's case page shows them (three pending notes of
    their own on the measured case, which they follow, and ten unread notifications), and the
    Cookie header of a session of theirs. Synthetic, in the benchmark database only."""
    if not settings.BENCHMARK:
        raise CommandError("Only on a benchmark database (BENCHMARK=true, as make bench sets).")
    case = Case.objects.filter(slug=TWENTY_SLUG).first()
    if case is None:
        raise CommandError(f"No case {TWENTY_SLUG}: not a database made by synthesize.")
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(
        username=MEMBER, defaults={"email": "pagina@bench.invalid", "password": "!"}
    )
    organisation, _created = Organisation.objects.get_or_create(
        slug=ORGANISATION_SLUG, defaults={"name": ORGANISATION_NAME}
    )
    Membership.objects.get_or_create(user=user, organisation=organisation)
    Follow.objects.get_or_create(user=user, case=case)
    notes = list(Annotation.objects.filter(case=case, status=Annotation.Status.APPROVED)[:10])
    if not Annotation.objects.filter(author=user).exists():
        for note in notes[:3]:
            note.pk = None
            note.author, note.organisation, note.status = (
                user,
                organisation,
                Annotation.Status.PENDING,
            )
            note.body = note.body_html = "[Synthetisch] Een kanttekening die wacht op moderatie."
            note.save()
    if not Notification.objects.filter(recipient=user).exists():
        Notification.objects.bulk_create(
            Notification(recipient=user, annotation=note, kind="note", reason="case")
            for note in notes
        )
    return session_cookie(user)


def worker_peak_mb(master_pid: int) -> float:
    """The largest peak resident memory (VmHWM) of the gunicorn master's workers, in MB."""
    peaks = []
    for worker in psutil.Process(master_pid).children():
        status = Path(f"/proc/{worker.pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    return max(peaks, default=0.0)
