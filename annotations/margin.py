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
from operator import attrgetter
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from annotations.models import Annotation, Kind, Motivation, Status, Voice
from annotations.reader_facts import nothing_theirs_on_case
from annotations.services import may_annotate
from annotations.targets import Target, case_targets, section_target
from annotations.thread_replies import THREAD_ORDER, attach_threads, visible_replies
from cases.models import Case, may_read_drafts
from diegem.lib.annotatable import Paragraph, paragraph_spans, text_revision
from diegem.lib.caching import cached_result
from diegem.lib.languages import language_path
from diegem.lib.prepared import PreparedQuery
from frameworks.models import Section


@dataclass
class Segment:
    """A run of paragraph text, highlighted when annotations cover it."""

    text: str
    annotation_ids: tuple[int, ...] = ()
    pending: bool = False
    opens: tuple[int, ...] = ()  # annotations whose passage starts here


@dataclass
class Block:
    paragraph: Paragraph
    segments: list[Segment]
    notes: list[Annotation]
    # Nothing of this reader's highlighted or noted here (`mark_shared`): the paragraph with its
    # notes is kept for every reader alike, also inside a text that is not.
    shared: bool = False

    def text_html(self, lang_attr: str = "") -> SafeString:
        """The paragraph with its highlights: an anchor where each passage starts, a `<mark>`
        over each run that notes cover (`hl--pending` where none of them is approved yet).
        Written here, not in the template: a paragraph holds dozens of runs, and a template
        loop costs a reader's page about a millisecond per paragraph (`make bench`)."""
        parts = [f'<p class="annotated__text" data-start="{int(self.paragraph.start)}"{lang_attr}>']
        for segment in self.segments:
            parts += [
                f'<span id="passage-{int(pk)}" class="passage-anchor"></span>'
                for pk in segment.opens
            ]
            text = escape(segment.text)
            if segment.annotation_ids:
                pending = " hl--pending" if segment.pending else ""
                ids = " ".join(str(int(pk)) for pk in segment.annotation_ids)
                parts.append(f'<mark class="hl{pending}" data-annotations="{ids}">{text}</mark>')
            else:
                parts.append(text)
        parts.append("</p>")
        return mark_safe("".join(parts))  # every value above is escaped or an int


def _nothing_of_theirs(holder) -> bool:
    """For a holder of notes read for one reader (`personal`, a lazy `notes`): nothing in it is
    theirs, neither by what was read of theirs before its notes are (a case's: the reader's own
    notes, or their facts saying there are none; a section's: a small query) nor, once they
    are read (the part is being made), by the notes themselves (`mark_shared`)."""
    if holder.personal:
        return False
    return "notes" not in holder.__dict__ or all(note.shared for note in holder.notes)


@dataclass
class AnnotatedText:
    target: Target
    load: Callable[[], list[Annotation]]  # this text's notes for this reader, read when needed
    can_annotate: bool = False
    can_reply: bool = False
    # Has this reader something of their own on this text (`AnnotationQuerySet.of_reader`)? On
    # a case, what they see of it in the margin (with its filter); on a section, anything.
    personal: bool = True
    margin_filter: MarginFilter | None = None
    public: bool = True  # a case's text is not while the case is not
    # How many public notes stand on the original of a translated text (read when shown).
    count_on_original: Callable[[], int] = lambda: 0

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
        blocks = build_blocks(self.target.text, self.notes, self.target.language)
        if not self.public:
            for block in blocks:
                block.shared = False  # a draft's text is kept for no one
        return blocks

    @property
    def note_count(self) -> int:
        return len(self.notes)

    @cached_property
    def notes_on_original(self) -> int:
        """On a translated text: how many public notes stand on its original (the page in the
        original's language shows them, `original_url`)."""
        return self.count_on_original()

    @property
    def original_url(self) -> str:
        """The same text in its original language, where the notes on the original stand."""
        return language_path(self.target.url, self.target.original_language)

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

    def allows(self, *, voice: str, kind: str) -> bool:
        return (not self.voice or voice == self.voice) and (not self.kind or kind == self.kind)

    def apply(self, queryset):
        if self.voice:
            queryset = queryset.filter(voice=self.voice)
        if self.kind:
            queryset = queryset.filter(kind=self.kind)
        return queryset

    @property
    def active(self) -> bool:
        return bool(self.voice or self.kind)


