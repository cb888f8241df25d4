"""Text evidence for codings: anchoring a passage, and finding it again after edits."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.models import Case, CodingEvidence
from frameworks.anchoring import Anchor, find_again, find_passage, store_anchor
from frameworks.annotatable import text_revision


class EvidenceNotFound(ValueError):
    """The passage is not (exactly once) in the case's text section."""


def anchor_passage(case: Case, field: str, passage: str) -> Anchor:
    """Selectors for a passage a researcher copied from the case's text section."""
    text = getattr(case, field)
    search = find_passage(text, passage)
    if search.anchor is None:
        if search.occurrences > 1:
            raise EvidenceNotFound(
                _("Deze passage komt %(count)d keer voor in de tekstsectie; neem er enkele woorden bij.")
                % {"count": search.occurrences}
            )
        raise EvidenceNotFound(_("Deze passage staat niet in de gekozen tekstsectie; kopieer ze letterlijk."))
    return search.anchor


def apply_anchor(evidence: CodingEvidence, anchor: Anchor, text: str) -> None:
    store_anchor(evidence, anchor)
    evidence.text_revision = text_revision(text)
    evidence.anchor_state = CodingEvidence.AnchorState.ANCHORED


def reanchor_evidence(case: Case, field: str) -> dict[str, int]:
    """After an edit of one text section, find each of its evidence passages again."""
    text = getattr(case, field)
    counts = {"kept": 0, "orphaned": 0}
    for evidence in CodingEvidence.objects.filter(case=case, case_field=field):
        match = find_again(text, evidence)
        if match is None:
            evidence.anchor_state = CodingEvidence.AnchorState.ORPHANED
            counts["orphaned"] += 1
        else:
            apply_anchor(evidence, match.anchor, text)
            counts["kept"] += 1
        evidence.save()
    return counts


def reanchor_on_text_change(sender, *, instance, field: str, **kwargs) -> None:
    if sender is Case:
        reanchor_evidence(instance, field)
