"""Text evidence for codings: anchoring a passage, finding it again after edits, and what a coding needs to stand.

The rules a coding must meet before it is saved (`lacks_evidence`, `rationale_refusal`)
live here once: the workbench, the import and the seed call them, each with what it
knows of the case (the passages of the same submission, or those stored).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case, CodingEvidence, Grounds, SourceCoding, TensionPosition
from diegem.lib.anchoring import reanchor_passages
from diegem.lib.annotatable import text_revision
from diegem.lib.versioning import bump_content_version
from diegem.lib.visible_text import has_visible_text


def lacks_evidence(grounds: str | None, *, cited: bool) -> bool:
    """Whether a coding claims "tekstbewijs" without an anchored passage of its case's text to stand on."""
    return grounds == Grounds.EVIDENCE and not cited


# What the rationale of a coding says, by its grounds (as the workbench's help text asks it).
RATIONALE_ASKS = {
    Grounds.EVIDENCE: gettext_lazy("zeg wat het tekstbewijs toont"),
    Grounds.INTERPRETATION: gettext_lazy("zeg waarop de interpretatie steunt"),
    Grounds.UNDETERMINED: gettext_lazy("zeg waarom het materiaal geen waarde toelaat"),
}


def rationale_refusal(*, grounds: str | None, rationale: str | None, status: str) -> str | None:
    """Why a coding cannot be saved with this (empty) rationale, or None when it can.

    A case is complete when each coding has grounds and a rationale
    (`Case.missing_for_publication`). A draft may be incomplete; a case in review
    or published may not be left so by any save.
    """
    if (
        status == Case.Status.DRAFT
        or has_visible_text(rationale or "")
        or grounds not in RATIONALE_ASKS
    ):
        return None
    return _(
        "Een onderbouwing is nodig zolang de praktijk ter nalezing ligt of gepubliceerd is: %(asks)s."
    ) % {"asks": RATIONALE_ASKS[grounds]}


def reanchor_evidence(case: Case, field: str) -> dict[str, int]:
    """After an edit of one text section, find each of its evidence passages again.

    A coding whose last passage no longer fits stops counting as evidence
    (`sync_grounds_with_evidence`).
    """
    counts = reanchor_passages(
        CodingEvidence.objects.filter(case=case, case_field=field), getattr(case, field)
    )
    sync_grounds_with_evidence(case)
    return counts


def reanchor_stale_evidence(case: Case, evidence: Sequence[CodingEvidence]) -> None:
    """Find again those of these evidence rows that were anchored on another version of their text than the case has now.

    A restored version's passages, or a row a form held while the text was
    edited in the same save: each follows the text as it now stands, or is orphaned.
    """
    for field in {row.case_field for row in evidence}:
        text = getattr(case, field)
        revision = text_revision(text)
        reanchor_passages(
            [row for row in evidence if row.case_field == field and row.text_revision != revision],
            text,
        )


# The two kinds of coding and the column by which evidence points at each.
_CODING_MODELS = ((SourceCoding, "source_id"), (TensionPosition, "tension_field_id"))


def _keys(case: Case, column: str, state: str) -> set[int]:
    """The sources (or tension fields) of the case with an evidence row in this anchor state."""
    rows = CodingEvidence.objects.filter(case=case, anchor_state=state)
    return set(rows.filter(**{f"{column}__isnull": False}).values_list(column, flat=True))


def _anchored_keys(case: Case, column: str) -> set[int]:
    return _keys(case, column, CodingEvidence.AnchorState.ANCHORED)


def sync_grounds_with_evidence(case: Case) -> int:
    """Keep "tekstbewijs" true to the anchored passages; returns how many codings changed.

    A coding on evidence without an anchored passage becomes an interpretation;
    when its passages were orphaned by an edit it is flagged (`evidence_orphaned`)
    for the researchers. Once a passage for it is anchored again, it rests on
    evidence again; once no orphaned passage for it remains (deleted), it stays an
    interpretation and the flag has nothing left to say. (A researcher who saves
    the coding as an interpretation settles the flag too: the workbench's form.)
    Never is a coding silently left on evidence that no longer stands in the text.
    """
    changed = 0
    for model, column in _CODING_MODELS:
        anchored = _anchored_keys(case, column)
        orphaned = _keys(case, column, CodingEvidence.AnchorState.ORPHANED)
        codings = model.objects.filter(case=case)
        unanchored = codings.filter(grounds=Grounds.EVIDENCE).exclude(**{f"{column}__in": anchored})
        changed += unanchored.filter(**{f"{column}__in": orphaned}).update(
            grounds=Grounds.INTERPRETATION, evidence_orphaned=True
        )
        changed += unanchored.update(
            grounds=Grounds.INTERPRETATION
        )  # no passage at all: nothing is orphaned
        flagged = codings.filter(evidence_orphaned=True)
        changed += flagged.filter(**{f"{column}__in": anchored}).update(
            grounds=Grounds.EVIDENCE, evidence_orphaned=False
        )
        changed += flagged.exclude(**{f"{column}__in": orphaned}).update(evidence_orphaned=False)
    if changed:
        bump_content_version()  # bulk updates send no save signal
    return changed


def codings_without_evidence(case: Case) -> list[str]:
    """The sources and tension fields coded "tekstbewijs" that cite no anchored passage."""
    missing = []
    for model, column in _CODING_MODELS:
        anchored = _anchored_keys(case, column)
        framework = "source" if model is SourceCoding else "tension_field"
        missing += [
            str(getattr(coding, framework))
            for coding in model.objects.filter(case=case).select_related(framework)
            if lacks_evidence(coding.grounds, cited=getattr(coding, column) in anchored)
        ]
    return missing


def orphaned_codings(case: Case) -> list[str]:
    """The sources and tension fields whose evidence an edit orphaned: interpretations until anchored again."""
    sources = SourceCoding.objects.filter(case=case, evidence_orphaned=True).select_related(
        "source"
    )
    fields = TensionPosition.objects.filter(case=case, evidence_orphaned=True).select_related(
        "tension_field"
    )
    return [str(coding.source.name) for coding in sources] + [
        str(coding.tension_field.name) for coding in fields
    ]
