"""The researchers' dashboard: the planned case studies per domain and the pilots, with what each still lacks. A read."""

from __future__ import annotations

from cases.models import Case, Grounds
from frameworks.models import Domain, Source, TensionField


def dashboard(user) -> dict:
    """The planned case studies per domain and the pilots: status, completeness, gaps.

    A case this user codes blind (`Case.objects.codings_visible_to`) shows its status
    only: its completeness, grounds and gaps would tell of the coding.
    """
    readable = set(Case.objects.codings_visible_to(user).values_list("pk", flat=True))
    sources = list(Source.objects.all())
    tension_fields = list(TensionField.objects.all())
    cases = list(
        Case.objects.select_related("domain")
        .prefetch_related("source_codings", "tension_positions")
        .order_by("title")
    )
    names = {("source", s.pk): s.name for s in sources} | {
        ("field", f.pk): f.name for f in tension_fields
    }
    rows = []
    for case in cases:
        if case.pk not in readable:
            rows.append({"case": case, "blind": True})
            continue
        missing = case.missing_for_publication(sources, tension_fields)
        done = max(0, Case.REQUIREMENTS - len(missing))
        codings = [
            *((("source", c.source_id), c) for c in case.source_codings.all()),
            *((("field", p.tension_field_id), p) for p in case.tension_positions.all()),
        ]
        rows.append(
            {
                "case": case,
                "missing": missing,
                "complete": round(100 * done / Case.REQUIREMENTS),
                # How the codings are known, e.g. "4 tekstbewijs · 3 interpretatie · 3 niet te bepalen".
                "grounds": [
                    (sum(1 for _key, c in codings if c.grounds == value), label)
                    for value, label in Grounds.choices
                ],
                "orphaned": [names[key] for key, c in codings if c.evidence_orphaned],
            }
        )
    domains = []
    for domain in Domain.objects.all():
        studies = [
            row
            for row in rows
            if row["case"].domain_id == domain.pk and row["case"].kind == Case.Kind.CASE_STUDY
        ]
        counts = {
            status: sum(1 for row in studies if row["case"].status == status)
            for status in Case.Status.values
        }
        domains.append(
            {
                "domain": domain,
                "planned": domain.planned_case_studies,
                "entered": len(studies),
                "to_enter": max(0, domain.planned_case_studies - len(studies)),
                "counts": counts,
                "rows": studies,
            }
        )
    return {
        "domains": domains,
        "pilots": [row for row in rows if row["case"].kind == Case.Kind.PILOT],
        "planned_total": sum(d["planned"] for d in domains),
        "published_total": sum(d["counts"][Case.Status.PUBLISHED] for d in domains),
    }
