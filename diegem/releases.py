"""Citable releases of the data: numbered, frozen ZIP files of the published data.

A release is cut once (`diegem.data_releases.release_cut`) and never changes:
its archive, size and checksum are written with it and no code path writes them
again. The archive lives in the database (a site on several app servers has no
shared media folder); lists read everything but the archive (`listed()`).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.db import models
from django.db.models.functions import Length, Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from diegem.lib.form_keys import FORM_KEY_LENGTH

# The part of a release's ZIP read per query when it is downloaded.
ARCHIVE_PART = 4 * 1024 * 1024


class ReleaseQuerySet(models.QuerySet):
    def listed(self) -> ReleaseQuerySet:
        """Newest first, without the archive's bytes."""
        return self.defer("archive").order_by("-number")

    def with_archive_length(self) -> ReleaseQuerySet:
        """Each with `archive_length`, the bytes its archive holds (read without the archive)."""
        return self.annotate(archive_length=Length("archive"))

    def archive_parts(self, release: Release) -> Iterator[bytes]:
        """The release's ZIP (`with_archive_length`) a part at a time (`ARCHIVE_PART`), a query
        each: never whole in a worker's memory (at 10,000 cases it is 100 MB, and read whole it
        took twice that)."""
        one, part = self.filter(pk=release.pk), ARCHIVE_PART
        for start in range(1, release.archive_length + 1, part):  # SQL counts bytes from 1
            piece = Substr("archive", start, part, output_field=models.BinaryField())
            yield bytes(one.annotate(piece=piece).values_list("piece", flat=True).get())


class Release(models.Model):
    """One numbered, frozen release of the published data, with its checksum."""

    number = models.PositiveIntegerField(_("versienummer"), unique=True, editable=False)
    title = models.CharField(
        _("titel"), max_length=200, help_text=_("Bijvoorbeeld ‘Eerste helft van de casestudies’.")
    )
    description = models.TextField(
        _("beschrijving"), blank=True, help_text=_("Wat deze versie brengt (optioneel).")
    )
    cut_at = models.DateTimeField(_("uitgebracht op"), editable=False)
    cut_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uitgebracht door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    archive = models.BinaryField(_("archief"), editable=False)
    size = models.BigIntegerField(_("grootte (bytes)"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    # [[name, size in bytes], ...] in the archive's order: the contents list without reading the archive.
    contents = models.JSONField(_("inhoud"), default=list, editable=False)
    changelog = models.TextField(_("wijzigingen"), blank=True, editable=False)
    # The key of the workbench's form it was cut from (diegem.lib.form_keys): the same form
    # sent twice is this release, not a second one. Empty for a cut from the command line.
    form_key = models.CharField(
        _("sleutel van het formulier"),
        max_length=FORM_KEY_LENGTH,
        blank=True,
        default="",
        editable=False,
    )

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("versie van de gegevens")
        verbose_name_plural = _("versies van de gegevens")
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1), name="release_number_from_1"),
            models.CheckConstraint(
                condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="release_sha256_hex"
            ),
            models.UniqueConstraint(
                fields=["form_key"],
                condition=~models.Q(form_key=""),
                name="release_form_key_once",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number} · {self.title}"

    @property
    def filename(self) -> str:
        return f"diegem-praktijkenbank-v{self.number}.zip"

    def get_absolute_url(self) -> str:
        return reverse("release-detail", args=[self.number])

    def get_download_url(self) -> str:
        return reverse("release-download", args=[self.number, self.number])