def build_blocks(text: str, annotations: list[Annotation], language: str) -> list[Block]:
    """Paragraphs with their highlighted segments and the notes that start in them.

    Annotations made on another revision of the text, or on another language version of it
    (`Annotation.text_language`: a note on the Dutch text is never drawn on French offsets),
    are left out: their offsets would point at the wrong words (re-anchoring brings them back).
    """
    revision = text_revision(text)
    annotations = [
        a for a in annotations if a.text_revision == revision and a.text_language == language
    ]
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


@dataclass(eq=False)
class KeptNote:
    """A public note in a case's margin, known by what its place in the text needs (its id,
    passage, revision, voice and kind). Every reader sees it alike (`shared`): it is shown from
    its kept part (`{% shared_fragment "margin-note" %}`), and only when that part is being made
    is the rest of it read (`full`: the public notes of the case as any reader sees them, with
    their threads, in one query)."""

    pk: int
    position_start: int
    position_end: int
    text_revision: str
    voice: str
    kind: str
    text_language: str
    full: Callable[[], dict[int, Annotation]]
    status: str = Status.APPROVED
    shared: bool = True

    @property
    def gone(self) -> bool:
        """No longer public (hidden or withdrawn after this request read the content version
        its place was kept under): not shown (`still_public` in the margin's template)."""
        return self.pk not in self.full()

    def __getattr__(self, name: str):
        if name.startswith("__") or self.gone:
            raise AttributeError(name)
        return getattr(self.full()[self.pk], name)


# The columns of a public note that place it in the margin (`KeptNote`).
PLACE_COLUMNS = (
    "pk",
    "position_start",
    "position_end",
    "text_revision",
    "voice",
    "kind",
    "text_language",
)


def _public_places(case: Case) -> dict[tuple[str, str], list[tuple]]:
    """Where the public notes of a case stand, per text section and language version, in the
    margin's order: the same for every reader (kept by the content version)."""
    places: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    rows = Annotation.objects.for_margin(AnonymousUser()).filter(case=case)
    for case_field, *place in rows.values_list("case_field", *PLACE_COLUMNS):
        places[case_field, place[-1]].append(tuple(place))
    return dict(places)


def _reader(user_id: int | None):
    return get_user_model()(pk=user_id) if user_id is not None else AnonymousUser()


def _case_margin_query(
    case_id: int, reader_key: str = "", user_id: int | None = None, *, own=False, **chosen
):
    """A case's notes this reader sees in its margins (of the voice and kind chosen), and the
    replies they see in the notes' threads: one query (`_case_notes`). With `own`, only the
    notes in which the reader has something of theirs (a note of theirs, a reply of theirs, a
    flag), with their threads."""
    reader = _reader(user_id)
    margin_filter = MarginFilter(voice=chosen.get("voice", ""), kind=chosen.get("kind", ""))
    notes = margin_filter.apply(Annotation.objects.for_margin(reader))
    both = (notes | visible_replies(reader)).filter(case_id=case_id)
    if own:
        theirs = Annotation.objects.filter(case_id=case_id).of_reader(reader, reader_key or None)
        roots = theirs.values(root=Coalesce("parent_id", "id"))
        both = both.filter(Q(pk__in=roots) | Q(parent_id__in=roots))
    both = both.flagged_by(reader_key or None)
    return both.select_related("author__preferences", "organisation").defer("search_vector")


# Read on the case page, prepared: the reader's own notes (`_OWN_CASE_MARGIN`) unless their
# facts say nothing of theirs is on the case, and the whole margin when a note's kept part is
# gone.
_CASE_MARGIN = PreparedQuery(_case_margin_query)
_OWN_CASE_MARGIN = PreparedQuery(partial(_case_margin_query, own=True))


def _case_notes(
    case: Case, user, margin_filter: MarginFilter, reader_key: str | None, *, own: bool = False
):
    """The notes of a public case this reader sees in its margins (with `own`: those holding
    something of theirs), with their threads and whether each is the same for every reader
    (`mark_shared`): one prepared query."""
    values = {"case_id": case.pk}
    if user.is_authenticated:
        values["user_id"] = user.pk
    values |= {name: value for name in ("voice", "kind") if (value := getattr(margin_filter, name))}
    if reader_key:
        values["reader_key"] = reader_key
    if own and not user.is_authenticated and not reader_key:
        return []  # nothing can be theirs
    annotations = (_OWN_CASE_MARGIN if own else _CASE_MARGIN).instances(**values)
    notes = [note for note in annotations if note.motivation == Motivation.COMMENTING]
    replies = sorted(
        (reply for reply in annotations if reply.motivation == Motivation.REPLYING),
        key=attrgetter(*THREAD_ORDER),
    )
    attach_threads(notes, user, replies)
    mark_shared(notes, user)
    return notes


