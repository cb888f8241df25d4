"""Build the large live downloads for the current content version, ahead of the first request.

Run it from cron (every five minutes, like `send_digests`): when nothing changed it finds
the file already there and returns at once. Without it, the first download after a change
builds the file in its request, which is quick for a bank of dozens of cases but takes
more than a minute at 10,000 (README, "Deploying").
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand

from annotations.qdpx_project import published_project_file


class Command(BaseCommand):
    help = "Build the live REFI-QDA project (/data/praktijken.qdpx) for the current content version if it is not built yet."

    def handle(self, *args, **options):
        with published_project_file() as file:
            self.stdout.write(f"{file.name} ({os.fstat(file.fileno()).st_size:,} bytes)")
