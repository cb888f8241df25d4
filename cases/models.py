"""Case studies and pilot cases, and their coding against the DieGem framework."""

from __future__ import annotations

from dataclasses import dataclass

import reversion
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    StringAgg,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from cases import case_places, case_profiles
from cases.vocabulary import (  # noqa: F401 (the vocabulary's models, registered with this app's)
    SearchTerm,
    TranslatedSearchTerm,
)
from diegem.lib import search as full_text
from diegem.lib.anchoring import AnchoredPassage
from diegem.lib.annotatable import normalize_plain_text
from diegem.lib.languages import (
    WrittenIn,
    language_codes,
    language_field,
    translated,
    translation_column,
    translation_languages,
    with_translations,
)
from diegem.lib.visible_text import has_visible_text
from frameworks.models import Domain, Source, TensionField


@dataclass(frozen=True)
class TextSection:
    """One of the text sections every case has, in the order a reader meets them.

    `field` names the model field; `slug` is the Dutch word used in the page's
    anchors, the text's URL and the exchange columns.
    """

    field: str
    slug: str
    title: str
    help_text: str


# The longest a text section may be, in each language: some twenty pages, more than a case
# study's section needs, and within what PostgreSQL's text search keeps of a case (a search
# vector of all its sections holds at most 1 MB: a longer text was a 500).
SECTION_MAX_LENGTH = 50_000

# The text sections of a case: the practice itself, then the "here and now"
# lens of the framework (place, citizenship, learning), then what the research
# asks of every case at its close (interventions, lessons).
TEXT_SECTIONS: tuple[TextSection, ...] = (
    TextSection(
        "context", "context", _("Context"), _("De achtergrond: buurt, organisatie, aanleiding.")
    ),
    TextSection(
        "practice",
        "praktijk",
        _("De praktijk"),
        _("Wat er gebeurt, door wie, hoe vaak, sinds wanneer."),
    ),
    TextSection(
        "place_text",
        "plaats",
        _("Plaats"),
        _(
            "De plaats relationeel bekeken: de locatie en de netwerken die ze met andere plaatsen verbinden."
        ),
    ),
    TextSection(
        "citizenship",
        "burgerschapspraktijken",
        _("Burgerschapspraktijken"),
        _("Burgerschap als praktijk: welke claims mensen hier en nu leggen, hoe ze meedoen."),
    ),
    TextSection(
        "learning",
        "leerprocessen",
        _("Leerprocessen"),
        _("Informele, collectieve leerprocessen die in de praktijk opduiken."),
    ),
    TextSection(
        "interventions",
        "interventies",
        _("Interventies en de rol van professionals"),
        _(
            "Hoe professionals en organisaties ingrijpen op ruimte, leerprocessen en burgerschapspraktijken."
        ),
    ),
    TextSection(
        "lessons",
        "aandachtspunten",
        _("Aandachtspunten voor beleid en praktijk"),
        _("Wat beleidsmakers en praktijkwerkers hieruit kunnen leren."),
    ),
)
TEXT_SECTION_FIELDS = tuple(section.field for section in TEXT_SECTIONS)
# The text sections as the choices of a field that names one (annotations, evidence).
TEXT_SECTION_CHOICES = [(section.field, section.title) for section in TEXT_SECTIONS]
# The fields stored in the normal form of annotatable text (see Case.save).
PLAIN_TEXT_FIELDS = ("summary", *TEXT_SECTION_FIELDS)
_TEXT_SECTION_BY_NAME = {
    name: section for section in TEXT_SECTIONS for name in (section.slug, section.field)
}


def text_section(name: str) -> TextSection | None:
    """The text section named by its Dutch slug (or, from older links, its field name)."""
    return _TEXT_SECTION_BY_NAME.get(name)


class Strength(models.IntegerChoices):
    """How strongly a case draws on a source of solidarity."""

    ABSENT = 0, _("afwezig")
    WEAK = 1, _("zwak")
    MODERATE = 2, _("matig")
    STRONG = 3, _("sterk")


class Position(models.IntegerChoices):
    """Five steps on a tension field, from pole A (-2) to pole B (+2)."""

    POLE_A = -2, _("sterk naar pool A")
    LEANS_A = -1, _("eerder pool A")
    MIDDLE = 0, _("in het midden")
    LEANS_B = 1, _("eerder pool B")
    POLE_B = 2, _("sterk naar pool B")


class Grounds(models.TextChoices):
    """How a coding is known: the basis a reader can weigh it by.

    The research text never scores a case; it places notes beside sources and
    fields. So every coding says whether the case's own text supports it
    (anchored evidence passages), whether it is the reading of whoever coded it
    (researchers or the bank's editors), or whether the material allows no value
    at all.
    """

    EVIDENCE = "tekstbewijs", _("tekstbewijs")
    INTERPRETATION = "interpretatie", _("interpretatie")
    UNDETERMINED = "niet_te_bepalen", _("niet te bepalen")


def may_read_drafts(user) -> bool:
    """Who may read a case that is not published, through any page or annotation: those who may edit cases.

    Asked several times on a page (the case, its margin, readings): answered once per user
    object (Django asks every authentication backend anew on each `has_perm`), kept with it
    as its permissions are (`SiteBackend`'s `_perm_cache`): a user object read afresh, as
    every request reads it, asks again."""
    if not user.is_authenticated or not user.is_active:
        return False
    answer = getattr(user, "_may_read_drafts", None)
    if answer is None:
        answer = user._may_read_drafts = user.has_perm("cases.change_case")
    return answer


def blind_case_ids(user) -> models.QuerySet:
    """The cases this user codes blind now: second coder of an open double-coding round (a subquery)."""
    if not user.is_authenticated:
        return DoubleCodingRound.objects.none().values("case_id")
    return DoubleCodingRound.objects.coding().filter(second_coder=user).values("case_id")


