"""Recompute the cases' search vectors and the "did you mean" vocabulary.

Annotations need nothing: PostgreSQL computes their vectors (a generated column).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from cases import vocabulary
from cases.models import Case
from diegem.lib.versioning import bump_content_version


def refresh_everything() -> tuple[int, int]:
    with transaction.atomic():
        cases = Case.objects.all().refresh_search_vectors()
        words = vocabulary.rebuild()
        bump_content_version()
    return cases, words


class Command(BaseCommand):
    help = "Recompute the search vectors of all cases and the vocabulary."

    def handle(self, *args, **options):
        cases, words = refresh_everything()
        self.stdout.write(f"Search refreshed: {cases} cases, {words} words.")
