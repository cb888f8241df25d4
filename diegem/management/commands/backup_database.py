"""`manage.py backup_database FILE`: the whole database in one file (pg_dump's custom format)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from diegem.lib import backups


class Command(BaseCommand):
    help = "Write the site's whole database to FILE with pg_dump (restore with restore_database)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        settings = connection.settings_dict
        try:
            backups.dump(
                backups.database_url(settings), file, password=settings.get("PASSWORD") or ""
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{file}: {file.stat().st_size:,} bytes")
