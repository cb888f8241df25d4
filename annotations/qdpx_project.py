"""The bank as a REFI-QDA project (`.qdpx`) for qualitative analysis software.

NVivo, ATLAS.ti, MAXQDA and QualCoder import it. What it holds, and how each
part of the bank is modelled in QDA-XML (the writer is `diegem.lib.qdpx`):

- Users: the researchers of the exported cases, named as the case page names
  them (full name, else user name), nothing more.
- CodeBook and Sets: the framework, exactly the codes and GUIDs of the `.qdc`
  (`cases.exchange.framework_codebook`).
- Variables, and one Case per case study with its values: `soort`, `domein`
  (key), `gemeente`, `buurt`, `status`, and per source and tension field the
  value and its grounds under the names of the wide CSV (`bron_<key>`,
  `bron_<key>_grond`, `veld_<key>`, `veld_<key>_grond`). A coding that cannot
  be told has no value (no VariableValue), only its grounds. The Case refers
  to its text sections (SourceRef) and carries its summary as Description.
- Sources: each non-empty text section of a case as a TextSource, its text
  exactly as stored in `Sources/<guid>.txt`; the case's first researcher (by
  id) as its creating user. Each anchored evidence passage is a
  PlainTextSelection (code points, checked against the text and its quote)
  coded with its framework code: the source's code, or for a tension field the
  pole the case leans to, its "beide polen" code, or the field itself for the
  middle (`cases.exchange.pole_code_guid`).
- Notes: every coding's rationale, with its value and grounds. The schema
  gives a Case no NoteRef, so a rationale is linked to its case by a Link
  (note -> case) and, where the coding has evidence, by a NoteRef on the
  Coding of each of its passages. Approved annotations (the queryset the
  caller gives, e.g. `Annotation.objects.public()`): a note on a case passage
  becomes a PlainTextSelection on that section's TextSource with a NoteRef;
  a note on a framework section does the same on a TextSource of that section
  of the framework text (exported only for sections that carry a note; it
  belongs to no Case). Replies are Notes referred to from their root note's
  selection (or link), in thread order; a reading is a Note on its passage,
  or, without one, linked to its case. Annotations are signed with their
  byline (which keeps an author's choice to show only their organisation);
  their authors are not Users.

GUIDs are uuid5 of natural keys (`cases.exchange.qda_guid`): codes by
framework key, everything of a case by the case's primary key (a slug changes
with a title), passages and annotations by their own primary key. The same
data gives the same bytes: ordered reads, no dates, fixed ZIP timestamps.
"""

from __future__ import annotations

import io
import logging
import sys
from collections import defaultdict
from typing import BinaryIO

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language

from annotations.models import Annotation, Motivation, Voice
from cases import exchange
from cases.exchange import (
    ORIGIN,
    framework_codebook,
    grounds_vocabulary,
    kinds,
    pole_code_guid,
    qda_guid,
    statuses,
)
from cases.models import Case, CodingEvidence, Grounds, describe_strength, may_read_drafts
from diegem.lib import qdpx
from diegem.lib.built_files import built_file, code_fingerprint
from diegem.lib.people import shown_name
from diegem.lib.visible_text import has_visible_text
from frameworks.models import Domain, Source, TensionField

logger = logging.getLogger(__name__)

FILENAME = "diegem-praktijken.qdpx"
PUBLIC_DESCRIPTION = (
    "Praktijkenbank DieGem: de gepubliceerde casestudies van solidariteit in superdiversiteit, "
    "gecodeerd op de bronnen en spanningsvelden van het kader. CC BY 4.0."
)
DRAFTS_DESCRIPTION = (
    "Praktijkenbank DieGem, met concepten: ook niet-gepubliceerde praktijken. "
    "Voor het onderzoeksteam; niet verspreiden."
)
CONTENT_TYPE = "application/zip"
# The code that decides the public file's bytes: what it writes and what counts as public.
FINGERPRINTED_MODULES = (
    sys.modules[__name__],
    qdpx,
    exchange,
    sys.modules[Case.__module__],
    sys.modules[Annotation.__module__],
    sys.modules[Source.__module__],
)
CODE_FINGERPRINT = code_fingerprint(FINGERPRINTED_MODULES)


# --- the entry points ---------------------------------------------------------------------------

