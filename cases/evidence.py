"""Text evidence for codings: anchoring a passage, and finding it again after edits."""

from __future__ import annotations

from collections.abc import Sequence

from cases.models import Case, CodingEvidence, Grounds, SourceCoding, TensionPosition
from diegem.lib.anchoring import reanchor_passages
from diegem.lib.annotatable import text_revision
from diegem.lib.versioning import bump_content_version


def reanchor_evidence(case: Case, field: str) -> dict[str, int]:
    """After an edit of one text section, find each of its evidence passages again.

    A coding whose last passage no longer fits stops counting as evidence
    (`sync_grounds_with_evidence`).
    """
    counts = reanchor_passages(CodingEvidence.objects.filter(case=case, case_field=field), getattr(case, field))
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
        reanchor_passages([row for row in evidence if row.case_field == field and row.text_revision != revision], text)


# The two kinds of coding and the column by which evidence points at each.
_CODING_MODELS = ((SourceCoding, "source_id"), (TensionPosition, "tension_field_id"))


def _anchored_keys(case: Case, column: str) -> set[int]:
    rows = CodingEvidence.objects.filter(case=case, anchor_state=CodingEvidence.AnchorState.ANCHORED)
    return set(rows.filter(**{f"{column}__isnull": False}).values_list(column, flat=True))


def sync_grounds_with_evidence(case: Case) -> int:
    """Keep "tekstbewijs" true to the anchored passages; returns how many codings changed.

    A coding on evidence whose last passage was orphaned by an edit becomes an
    interpretation, flagged (`evidence_orphaned`) for the researchers; once a
    passage for it is anchored again, it rests on evidence again. Never is a
    coding silently left on evidence that no longer stands in the text.
    """
    changed = 0
    for model, column in _CODING_MODELS:
        anchored = _anchored_keys(case, column)
        codings = model.objects.filter(case=case)
        changed += (
            codings.filter(grounds=Grounds.EVIDENCE)
            .exclude(**{f"{column}__in": anchored})
            .update(grounds=Grounds.INTERPRETATION, evidence_orphaned=True)
        )
        changed += codings.filter(evidence_orphaned=True, **{f"{column}__in": anchored}).update(
            grounds=Grounds.EVIDENCE, evidence_orphaned=False
        )
    if changed:
        bump_content_version()  # bulk updates send no save signal
    return changed


def codings_without_evidence(case: Case) -> list[str]:
    """The sources and tension fields coded "tekstbewijs" that cite no anchored passage."""
    missing = []
    for model, column in _CODING_MODELS:
        anchored = _anchored_keys(case, column)
        on_evidence = model.objects.filter(case=case, grounds=Grounds.EVIDENCE).exclude(**{f"{column}__in": anchored})
        framework = "source" if model is SourceCoding else "tension_field"
        missing += [str(getattr(coding, framework)) for coding in on_evidence.select_related(framework)]
    return missing


def orphaned_codings(case: Case) -> list[str]:
    """The sources and tension fields whose evidence an edit orphaned: interpretations until anchored again."""
    sources = SourceCoding.objects.filter(case=case, evidence_orphaned=True).select_related("source")
    fields = TensionPosition.objects.filter(case=case, evidence_orphaned=True).select_related("tension_field")
    return [str(coding.source.name) for coding in sources] + [str(coding.tension_field.name) for coding in fields]