def case_margin(
    case: Case, user, margin_filter: MarginFilter, reader_key: str | None, version: int
) -> list[AnnotatedText]:
    """Every text section of a case with its margin.

    A text with nothing of this reader's in it is kept for every reader alike, and a kept one
    needs no note. What is this reader's is read first, in one query: the notes holding
    something of theirs (a note, a reply, a flag), with their threads
    (`_case_margin_query(own=True)`); none for a reader who has neither signed in nor flagged
    anything, nor for one whose facts, read by the header with this case as the page's follow
    target, say nothing of theirs is on it (`nothing_theirs_on_case`). A text holding one of
    them is made with them, and every other note a `KeptNote`, placed by where the public notes
    stand (kept by the content version `version`) and shown from its kept part.
    """
    public = case.is_public
    known_none = nothing_theirs_on_case(user, case.pk, reader_key)  # as the header read it
    readers_notes = (
        _case_notes(case, user, margin_filter, reader_key, own=True)
        if public and not known_none
        else []
    )
    personal = {note.case_field for note in readers_notes}
    own_ids = {note.pk for note in readers_notes}

    @cache
    def places() -> dict[str, list[tuple]]:
        return cached_result(
            "case-margin-places", (case.pk,), version, lambda: _public_places(case)
        )

    @cache
    def public_notes() -> dict[int, Annotation]:
        return {note.pk: note for note in _case_notes(case, AnonymousUser(), MarginFilter(), None)}

    def load(field: str, language: str) -> list[Annotation]:
        if not public:
            return []
        kept = [
            KeptNote(*place, full=public_notes)
            for place in places().get((field, language), [])
            if place[0] not in own_ids and margin_filter.allows(voice=place[4], kind=place[5])
        ]
        theirs = [
            note
            for note in readers_notes
            if note.case_field == field and note.text_language == language
        ]
        return sorted([*kept, *theirs], key=lambda note: (note.position_start, note.pk))

    def on_original(target: Target) -> int:
        """How many public notes stand on the original of a translated text."""
        if not public or not target.is_translation:
            return 0
        return len(places().get((target.case_field, target.original_language), []))

    can_annotate = public and may_annotate(user)
    # Who may write may reply; researchers too (may_reply, without asking twice).
    can_reply = can_annotate or (public and may_read_drafts(user))
    return [
        AnnotatedText(
            target,
            partial(load, target.case_field, target.language),
            can_annotate,
            can_reply,
            personal=not public or target.case_field in personal,
            margin_filter=margin_filter,
            public=public,
            count_on_original=partial(on_original, target),
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
    if not user.is_authenticated and not reader_key:
        return False  # nothing can be theirs: no query
    beside = Q(echo_section=section) | Q(parent__echo_section=section)
    return Annotation.objects.filter(beside).of_reader(user, reader_key).exists()


def section_margin(
    section: Section, user, margin_filter: MarginFilter, reader_key: str | None = None
) -> AnnotatedText:
    """The section's text with its margin, read as `case_margin` reads a case's texts."""

    target = section_target(section)
    languages = {target.language, target.original_language}
    on_the_original: list[Annotation] = []

    @cache
    def load() -> list[Annotation]:
        """The notes on the version shown, with their threads; in the same query the public ones
        on the original of a translation (only counted, `on_original`, all of them, as on a
        case's page: the link goes to the original's whole margin)."""
        both = _margin_queryset(user, MarginFilter(), reader_key).filter(
            section=section, text_language__in=languages
        )
        notes = []
        for note in both:
            if note.text_language == target.language:
                if margin_filter.allows(voice=note.voice, kind=note.kind):
                    notes.append(note)
            elif note.status == Status.APPROVED:
                on_the_original.append(note)
        attach_threads(notes, user)
        mark_shared(notes, user)
        return notes

    personal = (user.is_authenticated or bool(reader_key)) and (
        Annotation.objects.filter(section=section).of_reader(user, reader_key).exists()
    )
    can_annotate = may_annotate(user)

    def on_original() -> int:
        load()
        return len(on_the_original)

    return AnnotatedText(
        target,
        load,
        can_annotate,
        can_annotate or may_read_drafts(user),
        personal=personal,
        margin_filter=margin_filter,
        count_on_original=on_original,
    )
