"""Measure `manage.py archive` over whatever is in the database (`make bench` calls this).

Runs the archive in a child process, through the same launcher as bench_digests (a
child's peak memory as Linux counts it includes what the process it was forked from
holds), into a temporary folder removed afterwards, and reports its wall time, peak
resident memory, and what it wrote.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from diegem.management.commands.bench_digests import LAUNCHER

README_START = "<!-- bench-archive:start -->"
README_END = "<!-- bench-archive:end -->"


class Command(BaseCommand):
    help = "Time `manage.py archive` over the database's published cases; report peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--readme", type=Path, default=None)

    def handle(self, *args, readme, **options):
        cases = Case.objects.published().count()
        workdir = Path(tempfile.mkdtemp(prefix="diegem-bench-archive-"))
        try:
            child = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    LAUNCHER,
                    sys.executable,
                    "manage.py",
                    "archive",
                    str(workdir / "archief"),
                    "--quiet",
                ],
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        if child.returncode != 0:
            raise CommandError(f"archive failed: {child.stderr[-2000:]}")
        seconds, peak_kb = (float(value) for value in child.stderr.split()[-2:])
        summary = child.stdout.strip().split(": ", 1)[-1]
        table = "\n".join(
            [
                "| published cases | written | time (s) | peak memory (MB) |",
                "|---|---|---|---|",
                f"| {cases:,} | {summary} | {seconds:.1f} | {peak_kb / 1024:.0f} |",
            ]
        )
        self.stdout.write(table)
        if readme is not None:
            text = readme.read_text(encoding="utf-8")
            if README_START not in text or README_END not in text:
                raise CommandError(f"{readme} has no {README_START} … {README_END} section")
            before, rest = text.split(README_START, 1)
            _old, after = rest.split(README_END, 1)
            readme.write_text(
                f"{before}{README_START}\n{table}\n{README_END}{after}", encoding="utf-8"
            )
