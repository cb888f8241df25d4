"""The data of the site's mechanisms: the content version, limits on requests, what the seed wrote.

These models came from `frameworks` (ContentVersion) and the `diegem` app
(RequestLimit, SeedRecord); their tables kept the names they had there, so
moving them moved no data (`diegem/lib/migrations/0001_lib_models_moved_in.py`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """One value that every change to public content replaces.

    Cached pages, counts and search results are keyed by it, so a cache can
    never serve what was true before an edit, a publication or a withdrawal.
    It is a PostgreSQL sequence (`content_version_seq`), whose `nextval` locks nothing, read
    through a view of one row under the table name it had (sitelib migration 0002);
    `diegem.lib.versioning` reads and moves it.
    """

    counter = models.BigIntegerField(default=0)

    class Meta:
        managed = False  # a view of the sequence
        db_table = "frameworks_contentversion"
        verbose_name = _("inhoudsversie")
        verbose_name_plural = _("inhoudsversie")

    def __str__(self) -> str:
        return str(self.counter)


class RequestLimit(models.Model):
    """The recent uses of one limited action by one client (or for one e-mail address).

    One row per key, a keyed hash of the action and who (no address is stored in
    clear), holding the moments of its uses within the period. A request locks the
    row before it counts, so simultaneous requests are counted exactly, across
    every process that shares the database (diegem.lib.throttle).
    """

    key = models.CharField(_("sleutel"), max_length=64, unique=True)
    uses = models.JSONField(
        _("gebruik"), default=list, help_text=_("Tijdstippen (Unix-tijd) binnen de periode.")
    )
    expires_at = models.DateTimeField(_("vervalt"), db_index=True)

    class Meta:
        db_table = "diegem_requestlimit"
        verbose_name = _("verzoeklimiet")
        verbose_name_plural = _("verzoeklimieten")
        ordering = ["expires_at"]

    def __str__(self) -> str:
        return self.key


class SeedRecord(models.Model):
    """What the seed last wrote for one object, so that loading it again can tell
    an object nobody touched (safe to bring up to date) from one the researchers
    edited (left alone). Written only by `diegem.lib.seeding`.
    """

    key = models.CharField(
        _("object"), max_length=200, unique=True, help_text=_("Model en natuurlijke sleutel.")
    )
    wanted = models.CharField(_("vingerafdruk van de seed"), max_length=64)
    written = models.CharField(_("vingerafdruk na het laden"), max_length=64)
    loaded_at = models.DateTimeField(_("geladen"), auto_now=True)

    class Meta:
        db_table = "diegem_seedrecord"
        verbose_name = _("geladen seedobject")
        verbose_name_plural = _("geladen seedobjecten")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key
