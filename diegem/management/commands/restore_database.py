"""`manage.py restore_database FILE`: a backup read into the site's database, which must be a
fresh, empty one (createdb, then DATABASE_URL pointing at it); prints what it holds after."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from diegem.lib import backups


class Command(BaseCommand):
    help = "Read a backup of backup_database into the site's database, which must be empty."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        settings = connection.settings_dict
        url, password = backups.database_url(settings), settings.get("PASSWORD") or ""
        connection.close()  # pg_restore works in a transaction of its own
        try:
            backups.restore(file, url, password=password)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        counts = backups.row_counts(url, password=password)
        self.stdout.write(f"{len(counts)} tables, {sum(counts.values()):,} rows restored.")