def profile_prefetches(*, evidence_only: bool = False) -> list[Prefetch]:
    """A case's codings with their framework rows (`CaseQuerySet.with_profile`, or
    `prefetch_related_objects` for a case in hand)."""
    return [
        Prefetch(
            "source_codings",
            queryset=SourceCoding.objects.shown(evidence_only=evidence_only).select_related(
                "source"
            ),
        ),
        Prefetch(
            "tension_positions",
            queryset=TensionPosition.objects.shown(evidence_only=evidence_only).select_related(
                "tension_field"
            ),
        ),
    ]


def may_read_coding(user, case) -> bool:
    """Whether this user may read the coding of this case (see `CaseQuerySet.codings_visible_to`)."""
    return Case.objects.codings_visible_to(user).filter(pk=case.pk).exists()


class CaseQuerySet(models.QuerySet):
    """The read vocabulary for cases. Every public view starts from `published()`."""

    def published(self) -> CaseQuerySet:
        return self.filter(status=Case.Status.PUBLISHED)

    def visible_to(self, user, *, drafts: bool | None = None) -> CaseQuerySet:
        """Published cases, plus every case for those who may edit cases. `drafts` says whether
        `user` may, for a prepared query's stand-in reader only (`diegem.lib.prepared`: a
        negative id), whose real reader's permission the caller checked."""
        if drafts is not None and user.is_authenticated and (user.pk or 0) >= 0:
            raise ValueError("drafts= is for a prepared query's stand-in reader only")
        if may_read_drafts(user) if drafts is None else drafts:
            return self.all()
        return self.published()

    def codings_visible_to(self, user, *, drafts: bool | None = None) -> CaseQuerySet:
        """The cases whose coding (values, grounds, rationales, evidence, history) this user may read.

        `visible_to(user)`, less the cases the user is coding blind: while a double-coding
        round of a case is open (not both independent codings submitted), its second coder
        sees the case text and the framework in the blind coding form, never the case's
        coding nor its history. Every page, export and API that shows a coding of a case
        that may not be public starts here (`may_read_coding` for a case in hand).
        """
        return self.visible_to(user, drafts=drafts).exclude(pk__in=blind_case_ids(user))

    def with_profile(self, *, evidence_only: bool = False) -> CaseQuerySet:
        """Domain, codings and their framework rows in a fixed number of queries.

        With `evidence_only` the codings that rest on interpretation stay behind
        (undetermined ones come along: they are shown, never as a value).
        """
        return self.select_related("domain").prefetch_related(
            *profile_prefetches(evidence_only=evidence_only)
        )

    def for_near_cards(self) -> CaseQuerySet:
        """What the cards of cases near a placed practice show of a case, and nothing more: its
        row carries all its texts and its search vector (`cases.case_nearness`)."""
        return self.select_related("domain").only(
            *with_translations(Case, "title"),
            "slug",
            "municipality",
            "neighbourhood",
            *with_translations(Domain, "name", prefix="domain__"),
        )

    def for_listing(self, *, evidence_only: bool = False) -> CaseQuerySet:
        """What a list of case cards needs: the domain and the sources a case draws on (at least weak).

        With `evidence_only` ("alleen met tekstbewijs") only the codings that rest on
        the text come along, so a card's mini-profile shows nothing else.
        """
        codings = SourceCoding.objects.counted(evidence_only=evidence_only).filter(
            strength__gte=Strength.WEAK
        )
        return self.select_related("domain").prefetch_related(
            Prefetch("source_codings", queryset=codings.select_related("source"))
        )

    def drawing_on(
        self,
        source: Source,
        min_strength: int = Strength.WEAK,
        *,
        evidence_only: bool = False,
        layout: case_profiles.ProfileLayout | None = None,
    ) -> CaseQuerySet:
        """Cases coded at least `min_strength` on the source (on text evidence only, when asked)."""
        return self.filter(
            self.drawing_on_condition(
                source, min_strength, evidence_only=evidence_only, layout=layout
            )
        )

    def positioned_on(
        self,
        tension_field: TensionField,
        positions=(),
        *,
        both_poles: bool = False,
        evidence_only: bool = False,
        layout: case_profiles.ProfileLayout | None = None,
    ) -> CaseQuerySet:
        """Cases placed at one of `positions` on the field, or holding both poles.

        Every position from pole to pole is the whole scale, and a case holding both
        poles lies on it: it matches too.
        """
        return self.filter(
            self.positioned_on_condition(
                tension_field,
                positions,
                both_poles=both_poles,
                evidence_only=evidence_only,
                layout=layout,
            )
        )

    @staticmethod
    def drawing_on_condition(
        source: Source,
        min_strength: int = Strength.WEAK,
        *,
        evidence_only: bool = False,
        layout: case_profiles.ProfileLayout | None = None,
    ) -> Q:
        """`drawing_on` as a condition on the case row, to filter or to count with.

        With the framework's `layout` it reads the profile columns of the case row
        (`cases.case_profiles`); without, or for a source beyond them, the codings.
        """
        if layout and (slot := layout.source_slot(source)):
            return case_profiles.strength_at_least(slot, min_strength, evidence_only=evidence_only)
        codings = SourceCoding.objects.counted(evidence_only=evidence_only)
        return Q(
            Exists(codings.filter(case=OuterRef("pk"), source=source, strength__gte=min_strength))
        )

    @staticmethod
    def positioned_on_condition(
        tension_field: TensionField,
        positions=(),
        *,
        both_poles: bool = False,
        evidence_only: bool = False,
        layout: case_profiles.ProfileLayout | None = None,
    ) -> Q:
        """`positioned_on` as a condition on the case row, read as `drawing_on_condition`."""
        positions = set(positions)
        both_poles = both_poles or positions >= set(Position.values)
        if layout and (slot := layout.field_slot(tension_field)):
            return case_profiles.placed_at(
                slot, positions, both_poles=both_poles, evidence_only=evidence_only
            )
        placed = Q(holds_both=False, position__in=positions) if positions else Q(pk__in=[])
        if both_poles:
            placed |= Q(holds_both=True)
        return Q(
            Exists(
                TensionPosition.objects.counted(evidence_only=evidence_only).filter(
                    placed, case=OuterRef("pk"), tension_field=tension_field
                )
            )
        )

    # --- search (diegem.lib.search) ----------------------------------------------------------

    def search(self, parsed: full_text.ParsedQuery) -> CaseQuerySet:
        """Cases whose text in the reader's language matches the query with that language's
        stemmer, or whose original does with the original's: each a stored vector per language
        (`vector_column`: the case's text in that language, its original or its translation)
        with its GIN index. One condition per language, so that each can use its index."""
        reader = _reader_language()
        found = Q(**{vector_column(reader): full_text.search_query(parsed, reader)})
        for language in language_codes():
            if language != reader:
                found |= Q(original_language=language) & Q(
                    **{vector_column(language): full_text.search_query(parsed, language)}
                )
        return self.filter(found)

    def ranked(self, parsed: full_text.ParsedQuery) -> CaseQuerySet:
        """These cases (already matching the query), best first: the text in the reader's
        language and the original ranked together (a case matching in both first).

        Broad queries rank only the most recent CANDIDATE_CAP hits: ranking reads
        every hit's vector, and nobody pages past a few hundred results.
        """
        candidates = self.order_by("-published_at", "-pk").values("pk")[: full_text.CANDIDATE_CAP]
        reader = _reader_language()

        def rank_in(language: str):
            return Coalesce(
                SearchRank(F(vector_column(language)), full_text.search_query(parsed, language)),
                0.0,
            )

        in_the_original = [
            When(original_language=language, then=rank_in(language))
            for language in language_codes()
            if language != reader
        ]
        rank = rank_in(reader) + models.Case(
            *in_the_original, default=Value(0.0), output_field=models.FloatField()
        )
        return (
            Case.objects.filter(pk__in=Subquery(candidates))
            .annotate(rank=rank)
            .order_by("-rank", "title", "pk")
        )

    def capped_count(self) -> tuple[int, bool]:
        """How many cases there are, counting no further than the cap: (count, capped)."""
        count = self.order_by().values("pk")[: full_text.CANDIDATE_CAP + 1].count()
        return min(count, full_text.CANDIDATE_CAP), count > full_text.CANDIDATE_CAP

    def attach_snippets(self, cases: list[Case], parsed: full_text.ParsedQuery) -> None:
        """Give each case of a result page a `snippet` of its summary and text sections, hits marked."""
        full_text.attach_snippets(
            cases,
            self,
            _snippet_text(),
            parsed,
            _snippet_source,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=full_text.FRAGMENT_DELIMITER,
        )

    def refresh_search_vectors(self) -> int:
        """Recompute these cases' stored search vectors (one UPDATE).

        Not a generated column: the vector holds the keywords, rows of another table.
        """
        return self.update(
            **{vector_column(language): language_vector(language) for language in language_codes()}
        )


