"""All seed data in one command: the framework, the four pilots, the margin notes."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations.seed import SeedError as NotesError
from annotations.services import reanchor_stale
from cases.seed import SeedError as CasesError
from diegem.lib.seeding import SeedHistory, SeedReport
from diegem.management.commands.refresh_search import refresh_everything
from diegem.seeding import seed_cases, seed_framework, seed_margin_notes, stored_fingerprints

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = (
        "Load the framework, the pilot cases and the margin notes. Safe to repeat: creates what is "
        "missing, brings up to date what nobody changed, and leaves what researchers edited alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Restore the seed's version of every seeded object, edits included.",
        )
        parser.add_argument(
            "--fixtures", type=Path, default=FIXTURES, help="The folder with the seed files."
        )
        parser.add_argument(
            "--fingerprints",
            action="store_true",
            help="Load nothing; print the fingerprint of every seed object in the database (for seed-history.yaml).",
        )

    def handle(self, *args, reset: bool, fixtures: Path, fingerprints: bool, **options):
        if fingerprints:
            for key, value in stored_fingerprints().items():
                self.stdout.write(f"  {key}: [{value}]")
            return
        parts = [
            ("kader", seed_framework, fixtures / "framework.yaml"),
            ("pilootcases", seed_cases, fixtures / "pilots.yaml"),
            ("kanttekeningen", seed_margin_notes, fixtures / "margin-notes.yaml"),
        ]
        history = SeedHistory.read(fixtures / "seed-history.yaml").observed(stored_fingerprints())
        for label, load, path in parts:
            report = SeedReport()
            try:
                load(path, report, reset=reset, history=history)
            except (CasesError, NotesError, OSError) as error:
                raise CommandError(f"{path.name}: {error}") from error
            if label == "kader":
                # Rows written before the services announced text changes: find annotations again.
                reanchor_stale()
            self.stdout.write(f"{label}: {report}")
            for key in report.kept:
                self.stdout.write(
                    f"  behouden, want bewerkt sinds het laden: {key} (--reset zet de seed terug)"
                )
            for line in report.skipped:
                self.stdout.write(f"  overgeslagen: {line}")
        refresh_everything()
