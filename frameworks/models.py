"""The DieGem framework as data: sources, tension fields, domains and the text.

Rows are seed data loaded from `fixtures/framework.yaml` by natural key, so the
fixture can be loaded again without duplicating anything.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from diegem.lib.annotatable import normalize_plain_text
from diegem.lib.languages import WrittenIn, translated, translation_column
from diegem.lib.search import VectorInQuerySet

# The first keys of the sources and tension fields were English; they became the
# Dutch words the site shows (issue 8). Old URLs, filter parameters and import
# columns with these keys are still understood, and the codebook's GUIDs stay the
# ones minted from them (`cases.exchange`).
FORMER_KEYS = {
    "interdependence": "wederzijdse-afhankelijkheid",
    "norms-values": "normen-en-waarden",
    "struggle": "strijd",
    "encounter": "ontmoeting",
    "universal-particularistic": "universeel-particularistisch",
    "economic-cultural": "economisch-cultureel",
    "integration-transformation": "integratie-transformatie",
    "distance-proximity": "afstand-nabijheid",
    "negotiable-non-negotiable": "onderhandelbaar-niet-onderhandelbaar",
}


class NaturalKeyManager(models.Manager.from_queryset(VectorInQuerySet)):
    """Looks rows up by their `key` (or the field named in `natural_key_field`); searches the
    framework's own rows (`SEARCH_FIELDS` of the model, `diegem.lib.search.VectorInQuerySet`)."""

    def get_by_natural_key(self, key):
        return self.get(**{self.model.natural_key_field: key})


class NaturalKeyModel(models.Model):
    natural_key_field = "key"

    objects = NaturalKeyManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (getattr(self, self.natural_key_field),)


@translated("title", "body")
class Section(WrittenIn, NaturalKeyModel):
    """A section of the framework text, in the project's own words; annotatable.

    `body` is plain text: paragraphs separated by a blank line. Annotations
    anchor to it by Unicode code point, so it is never rendered as markup.
    """

    key = models.SlugField(_("sleutel"), max_length=40, unique=True)
    number = models.CharField(
        _("nummer"),
        max_length=10,
        blank=True,
        help_text=_("Bijvoorbeeld 1.2; leeg voor inleiding en slot."),
    )
    SEARCH_FIELDS = (("title", "A"), ("body", "B"))

    order = models.PositiveSmallIntegerField(_("volgorde"), unique=True)
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(
        _("tekst"), help_text=_("Platte tekst; alinea's gescheiden door een witregel.")
    )

    class Meta:
        ordering = ["order"]
        verbose_name = _("tekstdeel van het kader")
        verbose_name_plural = _("tekstdelen van het kader")

    def __str__(self) -> str:
        return f"{self.number} {self.shown.title}".strip()

    def save(self, *args, **kwargs):
        # Annotatable text is stored in one normal form (see diegem.lib.annotatable), each
        # language version of it too.
        for field in (
            "body",
            *(translation_column("body", code) for code in self.TRANSLATION_LANGUAGES),
        ):
            setattr(self, field, normalize_plain_text(getattr(self, field)))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("section-detail", args=[self.key])

    @property
    def is_chapter(self) -> bool:
        """A chapter opening (1, 2, 3) rather than a numbered subsection."""
        return bool(self.number) and "." not in self.number