# Cases read per round: what one round holds (texts, codings, evidence, their notes) is what
# the export keeps in memory at a time.
CASES_PER_ROUND = 500


def write_project(
    out: BinaryIO,
    cases: QuerySet[Case],
    annotations: QuerySet[Annotation],
    *,
    with_drafts: bool = False,
) -> None:
    """These cases and annotations as a `.qdpx` file, written into `out`.

    The caller decides what may be seen: `cases` and `annotations` are what
    goes in (of the annotations, those on these cases or on the framework).
    `with_drafts` only names the project as one that holds unpublished work.
    Memory holds one round of cases at a time, whatever the size of the bank.
    """
    case_ids = list(cases.order_by("title", "pk").values_list("pk", flat=True))
    sources = list(Source.objects.all())
    tension_fields = list(TensionField.objects.all())
    variables = _Variables(sources, tension_fields)
    header = qdpx.Header(
        name=f"{ORIGIN} (met concepten)" if with_drafts else ORIGIN,
        origin=ORIGIN,
        codebook=framework_codebook(),
        variables=variables.all,
        description=DRAFTS_DESCRIPTION if with_drafts else PUBLIC_DESCRIPTION,
    )
    with qdpx.ProjectWriter(header) as writer:
        for first in range(0, len(case_ids), CASES_PER_ROUND):
            round_ids = case_ids[first : first + CASES_PER_ROUND]
            _write_cases(writer, cases, round_ids, annotations, variables)
        _write_framework_notes(writer, annotations)
        writer.finish(out)


def project_bytes(
    cases: QuerySet[Case], annotations: QuerySet[Annotation], *, with_drafts: bool = False
) -> bytes:
    """`write_project` as bytes (tests and small exports)."""
    out = io.BytesIO()
    write_project(out, cases, annotations, with_drafts=with_drafts)
    return out.getvalue()


def write_published_project(out: BinaryIO) -> None:
    """The public project: published cases, public annotations (`/data/`, data releases)."""
    write_project(out, Case.objects.published(), Annotation.objects.public())


def published_project_file(*, max_age: float | None = None) -> BinaryIO:
    """The public project for the current content version, open (built now if it is not yet).

    `/data/praktijken.qdpx` serves it; `manage.py build_files` builds it ahead of the first
    download after a change (at 10,000 cases the build takes more than a minute), and again
    when it is older than `max_age` seconds.
    """
    return built_file(
        "praktijken.qdpx", write_published_project, fingerprint=CODE_FINGERPRINT, max_age=max_age
    )


def published_project_bytes() -> bytes:
    out = io.BytesIO()
    write_published_project(out)
    return out.getvalue()


def draft_export_cases(user) -> QuerySet[Case]:
    """The cases of a researcher's export with drafts: the one place that chooses them.

    Only for those who may edit cases (PermissionDenied otherwise), and never a case the
    user is coding blind (`codings_visible_to`): its coding would show in the project.
    """
    if not may_read_drafts(user):
        raise PermissionDenied
    return Case.objects.codings_visible_to(user)


def write_draft_project(out: BinaryIO, user) -> None:
    """A researcher's project: every case they may read, drafts included, with the approved
    annotations on the texts they may read."""
    cases = draft_export_cases(user)
    write_project(
        out, cases, Annotation.objects.on_readable_text(user).approved(), with_drafts=True
    )


def draft_project_bytes(user) -> bytes:
    out = io.BytesIO()
    write_draft_project(out, user)
    return out.getvalue()


# --- assembly -----------------------------------------------------------------------------------


