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

import logging
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet

from annotations.models import Annotation, Motivation
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


# --- the entry points ---------------------------------------------------------------------------


def project_bytes(
    cases: QuerySet[Case], annotations: QuerySet[Annotation], *, with_drafts: bool = False
) -> bytes:
    """These cases and annotations as a `.qdpx` file.

    The caller decides what may be seen: `cases` and `annotations` are what
    goes in (of the annotations, those on these cases or on the framework).
    `with_drafts` only names the project as one that holds unpublished work.
    """
    return qdpx.qdpx(build_project(cases, annotations, with_drafts=with_drafts))


def published_project_bytes() -> bytes:
    """The public project: published cases, public annotations (`/data/`, data releases)."""
    return project_bytes(Case.objects.published(), Annotation.objects.public())


def draft_export_cases(user) -> QuerySet[Case]:
    """The cases of a researcher's export with drafts: the one place that chooses them.

    Only for those who may edit cases (PermissionDenied otherwise), and never a case the
    user is coding blind (`codings_visible_to`): its coding would show in the project.
    """
    if not may_read_drafts(user):
        raise PermissionDenied
    return Case.objects.codings_visible_to(user)


def draft_project_bytes(user) -> bytes:
    """A researcher's project: every case they may read, drafts included, with the approved
    annotations on the texts they may read."""
    cases = draft_export_cases(user)
    return project_bytes(
        cases, Annotation.objects.on_readable_text(user).approved(), with_drafts=True
    )


# --- assembly -----------------------------------------------------------------------------------


def build_project(
    cases: QuerySet[Case], annotations: QuerySet[Annotation], *, with_drafts: bool = False
) -> qdpx.Project:
    """The project as the writer's dataclasses: a fixed number of queries, whatever the number of cases."""
    case_list = list(
        cases.select_related("domain")
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
        )
        .order_by("title", "pk")
    )
    sources = list(Source.objects.all())
    tension_fields = list(TensionField.objects.all())
    variables = _Variables(sources, tension_fields)
    notes: list[qdpx.Note] = []
    links: list[qdpx.Link] = []
    selections: dict[str, list[qdpx.Selection]] = defaultdict(list)  # by text source GUID
    texts: dict[str, tuple[str, str, str | None]] = {}  # GUID -> (name, text, creating user)
    project_cases = []
    users: dict[int, qdpx.User] = {}
    for case in case_list:
        researchers = sorted(case.researchers.all(), key=lambda user: user.pk)
        for user in researchers:
            users[user.pk] = qdpx.User(qda_guid("user", str(user.pk)), _name_of(user))
        creator = users[researchers[0].pk].guid if researchers else None
        section_guids = []
        for section, text in case.text_sections():
            guid = qda_guid("text", section.field, case_pk=case.pk)
            texts[guid] = (f"{case.title} · {section.title}", text, creator)
            section_guids.append(guid)
        case_guid = qda_guid("case", str(case.pk))
        rationale_of = _rationales(case, case_guid, notes, links)
        _evidence(case, rationale_of, selections)
        project_cases.append(
            qdpx.Case(
                case_guid,
                case.title,
                case.summary,
                variables.values_of(case),
                tuple(section_guids),
            )
        )
    _annotations(annotations, cases, case_list, texts, selections, notes, links)
    text_sources = tuple(
        qdpx.TextSource(
            guid,
            name,
            text,
            tuple(sorted(selections[guid], key=lambda s: (s.start, s.end, s.guid))),
            creator,
        )
        for guid, (name, text, creator) in texts.items()
    )
    return qdpx.Project(
        name=f"{ORIGIN} (met concepten)" if with_drafts else ORIGIN,
        origin=ORIGIN,
        codebook=framework_codebook(),
        users=tuple(sorted(users.values(), key=lambda u: (u.name, u.guid))),
        variables=variables.all,
        cases=tuple(project_cases),
        sources=text_sources,
        notes=tuple(notes),
        links=tuple(links),
        description=DRAFTS_DESCRIPTION if with_drafts else PUBLIC_DESCRIPTION,
    )


def _name_of(user) -> str:
    """As the case page names a researcher."""
    return user.get_full_name() or user.get_username()


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
        if not coding.rationale.strip():
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


def _annotations(annotations, cases, case_list, texts, selections, notes, links) -> None:
    """The given annotations on these cases or on the framework: notes, replies and readings."""
    exported = {case.pk: case for case in case_list}
    rows = list(
        annotations.filter(Q(case__in=cases.values("pk")) | Q(section__isnull=False))
        .select_related(
            "case",
            "section",
            "author__preferences",
            "organisation",
            "reading__source",
            "reading__tension_field",
        )
        .order_by("pk")
    )
    replies = defaultdict(list)
    for row in rows:
        if row.parent_id:
            replies[row.parent_id].append(row)
    for row in rows:
        if row.parent_id:
            continue
        thread = [row, *replies.get(row.pk, [])]
        guids = tuple(qda_guid("annotation", str(a.pk)) for a in thread)
        source_guid = _passage_source(row, exported, texts)
        if source_guid is not None:
            selections[source_guid].append(
                qdpx.Selection(
                    qda_guid("annotation-passage", str(row.pk)),
                    _note_name(row),
                    row.position_start,
                    row.position_end,
                    notes=guids,
                )
            )
        elif row.case_id:  # a reading without a passage (or one that no longer fits): its case
            for annotation, guid in zip(thread, guids, strict=True):
                links.append(
                    qdpx.Link(
                        qda_guid("annotation-link", str(annotation.pk)),
                        "over deze praktijk",
                        guid,
                        qda_guid("case", str(row.case_id)),
                    )
                )
        else:
            continue  # a framework passage that does not fit its text: nothing to tie it to
        for annotation, guid in zip(thread, guids, strict=True):
            notes.append(qdpx.Note(guid, _note_name(annotation), _note_text(annotation)))


def _passage_source(row: Annotation, exported: dict, texts: dict) -> str | None:
    """The text source an annotation's passage lies in (added for a framework section), if it fits."""
    if not row.has_passage:
        return None
    if row.section_id:
        guid = qda_guid("framework-section", row.section.key)
        text = row.section.body
    else:
        guid = qda_guid("text", row.case_field, case_pk=row.case_id)
        text = getattr(exported[row.case_id], row.case_field)
        if guid not in texts:  # an empty section holds no passage
            return None
    if not _fits(row, text):
        return None
    texts.setdefault(guid, (f"Kader · {row.section}", text, None))
    return guid


_KIND_NAMES = {
    Motivation.COMMENTING: "Kanttekening",
    Motivation.REPLYING: "Antwoord",
    Motivation.ASSESSING: "Lezing",
}


def _note_name(annotation: Annotation) -> str:
    by = annotation.byline or "uit de onderzoekstekst"
    return f"{_KIND_NAMES[annotation.motivation]} ({annotation.get_voice_display()}) · {by}"


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
