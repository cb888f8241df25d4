"""The margin: a text split into paragraphs, passages highlighted, notes beside them.

Pages that show annotatable text ask for it through the `margin` template tags;
this module builds what those tags hand to the templates, in one query for a
whole case or section whatever the number of annotations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property, partial
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from annotations.models import Annotation, Kind, Status, Voice
from annotations.services import may_annotate
from annotations.targets import Target, case_targets, section_target
from annotations.thread_replies import attach_threads
from cases.models import Case, may_read_drafts
from diegem.lib.annotatable import Paragraph, paragraph_spans, text_revision
from frameworks.models import Section


@dataclass
class Segment:
    """A run of paragraph text, highlighted when annotations cover it."""

    text: str
    annotation_ids: tuple[int, ...] = ()
    pending: bool = False
    opens: tuple[int, ...] = ()  # annotations whose passage starts here

    @property
    def ids(self) -> str:
        return " ".join(str(pk) for pk in self.annotation_ids)


@dataclass
class Block:
    paragraph: Paragraph
    segments: list[Segment]
    notes: list[Annotation]
    # Nothing of this reader's highlighted or noted here (`mark_shared`): the paragraph with its
    # notes is kept for every reader alike, also inside a text that is not.
    shared: bool = False


def _nothing_of_theirs(holder) -> bool:
    """For a holder of notes read for one reader (`personal`, a lazy `notes`): nothing in it is
    theirs, neither by the small query before the notes are read nor, once they are read (the
    part is being made), by the notes themselves (`mark_shared`)."""
    if holder.personal:
        return False
    return "notes" not in holder.__dict__ or all(note.shared for note in holder.notes)


@dataclass
class AnnotatedText:
    target: Target
    load: Callable[[], list[Annotation]]  # this text's notes for this reader, read when needed
    can_annotate: bool = False
    can_reply: bool = False
    # Has this reader something of their own on this text (`AnnotationQuerySet.of_reader`)?
    personal: bool = True
    margin_filter: MarginFilter | None = None
    public: bool = True  # a case's text is not while the case is not

    @property
    def keep_key(self) -> str:
        """What a kept part of this text depends on besides the content: the text, what this
        reader may do in its margin, and the margin's filter."""
        voice, kind = (
            (self.margin_filter.voice, self.margin_filter.kind) if self.margin_filter else ("", "")
        )
        return f"{self.target.key}|{self.can_annotate:d}{self.can_reply:d}|{voice}|{kind}"

    @cached_property
    def notes(self) -> list[Annotation]:
        """On this text, for this reader; `mark_shared` gave each `shared`."""
        return self.load()

    @cached_property
    def blocks(self) -> list[Block]:
        """Made only when the text is rendered (not when it is kept, `shared`)."""
        blocks = build_blocks(self.target.text, self.notes)
        if not self.public:
            for block in blocks:
                block.shared = False  # a draft's text is kept for no one
        return blocks

    @property
    def note_count(self) -> int:
        return len(self.notes)

    @property
    def shared(self) -> bool:
        """Every reader who may do what this one may (`can_annotate`, `can_reply`) sees this
        text and its margin alike: nothing in it is theirs alone. Known without reading the
        notes, so that a kept text reads none; once they are read (the text is being made),
        they must agree: something of the reader's written in between is never kept."""
        return _nothing_of_theirs(self)

    @property
    def voices(self) -> list:
        """The voices a reply form in this margin offers."""
        return Voice.choices

    @property
    def new_url(self) -> str:
        return f"{reverse('annotation-new')}?{urlencode({'doel': self.target.key})}"


VOICE_PLURALS = [
    (Voice.THINKER, _("denkers")),
    (Voice.PLANNER, _("planners")),
    (Voice.DOER, _("doeners")),
]


@dataclass
class MarginFilter:
    """The reader's choice of voices and kinds (GET `stem` and `soort`)."""

    voice: str = ""
    kind: str = ""
    voices: list = field(default_factory=lambda: VOICE_PLURALS)
    kinds: list = field(default_factory=lambda: Kind.choices)

    @classmethod
    def from_request(cls, request) -> MarginFilter:
        voice = request.GET.get("stem", "")
        kind = request.GET.get("soort", "")
        return cls(
            voice=voice if voice in Voice.values else "", kind=kind if kind in Kind.values else ""
        )

    def apply(self, queryset):
        if self.voice:
            queryset = queryset.filter(voice=self.voice)
        if self.kind:
            queryset = queryset.filter(kind=self.kind)
        return queryset

    @property
    def active(self) -> bool:
        return bool(self.voice or self.kind)


def build_blocks(text: str, annotations: list[Annotation]) -> list[Block]:
    """Paragraphs with their highlighted segments and the notes that start in them.

    Annotations made on another revision of the text are left out: their
    offsets would point at the wrong words (re-anchoring brings them back).
    """
    revision = text_revision(text)
    annotations = [a for a in annotations if a.text_revision == revision]
    paragraphs = paragraph_spans(text)
    blocks = []
    for index, paragraph in enumerate(paragraphs):
        next_start = paragraphs[index + 1].start if index + 1 < len(paragraphs) else len(text) + 1
        covering = [
            a
            for a in annotations
            if a.position_start < paragraph.end and a.position_end > paragraph.start
        ]
        notes = [
            a
            for a in annotations
            if (paragraph.start <= a.position_start < next_start)
            or (index == 0 and a.position_start < paragraph.start)
        ]
        shared = all(getattr(a, "shared", False) for a in (*covering, *notes))
        blocks.append(Block(paragraph, _segments(paragraph, covering), notes, shared))
    return blocks


