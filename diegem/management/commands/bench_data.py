"""Measure the research-grade data at scale on the benchmark's database (`make bench` calls this).

Cuts a data release (`manage.py cut_release`) and writes the static archive of the public
site (`manage.py archive`), each in a child process through `diegem.lib.measuring`, and
reports wall time, peak resident memory and the size of what each wrote. The archive is
given `--archive-seconds` (60 minutes; at 10,000 cases it took 36 minutes on a busy machine);
if it runs out, the table says how far it got.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from diegem.lib.measuring import MeasureFailed, MissingSection, measure_command, replace_section
from diegem.releases import Release

# What `manage.py archive --stop-after` says when the time ran out.
STOPPED = re.compile(
    r"Gestopt na \d+ s: (\d+) van (\d+) bekende adressen, (\d+) bestanden, (\d+) bytes"
)


def _tree_size(root: Path) -> tuple[int, int]:
    files = [path for path in root.rglob("*") if path.is_file()]
    return len(files), sum(path.stat().st_size for path in files)


class Command(BaseCommand):
    help = (
        "Measure cutting a data release and writing the static archive (benchmark database only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--readme", type=Path, default=None)
        parser.add_argument(
            "--archive-seconds",
            type=float,
            default=3600,
            help="Stop the archive after this long and report how far it got (default 60 min).",
        )

    def handle(self, *args, readme, archive_seconds, **options):
        if not Case.objects.filter(slug__startswith="synthetisch-").exists():
            raise CommandError("No synthetic data here: run this on the benchmark's database.")
        cases = Case.objects.published().count()
        try:
            release = measure_command(
                ["manage.py", "cut_release", "--title", "Benchmark", "--verbosity", "0"]
            )
        except MeasureFailed as error:
            raise CommandError(f"cut_release failed: {error}") from error
        latest = Release.objects.listed().first()  # without its archive: 100 MB at 10,000 cases
        workdir = Path(tempfile.mkdtemp(prefix="diegem-bench-archive-"))
        try:
            try:
                archive = measure_command(
                    [
                        "manage.py",
                        "archive",
                        str(workdir / "archief"),
                        "--verbosity",
                        "0",
                        "--stop-after",
                        str(archive_seconds),
                    ]
                )
            except MeasureFailed as error:
                raise CommandError(f"archive failed: {error}") from error
            stopped = STOPPED.search(archive.stdout)
            if stopped:
                done, known, files, size = (int(n) for n in stopped.groups())
                written = (
                    f"stopped at the limit: {done:,} of {known:,} known addresses, "
                    f"{files:,} files, {size / 1e6:.0f} MB"
                )
            else:
                files, size = _tree_size(workdir / "archief")
                written = f"{files:,} files, {size / 1e6:.0f} MB"
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        lines = [
            "| at | published cases | time (s) | peak memory (MB) | written |",
            "|---|---|---|---|---|",
            f"| cut a release | {cases:,} | {release.seconds:.1f} | {release.peak_mb:.0f} | "
            f"ZIP of {latest.size / 1e6:.1f} MB |",
            f"| archive the site | {cases:,} | {archive.seconds:.1f} | {archive.peak_mb:.0f} | "
            f"{written} |",
        ]
        table = "\n".join(lines)
        self.stdout.write(table)
        if readme is not None:
            try:
                replace_section(readme, "bench-data", table)
            except MissingSection as error:
                raise CommandError(str(error)) from error
