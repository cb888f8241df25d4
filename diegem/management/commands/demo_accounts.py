"""Accounts to try every role on a laptop: only when DEBUG is on."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotations.models import Membership, Organisation
from annotations.roles import REVIEWERS_GROUP
from cases.roles import RESEARCHERS_GROUP

PASSWORD = "demo-wachtwoord"
ACCOUNTS = [
    # username, first name, groups, staff, member of the demo organisation
    ("lid", "Lid", [], False, True),
    ("moderator", "Moderator", [REVIEWERS_GROUP], False, False),
    ("onderzoeker", "Onderzoeker", [RESEARCHERS_GROUP], True, False),
    ("beheerder", "Beheerder", [], True, False),
]


class Command(BaseCommand):
    help = "Create demo accounts for each role (DEBUG only; safe to repeat)."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for local use only: run with DEBUG=true.")
        organisation, _ = Organisation.objects.get_or_create(
            slug="demo-organisatie",
            defaults={
                "name": "Demo-organisatie (om uit te proberen)",
                "in_advisory_committee": False,
            },
        )
        User = get_user_model()
        for username, first_name, groups, staff, member in ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first_name, "email": f"{username}@demo.invalid"},
            )
            if created:
                user.set_password(PASSWORD)
            user.is_staff = staff
            user.is_superuser = username == "beheerder"
            user.save()
            user.groups.set(Group.objects.filter(name__in=groups))
            if member:
                Membership.objects.get_or_create(user=user, defaults={"organisation": organisation})
        names = ", ".join(account[0] for account in ACCOUNTS)
        self.stdout.write(f"Demo accounts ({names}), password '{PASSWORD}'.")