def _write_cases(
    writer: qdpx.ProjectWriter, cases: QuerySet[Case], ids: list[int], annotations, variables
) -> None:
    """One round of cases, in title order: each case, then its text sources, notes and links.

    The round is read through the caller's queryset again: a case taken offline since
    the list of ids was read stays out. A fixed number of queries per round.
    """
    order = {pk: index for index, pk in enumerate(ids)}
    case_list = sorted(
        cases.filter(pk__in=ids)
        .select_related("domain")
        .prefetch_related(
            "researchers",
            "source_codings__source",
            "tension_positions__tension_field",
            Prefetch(
                "evidence",
                CodingEvidence.objects.anchored()
                .select_related("source", "tension_field")
                .order_by("case_field", "position_start", "position_end", "pk"),
            ),
        ),
        key=lambda case: order[case.pk],
    )
    threads = _threads(annotations.filter(case_id__in=ids))
    for case in case_list:
        notes: list[qdpx.Note] = []
        links: list[qdpx.Link] = []
        selections: dict[str, list[qdpx.Selection]] = defaultdict(list)  # by text source GUID
        researchers = sorted(case.researchers.all(), key=lambda user: user.pk)
        for user in researchers:  # Users: the researchers of the cases written, no others
            writer.user(qdpx.User(qda_guid("user", str(user.pk)), shown_name(user)))
        creator = qda_guid("user", str(researchers[0].pk)) if researchers else None
        texts = {}  # GUID -> (name, text)
        for section, text in case.text_sections():
            texts[qda_guid("text", section.field, case_pk=case.pk)] = (
                f"{case.title} · {section.title}",
                text,
            )
        case_guid = qda_guid("case", str(case.pk))
        rationale_of = _rationales(case, case_guid, notes, links)
        _evidence(case, rationale_of, selections)
        for thread in threads.get(case.pk, ()):
            _thread(thread, case, texts, selections, notes, links)
        writer.case(
            qdpx.Case(
                case_guid,
                case.title,
                case.summary,
                variables.values_of(case),
                tuple(texts),
            )
        )
        for guid, (name, text) in texts.items():
            writer.source(_text_source(guid, name, text, selections[guid], creator))
        for note in notes:
            writer.note(note)
        for link in links:
            writer.link(link)


def _write_framework_notes(writer: qdpx.ProjectWriter, annotations) -> None:
    """The annotations on the framework: a text source per annotated section, their notes."""
    notes: list[qdpx.Note] = []
    selections: dict[str, list[qdpx.Selection]] = defaultdict(list)
    texts: dict[str, tuple[str, str]] = {}
    for threads in _threads(annotations.filter(section__isnull=False)).values():
        for thread in threads:
            _thread(thread, None, texts, selections, notes, [])
    for guid, (name, text) in texts.items():
        writer.source(_text_source(guid, name, text, selections[guid], None))
    for note in notes:
        writer.note(note)


def _text_source(guid, name, text, selections, creator) -> qdpx.TextSource:
    return qdpx.TextSource(
        guid, name, text, tuple(sorted(selections, key=lambda s: (s.start, s.end, s.guid))), creator
    )


class _Variables:
    """The case variables, with GUIDs from the framework keys (they stay when a name changes)."""

    def __init__(self, sources: list[Source], tension_fields: list[TensionField]):
        def text(key: str, description: str) -> qdpx.Variable:
            return qdpx.Variable(qda_guid("variable", key), key, "Text", description)

        self.kind = text("soort", "casestudie of pilootcase")
        self.domain = text("domein", "het domein (sleutel): " + _keys_of_domains())
        self.municipality = text("gemeente", "de gemeente")
        self.neighbourhood = text("buurt", "de buurt of wijk")
        self.status = text("status", "concept, ter-nalezing of gepubliceerd")
        self.sources = [
            (
                source,
                qdpx.Variable(
                    qda_guid("strength", source.key),
                    f"bron_{source.key}",
                    "Integer",
                    f"Sterkte van de bron ‘{source.name}’: 0 afwezig, 1 zwak, 2 matig, 3 sterk; "
                    "geen waarde: niet te bepalen.",
                ),
                qdpx.Variable(
                    qda_guid("strength-grounds", source.key),
                    f"bron_{source.key}_grond",
                    "Text",
                    _GROUNDS_DESCRIPTION,
                ),
            )
            for source in sources
        ]
        self.fields = [
            (
                tension_field,
                qdpx.Variable(
                    qda_guid("position", tension_field.key),
                    f"veld_{tension_field.key}",
                    "Text",
                    f"Positie op ‘{tension_field.name}’: -2 (sterk {tension_field.pole_a}) tot 2 "
                    f"(sterk {tension_field.pole_b}), of ‘beide’ (houdt beide polen vast); "
                    "geen waarde: niet te bepalen.",
                ),
                qdpx.Variable(
                    qda_guid("position-grounds", tension_field.key),
                    f"veld_{tension_field.key}_grond",
                    "Text",
                    _GROUNDS_DESCRIPTION,
                ),
            )
            for tension_field in tension_fields
        ]
        self.all = (
            self.kind,
            self.domain,
            self.municipality,
            self.neighbourhood,
            self.status,
            *(v for _s, value, grounds in self.sources for v in (value, grounds)),
            *(v for _f, value, grounds in self.fields for v in (value, grounds)),
        )

    def values_of(self, case: Case) -> tuple[qdpx.VariableValue, ...]:
        value = qdpx.VariableValue
        grounds = grounds_vocabulary()
        values = [
            value(self.kind, kinds().code(case.kind)),
            value(self.domain, case.domain.key),
            value(self.municipality, case.municipality),
            *([value(self.neighbourhood, case.neighbourhood)] if case.neighbourhood else []),
            value(self.status, statuses().code(case.status)),
        ]
        codings = {c.source_id: c for c in case.source_codings.all()}
        for source, strength, strength_grounds in self.sources:
            coding = codings.get(source.pk)
            if coding is None:
                continue
            if coding.strength is not None:
                values.append(value(strength, coding.strength))
            values.append(value(strength_grounds, grounds.code(coding.grounds)))
        positions = {p.tension_field_id: p for p in case.tension_positions.all()}
        for tension_field, position_variable, position_grounds in self.fields:
            position = positions.get(tension_field.pk)
            if position is None:
                continue
            if position.holds_both:
                values.append(value(position_variable, "beide"))
            elif position.position is not None:
                values.append(value(position_variable, str(position.position)))
            values.append(value(position_grounds, grounds.code(position.grounds)))
        return tuple(values)


