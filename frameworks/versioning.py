"""The content version: what cached pages and results are keyed by.

Every write to content that the public can see moves the counter on, in the
writer's transaction: model saves and deletes through signals (wired with
`watch`), bulk writes by calling `bump_content_version` themselves.
"""

import secrets

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from frameworks.models import ContentVersion


def bump_content_version(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Give the content of database `using` a new version (in the current transaction).

    The version is random rather than counted: a write that rolls back can
    never hand its version to a later, different state of the content.
    """
    version = secrets.randbits(62)
    if not ContentVersion.objects.using(using).filter(pk=1).update(counter=version):
        with transaction.atomic(using=using):
            ContentVersion.objects.using(using).update_or_create(pk=1, defaults={"counter": version})


def current_content_version() -> int:
    """The current version, read from the database on every call (one small query)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT counter FROM {ContentVersion._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def watch(*models) -> None:
    """Bump the content version whenever one of these models is saved or deleted."""
    for model in models:
        uid = f"content-version-{model._meta.label_lower}"
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(bump_content_version, sender=through, dispatch_uid=f"{uid}-{field.name}")