def _reader_language() -> str:
    language = get_language()
    return language if language in language_codes() else settings.LANGUAGE_CODE


def vector_column(language: str) -> str:
    """The stored search vector of a case's text in `language` (each with the keywords, place
    and initiative): `search_vector` for Dutch, `search_vector_fr`, `search_vector_en`."""
    if language == settings.LANGUAGE_CODE:
        return "search_vector"
    return translation_column("search_vector", language)


def text_in(field: str, language: str):
    """A case's `field` in `language`, in SQL: the original where the case is written in it,
    else the translation into it (empty while there is none)."""
    return models.Case(
        When(original_language=language, then=F(field)),
        default=F(translation_column(field, language)),
        output_field=models.TextField(),
    )


def language_vector(language: str) -> CombinedSearchVector:
    """A case's text in `language` (`text_in`: its original written in it, else the
    translation), with that language's stemmer: title above summary and keywords above places
    and the text sections (`vector_column` stores it)."""
    config = full_text.search_config(language)
    columns = [text_in(field, language) for field in TEXT_SECTION_FIELDS]
    return (
        SearchVector(text_in("title", language), weight="A", config=config)
        + SearchVector(text_in("summary", language), weight="B", config=config)
        + _neutral_vector(config)
        + SearchVector(*columns, weight="D", config=config)
    )


def _neutral_vector(config: str) -> CombinedSearchVector:
    """What a case is found by in every language: its keywords, its place and initiative."""
    keywords = Coalesce(
        Subquery(
            KeywordedCase.objects.filter(content_object=OuterRef("pk"))
            .values("content_object")
            .annotate(names=StringAgg("tag__name", delimiter=Value(" ")))
            .values("names")[:1]
        ),
        Value(""),
        output_field=models.TextField(),
    )
    return SearchVector(keywords, weight="B", config=config) + SearchVector(
        "municipality", "neighbourhood", "initiative", weight="C", config=config
    )


def _snippet_text() -> Concat:
    """The text snippets are cut from, in the database: summary and the text sections, as the
    page's language shows them (`Case.shown_text`)."""
    language = get_language()
    parts = []
    for field in ("summary", *TEXT_SECTION_FIELDS):
        parts += [full_text.shown_expression(Case, field, language), Value(" \n")]
    return Concat(*parts, output_field=models.TextField())


def _snippet_source(case: Case) -> str:
    """The text `_snippet_text()` builds in the database, built from the case in hand."""
    return "".join(f"{case.shown_text(field)[0]} \n" for field in ("summary", *TEXT_SECTION_FIELDS))


class CaseManager(models.Manager.from_queryset(CaseQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class CaseKind(models.TextChoices):
    PILOT = "pilot", _("pilootcase")
    CASE_STUDY = "case_study", _("casestudie")


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("concept")
    IN_REVIEW = "in_review", _("ter nalezing")
    PUBLISHED = "published", _("gepubliceerd")


class CaseAction(models.TextChoices):
    """The moves of a case's workflow (`cases.services.WORKFLOW`), with the words the workbench uses for them."""

    SUBMIT = "submit", _("Ter nalezing aanbieden")
    PUBLISH = "publish", _("Publiceren")
    RETURN_TO_DRAFT = "return_to_draft", _("Terug naar concept")
    UNPUBLISH = "unpublish", _("Offline halen")


def validate_nis_code(value: str) -> None:
    if value and case_places.municipality(value) is None:
        raise ValidationError(
            _("Onbekende NIS-code ‘%(code)s’: kies een Belgische gemeente uit de lijst."),
            params={"code": value},
        )


def _degrees(verbose_name, limit: int, message, help_text) -> models.DecimalField:
    """A latitude or longitude in decimal degrees, between -limit and limit."""
    return models.DecimalField(
        verbose_name,
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-limit, message), MaxValueValidator(limit, message)],
        help_text=help_text,
    )