@translated("name", "summary", "description", "perspective", "thinkers", "for_practice")
class Source(WrittenIn, NaturalKeyModel):
    """One of the four sources of solidarity."""

    SEARCH_FIELDS = (("name", "A"), ("summary", "B"), ("description", "B"), ("for_practice", "C"))

    key = models.SlugField(_("sleutel"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), unique=True)
    name = models.CharField(_("naam"), max_length=100)
    summary = models.CharField(_("korte omschrijving"), max_length=300)
    description = models.TextField(_("beschrijving"))
    perspective = models.CharField(
        _("visie"),
        max_length=100,
        help_text=_("De maatschappijvisie erachter, bv. de liberale opvatting."),
    )
    thinkers = models.CharField(
        _("denkers"),
        max_length=200,
        help_text=_("De denkers die de brontekst bij deze bron noemt."),
    )
    for_practice = models.TextField(
        _("wat beleid en praktijk kunnen doen"),
        blank=True,
        help_text=_(
            "Wat beleid, organisaties en professionals volgens de brontekst met deze bron kunnen"
            " doen of in het oog houden. Platte tekst; alinea's gescheiden door een witregel."
        ),
    )
    section = models.OneToOneField(
        Section,
        verbose_name=_("tekstdeel"),
        on_delete=models.PROTECT,
        related_name="source",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["order"]
        verbose_name = _("bron van solidariteit")
        verbose_name_plural = _("bronnen van solidariteit")

    def __str__(self) -> str:
        return self.shown.name

    def get_absolute_url(self) -> str:
        return reverse("source-detail", args=[self.key])


@translated(
    "pole_a",
    "pole_b",
    "pole_a_description",
    "pole_b_description",
    "question",
    "description",
    "for_practice",
)
class TensionField(WrittenIn, NaturalKeyModel):
    """One of the six tension fields: a spectrum between pole A and pole B."""

    SEARCH_FIELDS = (
        ("pole_a", "A"),
        ("pole_b", "A"),
        ("question", "B"),
        ("description", "B"),
        ("for_practice", "C"),
    )

    key = models.SlugField(_("sleutel"), max_length=60, unique=True)
    number = models.PositiveSmallIntegerField(
        _("nummer"),
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text=_("1 tot 6."),
    )
    pole_a = models.CharField(_("pool A"), max_length=60)
    pole_b = models.CharField(_("pool B"), max_length=60)
    pole_a_description = models.CharField(_("pool A betekent"), max_length=300)
    pole_b_description = models.CharField(_("pool B betekent"), max_length=300)
    question = models.CharField(_("waarover het gaat"), max_length=300)
    description = models.TextField(_("beschrijving"))
    for_practice = models.TextField(
        _("wat beleid en praktijk kunnen doen"),
        blank=True,
        help_text=_(
            "Wat beleid, organisaties en professionals volgens de brontekst op dit spanningsveld"
            " kunnen doen of in het oog houden. Platte tekst; alinea's gescheiden door een witregel."
        ),
    )
    section = models.OneToOneField(
        Section,
        verbose_name=_("tekstdeel"),
        on_delete=models.PROTECT,
        related_name="tension_field",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("spanningsveld")
        verbose_name_plural = _("spanningsvelden")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=6),
                name="tensionfield_number_1_to_6",
                violation_error_message=_(
                    "Het kader telt zes spanningsvelden: het nummer ligt tussen 1 en 6."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The field named by its poles, in the page's language (`WrittenIn.shown_text`)."""
        return f"{self.shown.pole_a} – {self.shown.pole_b}"

    def language_of(self, field: str = "") -> str:
        if field == "name":  # both poles are translated together
            return super().language_of("pole_a")
        return super().language_of(field)

    def get_absolute_url(self) -> str:
        return reverse("tension-field-detail", args=[self.key])


@translated("name", "description")
class Domain(WrittenIn, NaturalKeyModel):
    """A domain of social life: wonen, werken, leren, vrije tijd."""

    key = models.SlugField(_("sleutel"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), unique=True)
    name = models.CharField(_("naam"), max_length=60)
    description = models.CharField(_("omschrijving"), max_length=300)
    planned_case_studies = models.PositiveSmallIntegerField(_("geplande casestudies"), default=8)

    class Meta:
        ordering = ["order"]
        verbose_name = _("domein")
        verbose_name_plural = _("domeinen")

    def __str__(self) -> str:
        return self.shown.name


def framework_lists() -> tuple[list[Source], list[TensionField], list[Domain]]:
    """The sources, tension fields and domains, as lists (three queries)."""
    return list(Source.objects.all()), list(TensionField.objects.all()), list(Domain.objects.all())
