"""Build the large live downloads for the current content version, ahead of the first request.

Run it from cron (every five minutes, like `send_digests`): when nothing changed it finds
the file already there and returns at once; a file older than `BUILT_FILES_SECONDS` it builds
again (a request never does: at 10,000 cases that would outlast the worker's timeout).
Without it, the first download after a change builds the file in its request, which is quick for a bank of dozens of cases but takes
more than a minute at 10,000 (README, "Deploying").
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand

from annotations.qdpx_project import published_project_file
from cases.open_data_files import DATA_FILES, data_file


class Command(BaseCommand):
    help = (
        "Build the live downloads of /data/ (the REFI-QDA project, the CSV, Excel and JSON files) "
        "for the current content version if they are not built yet."
    )

    def handle(self, *args, **options):
        max_age = settings.BUILT_FILES_SECONDS
        self.built(published_project_file(max_age=max_age))
        for name in sorted(DATA_FILES):
            self.built(data_file(name, max_age=max_age))

    def built(self, file) -> None:
        with file:
            self.stdout.write(f"{file.name} ({os.fstat(file.fileno()).st_size:,} bytes)")
