"""Margin annotations: who writes them, what they anchor to, and their moderation."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchRank, SearchVector, SearchVectorField
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, Value
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Following, notifications, digests and members' preferences, likewise (annotations.notifications).
from annotations.notifications import (  # noqa: F401
    DigestMail,
    Follow,
    MemberPreferences,
    Notification,
    shows_organisation_only,
)

# Organisations and memberships live in a module of their own; imported here,
# Django and callers find them among the annotations models.
from annotations.organisations import Membership, Organisation  # noqa: F401

# Practices members keep for their organisation, likewise (annotations.practices).
from annotations.practices import PracticePlacement, SavedPractice  # noqa: F401
from annotations.readings import Reading  # noqa: F401
from annotations.workshops import Workshop, WorkshopAnswer  # noqa: F401
from cases.models import (
    TEXT_SECTION_CHOICES,
    TEXT_SECTION_FIELDS,
    Case,
    may_read_drafts,
    text_section,
)
from diegem.lib import search as full_text
from diegem.lib.anchoring import AnchoredPassage, AnchorState
from diegem.lib.choices import DisplayedChoices
from diegem.lib.languages import (
    WrittenIn,
    active_language,
    language_codes,
    language_field,
    language_path,
    version_text,
)
from diegem.lib.people import shown_name
from frameworks.models import Section


class Voice(models.TextChoices):
    """Whose voice an annotation carries, as in the research text's margins."""

    THINKER = "denker", _("denker")
    PLANNER = "planner", _("planner")
    DOER = "doener", _("doener")


class Kind(models.TextChoices):
    """What an annotation adds to the passage."""

    ASSOCIATION = "associatie", _("associatie")
    REMARK = "aanmerking", _("aanmerking")
    EXAMPLE = "voorbeeld", _("voorbeeld")


class Motivation(models.TextChoices):
    """What a contribution does, in the W3C Web Annotation's words.

    A margin note comments on a passage; a reply answers a note (its thread); a
    reading ("tegenlezing") assesses a coding of a case and proposes another
    value (`annotations.readings.Reading`). All three are annotations, so they
    share one moderation: the services, the table, the events and the e-mails.
    """

    COMMENTING = "commenting", _("kanttekening")
    REPLYING = "replying", _("antwoord")
    ASSESSING = "assessing", _("lezing")


class Status(models.TextChoices):
    PENDING = "pending", _("wacht op moderatie")
    APPROVED = "approved", _("goedgekeurd")
    CHANGES_REQUESTED = "changes_requested", _("aanpassing gevraagd")
    REJECTED = "rejected", _("afgewezen")
    WITHDRAWN = "withdrawn", _("ingetrokken")
    HIDDEN = "hidden", _("verborgen")


class ModerationAction(models.TextChoices):
    """What is done to an annotation, with the words pages and messages use for it.

    The reviewers' and authors' moves are the rows of the moderation table
    (`annotations.services.MODERATION`); a submission, an orphan after an edit,
    an anchoring again by a reviewer and a loaded seed note are recorded beside
    them. A moderation event's action is one of these (a database constraint).
    """

    APPROVE = "approve", _("Goedkeuren")
    KEEP = "keep", _("Behouden (meldingen ongegrond)")
    REQUEST_CHANGES = "request_changes", _("Aanpassing vragen")
    REJECT = "reject", _("Afwijzen")
    HIDE = "hide", _("Verbergen")
    HIDE_BY_FLAGS = "hide_by_flags", _("Verbergen na meldingen")
    EDIT = "edit", _("Bewerken")
    WITHDRAW = "withdraw", _("Intrekken")
    SUBMIT = "submit", _("Indienen")
    ORPHAN = "orphan", _("Verweesd na een bewerking van de tekst")
    ATTACH = "attach", _("Opnieuw verankeren")
    SEED = "seed", _("Laden uit de brontekst")


