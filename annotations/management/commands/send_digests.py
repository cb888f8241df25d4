"""Mail members their notifications as they chose: at once, daily, weekly (for cron, every 5 minutes)."""

from django.core.management.base import BaseCommand

from annotations.notification_services import send_digests


class Command(BaseCommand):
    help = (
        "Mailt leden hun meldingen zoals ze kozen: meteen, dagelijks of wekelijks. Draai het "
        "om de paar minuten (cron); twee keer draaien of een onderbroken run mailt niets dubbel."
    )

    def handle(self, *args, **options):
        report = send_digests()
        self.stdout.write(
            f"{report.mails} e-mail(s) verstuurd, {report.notifications} melding(en) verwerkt; "
            f"{report.failed} mislukt (volgende run opnieuw)."
        )
        if report.unconfirmed:
            # Recorded by an earlier run that stopped before the mail server took them: never
            # sent again, named here so someone can look.
            self.stderr.write(
                "Niet bevestigd (een eerdere run stopte voor het versturen): DigestMail "
                + ", ".join(str(pk) for pk in report.unconfirmed)
            )
