"""Import and export cases from the command line, with a progress bar for long runs.

manage.py exchange export --format csv|long|xlsx|long-xlsx|json|qdc [--out FILE]
                          [--language nl|fr|en]   (the codebook's language; default nl)
manage.py exchange import FILE                      (a dry run: reports, saves nothing)
manage.py exchange import FILE --apply --user NAME  (saves all rows, or none on any error)
"""

import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cases import exchange


class Command(BaseCommand):
    help = "Export published cases and the codebook, or import cases from CSV/XLSX."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="direction", required=True)
        export = sub.add_parser("export")
        export.add_argument(
            "--format", choices=["csv", "long", "xlsx", "long-xlsx", "json", "qdc"], default="csv"
        )
        export.add_argument("--out", type=Path, help="file to write (default: standard output)")
        export.add_argument(
            "--language",
            choices=exchange.CODEBOOK_LANGUAGES,
            default="nl",
            help="the language of the codebook (--format qdc); the same codes in every language",
        )
        imports = sub.add_parser("import")
        imports.add_argument("file", type=Path)
        imports.add_argument(
            "--apply", action="store_true", help="save the rows (default: a dry run)"
        )
        imports.add_argument("--user", help="the researcher in whose name the import is saved")

    def handle(self, *args, direction, **options):
        self.verbosity = options["verbosity"]
        if direction == "export":
            self._export(options["format"], options["out"], options["language"])
        else:
            self._import(options["file"], options["apply"], options["user"])

    def _progress(self, items, **kwargs):
        return tqdm(items, file=sys.stderr, disable=self.verbosity < 1 or len(items) < 50, **kwargs)

    def _export(self, fmt: str, out: Path | None, language: str = "nl"):
        if fmt == "qdc":
            data = exchange.export_codebook(language)
            (out.write_bytes(data) if out else sys.stdout.buffer.write(data))
            return
        cases = list(exchange.published_cases())
        cases = self._progress(cases, desc="export", unit=" praktijken")
        if fmt in ("xlsx", "long-xlsx"):
            data = (
                exchange.export_wide_xlsx(cases)
                if fmt == "xlsx"
                else exchange.export_long_xlsx(cases)
            )
            (out.write_bytes(data) if out else sys.stdout.buffer.write(data))
            return
        if fmt == "json":
            text = exchange.export_json(cases, settings.SITE_URL)
            (out.write_text(text, encoding="utf-8") if out else self.stdout.write(text))
            return
        writer = exchange.export_wide_csv if fmt == "csv" else exchange.export_long_csv
        if out:
            with out.open("w", encoding="utf-8", newline="") as handle:
                writer(cases, handle)
        else:
            writer(cases, sys.stdout)

    def _import(self, file: Path, apply: bool, username: str | None):
        actor = None
        if apply:
            if not username:
                raise CommandError(
                    "--apply needs --user: the researcher in whose name the cases are saved."
                )
            try:
                actor = get_user_model().objects.get(username=username)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named {username!r}.") from None
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        report = exchange.import_cases(
            content,
            filename=file.name,
            actor=actor,
            dry_run=not apply,
            progress=lambda rows: self._progress(rows, desc="import", unit=" rijen"),
        )
        for row in report.rows:
            state = (
                "fout"
                if row.errors
                else {"new": "nieuw", "changed": "gewijzigd", "unchanged": "ongewijzigd"}[
                    row.action
                ]
            )
            details = f": {', '.join(row.changes)}" if row.changes else ""
            self.stdout.write(f"rij {row.number} ({row.slug}): {state}{details}")
        for error in report.errors:
            self.stderr.write(error)
        if not report.ok:
            raise CommandError(report.summary)
        self.stdout.write(
            ("Bewaard: " if report.saved else "Proefdraai, niets bewaard: ") + report.summary
        )