def _on_public_text() -> Q:
    """On a text the public may read: a framework section or a published case."""
    return Q(section__isnull=False) | Q(case__status=Case.Status.PUBLISHED)


def _approved() -> Q:
    """Approved, anchored, and (a reply) in an approved, anchored thread: public once its text is.

    A reply or a reading without a passage is never orphaned (only passages are
    found again), so `anchored` holds for them.
    """
    return Q(status=Status.APPROVED, anchor_state=AnchorState.ANCHORED) & (
        Q(parent__isnull=True)
        | Q(parent__status=Status.APPROVED, parent__anchor_state=AnchorState.ANCHORED)
    )


def _public() -> Q:
    """Approved (`_approved`) and on a text the public may read.

    A reply carries its root note's target, so the text test is the same for
    the reply and its root.
    """
    return _on_public_text() & _approved()


# A passage: a quotation and a span that is not empty, in a text section. Without one, a
# reply or a reading keeps the selectors empty (and is never found again, nor orphaned).
_ON_A_PASSAGE = (
    Q(section__isnull=False, case__isnull=True, case_field="")
    | Q(section__isnull=True, case__isnull=False, case_field__in=list(TEXT_SECTION_FIELDS))
) & Q(~Q(quote_exact=""), position_end__gt=F("position_start"))
_NO_PASSAGE = Q(quote_exact="", quote_prefix="", quote_suffix="", position_start=0, position_end=0)


# A place a work is cited (`AnnotationQuerySet.cited_places`): by a voice, on a framework section
# or a case's text section.
CITED_PLACE = ("voice", "attribution", "section_id", "case_id", "case_field")
# Its places in reading order: the framework's sections in their order, then the cases by title,
# each case's text sections as its page shows them.
PLACE_ORDER = (
    F("section__order").asc(nulls_last=True),
    "case__title",
    "case_id",
    models.Case(
        *(models.When(case_field=field, then=n) for n, field in enumerate(TEXT_SECTION_FIELDS)),
        default=len(TEXT_SECTION_FIELDS),
    ),
    "pk",
)


