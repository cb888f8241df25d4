"""Measure `send_digests` at scale on the benchmark's database (`make bench` calls this).

Fills the database (never the site's: `synthesize` made it) with members who chose
mail "at once", each with ten notifications of public synthetic annotations, then
runs `manage.py send_digests` in a child process with mail rendered but not sent
(Django's dummy backend), and reads its wall time and peak resident memory from
the operating system. Two sizes (a tenth, and the whole) show whether memory grows
with the data; a second run at full size must mail nothing (idempotence).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotations.models import (
    Annotation,
    DigestMail,
    MemberPreferences,
    Membership,
    Notification,
    Organisation,
)
from diegem.lib.measuring import MeasureFailed, MissingSection, measure_command, replace_section

USERNAME_PREFIX = "bench-lid-"
ORGANISATION_SLUG = "bench-organisatie"
ORGANISATION_NAME = "[Synthetisch] Organisatie"
PER_MEMBER = 10


@dataclass
class Run:
    members: int
    notifications: int
    seconds: float
    peak_mb: float
    output: str


class Command(BaseCommand):
    help = "Measure send_digests for many members and notifications (benchmark database only)."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=10_000)
        parser.add_argument("--readme", type=Path, default=None)

    def handle(self, *args, members, readme, **options):
        if not Annotation.objects.filter(attribution="Synthetisch").exists():
            raise CommandError("No synthetic data here: run this on the benchmark's database.")
        runs = []
        for size in (members // 10, members):
            self._fill(size)
            runs.append(self._send(size))
        again = self._send(members)
        lines = [
            "| members | notifications | mails | time (s) | peak memory (MB) |",
            "|---|---|---|---|---|",
            *(
                f"| {run.members:,} | {run.notifications:,} | {run.output} | "
                f"{run.seconds:.1f} | {run.peak_mb:.0f} |"
                for run in runs
            ),
            f"| {again.members:,} again | – | {again.output} | {again.seconds:.1f} | "
            f"{again.peak_mb:.0f} |",
        ]
        table = "\n".join(lines)
        self.stdout.write(table)
        if readme is not None:
            try:
                replace_section(readme, "bench-digests", table)
            except MissingSection as error:
                raise CommandError(str(error)) from error

    @transaction.atomic
    def _fill(self, members: int) -> None:
        """`members` members choosing mail at once, each with ten unmailed notifications."""
        user_model = get_user_model()
        earlier = user_model.objects.filter(username__startswith=USERNAME_PREFIX)
        # A sent digest protects its notifications and its recipient: those go first.
        Notification.objects.filter(recipient__in=earlier).delete()
        DigestMail.objects.filter(recipient__in=earlier).delete()
        earlier.delete()
        organisation, _created = Organisation.objects.get_or_create(
            slug=ORGANISATION_SLUG, defaults={"name": ORGANISATION_NAME}
        )
        users = user_model.objects.bulk_create(
            (
                user_model(
                    username=f"{USERNAME_PREFIX}{n:06d}",
                    email=f"lid{n}@bench.invalid",
                    password="!",  # unusable
                )
                for n in range(members)
            ),
            batch_size=2000,
        )
        Membership.objects.bulk_create(
            (Membership(user=user, organisation=organisation) for user in users), batch_size=2000
        )
        MemberPreferences.objects.bulk_create(
            (MemberPreferences(user=user, email_frequency="immediately") for user in users),
            batch_size=2000,
        )
        pool = list(
            Annotation.objects.public()
            .filter(attribution="Synthetisch")
            .order_by("pk")
            .values_list("pk", flat=True)[: members * PER_MEMBER]
        )
        if len(pool) < PER_MEMBER:
            raise CommandError("Too few public synthetic annotations to notify of.")
        Notification.objects.bulk_create(
            (
                Notification(
                    recipient=user,
                    annotation_id=pool[(n * PER_MEMBER + j) % len(pool)],
                    kind="note",
                    reason="case",
                )
                for n, user in enumerate(users)
                for j in range(PER_MEMBER)
            ),
            batch_size=5000,
        )

    def _send(self, members: int) -> Run:
        notifications = Notification.objects.filter(
            recipient__username__startswith=USERNAME_PREFIX
        ).count()
        env = {**os.environ, "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
        try:
            measured = measure_command(["manage.py", "send_digests"], env=env)
        except MeasureFailed as error:
            raise CommandError(f"send_digests failed: {error}") from error
        mails = measured.stdout.split(" ", 1)[0]
        return Run(members, notifications, measured.seconds, measured.peak_mb, mails)
