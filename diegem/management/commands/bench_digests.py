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
import subprocess
import sys
import tempfile
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

USERNAME_PREFIX = "bench-lid-"
ORGANISATION_SLUG = "bench-organisatie"
PER_MEMBER = 10
# Runs the command it is given and writes, last on stderr, its wall time and peak resident
# memory (wait4: that child's own, in kB on Linux).
LAUNCHER = """
import os, subprocess, sys, time
started = time.monotonic()
child = subprocess.Popen(sys.argv[1:])
_pid, status, usage = os.wait4(child.pid, 0)
child.returncode = os.waitstatus_to_exitcode(status)
print(time.monotonic() - started, usage.ru_maxrss, file=sys.stderr)
sys.exit(child.returncode)
"""
README_START = "<!-- bench-digests:start -->"
README_END = "<!-- bench-digests:end -->"


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
            text = readme.read_text(encoding="utf-8")
            if README_START not in text or README_END not in text:
                raise CommandError(f"{readme} has no {README_START} … {README_END} section")
            before, rest = text.split(README_START, 1)
            _old, after = rest.split(README_END, 1)
            readme.write_text(
                f"{before}{README_START}\n{table}\n{README_END}{after}", encoding="utf-8"
            )

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
            slug=ORGANISATION_SLUG, defaults={"name": "[Synthetisch] Organisatie"}
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
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            # Through a small launcher: a child's peak memory as Linux counts it includes the
            # memory of the process it was forked from (this one holds the members it made).
            child = subprocess.run(
                [sys.executable, "-c", LAUNCHER, sys.executable, "manage.py", "send_digests"],
                env=env,
                stdout=out,
                stderr=err,
                check=False,
            )
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
        if child.returncode != 0:
            raise CommandError(f"send_digests failed: {stderr[-2000:]}")
        seconds, peak_kb = (float(value) for value in stderr.split()[-2:])
        mails = stdout.split(" ", 1)[0]
        return Run(members, notifications, seconds, peak_kb / 1024, mails)
