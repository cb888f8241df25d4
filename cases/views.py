"""Public pages about cases: the list, a case, and cases per source or tension field."""

import io
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case as When_
from django.db.models import Count, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases import coding_reliability, exchange, open_data_files
from cases.case_citation import case_citation
from cases.case_map import place_map as case_map_of
from cases.case_nearness import cases_to_learn_from
from cases.case_page import CasePageParts, case_of_page
from cases.charts import spectrum_columns
from cases.filters import (
    EVIDENCE_ONLY,
    GROUNDS_PARAM,
    CaseFilterForm,
    GroundsTally,
    evidence_only,
    range_params,
)
from cases.models import (
    Case,
    Position,
    SourceCoding,
    Strength,
    TensionPosition,
    describe_position,
)
from cases.practice_profile import (
    EMPTY_PRACTICE,
    PracticeForm,
    framework_items,
    goals_without_now,
    is_filled_in,
    moves,
    profile_rows,
)
from diegem.lib import search as full_text
from diegem.lib.caching import cached_result, request_content_version, shared_content
from diegem.lib.citation import citation_download
from diegem.lib.languages import in_dutch
from frameworks.models import FORMER_KEYS, Source, TensionField, framework_lists

PAGE_SIZE = 20


def _filtered_cases(request: HttpRequest):
    """The filter form of the list and the map (one state, the URL) and the published cases it leaves."""
    sources, tension_fields, domains = framework_lists()
    form = CaseFilterForm(
        request.GET or None, sources=sources, tension_fields=tension_fields, domains=domains
    )
    published = Case.objects.published()
    return form, published, form.filter(published)


LIST_CONTENT = "cases/includes/case_list_content.html"


def _list_context(request: HttpRequest, form: CaseFilterForm, view: str) -> dict:
    """What the list and the map share: the form, its chips, and the links between the views."""
    query = _without_page(request)
    return {
        "form": form,
        "view": view,
        "form_action": reverse("case-map" if view == "map" else "case-list"),
        "list_url": reverse("case-list") + (f"?{query}" if query else ""),
        "map_url": reverse("case-map") + (f"?{query}" if query else ""),
        "active_filters": form.active_filters(request.GET),
        "query_without_page": query,
        "evidence_only": form.evidence_only,
        "grounds_param": GROUNDS_PARAM,
        "evidence_value": EVIDENCE_ONLY,
    }


def case_list(request: HttpRequest) -> HttpResponse:
    """Published cases, filtered, searched and counted by facet; the state is the URL.

    Public only, so the same for every reader of an address: kept by the content version
    (`shared_content`); what it shows is read only when it is made.
    """
    if moved := former_parameters_redirect(request):
        return moved
    content = shared_content(
        request, "case-list", LIST_CONTENT, lambda: _case_list_context(request)
    )
    return render(request, "cases/case_list.html", {"content": content})