def _section_field(verbose_name, number: int) -> models.TextField:
    """One of a case's text sections (`TEXT_SECTIONS[number]`): optional, bounded."""
    return models.TextField(
        verbose_name,
        blank=True,
        max_length=SECTION_MAX_LENGTH,
        help_text=TEXT_SECTIONS[number].help_text,
    )


@translated("title", *PLAIN_TEXT_FIELDS, into=translation_languages(with_source=True))
class Case(WrittenIn, models.Model):
    """A case study or pilot case: an initiative where solidarity in diversity grows."""

    Kind = CaseKind
    Status = CaseStatus

    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("Het laatste deel van het webadres.")
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind, default=Kind.CASE_STUDY)
    domain = models.ForeignKey(
        Domain, verbose_name=_("domein"), on_delete=models.PROTECT, related_name="cases"
    )
    municipality = models.CharField(_("gemeente"), max_length=100)
    # The municipality's NIS code from the register (cases.case_places); the forms fill in
    # `municipality` from it. Blank only for cases from before the register.
    nis_code = models.CharField(
        _("gemeente (NIS-code)"), max_length=5, blank=True, validators=[validate_nis_code]
    )
    # A relational place spread over several municipalities: the others, by NIS code.
    more_places = ArrayField(
        models.CharField(max_length=5, validators=[validate_nis_code]),
        verbose_name=_("ook in"),
        blank=True,
        default=list,
        help_text=_(
            "Andere gemeenten waar de praktijk zich afspeelt, als ze over meer plaatsen gespreid is."
        ),
    )
    neighbourhood = models.CharField(_("buurt of wijk"), max_length=100, blank=True)
    latitude = _degrees(
        _("breedtegraad"),
        90,
        _("De breedtegraad ligt tussen -90 en 90."),
        _("In decimale graden, bv. 51.054300 voor Gent; samen met de lengtegraad."),
    )
    longitude = _degrees(
        _("lengtegraad"),
        180,
        _("De lengtegraad ligt tussen -180 en 180."),
        _("In decimale graden, bv. 3.717400 voor Gent; samen met de breedtegraad."),
    )
    initiative = models.CharField(
        _("initiatief of organisatie"),
        max_length=200,
        help_text=_("Wie de praktijk draagt: de organisatie, het initiatief of het netwerk."),
    )
    website = models.URLField(_("website"), blank=True)
    summary = models.TextField(
        _("samenvatting"),
        max_length=1200,
        help_text=_("Twee tot vijf zinnen voor de lijst en de zoekresultaten."),
    )
    context = _section_field(_("context"), 0)
    practice = _section_field(_("de praktijk"), 1)
    place_text = _section_field(_("plaats"), 2)
    citizenship = _section_field(_("burgerschapspraktijken"), 3)
    learning = _section_field(_("leerprocessen"), 4)
    interventions = _section_field(_("interventies en rol van professionals"), 5)
    lessons = _section_field(_("aandachtspunten voor beleid en praktijk"), 6)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    # The language its texts were written in; translations stand beside them (`translated`).
    original_language = language_field(_("oorspronkelijke taal"))
    researchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("onderzoekers"),
        related_name="researched_cases",
        blank=True,
    )
    start_year = models.PositiveSmallIntegerField(
        _("startjaar van het initiatief"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1800, _("Het startjaar ligt tussen 1800 en 2100.")),
            MaxValueValidator(2100, _("Het startjaar ligt tussen 1800 en 2100.")),
        ],
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    # Weighted Dutch search vector (language_vector), kept up to date by the services.
    search_vector = SearchVectorField(null=True, editable=False)
    # The case's text in French and in English (its original where written in it, else the
    # translation: `text_in`), each with its own stemmer.
    search_vector_fr = SearchVectorField(null=True, editable=False)
    search_vector_en = SearchVectorField(null=True, editable=False)

    keywords = TaggableManager(
        verbose_name=_("trefwoorden"),
        through="cases.KeywordedCase",
        blank=True,
        help_text=_("Gescheiden door komma's."),
    )

    objects = CaseManager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("praktijk")
        verbose_name_plural = _("praktijken")
        permissions = [("publish_case", _("Kan praktijken publiceren en terugtrekken"))]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CaseKind.values), name="case_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="case_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="case_coordinates_pair_in_range",
                violation_error_message=_(
                    "Breedtegraad en lengtegraad: geef ze samen (breedtegraad tussen -90 en 90, lengtegraad tussen "
                    "-180 en 180), of geen van beide."
                ),
            ),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(start_year__gte=1800, start_year__lte=2100),
                name="case_start_year_plausible",
                violation_error_message=_("Het startjaar ligt tussen 1800 en 2100."),
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="case_slug_not_empty"),
            models.CheckConstraint(
                condition=Q(original_language__in=language_codes()), name="case_language_valid"
            ),
        ]
        indexes = [
            # The public list: published cases, newest first (home page, feed, search candidates).
            models.Index(
                fields=["-published_at"],
                name="case_published_recent",
                condition=Q(status=CaseStatus.PUBLISHED),
            ),
            # The case list's default order: published cases by title.
            models.Index(
                fields=["title", "id"],
                name="case_published_by_title",
                condition=Q(status=CaseStatus.PUBLISHED),
            ),
            # Search: `search_vector @@ query`.
            GinIndex(fields=["search_vector"], name="case_search_vector_gin"),
            GinIndex(fields=["search_vector_fr"], name="case_search_vector_fr_gin"),
            GinIndex(fields=["search_vector_en"], name="case_search_vector_en_gin"),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self):
        return (self.slug,)

    def save(self, *args, **kwargs):
        # Annotatable text is stored in one normal form (see diegem.lib.annotatable), every
        # language version of it too.
        for field in PLAIN_TEXT_FIELDS:
            for column in (
                field,
                *(translation_column(field, c) for c in self.TRANSLATION_LANGUAGES),
            ):
                setattr(self, column, normalize_plain_text(getattr(self, column)))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("case-detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def place_label(self) -> str:
        return ", ".join(part for part in (self.neighbourhood, self.municipality) if part)

    @property
    def more_places_named(self) -> list[str]:
        """The other municipalities a relational place is spread over, by name (never its own,
        which a row written before `case_places.other_places` may hold)."""
        return [
            found.name
            for nis in dict.fromkeys(self.more_places)
            if nis != self.nis_code and (found := case_places.municipality(nis))
        ]

    def text_sections(self) -> list[tuple[TextSection, str]]:
        """The non-empty text sections with their text, in reading order (the originals)."""
        return [
            (section, getattr(self, section.field))
            for section in TEXT_SECTIONS
            if getattr(self, section.field).strip()
        ]

    def shown_text_sections(self) -> list[tuple[TextSection, str, str]]:
        """The non-empty text sections as the page's language shows them: (section, text,
        language), the translation where there is one, else the original."""
        return [
            (section, *self.shown_text(section.field))
            for section in TEXT_SECTIONS
            if getattr(self, section.field).strip()
        ]

    # How many things a complete case has: three fields, some text, four sources, six fields.
    REQUIREMENTS = 3 + 1 + 4 + 6

    def missing_for_publication(self, sources=None, tension_fields=None) -> list[str]:
        """What stands between this case and publication, in words a researcher reads.

        Every source and every tension field needs a coding with its grounds,
        and every coding a rationale: what the evidence shows, what the
        interpretation rests on, or why no value can be given ("niet te
        bepalen" is complete). Pass the sources and tension fields when
        checking many cases, to read them once.
        """
        missing = []
        for field in ("summary", "municipality", "initiative"):
            if not has_visible_text(getattr(self, field)):
                missing.append(
                    str(_("Het veld ‘%(field)s’ is leeg."))
                    % {"field": self._meta.get_field(field).verbose_name}
                )
        if not any(has_visible_text(text) for _section, text in self.text_sections()):
            missing.append(str(_("Er is nog geen enkele tekstsectie ingevuld.")))
        return missing + [gap for _coded, gap in self._coding_gaps(sources, tension_fields)]

    def rationales_missing(self, sources=None, tension_fields=None) -> list[str]:
        """The codings this case has without a rationale, in words a researcher reads: what
        keeps it from review (a case in review or published is never without them)."""
        return [gap for coded, gap in self._coding_gaps(sources, tension_fields) if coded]

    def _coding_gaps(self, sources, tension_fields):
        """Per source, then per tension field: (False, …) when it is not coded, (True, …)
        when its coding has no rationale."""
        codings = {c.source_id: c for c in self.source_codings.all()}
        for source in sources if sources is not None else Source.objects.all():
            coding = codings.get(source.pk)
            if coding is None:
                yield False, str(_("De bron ‘%(source)s’ is niet gecodeerd.")) % {"source": source}
            elif not has_visible_text(coding.rationale):
                yield (
                    True,
                    str(_("De codering van de bron ‘%(source)s’ heeft geen onderbouwing."))
                    % {"source": source},
                )
        positions = {p.tension_field_id: p for p in self.tension_positions.all()}
        for tension_field in (
            tension_fields if tension_fields is not None else TensionField.objects.all()
        ):
            position = positions.get(tension_field.pk)
            if position is None:
                yield (
                    False,
                    str(_("Het spanningsveld ‘%(field)s’ is niet gecodeerd."))
                    % {"field": tension_field},
                )
            elif not has_visible_text(position.rationale):
                yield (
                    True,
                    str(_("De positie op ‘%(field)s’ heeft geen onderbouwing."))
                    % {"field": tension_field},
                )

    def source_strengths(self) -> list[tuple[Source, SourceCoding | None]]:
        """Every source with this case's coding, from prefetched rows when present."""
        codings = {coding.source_id: coding for coding in self.source_codings.all()}
        return [(source, codings.get(source.pk)) for source in Source.objects.all()]


class KeywordedCase(TaggedItemBase):
    """The taggit through model: a real foreign key from keyword to case."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="keyword_links")

    # taggit's manager looks fixture rows up by these fields (natural keys).
    natural_key_fields = ["content_object__slug", "tag__name"]

    class Meta:
        verbose_name = _("trefwoord van een praktijk")
        verbose_name_plural = _("trefwoorden van praktijken")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="keyword_once_per_case"),
        ]

    def natural_key(self):
        return (self.content_object.slug, self.tag.name)

    natural_key.dependencies = ["cases.case", "taggit.tag"]


class CodingQuerySet(models.QuerySet):
    """The read vocabulary for codings, and the one place where "alleen met tekstbewijs" is applied.

    A reader may restrict every view to codings on text evidence (`cases.filters.evidence_only`).
    Undetermined codings have no value: they are never counted as one (`counted`), and pages
    that name them do so apart (`shown` keeps them).
    """

    def determined(self) -> CodingQuerySet:
        return self.exclude(grounds=Grounds.UNDETERMINED)

    def undetermined(self) -> CodingQuerySet:
        return self.filter(grounds=Grounds.UNDETERMINED)

    def with_evidence(self) -> CodingQuerySet:
        return self.filter(grounds=Grounds.EVIDENCE)

    def shown(self, *, evidence_only: bool) -> CodingQuerySet:
        """What a reader sees: every coding, or with the restriction none that rests on interpretation."""
        return self.exclude(grounds=Grounds.INTERPRETATION) if evidence_only else self.all()

    def counted(self, *, evidence_only: bool) -> CodingQuerySet:
        """What counts as a value: codings with one, and with the restriction only those on text evidence."""
        return self.with_evidence() if evidence_only else self.determined()


class CodingManager(models.Manager.from_queryset(CodingQuerySet)):
    """Natural keys for codings: (case slug, framework key)."""

    framework_field: str

    def get_by_natural_key(self, case_slug, framework_key):
        return self.get(case__slug=case_slug, **{f"{self.framework_field}__key": framework_key})


class SourceCodingManager(CodingManager):
    framework_field = "source"


class TensionPositionManager(CodingManager):
    framework_field = "tension_field"


class Judgement(models.Model):
    """What every coding shares, the case's own and a coder's independent one: grounds and a rationale.

    The grounds say how the value is known (`Grounds`). "Niet te bepalen" has no
    value at all (the concrete models' constraints hold it: `strength_constraints`,
    `position_constraints`).
    """

    grounds = models.CharField(
        _("grond"), max_length=20, choices=Grounds, default=Grounds.INTERPRETATION
    )
    rationale = models.TextField(_("onderbouwing"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_determined(self) -> bool:
        return self.grounds != Grounds.UNDETERMINED

    @property
    def has_evidence(self) -> bool:
        return self.grounds == Grounds.EVIDENCE


@translated("rationale", into=translation_languages(with_source=True), with_translator=False)
class Coding(WrittenIn, Judgement):
    """A case's own coding: a judgement whose "tekstbewijs" rests on anchored passages of its text.

    "Tekstbewijs" needs at least one anchored evidence passage (the services
    refuse it otherwise). When an edit of the text orphans the last passage, the
    coding becomes an interpretation with `evidence_orphaned` set, flagged for the
    researchers, until a passage is anchored again (cases.evidence).
    """

    evidence_orphaned = models.BooleanField(
        _("tekstbewijs verweesd"),
        default=False,
        editable=False,
        help_text=_(
            "Het tekstbewijs staat niet meer in de tekst; tot het opnieuw verankerd is, telt de codering als interpretatie."
        ),
    )

    class Meta:
        abstract = True

    @property
    def original_language(self) -> str:
        """A rationale is written in its case's language (and translated with its case)."""
        return self.case.original_language

    def translator(self, language: str | None = None) -> str:
        return self.case.translator(language)


def strength_field() -> models.SmallIntegerField:
    """A strength 0..3, empty when it cannot be told."""
    return models.SmallIntegerField(
        _("sterkte"),
        choices=Strength,
        null=True,
        blank=True,
        help_text=_("Leeg als de sterkte niet te bepalen is."),
    )


def strength_constraints(prefix: str) -> list[models.CheckConstraint]:
    """A strength on the scale, exactly when the grounds allow one."""
    return [
        models.CheckConstraint(
            condition=Q(strength__isnull=True)
            | Q(strength__gte=Strength.ABSENT, strength__lte=Strength.STRONG),
            name=f"{prefix}_strength_0_to_3",
        ),
        models.CheckConstraint(
            condition=Q(grounds=Grounds.UNDETERMINED, strength__isnull=True)
            | (~Q(grounds=Grounds.UNDETERMINED) & Q(strength__isnull=False)),
            name=f"{prefix}_strength_iff_determined",
            violation_error_message=_(
                "Kies een sterkte, of de grond ‘niet te bepalen’ zonder sterkte."
            ),
        ),
    ]


def position_fields() -> tuple[models.SmallIntegerField, models.BooleanField]:
    """A position -2..+2 and the flag that the practice holds both poles."""
    return (
        models.SmallIntegerField(
            _("positie"),
            choices=Position,
            null=True,
            blank=True,
            help_text=_(
                "Van -2 (pool A) tot +2 (pool B). Leeg als de praktijk beide polen vasthoudt of als de positie niet te bepalen is."
            ),
        ),
        models.BooleanField(
            _("houdt beide polen vast"),
            default=False,
            help_text=_(
                "De praktijk kiest geen plaats tussen de twee polen maar houdt ze allebei vast."
            ),
        ),
    )


def position_constraints(prefix: str) -> list[models.CheckConstraint]:
    """A place on the scale, or both poles, exactly when the grounds allow a value; nothing when it cannot be told."""
    return [
        models.CheckConstraint(
            condition=(
                Q(grounds=Grounds.UNDETERMINED, holds_both=False, position__isnull=True)
                | ~Q(grounds=Grounds.UNDETERMINED)
                & (
                    Q(holds_both=True, position__isnull=True)
                    | Q(
                        holds_both=False,
                        position__isnull=False,
                        position__gte=Position.POLE_A,
                        position__lte=Position.POLE_B,
                    )
                )
            ),
            name=f"{prefix}_on_scale_or_both_poles",
            violation_error_message=_(
                "Kies een positie of vink ‘houdt beide polen vast’ aan (precies één van beide); "
                "bij de grond ‘niet te bepalen’ blijven ze allebei leeg."
            ),
        )
    ]


def grounds_valid(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(grounds__in=Grounds.values), name=f"{prefix}_grounds_valid"
    )


def grounds_constraints(prefix: str) -> list[models.CheckConstraint]:
    """The rules every coding table keeps about its grounds."""
    return [
        grounds_valid(prefix),
        models.CheckConstraint(
            condition=Q(evidence_orphaned=False) | Q(grounds=Grounds.INTERPRETATION),
            name=f"{prefix}_orphaned_evidence_is_interpretation",
        ),
    ]


class SourceCoding(Coding):
    """How strongly a case draws on one source of solidarity, how that is known, and why."""

    case = models.ForeignKey(
        Case, verbose_name=_("praktijk"), on_delete=models.CASCADE, related_name="source_codings"
    )
    source = models.ForeignKey(
        Source, verbose_name=_("bron"), on_delete=models.PROTECT, related_name="codings"
    )
    strength = strength_field()

    objects = SourceCodingManager()

    class Meta:
        ordering = ["source__order"]
        verbose_name = _("codering op een bron")
        verbose_name_plural = _("coderingen op de bronnen")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "source"], name="one_coding_per_case_and_source"
            ),
            *strength_constraints("source"),
            *grounds_constraints("source_coding"),
        ]
        indexes = [
            # Source pages and the source filter: cases on a source by strength.
            models.Index(fields=["source", "-strength"], name="coding_source_strength"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.source}: {self.label}"

    @property
    def label(self) -> str:
        """The strength in words, or that it cannot be told."""
        return describe_strength(self.strength)

    def natural_key(self):
        return (self.case.slug, self.source.key)

    natural_key.dependencies = ["cases.case", "frameworks.source"]


class TensionPosition(Coding):
    """Where a case sits on one tension field (or that it holds both poles), how that is known, and why."""

    case = models.ForeignKey(
        Case, verbose_name=_("praktijk"), on_delete=models.CASCADE, related_name="tension_positions"
    )
    tension_field = models.ForeignKey(
        TensionField,
        verbose_name=_("spanningsveld"),
        on_delete=models.PROTECT,
        related_name="positions",
    )
    position, holds_both = position_fields()

    objects = TensionPositionManager()

    class Meta:
        ordering = ["tension_field__number"]
        verbose_name = _("positie op een spanningsveld")
        verbose_name_plural = _("posities op de spanningsvelden")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "tension_field"], name="one_position_per_case_and_field"
            ),
            *position_constraints("position"),
            *grounds_constraints("tension_position"),
        ]
        indexes = [
            models.Index(fields=["tension_field", "position"], name="position_field_value"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.tension_field}: {self.label}"

    def natural_key(self):
        return (self.case.slug, self.tension_field.key)

    natural_key.dependencies = ["cases.case", "frameworks.tensionfield"]

    @property
    def label(self) -> str:
        """The position in the words of its own poles, e.g. "eerder universeel"."""
        if self.grounds == Grounds.UNDETERMINED:
            return str(_("niet te bepalen"))
        return describe_position(self.tension_field, self.position, self.holds_both)


def describe_strength(strength: int | None) -> str:
    """A strength in words; None is a strength that cannot be told from the material.

    These two run for every option of the practice tool's selects and every coding on its cards:
    `gettext` rather than a lazy string made and cast each time."""
    return gettext("niet te bepalen") if strength is None else str(Strength(strength).label)


def describe_position(tension_field: TensionField, position: int | None, holds_both: bool) -> str:
    if holds_both:
        return gettext("houdt beide polen vast")
    match position:
        case Position.POLE_A:
            return gettext("sterk %(pole)s") % {"pole": tension_field.shown.pole_a}
        case Position.LEANS_A:
            return gettext("eerder %(pole)s") % {"pole": tension_field.shown.pole_a}
        case Position.MIDDLE:
            return gettext("in het midden")
        case Position.LEANS_B:
            return gettext("eerder %(pole)s") % {"pole": tension_field.shown.pole_b}
        case Position.POLE_B:
            return gettext("sterk %(pole)s") % {"pole": tension_field.shown.pole_b}
    return gettext("niet gecodeerd")


class CaseTransition(models.Model):
    """One step in a case's workflow: who moved it from which status to which, and when.

    Written only by `cases.services.case_transition`; never edited.
    """

    case = models.ForeignKey(
        Case, verbose_name=_("praktijk"), on_delete=models.CASCADE, related_name="transitions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.PROTECT,
        related_name="case_transitions",
    )
    old_status = models.CharField(_("van"), max_length=20, choices=Case.Status)
    new_status = models.CharField(_("naar"), max_length=20, choices=Case.Status)
    note = models.TextField(_("toelichting"), blank=True)
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")
        constraints = [
            models.CheckConstraint(
                condition=Q(old_status__in=Case.Status.values)
                & Q(new_status__in=Case.Status.values),
                name="transition_statuses_valid",
            ),
            models.CheckConstraint(
                condition=~Q(old_status=models.F("new_status")), name="transition_changes_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_old_status_display()} → {self.get_new_status_display()}"


class EvidenceQuerySet(models.QuerySet):
    def anchored(self) -> EvidenceQuerySet:
        return self.filter(anchor_state=AnchoredPassage.AnchorState.ANCHORED)


class CodingEvidence(AnchoredPassage):
    """A passage of a case's own text that supports one of its codings.

    Anchored like annotations (an `AnchoredPassage`: quote with context, code
    point positions, text revision) and found again when the text changes; a
    passage that no longer fits is kept as an orphan, off the public page, for
    the researchers to fix.
    """

    case = models.ForeignKey(
        Case, verbose_name=_("praktijk"), on_delete=models.CASCADE, related_name="evidence"
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("bron"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    tension_field = models.ForeignKey(
        TensionField,
        verbose_name=_("spanningsveld"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    case_field = models.CharField(_("tekstsectie"), max_length=20, choices=TEXT_SECTION_CHOICES)
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["case", "case_field", "position_start"]
        verbose_name = _("tekstbewijs voor een codering")
        verbose_name_plural = _("tekstbewijs voor de codering")
        constraints = [
            models.CheckConstraint(
                condition=Q(source__isnull=False, tension_field__isnull=True)
                | Q(source__isnull=True, tension_field__isnull=False),
                name="evidence_for_one_coding",
            ),
            models.CheckConstraint(
                condition=Q(case_field__in=TEXT_SECTION_FIELDS), name="evidence_case_field_valid"
            ),
            *AnchoredPassage.span_constraints("evidence"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.coding_label}: ‘{self.quote_exact[:40]}’"

    @property
    def coding_label(self) -> str:
        return str(self.source or self.tension_field)

    @property
    def section_title(self) -> str:
        return str(text_section(self.case_field).title)

    @property
    def section_slug(self) -> str:
        return text_section(self.case_field).slug


# --- independent double coding ---------------------------------------------------------------


class DoubleCodingRoundQuerySet(models.QuerySet):
    def unsettled(self) -> DoubleCodingRoundQuerySet:
        """Open rounds: neither settled by a consensus nor stopped. At most one per case."""
        return self.filter(settled_at__isnull=True, cancelled_at__isnull=True)

    def coding(self) -> DoubleCodingRoundQuerySet:
        """Rounds still being coded: not both independent codings submitted. Their coders code blind."""
        return self.unsettled().filter(
            Exists(IndependentCoding.objects.unsubmitted().filter(round=OuterRef("pk")))
        )

    def both_submitted(self) -> DoubleCodingRoundQuerySet:
        """Rounds whose two independent codings are both submitted (settled or not, never a stopped
        one): agreement counts these."""
        return self.filter(cancelled_at__isnull=True).exclude(
            Exists(IndependentCoding.objects.unsubmitted().filter(round=OuterRef("pk")))
        )

    def counted(self) -> DoubleCodingRoundQuerySet:
        """The rounds the public reliability figures are drawn from: both codings submitted, the case published.

        A round on a case not (or no longer) public tells nothing, not even in aggregate,
        until the case is published (which needs the round settled first)."""
        return self.both_submitted().filter(case__status=CaseStatus.PUBLISHED)

    def involving(self, user) -> DoubleCodingRoundQuerySet:
        return self.filter(Q(requested_by=user) | Q(second_coder=user))


class DoubleCodingRound(models.Model):
    """A case coded twice, independently: asked by a researcher of a colleague, settled by a consensus.

    The requester codes in an independent coding that starts from the case's
    current coding (their own); the colleague's starts empty and is made blind
    (`CaseQuerySet.codings_visible_to`). Open until both are submitted; then the
    researchers settle a consensus, which `cases.double_coding_rounds.round_settle`
    writes as the case's coding. The independent codings stay.
    """

    case = models.ForeignKey(
        Case,
        verbose_name=_("praktijk"),
        on_delete=models.CASCADE,
        related_name="double_coding_rounds",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gevraagd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    second_coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tweede codeerder"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("gevraagd op"), auto_now_add=True)
    settled_at = models.DateTimeField(_("consensus op"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consensus vastgelegd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # A round stopped before its consensus (a coder left, the case changed): its codings stay.
    cancelled_at = models.DateTimeField(_("stopgezet op"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("stopgezet door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = DoubleCodingRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("dubbele codering")
        verbose_name_plural = _("dubbele coderingen")
        constraints = [
            models.CheckConstraint(
                condition=~Q(requested_by=F("second_coder")), name="round_two_different_coders"
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(settled_at__isnull=True, cancelled_at__isnull=True),
                name="one_open_round_per_case",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True, cancelled_by__isnull=True)
                | Q(
                    cancelled_at__isnull=False, cancelled_by__isnull=False, settled_at__isnull=True
                ),
                name="round_cancelled_with_who_never_settled",
            ),
            models.CheckConstraint(
                condition=Q(settled_at__isnull=True, settled_by__isnull=True)
                | Q(settled_at__isnull=False, settled_by__isnull=False),
                name="round_settled_with_who",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Dubbele codering van ‘%(case)s’ (%(date)s)") % {
            "case": self.case,
            "date": timezone.localtime(self.created_at).strftime("%d-%m-%Y")
            if self.created_at
            else "",
        }


class IndependentCodingQuerySet(models.QuerySet):
    def unsubmitted(self) -> IndependentCodingQuerySet:
        """Codings not yet submitted: while a round has one, both its coders code blind."""
        return self.filter(submitted_at__isnull=True)


class IndependentCoding(models.Model):
    """One coder's coding of a case in a round: a value per source and tension field, submitted once."""

    objects = IndependentCodingQuerySet.as_manager()

    round = models.ForeignKey(
        DoubleCodingRound,
        verbose_name=_("ronde"),
        on_delete=models.CASCADE,
        related_name="codings",
    )
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("codeerder"),
        on_delete=models.PROTECT,
        related_name="independent_codings",
    )
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("onafhankelijke codering")
        verbose_name_plural = _("onafhankelijke coderingen")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "coder"], name="one_coding_per_coder_and_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.coder}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class IndependentSourceCoding(Judgement):
    """A coder's strength for one source in an independent coding (the rules of `SourceCoding`)."""

    coding = models.ForeignKey(
        IndependentCoding,
        verbose_name=_("onafhankelijke codering"),
        on_delete=models.CASCADE,
        related_name="sources",
    )
    source = models.ForeignKey(
        Source, verbose_name=_("bron"), on_delete=models.PROTECT, related_name="+"
    )
    strength = strength_field()

    class Meta:
        ordering = ["source__order"]
        verbose_name = _("onafhankelijke codering op een bron")
        verbose_name_plural = _("onafhankelijke coderingen op de bronnen")
        constraints = [
            models.UniqueConstraint(
                fields=["coding", "source"], name="independent_once_per_source"
            ),
            *strength_constraints("independent_source"),
            grounds_valid("independent_source"),
        ]

    @property
    def label(self) -> str:
        return describe_strength(self.strength)


class IndependentTensionPosition(Judgement):
    """A coder's position on one tension field in an independent coding (the rules of `TensionPosition`)."""

    coding = models.ForeignKey(
        IndependentCoding,
        verbose_name=_("onafhankelijke codering"),
        on_delete=models.CASCADE,
        related_name="positions",
    )
    tension_field = models.ForeignKey(
        TensionField, verbose_name=_("spanningsveld"), on_delete=models.PROTECT, related_name="+"
    )
    position, holds_both = position_fields()

    class Meta:
        ordering = ["tension_field__number"]
        verbose_name = _("onafhankelijke positie op een spanningsveld")
        verbose_name_plural = _("onafhankelijke posities op de spanningsvelden")
        constraints = [
            models.UniqueConstraint(
                fields=["coding", "tension_field"], name="independent_once_per_field"
            ),
            *position_constraints("independent_position"),
            grounds_valid("independent_position"),
        ]

    @property
    def label(self) -> str:
        if self.grounds == Grounds.UNDETERMINED:
            return str(_("niet te bepalen"))
        return describe_position(self.tension_field, self.position, self.holds_both)


# History: every save of a case keeps a revision of the case with its coding,
# evidence and keywords (django-reversion); compare and restore in cases.history.
reversion.register(CodingEvidence)
reversion.register(SourceCoding)
reversion.register(TensionPosition)
reversion.register(KeywordedCase)
reversion.register(
    Case,
    fields=[f.name for f in Case._meta.concrete_fields if not f.name.startswith("search_vector")],
    follow=["source_codings", "tension_positions", "evidence", "keyword_links"],
)