def _segments(paragraph: Paragraph, annotations: list[Annotation]) -> list[Segment]:
    cuts = {paragraph.start, paragraph.end}
    for a in annotations:
        cuts.add(min(max(a.position_start, paragraph.start), paragraph.end))
        cuts.add(min(max(a.position_end, paragraph.start), paragraph.end))
    points = sorted(cuts)
    segments = []
    for low, high in zip(points, points[1:], strict=False):
        if low == high:
            continue
        covering = [a for a in annotations if a.position_start < high and a.position_end > low]
        segments.append(
            Segment(
                text=paragraph.text[low - paragraph.start : high - paragraph.start],
                annotation_ids=tuple(a.pk for a in covering),
                pending=bool(covering) and all(a.status != Status.APPROVED for a in covering),
                opens=tuple(a.pk for a in covering if a.position_start == low),
            )
        )
    return segments


def _margin_queryset(user, margin_filter: MarginFilter, reader_key: str | None):
    """The margin's annotations, each marked when this reader flagged it (same query)."""
    annotations = margin_filter.apply(Annotation.objects.for_margin(user)).flagged_by(reader_key)
    return annotations.select_related("author__preferences", "organisation")


def mark_shared(notes: list[Annotation], user) -> None:
    """Give each note `shared`: does every reader see it alike (apart from a reply form)?

    True for a public note with a public thread that holds nothing of this reader's: not
    theirs, not flagged by them, no reply of theirs and none waiting. Such a note is rendered
    once for all readers (`{% shared_fragment %}`); any other is this reader's alone.
    """
    for note in notes:
        note.shared = (
            note.status == Status.APPROVED
            and not note.flagged_by_reader
            and not _written_by(note, user)
            and all(
                reply.status == Status.APPROVED and not _written_by(reply, user)
                for reply in note.thread
            )
        )


def _written_by(annotation: Annotation, user) -> bool:
    return user.is_authenticated and annotation.author_id == user.pk


def case_margin(
    case: Case, user, margin_filter: MarginFilter, reader_key: str | None = None
) -> list[AnnotatedText]:
    """Every text section of a case with its margin.

    The notes of the whole case are read in one query (and their threads in one more) the
    first time a text needs them: a text with nothing of this reader's in it is kept for every
    reader alike, and a kept one needs none. What is this reader's is one small query (none for
    a reader who has neither signed in nor flagged anything).
    """
    public = case.is_public

    @cache
    def by_field() -> dict[str, list[Annotation]]:
        grouped: dict[str, list[Annotation]] = defaultdict(list)
        if public:
            notes = list(_margin_queryset(user, margin_filter, reader_key).filter(case=case))
            attach_threads(notes, user)  # one query for every thread of the case
            mark_shared(notes, user)
            for annotation in notes:
                grouped[annotation.case_field].append(annotation)
        return grouped

    personal = (
        set(Annotation.objects.filter(case=case).of_reader(user, reader_key).case_fields())
        if public
        else set()
    )
    can_annotate = public and may_annotate(user)
    # Who may write may reply; researchers too (may_reply, without asking twice).
    can_reply = can_annotate or (public and may_read_drafts(user))
    return [
        AnnotatedText(
            target,
            partial(lambda field: by_field()[field], target.case_field),
            can_annotate,
            can_reply,
            personal=not public or target.case_field in personal,
            margin_filter=margin_filter,
            public=public,
        )
        for target in case_targets(case)
    ]


def section_echoes(section: Section, reader_key: str | None = None) -> list[Annotation]:
    """Public notes on pilot cases shown beside this framework section too (`Annotation.echo_section`).

    The same annotations as in the cases' margins, not copies: one query, public only.
    """
    echoes = list(
        Annotation.objects.notes()
        .public()
        .filter(echo_section=section)
        .flagged_by(reader_key)
        .select_related("case", "author__preferences", "organisation")
        .order_by("case__title", "position_start", "pk")
    )
    # Their threads as in the cases' margins: public replies only (this page is the same for all).
    attach_threads(echoes, AnonymousUser())
    return echoes


@dataclass
class Echoes:
    """The pilots' notes beside a section (`section_echoes`) for one reader, read when needed,
    and whether they are the same for every reader (`shared`): nothing in them is this
    reader's, neither before they are read (`echoes_personal`) nor in what was read."""

    section: Section
    user: object
    reader_key: str | None

    @cached_property
    def personal(self) -> bool:
        return echoes_personal(self.section, self.user, self.reader_key)

    @cached_property
    def notes(self) -> list[Annotation]:
        notes = section_echoes(self.section, self.reader_key)
        mark_shared(notes, self.user)
        return notes

    @property
    def shared(self) -> bool:
        return _nothing_of_theirs(self)


def echoes_personal(section: Section, user, reader_key: str | None) -> bool:
    """Whether a note of `section_echoes`, or a reply in its thread, is this reader's or flagged
    by them (one small query; none for a reader who has neither signed in nor flagged)."""
    beside = Q(echo_section=section) | Q(parent__echo_section=section)
    return Annotation.objects.filter(beside).of_reader(user, reader_key).exists()


def section_margin(
    section: Section, user, margin_filter: MarginFilter, reader_key: str | None = None
) -> AnnotatedText:
    """The section's text with its margin, read as `case_margin` reads a case's texts."""

    def load() -> list[Annotation]:
        notes = list(_margin_queryset(user, margin_filter, reader_key).filter(section=section))
        attach_threads(notes, user)
        mark_shared(notes, user)
        return notes

    personal = Annotation.objects.filter(section=section).of_reader(user, reader_key).exists()
    can_annotate = may_annotate(user)
    return AnnotatedText(
        section_target(section),
        load,
        can_annotate,
        can_annotate or may_read_drafts(user),
        personal=personal,
        margin_filter=margin_filter,
    )
