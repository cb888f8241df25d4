"""All seed data in one command: the framework, the four pilots, the margin notes."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from annotations.services import reanchor_stale
from diegem.management.commands.refresh_search import refresh_everything


class Command(BaseCommand):
    help = "Load the framework, the pilot cases and the margin notes (safe to repeat)."

    def handle(self, *args, **options):
        call_command("loaddata", "framework", "pilots", verbosity=options["verbosity"])
        # loaddata writes text without announcing it: find existing annotations again.
        moved = reanchor_stale()
        call_command("load_margin_notes", verbosity=options["verbosity"])
        # loaddata bypasses the services: make search and the caches catch up.
        refresh_everything()
        if moved["moved"] or moved["orphaned"]:
            self.stdout.write(f"Re-anchored after loading the seed: {moved}")