_GROUNDS_DESCRIPTION = "Hoe de codering gekend is: tekstbewijs, interpretatie of niet_te_bepalen."


def _keys_of_domains() -> str:
    return ", ".join(Domain.objects.values_list("key", flat=True))


def _rationales(case: Case, case_guid: str, notes: list, links: list) -> dict[tuple, str]:
    """Each coding's rationale as a Note linked to its case; returns the note GUIDs by coding."""
    of = {}
    grounds = grounds_vocabulary()
    codings = [
        ("source", c.source.key, c.source.name, describe_strength(c.strength), c)
        for c in case.source_codings.all()
    ] + [
        (
            "tension-field",
            p.tension_field.key,
            p.tension_field.name,
            p.label,
            p,
        )
        for p in case.tension_positions.all()
    ]
    for kind, key, name, label, coding in codings:
        if not has_visible_text(coding.rationale):
            continue
        guid = qda_guid(f"rationale-{kind}", key, case_pk=case.pk)
        value = label if coding.grounds != Grounds.UNDETERMINED else describe_strength(None)
        notes.append(
            qdpx.Note(
                guid,
                f"{case.title} · {name}: onderbouwing",
                f"{name}: {value} ({grounds.code(coding.grounds)})\n\n{coding.rationale}",
            )
        )
        links.append(
            qdpx.Link(
                qda_guid(f"rationale-{kind}-link", key, case_pk=case.pk),
                "onderbouwing van de codering",
                guid,
                case_guid,
            )
        )
        of[(kind, key)] = guid
    return of


def _evidence(case: Case, rationale_of: dict, selections: dict) -> None:
    """Each anchored evidence passage as a selection coded with its framework code."""
    positions = {p.tension_field_id: p for p in case.tension_positions.all()}
    for evidence in case.evidence.all():
        text = getattr(case, evidence.case_field)
        if not _fits(evidence, text):
            continue
        if evidence.source_id:
            code = qda_guid("source", evidence.source.key)
            item = evidence.source
            rationale = rationale_of.get(("source", item.key))
        else:
            item = evidence.tension_field
            position = positions.get(item.pk)
            code = (
                pole_code_guid(item, position.position, position.holds_both)
                if position is not None
                else qda_guid("tension-field", item.key)
            )
            rationale = rationale_of.get(("tension-field", item.key))
        selections[qda_guid("text", evidence.case_field, case_pk=case.pk)].append(
            qdpx.Selection(
                qda_guid("evidence", str(evidence.pk)),
                f"Tekstbewijs: {item.name}",
                evidence.position_start,
                evidence.position_end,
                codings=(
                    qdpx.Coding(
                        qda_guid("evidence-coding", str(evidence.pk)),
                        code,
                        (rationale,) if rationale else (),
                    ),
                ),
            )
        )