class AnnotationQuerySet(models.QuerySet):
    """The read vocabulary for annotations. Public views start from `public()`."""

    def public(self) -> AnnotationQuerySet:
        return self.filter(_public())

    def approved(self) -> AnnotationQuerySet:
        """Approved in an approved thread, whatever the text they are on: combine with
        `on_readable_text(user)` (a researcher's export with drafts); public views use `public()`."""
        return self.filter(_approved())

    def seeded(self) -> AnnotationQuerySet:
        """The research text's margin notes as the seed keeps them: with a seed key and not
        withdrawn (retired with a thread: `annotation_seed_retire`)."""
        return self.exclude(seed_key=None).exclude(status=Status.WITHDRAWN)

    def sent_again(self, author, since, *conditions, **content) -> AnnotationQuerySet:
        """What `author` sent since `since` with exactly this `content`, still waiting or public,
        newest first: the same form sent twice (`annotations.services.sent_before`)."""
        return self.filter(
            *conditions,
            author=author,
            status__in=[Status.PENDING, Status.APPROVED],
            submitted_at__gte=since,
            **content,
        ).order_by("-pk")

    def notes(self) -> AnnotationQuerySet:
        """Margin notes on a passage (not replies, not readings)."""
        return self.filter(motivation=Motivation.COMMENTING)

    def replies(self) -> AnnotationQuerySet:
        return self.filter(motivation=Motivation.REPLYING)

    def readings(self) -> AnnotationQuerySet:
        return self.filter(motivation=Motivation.ASSESSING)

    def cited(self) -> AnnotationQuerySet:
        """Public notes of thinkers and planners naming the work they summarise (`attribution`):
        what the bibliography lists."""
        return (
            self.notes()
            .public()
            .exclude(attribution="")
            .filter(voice__in=[Voice.THINKER, Voice.PLANNER])
        )

    def cited_places(self) -> AnnotationQuerySet:
        """Each place a work is cited, once: a framework section or a text section of a case,
        as its first note there (`cited`), in `PLACE_ORDER`. Made distinct in SQL: at 100,000
        notes a work is cited at tens of thousands of places, which no page reads whole."""
        firsts = self.cited().order_by(*CITED_PLACE, "pk").distinct(*CITED_PLACE)
        return self.model.objects.filter(pk__in=firsts.values("pk")).order_by(*PLACE_ORDER)

    def with_passage(self) -> AnnotationQuerySet:
        """Those anchored to a passage: the only ones found again when their text changes."""
        return self.exclude(quote_exact="")

    def on_public_text(self) -> AnnotationQuerySet:
        """Annotations on a framework section or a published case, whatever their own status."""
        return self.filter(_on_public_text())

    def on_readable_text(self, user) -> AnnotationQuerySet:
        """Annotations whose target text (title, passage, context) this user may read.

        A case taken offline and reworked is draft text: only those who may edit
        cases read it, through an annotation as anywhere else. Every page that
        shows an annotation with its passage or its case starts here.
        """
        if may_read_drafts(user):
            return self.all()
        return self.on_public_text()

    def with_readable_target(self, user) -> AnnotationQuerySet:
        """Each annotation with `target_readable`: may this user see its passage and case?"""
        if may_read_drafts(user):
            return self.annotate(target_readable=Value(True, output_field=BooleanField()))
        return self.annotate(
            target_readable=ExpressionWrapper(_on_public_text(), output_field=BooleanField())
        )

    def visible_to(self, user) -> AnnotationQuerySet:
        """What this user may read: the public ones, their own, and (reviewers) those on texts they may read."""
        if not user.is_authenticated or not user.is_active:
            return self.public()
        if user.has_perm("annotations.moderate_annotation"):
            return self.on_readable_text(user)
        return self.filter(_public() | Q(author=user))

    def for_margin(self, user) -> AnnotationQuerySet:
        """What a reader sees in a margin: public notes plus their own in progress."""
        notes = self.notes()
        if not user.is_authenticated or not user.is_active:
            return notes.public()
        own = Q(
            author=user,
            status__in=[Status.PENDING, Status.CHANGES_REQUESTED],
            anchor_state=AnchorState.ANCHORED,
        )
        return notes.filter(_public() | own)

    def awaiting_review(self) -> AnnotationQuerySet:
        return self.filter(status=Status.PENDING).order_by("submitted_at", "pk")

    def flagged(self) -> AnnotationQuerySet:
        """Public or hidden annotations with at least one open flag.

        An `Exists`, not a filter across the reverse relation: `flags__resolved_at__isnull`
        also matches annotations without any flag (the LEFT JOIN gives a NULL).
        """
        open_flag = Flag.objects.filter(annotation=OuterRef("pk"), resolved_at__isnull=True)
        return self.filter(Exists(open_flag), status__in=[Status.APPROVED, Status.HIDDEN]).order_by(
            "submitted_at", "pk"
        )

    def orphaned(self) -> AnnotationQuerySet:
        return self.filter(
            anchor_state=AnchorState.ORPHANED,
            status__in=[Status.APPROVED, Status.PENDING, Status.HIDDEN],
        ).order_by("submitted_at", "pk")

    def of_reader(self, user, reader_key: str | None) -> AnnotationQuerySet:
        """The annotations (notes and replies) in which this reader has something of their own:
        written by them (whatever the state), or flagged by them and not yet resolved. None
        for a reader who has neither signed in nor flagged anything, without a query."""
        mine = Q()
        if user.is_authenticated:
            mine |= Q(author=user)
        if reader_key:
            mine |= Q(
                Exists(
                    Flag.objects.filter(
                        annotation=OuterRef("pk"), reader_key=reader_key, resolved_at__isnull=True
                    )
                )
            )
        return self.filter(mine) if mine else self.none()

    def case_fields(self) -> models.QuerySet:
        """The case text sections these annotations stand on (a reply on its note's)."""
        return self.order_by().values_list("case_field", flat=True).distinct()

    def flagged_by(self, reader_key: str | None) -> AnnotationQuerySet:
        """Each annotation with `flagged_by_reader`: has this reader an open flag on it?"""
        if not reader_key:
            return self.annotate(flagged_by_reader=Value(False, output_field=BooleanField()))
        mine = Flag.objects.filter(
            annotation=OuterRef("pk"), reader_key=reader_key, resolved_at__isnull=True
        )
        return self.annotate(flagged_by_reader=Exists(mine))

    def with_target(self) -> AnnotationQuerySet:
        # The author's preferences: how the byline shows them.
        return self.select_related("case", "section", "author__preferences", "organisation")

    # --- search (diegem.lib.search) ----------------------------------------------------------

    def search(self, parsed: full_text.ParsedQuery) -> AnnotationQuerySet:
        """Annotations whose search vector matches the query (its GIN index)."""
        return self.filter(search_vector=full_text.search_query(parsed))

    def ranked(self, parsed: full_text.ParsedQuery) -> AnnotationQuerySet:
        """These annotations (already matching the query), best first.

        Broad queries rank only the CANDIDATE_CAP most recent hits; their ids are
        fetched once, here, so counting and paging do not run the match again.
        """
        candidates = list(
            self.order_by("-submitted_at", "-pk").values_list("pk", flat=True)[
                : full_text.CANDIDATE_CAP
            ]
        )
        return (
            Annotation.objects.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F("search_vector"), full_text.search_query(parsed)))
            .order_by("-rank", "pk")
        )

    def attach_snippets(self, annotations: list[Annotation], parsed: full_text.ParsedQuery) -> None:
        """Give each annotation of a result page a `snippet` of its own text, hits marked.

        Only the body: the page shows the attribution beside it, on its own.
        """
        full_text.attach_snippets(
            annotations,
            self,
            F("body"),
            parsed,
            lambda annotation: annotation.body,
            max_words=30,
            min_words=12,
        )


