"""Measure cutting a release at the cases in the benchmark's database (the lead wires it into .ci/bench).

Runs `manage.py cut_release` in a child process through the launcher of
`bench_digests` and reads its wall time and peak resident memory from the
operating system, then prints a short table. The release it cuts stays in that
database, so this refuses a database without synthetic data (the site's own).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from cases.models import Case
from diegem.management.commands.bench_digests import LAUNCHER
from diegem.management.commands.synthesize import SLUG_PREFIX
from diegem.releases import Release


class Command(BaseCommand):
    help = "Measure cut_release: time and peak memory (benchmark database only)."

    def handle(self, *args, **options):
        if not Case.objects.filter(slug__startswith=SLUG_PREFIX).exists():
            raise CommandError("No synthetic data here: run this on the benchmark's database.")
        cases = Case.objects.published().count()
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            child = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    LAUNCHER,
                    sys.executable,
                    "manage.py",
                    "cut_release",
                    "--title",
                    "Benchmark",
                ],
                stdout=out,
                stderr=err,
                check=False,
            )
            out.seek(0)
            err.seek(0)
            stderr = err.read()
        if child.returncode != 0:
            raise CommandError(f"cut_release failed: {stderr[-2000:]}")
        seconds, peak_kb = (float(value) for value in stderr.split()[-2:])
        release = Release.objects.listed().first()
        self.stdout.write(
            "\n".join(
                [
                    "| published cases | release | size | time (s) | peak memory (MB) |",
                    "|---|---|---|---|---|",
                    f"| {cases:,} | v{release.number} | {filesizeformat(release.size)} | "
                    f"{seconds:.1f} | {peak_kb / 1024:.0f} |",
                ]
            )
        )
