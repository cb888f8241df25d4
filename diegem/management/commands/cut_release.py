"""`manage.py cut_release --title ...`: cut the next citable release (the workbench's service)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from diegem.data_releases import ContentKeptChanging, TitleMissing, release_cut


class Command(BaseCommand):
    help = "Cut the next numbered release of the published data (a frozen ZIP with its SHA-256)."

    def add_arguments(self, parser):
        parser.add_argument("--title", required=True, help="The release's title.")
        parser.add_argument("--description", default="", help="What the release brings.")
        parser.add_argument("--user", default=None, help="User name recorded as who cut it.")

    def handle(self, *args, title, description, user, **options):
        actor = None
        if user is not None:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"Geen gebruiker ‘{user}’.") from None
        try:
            release = release_cut(title=title, description=description, actor=actor)
        except TitleMissing:
            raise CommandError("Geef de versie een titel (--title).") from None
        except ContentKeptChanging as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            f"v{release.number} {release.filename} {filesizeformat(release.size)} "
            f"sha256 {release.sha256}"
        )