def _in_its_language(language_column: str, *fields: tuple[str, str]) -> models.Case:
    """The weighted vector of `fields` made with the stemmer of the language in
    `language_column` (each language's configuration, `full_text.SEARCH_CONFIGS`)."""

    def vector(config: str):
        parts = [SearchVector(field, weight=weight, config=config) for field, weight in fields]
        combined = parts[0]
        for part in parts[1:]:
            combined += part
        return combined

    return models.Case(
        *(
            models.When(**{language_column: language}, then=vector(config))
            for language, config in full_text.SEARCH_CONFIGS.items()
            if config != full_text.SEARCH_CONFIG
        ),
        default=vector(full_text.SEARCH_CONFIG),
        output_field=SearchVectorField(),
    )


class Annotation(DisplayedChoices, WrittenIn, AnchoredPassage):
    """A margin annotation on a passage of a case section or of the framework text.

    The passage is an `AnchoredPassage`: W3C Web Annotation selectors (quote
    with context, Unicode code point positions in the target's plain text) with
    the revision of the text they fit. `body` is the Markdown source;
    `body_html` is rendered from it in one place (`annotations.rendering`), and
    is the only annotation field a template may mark safe.
    """

    Voice = Voice
    Kind = Kind
    Status = Status
    Motivation = Motivation

    motivation = models.CharField(
        _("soort bijdrage"), max_length=12, choices=Motivation, default=Motivation.COMMENTING
    )
    # A thread is one level deep: every reply's parent is the root note, also when it
    # answers another reply (`reply_to`, so the page can quote whom it answers).
    parent = models.ForeignKey(
        "self",
        verbose_name=_("kanttekening"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("antwoord op"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    section = models.ForeignKey(
        Section,
        verbose_name=_("tekstdeel van het kader"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="annotations",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("praktijk"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="annotations",
    )
    case_field = models.CharField(
        _("tekstsectie"), max_length=20, choices=TEXT_SECTION_CHOICES, blank=True
    )
    # A pilot's note that the research text prints beside a section of the framework
    # is shown there too: the same annotation, not a copy that could drift apart.
    echo_section = models.ForeignKey(
        Section,
        verbose_name=_("ook getoond bij"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="echoed_annotations",
        help_text=_("Het deel van het kader waarnaast de brontekst deze kanttekening afdrukt."),
    )

    voice = models.CharField(_("stem"), max_length=10, choices=Voice)
    # Only a margin note has a kind; a reply or a reading leaves it empty.
    kind = models.CharField(_("soort"), max_length=12, choices=Kind, blank=True)
    body = models.TextField(_("tekst"))
    body_html = models.TextField(_("tekst als HTML"), editable=False)
    attribution = models.CharField(
        _("bron"),
        max_length=200,
        blank=True,
        help_text=_("Bijvoorbeeld ‘Durkheim (1984)’ of een beleidsdocument."),
    )
    link = models.URLField(_("link"), max_length=500, blank=True)
    # What its author wrote it in (any of the site's languages, whatever the page's).
    original_language = language_field()
    # The language version of the text it is on (`text_language` of its target): a note on
    # the French text of a case stands in the French margin only, its offsets in that text.
    text_language = language_field(_("taal van de tekst"))

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="annotations",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="annotations",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    version = models.PositiveIntegerField(
        _("versie"), default=1, help_text=_("Telt elke wijziging; moderatie vergelijkt ze.")
    )
    seed_key = models.SlugField(
        _("sleutel in de brontekst"),
        max_length=120,
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)
    submitted_at = models.DateTimeField(_("ingediend"))
    # Search vector: the attribution above the annotation's text, with the stemmer of the
    # language it is written in, above the passage it is on, with its text's. Computed by
    # PostgreSQL whenever the row is written.
    search_vector = models.GeneratedField(
        expression=models.Func(
            _in_its_language("original_language", ("attribution", "A"), ("body", "B")),
            _in_its_language("text_language", ("quote_exact", "D")),
            function="",
            arg_joiner=" || ",
            output_field=SearchVectorField(),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["position_start", "pk"]
        verbose_name = _("kanttekening")
        verbose_name_plural = _("kanttekeningen")
        permissions = [("moderate_annotation", _("Kan kanttekeningen modereren"))]
        constraints = [
            # What each motivation is on: a note on a passage of a section or a case's text
            # section; a reply in the thread of a note, carrying the note's target; a reading
            # on a case, with or without a passage in one of its text sections.
            models.CheckConstraint(
                condition=(
                    Q(motivation=Motivation.COMMENTING, parent__isnull=True) & _ON_A_PASSAGE
                    | Q(motivation=Motivation.REPLYING, parent__isnull=False)
                    & (
                        Q(section__isnull=False, case__isnull=True, case_field="")
                        | Q(section__isnull=True, case__isnull=False)
                    )
                    & _NO_PASSAGE
                    | Q(motivation=Motivation.ASSESSING, parent__isnull=True, section__isnull=True)
                    & Q(case__isnull=False)
                    & (_ON_A_PASSAGE | Q(case_field="") & _NO_PASSAGE)
                ),
                name="annotation_one_target",
            ),
            models.CheckConstraint(
                condition=Q(motivation__in=Motivation.values), name="annotation_motivation_valid"
            ),
            models.CheckConstraint(
                condition=Q(reply_to__isnull=True) | Q(motivation=Motivation.REPLYING),
                name="annotation_reply_to_only_for_replies",
            ),
            models.CheckConstraint(
                condition=Q(anchor_state__in=AnchorState.values),
                name="annotation_anchor_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(voice__in=Voice.values), name="annotation_voice_valid"
            ),
            models.CheckConstraint(
                condition=Q(original_language__in=language_codes()),
                name="annotation_language_valid",
            ),
            models.CheckConstraint(
                condition=Q(text_language__in=language_codes()),
                name="annotation_text_language_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values, motivation=Motivation.COMMENTING)
                | Q(kind="") & ~Q(motivation=Motivation.COMMENTING),
                name="annotation_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="annotation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(link="")
                | Q(link__startswith="http://")
                | Q(link__startswith="https://"),
                name="annotation_link_http",
            ),
            models.CheckConstraint(
                condition=Q(echo_section__isnull=True)
                | Q(case__isnull=False, motivation=Motivation.COMMENTING),
                name="annotation_echo_only_for_case_notes",
            ),
        ]
        indexes = [
            # The reviewers' queue: pending annotations, oldest first.
            models.Index(
                fields=["submitted_at"],
                name="annotation_pending_queue",
                condition=Q(status="pending"),
            ),
            # The orphans' tab of the queue.
            models.Index(
                fields=["submitted_at"],
                name="annotation_orphan_queue",
                condition=Q(anchor_state="orphaned"),
            ),
            # A case or section page's margin: its approved annotations in text order.
            models.Index(
                fields=["case", "case_field", "position_start"], name="annotation_case_margin"
            ),
            models.Index(fields=["section", "position_start"], name="annotation_section_margin"),
            # Search candidates for broad queries: the most recent approved annotations.
            models.Index(
                fields=["-submitted_at", "-id"],
                name="annotation_public_recent",
                condition=Q(status="approved", anchor_state="anchored"),
            ),
            # Search: `search_vector @@ query`.
            GinIndex(fields=["search_vector"], name="annotation_search_vector_gin"),
        ]

    def __str__(self) -> str:
        return f"{self.get_voice_display()} bij “{self.quote_exact[:40]}”"

    def get_absolute_url(self) -> str:
        """The note itself on its page (one fragment: the note's id); a reply in its thread; a
        reading beside its coding."""
        if self.parent_id:
            return f"{self.thread_url}#antwoord-{self.pk}"
        if self.motivation == Motivation.ASSESSING:
            # Beside its coding on the case page in every language, whatever its passage's.
            return f"{self.case.get_absolute_url()}#lezing-{self.pk}"
        return f"{self.page_url}#kanttekening-{self.pk}"

    @property
    def thread_url(self) -> str:
        """The note's own page, with its whole thread (for a reply: its root note's page)."""
        return reverse("annotation-detail", args=[self.parent_id or self.pk])

    @property
    def page_url(self) -> str:
        """The page the annotated text is on, without a fragment: in the language of the
        page, or of the mail, when that page shows the text version the note is on, else in
        the note's `text_language` (a note on the French text is in the margin of the French
        page only)."""
        url = (self.section if self.section_id else self.case).get_absolute_url()
        language = self.page_language
        return url if language == active_language() else language_path(url, language)

    @property
    def page_language(self) -> str:
        """The language of the page whose margin holds this note: the active one when its
        page shows the language version annotated, else that version's."""
        current = active_language()
        if self.parent_id:  # a reply stands in its note's thread, on its note's text
            return self.parent.page_language
        if self.section_id:
            target, field = self.section, "body"
        elif self.case_field:
            target, field = self.case, self.case_field
        else:  # a reading without a passage stands beside its coding in every language
            return current
        if target.language_of(field) == self.text_language:
            return current
        return self.text_language

    @property
    def target_url(self) -> str:
        """The annotated text on its page: the case's text section, or the framework section."""
        if self.section_id or not self.case_field:  # a reading without a passage: its case
            return self.page_url
        return f"{self.page_url}#{text_section(self.case_field).slug}"

    @property
    def url_for_author(self) -> str:
        """Where the author finds this note: in the margin while it stands there for them (see `for_margin`), else its text."""
        in_margin = self.anchor_state == AnchorState.ANCHORED and self.status in (
            Status.APPROVED,
            Status.PENDING,
            Status.CHANGES_REQUESTED,
        )
        if self.parent_id:  # a reply stands in its thread while the thread is public
            in_margin = in_margin and self.parent.is_public
        if self.motivation == Motivation.ASSESSING:
            # A reading stands beside its coding only once public (`#lezing-<id>`); until then,
            # the coding it reads (the anchor its proposal returned to).
            if self.is_public:
                return self.get_absolute_url()
            return f"{self.case.get_absolute_url()}#codering-{self.reading.item.key}"
        return self.get_absolute_url() if in_margin and self.on_public_text else self.target_url

    @property
    def passage_url(self) -> str:
        """The passage in context: its highlight when the note is in the public margin, else its text section.

        For a note that is not in the margin, a text fragment (`:~:text=`) asks the
        browser to scroll to and mark the passage's first words; browsers without
        it go to the text section.
        """
        # Only notes are highlighted in the margin; a reading's passage is found by its words.
        if self.is_public and self.motivation == Motivation.COMMENTING:
            return f"{self.page_url}#passage-{self.pk}"
        # A dash at either end of a term means something else in a text directive: always encode it.
        start = quote(" ".join(self.quote_exact.split()[:6]), safe="").replace("-", "%2D")
        fragment = "" if self.section_id else text_section(self.case_field).slug
        return f"{self.page_url}#{fragment}:~:text={start}"

    @property
    def target_title(self) -> str:
        if self.section_id:
            return str(self.section)
        if not self.case_field:  # a reading without a passage
            return self.case.shown.title
        return f"{self.case.shown.title} · {self.get_case_field_display()}"

    @property
    def target_text(self) -> str:
        """The language version of the text the note is on (`text_language`)."""
        target = self.section if self.section_id else self.case
        field = "body" if self.section_id else self.case_field
        return version_text(target, field, self.text_language)

    def language_of(self, field: str = "") -> str:
        """Its own text (`body`) is in the language its author wrote it in; the passage it quotes
        (`quote`) is in the language of the text version annotated (`text_language`)."""
        return self.text_language if field == "quote" else self.original_language

    @property
    def is_paraphrase(self) -> bool:
        """A margin note of the research text: our summary of what its author wrote, never a quotation."""
        return self.seed_key is not None

    @property
    def byline(self) -> str:
        """Who speaks: the author and organisation, or the organisation alone if the author chose so.

        Empty for a seed note (the page names the research text instead). Every page, feed,
        mail and API that names an author reads this (or `shown_as_organisation`); the
        querysets select `author__preferences` with the author.
        """
        if not self.author_id:
            return ""
        if self.shown_as_organisation:
            # An organisation since removed: still no name, as the author chose.
            return str(self.organisation) if self.organisation_id else gettext("een lid")
        name = shown_name(self.author)
        # A middle dot, not brackets: organisation names often carry their own.
        return f"{name} · {self.organisation}" if self.organisation_id else name

    @property
    def shown_as_organisation(self) -> bool:
        """Is this contribution signed by its organisation alone (the author's choice)?"""
        return bool(self.author_id and shows_organisation_only(self.author))

    @property
    def on_public_text(self) -> bool:
        """Is the annotated text public (a framework section or a published case)?"""
        return self.section_id is not None or self.case.status == Case.Status.PUBLISHED

    @property
    def has_passage(self) -> bool:
        """Is it anchored to a passage (every note; a reading may be; a reply never is)?"""
        return self.quote_exact != ""

    @property
    def thread_open(self) -> bool:
        """May it be public as far as its thread goes? Always for a note or a reading; a reply
        only while its root note is approved and anchored (the thread half of `_approved`)."""
        if not self.parent_id:
            return True
        return (
            self.parent.status == Status.APPROVED
            and self.parent.anchor_state == AnchorState.ANCHORED
        )

    @property
    def is_public(self) -> bool:
        """The same test as `AnnotationQuerySet.public()`, for one loaded annotation."""
        return (
            self.status == Status.APPROVED
            and self.anchor_state == AnchorState.ANCHORED
            and self.on_public_text
            and (self.parent_id is None or self.parent.is_public)
        )


class AnnotationVersion(models.Model):
    """The content of an annotation as submitted, once per submission or edit.

    Reviewers compare the newest version with the last approved one; the count
    of versions per author and hour is the submission rate limit.
    """

    annotation = models.ForeignKey(
        Annotation,
        verbose_name=_("kanttekening"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("versie"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    voice = models.CharField(_("stem"), max_length=10, choices=Voice)
    kind = models.CharField(_("soort"), max_length=12, choices=Kind)
    body = models.TextField(_("tekst"))
    attribution = models.CharField(_("bron"), max_length=200, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    original_language = language_field()
    approved = models.BooleanField(_("goedgekeurd"), default=False)
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True)

    class Meta:
        ordering = ["annotation", "number"]
        verbose_name = _("versie van een kanttekening")
        verbose_name_plural = _("versies van kanttekeningen")
        constraints = [
            models.UniqueConstraint(
                fields=["annotation", "number"], name="annotation_version_once"
            ),
        ]
        indexes = [
            # The per-author submission rate: versions by author in the last hour.
            models.Index(fields=["author", "created_at"], name="annotation_version_rate"),
        ]


class ModerationEvent(models.Model):
    """One status change of an annotation: who, from what to what, why, when. Never edited."""

    annotation = models.ForeignKey(
        Annotation, verbose_name=_("kanttekening"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_events",
        help_text=_("Leeg wanneer het systeem handelde (bijvoorbeeld na drie meldingen)."),
    )
    action = models.CharField(_("handeling"), max_length=30, choices=ModerationAction)
    old_status = models.CharField(_("van"), max_length=20, choices=Status, blank=True)
    new_status = models.CharField(_("naar"), max_length=20, choices=Status)
    public_reason = models.TextField(_("reden voor de auteur"), blank=True)
    internal_note = models.TextField(_("interne notitie"), blank=True)
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderatiestap")
        verbose_name_plural = _("moderatiestappen")
        constraints = [
            models.CheckConstraint(
                condition=(Q(old_status="") | Q(old_status__in=Status.values))
                & Q(new_status__in=Status.values),
                name="moderation_event_statuses_valid",
            ),
            models.CheckConstraint(
                condition=Q(action__in=ModerationAction.values),
                name="moderation_event_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.annotation_id}: {self.old_status or '–'} → {self.new_status} ({self.action})"


class FlagReason(models.TextChoices):
    SPAM = "spam", _("spam of reclame")
    OFFENSIVE = "offensive", _("kwetsend")
    OFF_TOPIC = "off_topic", _("hoort niet bij deze passage")
    OTHER = "other", _("iets anders")


def user_reader_key(user_id: int) -> str:
    """The reader key of a signed-in reader (`Flag.reader_key`): the same on every device."""
    return f"user:{user_id}"


class Flag(models.Model):
    """A reader's report that an approved annotation does not belong; one per reader."""

    Reason = FlagReason

    annotation = models.ForeignKey(
        Annotation, verbose_name=_("kanttekening"), on_delete=models.CASCADE, related_name="flags"
    )
    reader_key = models.CharField(
        _("lezer"),
        max_length=80,
        help_text=_("De gebruiker, of een hash van de sessie van een anonieme lezer."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client_hash = models.CharField(
        _("herkomst"), max_length=64, help_text=_("Hash van het IP-adres, voor de limiet.")
    )
    reason = models.CharField(_("reden"), max_length=20, choices=Reason)
    note = models.CharField(_("toelichting"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("afgehandeld"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        constraints = [
            models.UniqueConstraint(
                fields=["annotation", "reader_key"], name="one_flag_per_reader"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=FlagReason.values), name="flag_reason_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["client_hash", "created_at"], name="flag_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.annotation_id}"