def _fits(passage, text: str) -> bool:
    """Does the stored passage lie within the text and quote it? (Anchored ones do; never trust it blindly.)"""
    start, end = passage.position_start, passage.position_end
    if 0 <= start < end <= len(text) and text[start:end] == passage.quote_exact:
        return True
    logger.warning("Passage %s does not fit its text; left out of the QDPX project.", passage.pk)
    return False


def _threads(annotations) -> dict[int | None, list[list[Annotation]]]:
    """The annotations as threads (a root, then its replies in order), by case (None: the framework)."""
    rows = list(
        annotations.select_related(
            "case",
            "section",
            "author__preferences",
            "organisation",
            "reading__source",
            "reading__tension_field",
        ).order_by("pk")
    )
    replies = defaultdict(list)
    for row in rows:
        if row.parent_id:
            replies[row.parent_id].append(row)
    threads = defaultdict(list)
    for row in rows:
        if not row.parent_id:
            threads[row.case_id].append([row, *replies.get(row.pk, [])])
    return threads


def _thread(thread, case, texts, selections, notes, links) -> None:
    """A note, reply or reading thread: a selection on its passage, or a link to its case, and its notes."""
    root = thread[0]
    guids = tuple(qda_guid("annotation", str(a.pk)) for a in thread)
    source_guid = _passage_source(root, case, texts)
    if source_guid is not None:
        selections[source_guid].append(
            qdpx.Selection(
                qda_guid("annotation-passage", str(root.pk)),
                _note_name(root),
                root.position_start,
                root.position_end,
                notes=guids,
            )
        )
    elif root.case_id:  # a reading without a passage (or one that no longer fits): its case
        for annotation, guid in zip(thread, guids, strict=True):
            links.append(
                qdpx.Link(
                    qda_guid("annotation-link", str(annotation.pk)),
                    "over deze praktijk",
                    guid,
                    qda_guid("case", str(root.case_id)),
                )
            )
    else:
        return  # a framework passage that does not fit its text: nothing to tie it to
    for annotation, guid in zip(thread, guids, strict=True):
        notes.append(qdpx.Note(guid, _note_name(annotation), _note_text(annotation)))


def _passage_source(row: Annotation, case: Case | None, texts: dict) -> str | None:
    """The text source an annotation's passage lies in (added for a framework section), if it fits."""
    if not row.has_passage:
        return None
    if row.section_id:
        guid = qda_guid("framework-section", row.section.key)
        text = row.section.body
    else:
        guid = qda_guid("text", row.case_field, case_pk=row.case_id)
        if guid not in texts:  # an empty section holds no passage
            return None
        text = getattr(case, row.case_field)
    if not _fits(row, text):
        return None
    texts.setdefault(guid, (f"Kader · {row.section}", text))
    return guid


_KIND_NAMES = {
    Motivation.COMMENTING: "Kanttekening",
    Motivation.REPLYING: "Antwoord",
    Motivation.ASSESSING: "Lezing",
}


def _note_name(annotation: Annotation) -> str:
    by = annotation.byline or "uit de onderzoekstekst"
    return f"{_KIND_NAMES[annotation.motivation]} ({_voice_label(annotation.voice)}) · {by}"


_VOICE_LABELS: dict[tuple[str, str], str] = {}


def _voice_label(voice: str) -> str:
    """The voice's label, translated once per language (a display per note was a fifth of the time)."""
    key = (get_language(), voice)
    if key not in _VOICE_LABELS:
        _VOICE_LABELS[key] = str(Voice(voice).label)
    return _VOICE_LABELS[key]


def _note_text(annotation: Annotation) -> str:
    parts = []
    if annotation.motivation == Motivation.ASSESSING:
        reading = annotation.reading
        parts.append(f"Lezing van ‘{reading.item.name}’: stelt ‘{reading.label}’ voor.")
    parts.append(annotation.body)
    if annotation.attribution:
        parts.append(f"Bron: {annotation.attribution}")
    if annotation.link:
        parts.append(f"Link: {annotation.link}")
    if annotation.motivation == Motivation.ASSESSING and annotation.reading.answer:
        parts.append(f"Antwoord van de onderzoekers: {annotation.reading.answer}")
    parts.append(f"— {annotation.byline or 'samengevat uit de onderzoekstekst'}")
    return "\n\n".join(parts)
