"""The content version: what cached pages and results are keyed by.

Every write to content that the public can see moves the version on: at each write in the
writer's transaction, and once more when that transaction commits (`bump_content_version`). The version is a
PostgreSQL sequence (sitelib migration 0002): moving it locks nothing, so two writes that lock
their rows in opposite orders cannot deadlock on it, as they did on the one row it used to be.
A sequence moves at once for everyone, before the write commits; a page made in between, from
what was committed before, is kept under a version the move after the commit leaves behind.
Between the commit and that move (a statement's time) such a page can still be served, and a
process that dies in between leaves it until the next write: the price of writes that do not
wait for each other. This module answers "what invalidates the page cache":

- saves and deletes of the models in `WATCHED_MODELS` (and changes to their
  many-to-many tables), through model signals connected once, at start-up, by
  `diegem.lib.apps.LibConfig.ready`;
- saves of a user that change what shows of them (a name in a byline; a login
  or a new password shows nowhere): `user_saved`; and deleting a user, whose
  notes then lose their byline (`SET_NULL`, a bulk update) and whose cases their
  researcher (rows the collector deletes): neither sends a signal of its own;
- bulk writes, which send no signals, by calling `bump_content_version`
  themselves (grounds synced with evidence in `cases.evidence`, the commands
  `refresh_search` and `synthesize`).

The models are named as "app_label.Model" strings so that this module imports
no app.
"""

from functools import partial

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from diegem.lib.connection_check import checking_connection
from diegem.lib.models import ContentVersion
from diegem.lib.prepared import PreparedQuery

# Every model whose rows the public sees, whole or in part.
WATCHED_MODELS = (
    # The research framework.
    "frameworks.Section",
    "frameworks.Source",
    "frameworks.TensionField",
    "frameworks.Domain",
    # Cases with their coding, evidence and keywords.
    "cases.Case",
    "cases.SourceCoding",
    "cases.TensionPosition",
    "cases.CodingEvidence",
    "cases.KeywordedCase",
    # Double coding: a submitted coding or a settled round moves the reliability figures.
    "cases.DoubleCodingRound",
    "cases.IndependentCoding",
    "taggit.Tag",
    # Annotations and the organisations whose members wrote them.
    "annotations.Annotation",
    "annotations.Reading",
    "annotations.Organisation",
    "annotations.Membership",
    # How a member chose to be shown: every byline of theirs on every page.
    "annotations.MemberPreferences",
    # The citable releases listed on /data/ (never changed once cut: a cut adds one).
    "diegem.Release",
)

# Saved alone, these fields of a user change nothing anyone sees.
USER_FIELDS_SHOWN_NOWHERE = frozenset({"last_login", "password"})


SEQUENCE = "content_version_seq"


def bump_content_version(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Give the content of database `using` a new version: now, and once more when the current
    transaction commits (that second move once per transaction, however many writes ask).

    Never a value handed out before, not even by a write that rolled back (a sequence's
    `nextval` is not undone), so no later, different state of the content can get it.
    """
    connection = connections[using]
    _next_version(using)
    if connection.in_atomic_block and not any(
        getattr(callback, "content_version_of", None) == using
        for _savepoints, callback, _robust in connection.run_on_commit
    ):
        after_commit = partial(_next_version, using)
        after_commit.content_version_of = using
        # Robust: a failure of the move is logged, and the callbacks after it still run.
        transaction.on_commit(after_commit, using=using, robust=True)


def _next_version(using: str) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [SEQUENCE])


# Read on every request a page cache or kept part serves: planned once per connection.
_VERSION = PreparedQuery(lambda: ContentVersion.objects.filter(pk=1).values("counter"))


def current_content_version() -> int:
    """The current version, read from the database on every call (one small query, prepared;
    the first of a request is also its connection's health check: diegem.lib.connection_check)."""
    rows = checking_connection(_VERSION.rows)
    return rows[0]["counter"] if rows else 0


def user_saved(sender, update_fields=None, **kwargs) -> None:
    """A user's name shows in bylines; a login or a new password shows nowhere."""
    if update_fields and set(update_fields) <= USER_FIELDS_SHOWN_NOWHERE:
        return
    bump_content_version(**kwargs)


def watch(model) -> None:
    """Bump the content version whenever this model is saved or deleted, or its many-to-many tables change."""
    uid = f"content-version-{model._meta.label_lower}"
    post_save.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-save")
    post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-delete")
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        m2m_changed.connect(
            bump_content_version, sender=through, dispatch_uid=f"{uid}-{field.name}"
        )


def watch_content() -> None:
    """Connect everything above; called once, when the apps are ready (the uids keep it once)."""
    for label in WATCHED_MODELS:
        watch(apps.get_model(label))
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    post_save.connect(user_saved, sender=user_model, dispatch_uid="content-version-user")
    post_delete.connect(
        bump_content_version, sender=user_model, dispatch_uid="content-version-user-delete"
    )
