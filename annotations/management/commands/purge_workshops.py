"""Close workshop sessions past their time and delete closed ones past retention (for cron)."""

from django.core.management.base import BaseCommand

from annotations.workshop_sessions import purge_workshops


class Command(BaseCommand):
    help = (
        "Sluit werkvormen waarvan de tijd om is (alleen de verdeling blijft) en wist gesloten "
        "werkvormen na WORKSHOP_RETENTION_DAYS dagen."
    )

    def handle(self, *args, **options):
        closed, deleted = purge_workshops()
        self.stdout.write(f"{closed} werkvorm(en) gesloten, {deleted} gewist.")