def _case_list_context(request: HttpRequest) -> dict:
    form, published, matching = _filtered_cases(request)
    parsed = form.parsed_query
    sort = form.value("sortering") or ("relevantie" if parsed else "")
    capped = False
    if parsed and sort == "relevantie":
        ordered = matching.ranked(parsed)
        capped = matching.capped_count()[1]
    elif sort == "nieuw":
        ordered = matching.order_by("-published_at", "-pk")
    else:
        ordered = matching.order_by("title", "pk")
    page = Paginator(ordered.for_listing(evidence_only=form.evidence_only), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    if parsed:
        Case.objects.attach_snippets(page.object_list, parsed)
    form.attach_reasons(page.object_list)
    form.count_options(published)
    return {
        **_list_context(request, form, "list"),
        "page": page,
        "capped": capped,
        "cap": full_text.CANDIDATE_CAP,
        "compare_url": reverse("case-compare"),
    }


def case_map(request: HttpRequest) -> HttpResponse:
    """The same filtered cases as the list, on the map of Flanders and Brussels (cases.case_map);
    kept as the list is."""
    if moved := former_parameters_redirect(request):
        return moved
    content = shared_content(request, "case-map", LIST_CONTENT, lambda: _case_map_context(request))
    return render(request, "cases/case_list.html", {"content": content})


def _case_map_context(request: HttpRequest) -> dict:
    form, published, matching = _filtered_cases(request)
    place_map = case_map_of(matching)
    query = request.GET.copy()
    for name in ("pagina", "plaats"):
        query.pop(name, None)
    for marker in place_map.markers:
        if marker.slug:
            marker.url = reverse("case-detail", args=[marker.slug])
        else:
            query["plaats"] = marker.name
            marker.url = f"{reverse('case-list')}?{query.urlencode()}"
    form.count_options(published)
    return {**_list_context(request, form, "map"), "place_map": place_map}


def case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A case with its profile: each coding with its value, how it is known, and its evidence.

    Drafts exist only for those who may edit them, and not for a second coder coding
    the case blind (`codings_visible_to`): their blind form shows the text. The parts that
    are the same for every reader (head, profile, texts, keywords and related cases) are kept
    by the content version (`{% shared_fragment %}` in the template); what they show is read
    only when one is made (`CasePageParts`).
    """
    version = request_content_version(request)  # before anything a kept part shows
    case = case_of_page(request.user, slug)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "parts": CasePageParts(case, request, version),
            # The follow button's target, asked about with what the header reads of a member.
            "follow_target": case if case.is_public else None,
        },
    )


@require_safe
def case_cite(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The citation of a case's page as BibTeX, RIS or CSL-JSON (cases.case_citation).

    Drafts exist only for those who may edit them, and not for whoever codes the case blind, as on
    the page itself.
    """
    case = get_object_or_404(
        Case.objects.codings_visible_to(request.user).prefetch_related("researchers"), slug=slug
    )
    url = request.build_absolute_uri(in_dutch(case.get_absolute_url)())  # its lasting address
    citation = case_citation(case, url)
    return citation_download(citation, fmt, f"diegem-{case.slug}")


def _former_key_redirect(view_name: str, key: str) -> HttpResponse | None:
    """A permanent redirect from an English key of the first release to its Dutch key."""
    if key in FORMER_KEYS:
        return redirect(view_name, FORMER_KEYS[key], permanent=True)
    return None


def source_detail(request: HttpRequest, key: str) -> HttpResponse:
    """A source of solidarity and the published cases drawing on it, strongest first, each with its grounds.

    Cases whose strength cannot be told are counted apart, never listed as a strength.
    """
    if moved := _former_key_redirect("source-detail", key):
        return moved
    source = get_object_or_404(Source.objects.select_related("section"), key=key)
    only_evidence = evidence_only(request.GET)
    on_source = SourceCoding.objects.filter(
        source=source, case__in=Case.objects.published().values("pk")
    )
    codings = (
        on_source.counted(evidence_only=only_evidence)
        .filter(strength__gte=Strength.WEAK)
        .select_related("case__domain")
        .order_by("-strength", "case__title", "case__pk")
    )
    page = Paginator(codings, PAGE_SIZE).get_page(request.GET.get("pagina"))
    left_out = 0
    if only_evidence:
        left_out = (
            on_source.determined().filter(strength__gte=Strength.WEAK).count()
            - page.paginator.count
        )
    return render(
        request,
        "cases/source_detail.html",
        {
            "source": source,
            "follow_target": source,
            "page": page,
            "undetermined": on_source.undetermined().count(),
            "left_out": left_out,
            "evidence_only": only_evidence,
            "pagination_query": _without_page(request),
            "other_sources": Source.objects.exclude(pk=source.pk),
        },
    )


def tension_field_detail(request: HttpRequest, key: str) -> HttpResponse:
    """A tension field, and where the published cases sit on its spectrum (marked by their grounds)."""
    if moved := _former_key_redirect("tension-field-detail", key):
        return moved
    tension_field = get_object_or_404(TensionField.objects.select_related("section"), key=key)
    only_evidence = evidence_only(request.GET)
    spectrum = spectrum_columns(
        tension_field, Case.objects.published(), evidence_only=only_evidence
    )
    return render(
        request,
        "cases/tension_field_detail.html",
        {
            "field": tension_field,
            "follow_target": tension_field,
            "spectrum": spectrum,
            "columns": spectrum.columns,
            "total": spectrum.total,
            "evidence_only": only_evidence,
            "other_fields": TensionField.objects.exclude(pk=tension_field.pk),
        },
    )


MAX_COMPARED = 4
COMPARE_ASKED = 20  # names looked up at most (the rest of a longer address is left out)


def case_compare(request: HttpRequest) -> HttpResponse:
    """Two to four published cases side by side: places, source strengths, shared spectra.

    Each value shows its grounds; "alleen met tekstbewijs" leaves interpretations out.
    """
    # The cases asked for that are published, in the order asked; then the first four of them
    # (an address naming one that is gone still shows four). At most COMPARE_ASKED are looked up.
    slugs = list(dict.fromkeys(request.GET.getlist("praktijk")))[:COMPARE_ASKED]
    only_evidence = evidence_only(request.GET)
    found = {
        case.slug: case
        for case in Case.objects.published()
        .with_profile(evidence_only=only_evidence)
        .filter(slug__in=slugs)
    }
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        messages.warning(
            request, _("Niet gevonden of niet openbaar: %(slugs)s.") % {"slugs": ", ".join(missing)}
        )
    cases = [found[slug] for slug in slugs if slug in found]
    if len(cases) > MAX_COMPARED:
        messages.warning(
            request, _("U kunt tot vier praktijken vergelijken; de eerste vier staan hieronder.")
        )
        cases = cases[:MAX_COMPARED]
    sources, tension_fields, _domains = framework_lists()
    letters = "ABCD"
    columns = []
    for letter, case in zip(letters, cases, strict=False):
        codings = {c.source_id: c for c in case.source_codings.all()}
        positions = {p.tension_field_id: p for p in case.tension_positions.all()}
        columns.append({"letter": letter, "case": case, "codings": codings, "positions": positions})
    # Each value paired with its case's column: the wide table reads across, the phone's
    # labelled rows name the case beside each value.
    rows_sources = [
        (source, [(column, column["codings"].get(source.pk)) for column in columns])
        for source in sources
    ]
    spectra = []
    for field in tension_fields:
        steps = {value: [] for value in Position.values}
        both = []
        for column in columns:
            position = column["positions"].get(field.pk)
            if position is None or not position.is_determined:
                continue  # no place on the spectrum: the table says why
            (both if position.holds_both else steps[position.position]).append((column, position))
        spectra.append(
            {
                "field": field,
                "steps": steps,
                "both": both,
                "positions": [(c, c["positions"].get(field.pk)) for c in columns],
            }
        )
    return render(
        request,
        "cases/compare.html",
        {
            "columns": columns,
            "rows_sources": rows_sources,
            "spectra": spectra,
            "enough": len(columns) >= 2,
            "list_url": reverse("case-list"),
            "evidence_only": only_evidence,
        },
    )


def overview(request: HttpRequest) -> HttpResponse:
    """The whole bank at a glance: sources, spectra, and which sources go with which poles.

    Counts follow "alleen met tekstbewijs"; without it each count says how many of
    its codings rest on text evidence. Undetermined codings are counted apart.
    """
    sources, tension_fields, _domains = framework_lists()
    only_evidence = evidence_only(request.GET)
    published = Case.objects.published().values("pk")
    total = Case.objects.published().count()
    tally = GroundsTally(sources, tension_fields)
    for source_id, grounds, strength, n in (
        SourceCoding.objects.shown(evidence_only=only_evidence)
        .filter(case__in=published)
        .values_list("source", "grounds", "strength")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        tally.add(tally.strengths[source_id], grounds, strength, n)
    for field_id, grounds, position, holds_both, n in (
        TensionPosition.objects.shown(evidence_only=only_evidence)
        .filter(case__in=published)
        .values_list("tension_field", "grounds", "position", "holds_both")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        tally.add(tally.positions[field_id], grounds, "both" if holds_both else position, n)
    strong_codings = SourceCoding.objects.counted(evidence_only=only_evidence).filter(
        strength__gte=Strength.MODERATE
    )
    heat_rows = (
        TensionPosition.objects.counted(evidence_only=only_evidence)
        .filter(case__in=published, holds_both=False, case__source_codings__in=strong_codings)
        .exclude(position=Position.MIDDLE)
        .annotate(side=When_(When(position__lt=0, then=Value("a")), default=Value("b")))
        .values_list("case__source_codings__source", "tension_field", "side")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )
    heat = {(source_id, field_id, side): n for source_id, field_id, side, n in heat_rows}
    return render(
        request,
        "cases/overview.html",
        {
            **overview_context(sources, tension_fields, total, tally, heat, only_evidence),
            "evidence_only": only_evidence,
        },
    )


def overview_context(
    sources, tension_fields, total, tally: GroundsTally, heat, only_evidence: bool
) -> dict:
    """Shape the overview's counts for the template: shares, heat classes, links.

    Every link carries the restriction, so each count matches the list it opens.
    """
    list_url = reverse("case-list")
    restriction = {GROUNDS_PARAM: EVIDENCE_ONLY} if only_evidence else {}

    def listing(**params) -> str:
        return f"{list_url}?{urlencode({**params, **restriction})}"

    source_rows = []
    for source in sources:
        counts = tally.strengths[source.pk]
        cells = [
            {
                "count": sum(n for s, n in counts["all"].items() if s >= k),
                "evidence": sum(n for s, n in counts["evidence"].items() if s >= k),
                "url": listing(**{f"bron-{source.key}": k}),
            }
            for k in (Strength.WEAK, Strength.MODERATE, Strength.STRONG)
        ]
        source_rows.append(
            {
                "source": source,
                "cells": cells,
                "share": round(100 * cells[0]["count"] / total) if total else 0,
                "url": cells[0]["url"],
                "undetermined": counts["undetermined"],
            }
        )
    spectrum_rows = []
    for field in tension_fields:
        counts = tally.positions[field.pk]
        biggest = max(counts["all"].values()) or 1
        low, high = range_params(field)
        steps = [
            {
                "label": describe_position(field, value, False),
                "count": counts["all"][value],
                "evidence": counts["evidence"][value],
                "height": round(100 * counts["all"][value] / biggest),
                "url": listing(**{low: value, high: value}),
            }
            for value in Position.values
        ]
        steps.append(
            {
                "label": describe_position(field, None, True),
                "count": counts["all"]["both"],
                "evidence": counts["evidence"]["both"],
                "height": round(100 * counts["all"]["both"] / biggest),
                "url": "",
            }
        )
        spectrum_rows.append(
            {"field": field, "steps": steps, "undetermined": counts["undetermined"]}
        )
    # One small table per tension field (sources down, its two poles across), so the
    # matrix fits a phone and no field hides in a scroll box on a laptop.
    heat_fields = []
    for field in tension_fields:
        low, high = range_params(field)
        rows = []
        for source in sources:
            strengths = tally.strengths[source.pk]["all"]
            base = strengths[Strength.MODERATE] + strengths[Strength.STRONG]
            cells = []
            for side, pole, query in (
                ("a", field.shown.pole_a, {high: -1}),
                ("b", field.shown.pole_b, {low: 1}),
            ):
                n = heat.get((source.pk, field.pk, side), 0)
                share = n / base if base else 0
                cells.append(
                    {
                        "count": n,
                        "pole": pole,
                        "level": min(5, int(share * 6)) if n else 0,
                        "url": listing(**{f"bron-{source.key}": 2, **query}),
                    }
                )
            rows.append({"source": source, "cells": cells, "base": base})
        heat_fields.append({"field": field, "rows": rows})
    return {
        "total": total,
        "source_rows": source_rows,
        "spectrum_rows": spectrum_rows,
        "heat_fields": heat_fields,
    }


def former_parameters_redirect(request: HttpRequest) -> HttpResponse | None:
    """The same list under the Dutch parameter names, when a link uses the first release's."""
    query = request.GET.copy()
    renamed = False
    for name in list(query):
        new_name = _renamed_parameter(name)
        if new_name:
            query.setlist(new_name, query.pop(name))
            renamed = True
    if not renamed:
        return None
    return redirect(f"{request.path}?{query.urlencode()}", permanent=True)


def _renamed_parameter(name: str) -> str | None:
    if name.startswith("bron-") and name[5:] in FORMER_KEYS:
        return f"bron-{FORMER_KEYS[name[5:]]}"
    for suffix in ("-van", "-tot", "-beide"):
        if name.endswith(suffix) and name[: -len(suffix)] in FORMER_KEYS:
            return f"{FORMER_KEYS[name[: -len(suffix)]]}{suffix}"
    return None


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("pagina", None)
    return query.urlencode()


# --- open data -----------------------------------------------------------------------------


def _download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def export_data_file(request: HttpRequest, name: str) -> FileResponse:
    """A data file of `/data/` (`cases.open_data_files.DATA_FILES`, named by the URLconf: the
    published cases and their coding as CSV, Excel and JSON), built once per content version and
    served from disk."""
    response = FileResponse(
        open_data_files.data_file(name),
        as_attachment=True,
        filename=name,
        content_type=open_data_files.DATA_FILES[name].content_type,
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def export_reliability_csv(request: HttpRequest) -> HttpResponse:
    """The bank's coding reliability per dimension (`cases.coding_reliability`)."""
    out = io.StringIO()
    exchange.write_csv(coding_reliability.reliability_rows(), out)
    return _download(out.getvalue(), "text/csv; charset=utf-8", "betrouwbaarheid.csv")


def methods(request: HttpRequest) -> HttpResponse:
    """How the bank codes, and how reliable its coding is: figures from submitted double codings only."""
    measures = coding_reliability.reliability()
    return render(
        request,
        "cases/methods.html",
        {
            "measures": measures,
            "min_cases": coding_reliability.MIN_CASES,
            "double_coded": max((m.cases for m in measures), default=0),
        },
    )


def export_codebook(request: HttpRequest, language: str = settings.LANGUAGE_CODE) -> HttpResponse:
    """The framework as a REFI-QDA codebook for qualitative analysis software, in one of the
    site's languages (`data/kader.fr.qdc`; the same codes and GUIDs in every language)."""
    if language not in exchange.CODEBOOK_LANGUAGES:
        raise Http404("Onbekende taal")
    name = (
        "diegem-kader.qdc" if language == settings.LANGUAGE_CODE else f"diegem-kader-{language}.qdc"
    )
    return _download(exchange.export_codebook(language), "application/xml", name)


def practice_placement(request: HttpRequest) -> HttpResponse:
    """ "Waar staat uw praktijk?": a practice placed now and desired, its gaps, cases to learn from.

    The state is the URL (cases.practice_profile); nothing is stored. `formaat=json` answers
    the same as data. Only published cases are ranked (cases.case_nearness).
    """
    version = request_content_version(request)  # before what a kept result shows
    sources, tension_fields, domains = framework_lists()
    items = framework_items(sources, tension_fields)
    filled_in = is_filled_in(request.GET, items)
    form = PracticeForm(
        request.GET if filled_in else None,
        sources=sources,
        tension_fields=tension_fields,
        domains=domains,
    )
    only_evidence = evidence_only(request.GET)
    profile = form.profile if form.is_valid() else None
    learning = None
    if profile:
        # The same for everyone who places the same practice: ranked once per content version.
        learning = cached_result(
            "cases-to-learn-from",
            (profile.query_string(), only_evidence),
            version,
            lambda: cases_to_learn_from(
                Case.objects.published(), profile, evidence_only=only_evidence
            ),
        )
    if request.GET.get("formaat") == "json":
        return practice_json(request, form, profile, learning, only_evidence)
    return render(
        request,
        "cases/practice.html",
        {
            "form": form,
            "profile": profile,
            "moves": moves(profile) if profile else [],
            "goals": goals_without_now(profile) if profile else [],
            "rows": profile_rows(profile) if profile else ([], []),
            "learning": learning,
            "evidence_only": only_evidence,
            "grounds_param": GROUNDS_PARAM,
            "evidence_value": EVIDENCE_ONLY,
            "steps": Position.values,
            "share_query": profile.query_string() if profile else "",
        },
    )


def practice_json(request, form, profile, learning, only_evidence) -> HttpResponse:
    """The tool's result as data: the profile, the moves and the nearest cases with distances."""
    if profile is None:
        if not form.is_bound:
            return JsonResponse({"fouten": {"__all__": [str(EMPTY_PRACTICE)]}}, status=400)
        errors = {
            name: [
                str(error) if name == "__all__" else f"{form[name].label}: {error}"
                for error in errs
            ]
            for name, errs in form.errors.items()
        }
        return JsonResponse(
            {"fouten": errors}, status=400, json_dumps_params={"ensure_ascii": False}
        )

    def value(placement):
        return None if placement is None else placement.as_param()

    def near(entry):
        return {
            "slug": entry.case.slug,
            "titel": entry.case.title,
            "url": request.build_absolute_uri(entry.case.get_absolute_url()),
            "afstand": round(entry.distance, 4),
            "vergeleken": entry.compared,
            "gevraagd": entry.asked,
            "dichtbij": [item.param for item, _p, _c in entry.close],
            "verschilt": [item.param for item, _p, _c in entry.differ],
            "onbekend": [item.param for item, _p, _c in entry.unknown],
        }

    return JsonResponse(
        {
            "profiel": {
                "naam": profile.name,
                "domein": profile.domain.key if profile.domain else None,
                "items": [
                    {
                        "parameter": item.param,
                        "naam": item.name,
                        "nu": value(now),
                        "gewenst": value(desired),
                        "notitie": note,
                    }
                    for item, now, desired, note in profile.rows()
                ],
            },
            "alleen_tekstbewijs": only_evidence,
            "verschuivingen": [
                {"parameter": move.item.param, "zin": move.sentence} for move in moves(profile)
            ],
            "alleen_gewenst": [item.param for item in goals_without_now(profile)],
            "praktijken": {
                "dichtst_bij_gewenst": [near(entry) for entry in learning.desired],
                "dichtst_bij_nu": [near(entry) for entry in learning.now],
                "contrast": [near(entry) for entry in learning.contrasts],
            },
        },
        json_dumps_params={"ensure_ascii": False},
    )
