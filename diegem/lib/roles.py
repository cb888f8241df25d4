"""Roles as Django groups, kept to exactly the permissions an app lists for them.

Each app names its groups and their permissions (`cases.roles`,
`annotations.roles`) and sets them up after every migrate, the way Django
creates permissions: idempotent, and present in test databases.
"""

from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS


def ensure_group(
    name: str, permissions: list[tuple[str, str]], using: str = DEFAULT_DB_ALIAS
) -> Group:
    """Create the group if needed and give it exactly these permissions, as (app label, codename) pairs."""
    group, _ = Group.objects.using(using).get_or_create(name=name)
    perms = []
    for app_label, codename in permissions:
        perms.extend(
            Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename=codename
            )
        )
    group.permissions.set(perms)
    return group
