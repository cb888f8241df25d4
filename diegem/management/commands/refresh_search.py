"""Recompute every search vector and the "did you mean" vocabulary."""

from django.core.management.base import BaseCommand
from django.db import transaction

from annotations.models import Annotation
from annotations.search import refresh_search_vectors as refresh_annotations
from cases.models import Case
from cases.search import rebuild_vocabulary
from cases.search import refresh_search_vectors as refresh_cases
from diegem.lib.versioning import bump_content_version


def refresh_everything() -> tuple[int, int, int]:
    with transaction.atomic():
        cases = refresh_cases(Case.objects.all())
        annotations = refresh_annotations(Annotation.objects.all())
        words = rebuild_vocabulary()
        bump_content_version()
    return cases, annotations, words


class Command(BaseCommand):
    help = "Recompute the search vectors of all cases and annotations and the vocabulary (PostgreSQL)."

    def handle(self, *args, **options):
        cases, annotations, words = refresh_everything()
        self.stdout.write(f"Search refreshed: {cases} cases, {annotations} annotations, {words} words.")
