"""Views of readings of a coding: propose one, answer and process it, the coding's IRI, the open data."""

from __future__ import annotations

import csv
import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from annotations import reading_proposals as proposals
from annotations import services
from annotations.api import _jsonld_response, open_to_every_origin
from annotations.forms import PAGE_OUT_OF_DATE
from annotations.models import Annotation, Status
from annotations.reading_forms import AnswerForm, ProcessForm, ReadingEditForm, ReadingForm
from annotations.readings import ANSWER_STATUSES, coding_code
from annotations.views import OFFLINE, changes_asked, no_longer_editable, refused, text_kept
from cases.models import Case, CodingEvidence
from cases.services import double_coding_open
from cases.views import _download
from diegem.lib.versioning import current_content_version
from diegem.lib.workflow import IllegalTransition

# --- the coding: its page anchor and its IRI ---------------------------------------------------


def coding_anchor(key: str) -> str:
    """The id of a coding on its case's page."""
    return f"codering-{key}"


def coding_iri_path(case: Case, key: str) -> str:
    """The coding's own IRI: on the case's id, which never changes (its slug may)."""
    return reverse("coding", args=[case.pk, key])


def _coding_context(case: Case, item) -> dict:
    """What a page shows of one coding: its value, grounds, rationale and evidence."""
    column = "source" if proposals.is_source(item) else "tension_field"
    return {
        "case": case,
        "item": item,
        "is_source": proposals.is_source(item),
        "coding": proposals.coding_of(case, item),
        "evidence": list(CodingEvidence.objects.anchored().filter(case=case, **{column: item})),
        "coding_url": f"{case.get_absolute_url()}#{coding_anchor(item.key)}",
    }


def _item_or_404(key: str):
    item = proposals.framework_item(key)
    if item is None:
        raise Http404("Onbekende bron of onbekend spanningsveld")
    return item


@open_to_every_origin
def coding(request: HttpRequest, case_id: int, key: str) -> HttpResponse:
    """A coding's IRI: the coding on its case's page, or (asked for JSON-LD) what it is and its value."""
    case = get_object_or_404(Case.objects.published(), pk=case_id)
    item = _item_or_404(key)
    context = _coding_context(case, item)
    accept = request.headers.get("Accept", "")
    if "application/ld+json" not in accept and "application/json" not in accept:
        return redirect(context["coding_url"])
    coded = context["coding"]
    absolute = request.build_absolute_uri
    data = {
        "@context": {"@vocab": "https://schema.org/", "id": "@id", "type": "@type"},
        "id": absolute(coding_iri_path(case, key)),
        "type": "PropertyValue",
        "name": item.name,
        "propertyID": key,
        "value": coding_code(coded) if coded else None,
        "valueReference": coded.label if coded else str(_("niet gecodeerd")),
        "description": coded.rationale if coded else "",
        "subjectOf": {"id": absolute(case.get_absolute_url()), "name": case.title},
        "url": absolute(context["coding_url"]),
    }
    # Described in schema.org's terms, not the annotation model's: no anno.jsonld profile.
    return _jsonld_response(
        request,
        data,
        f"k{case.pk}-{key}-{current_content_version()}",
        content_type="application/ld+json",
    )


# --- proposing ---------------------------------------------------------------------------------


@login_required
def reading_new(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """A member proposes another reading of one coding of a published case."""
    if not services.may_annotate(request.user):
        raise PermissionDenied(
            _("Alleen leden van een partnerorganisatie kunnen een andere lezing voorstellen.")
        )
    item = _item_or_404(key)
    case = Case.objects.published().filter(slug=slug).first()
    if case is None:
        if request.method == "POST":  # taken offline (or renamed) while the member wrote
            value = dict(proposals.value_choices(item)).get(request.POST.get("value", ""))
            return text_kept(
                request,
                _(
                    "Deze praktijk is intussen niet meer openbaar; uw lezing kon niet bewaard worden."
                ),
                chosen=[(_("Voorgestelde waarde"), value)] if value else [],
                kind=Annotation.Motivation.ASSESSING,
            )
        raise Http404("Onbekende praktijk")
    context = _coding_context(case, item)
    form = ReadingForm(
        request.POST or None,
        values=proposals.value_choices(item),
        sections=[(section.field, section.title) for section, _text in case.text_sections()],
    )
    limited = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = proposals.reading_submit(
                author=request.user,
                case=case,
                item=item,
                value=data["value"],
                voice=data["voice"],
                body=data["body"],
                case_field=data["case_field"],
                passage=data["passage"],
                language=get_language(),  # the page's
            )
        except services.RateLimited as error:
            form.add_error(None, str(error))
            limited = error
        except proposals.ReadingError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(
                request,
                _("U had deze lezing al voorgesteld; ze staat bij de codering.")
                if proposal.status == Status.APPROVED  # sent again (`services.sent_before`)
                else _(
                    "Bedankt. Uw lezing wacht nu op een moderator; daarna staat ze bij de codering."
                ),
            )
            return redirect(context["coding_url"])
    context |= {"form": form, "allowance": services.submission_allowance(request.user)}
    response = render(request, "annotations/reading_new.html", context)
    return refused(response, limited) if limited else response


@login_required
def reading_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author reworks the argument of their reading; an approved one goes back to review.

    The note's edit service (`services.annotation_edit`): the same limit, table and events.
    """
    annotation = get_object_or_404(
        Annotation.objects.readings()
        .with_target()
        .with_readable_target(request.user)
        .select_related("reading__source", "reading__tension_field"),
        pk=pk,
        author=request.user,
    )
    if not annotation.target_readable:
        if request.method == "POST":  # taken offline while the member wrote
            return text_kept(request, OFFLINE, kind=Annotation.Motivation.ASSESSING)
        messages.error(request, OFFLINE)
        return redirect("annotations-mine")
    if annotation.status not in services.EDITABLE:
        if request.method == "POST":  # decided, or withdrawn elsewhere, while the author wrote
            return text_kept(
                request, no_longer_editable(annotation), kind=Annotation.Motivation.ASSESSING
            )
        messages.error(request, _("Deze lezing kan niet meer bewerkt worden."))
        return redirect("annotations-mine")
    initial = {"voice": annotation.voice, "body": annotation.body, "version": annotation.version}
    form = ReadingEditForm(request.POST or None, initial=initial)
    limited = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.annotation_edit(
                annotation_id=annotation.pk,
                author=request.user,
                expected_version=data["version"],
                voice=data["voice"],
                kind="",
                body=data["body"],
            )
        except services.RateLimited as error:
            form.add_error(None, str(error))
            limited = error
        except (services.ModerationError, IllegalTransition) as error:
            # Changed meanwhile (a reviewer decided): keep what was typed, with the new version.
            annotation.refresh_from_db()
            if annotation.status not in services.EDITABLE:
                return text_kept(
                    request, no_longer_editable(annotation), kind=Annotation.Motivation.ASSESSING
                )
            form = ReadingEditForm({**request.POST.dict(), "version": annotation.version})
            form.is_valid()
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Bewaard. Uw lezing gaat opnieuw naar een moderator.")
                if saved.back_to_review
                else _("Bewaard."),
            )
            return redirect("annotations-mine")
    context = {
        "form": form,
        "annotation": annotation,
        "reading": annotation.reading,
        "changes_asked": changes_asked(annotation),
        "allowance": services.submission_allowance(request.user),
    }
    response = render(request, "annotations/reading_edit.html", context)
    return refused(response, limited) if limited else response


# --- answering and processing ------------------------------------------------------------------


def _researchers_readings(user):
    """The readings a researcher may answer, whatever their status (none for anyone else: the
    lookup holds the permission), on cases whose coding they may read (not one they code blind:
    the page shows the coding)."""
    if not proposals.may_answer_readings(user):
        return Annotation.objects.none()
    return Annotation.objects.readings().filter(case__in=Case.objects.codings_visible_to(user))


def _reading_for_researcher(request: HttpRequest, pk: int) -> Annotation | None:
    """An approved reading, for researchers only; None when there is none to answer."""
    readings = (
        _researchers_readings(request.user)
        .filter(status=Status.APPROVED)
        .with_target()
        .select_related("reading__source", "reading__tension_field", "reading__processed_version")
    )
    return readings.filter(pk=pk).first()


# A researcher's answer or change of the coding that came after the reading left.
READING_WITHDRAWN = gettext_lazy(
    "Deze lezing is intussen ingetrokken door haar auteur: wat u schreef, is niet bewaard en de "
    "codering is niet veranderd."
)
READING_NOT_OPEN = gettext_lazy(
    "Deze lezing staat intussen niet meer online (status: ‘%(status)s’): wat u schreef, is niet "
    "bewaard en de codering is niet veranderd."
)


def _answer_kept(request: HttpRequest, annotation: Annotation) -> HttpResponse:
    """The reading left while a researcher answered it: say so, and give back what they typed."""
    if annotation.status == Status.WITHDRAWN:
        message = READING_WITHDRAWN
    else:
        message = READING_NOT_OPEN % {"status": annotation.get_status_display()}
    fields = [
        ("answer", AnswerForm.base_fields["answer"].label),
        ("verwerk-rationale", ProcessForm.base_fields["rationale"].label),
        ("verwerk-answer", ProcessForm.base_fields["answer"].label),
    ]
    typed = [(label, request.POST[name]) for name, label in fields if request.POST.get(name)]
    item = annotation.reading.item
    back = (
        f"{annotation.case.get_absolute_url()}#{coding_anchor(item.key)}",
        _("Naar de codering bij de praktijk"),
    )
    return text_kept(request, message, texts=typed, back=back)


@login_required
def reading_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """Researchers answer a reading, and may change the coding to its value because of it."""
    annotation = _reading_for_researcher(request, pk)
    if annotation is None:
        # Withdrawn (or decided) while a researcher wrote: their text back, not a bare 404. A
        # reading that was never theirs to answer, or never online (waiting, rejected), stays
        # unknown: its status and case are not theirs to learn.
        left = request.method == "POST" and (
            _researchers_readings(request.user)
            .filter(pk=pk, events__new_status=Status.APPROVED)
            .distinct()
            .select_related("case", "reading__source", "reading__tension_field")
            .first()
        )
        if left:
            return _answer_kept(request, left)
        raise Http404
    reading = annotation.reading
    answer_form = AnswerForm(initial={"answer": reading.answer})
    process_form = ProcessForm(prefix="verwerk")
    if request.method == "POST":
        step = request.POST.get("stap")
        try:
            if step == "antwoorden":
                answer_form = AnswerForm(request.POST)
                if answer_form.is_valid():
                    proposals.reading_answer(
                        annotation_id=pk,
                        actor=request.user,
                        answer=answer_form.cleaned_data["answer"],
                    )
                    messages.success(request, _("Uw antwoord staat nu bij de lezing."))
                    return redirect(annotation.get_absolute_url())
            elif step == "verwerken":
                process_form = ProcessForm(request.POST, prefix="verwerk")
                if process_form.is_valid():
                    data = process_form.cleaned_data
                    proposals.reading_process(
                        annotation_id=pk,
                        actor=request.user,
                        grounds=data["grounds"],
                        rationale=data["rationale"],
                        answer=data["answer"],
                    )
                    messages.success(
                        request,
                        _(
                            "De codering is aangepast; de lezing staat als verwerkt bij de praktijk."
                        ),
                    )
                    return redirect(annotation.get_absolute_url())
            else:
                # A step the page does not have (stale or tampered with): said, and what was
                # typed in either form kept.
                answer_form = AnswerForm(request.POST)
                answer_form.is_valid()
                answer_form.add_error(None, PAGE_OUT_OF_DATE)
                if any(name.startswith("verwerk-") for name in request.POST):
                    process_form = ProcessForm(request.POST, prefix="verwerk")
        except proposals.ReadingNotOpen:
            # It left between this page's look and the service's lock.
            left = _researchers_readings(request.user).filter(pk=pk).first()
            if left is None:  # deleted, or its case out of their sight, meanwhile
                raise Http404 from None
            return _answer_kept(request, left)
        except proposals.ReadingError as error:
            form = answer_form if step == "antwoorden" else process_form
            form.add_error(error.field if error.field in form.fields else None, str(error))
    context = _coding_context(annotation.case, reading.item) | {
        "annotation": annotation,
        "reading": reading,
        "answer_form": answer_form,
        "process_form": process_form,
        # Said before a researcher writes; a form sent from a page opened before the round
        # began is refused by `reading_process` and shown again with what was typed.
        "double_coded": not reading.processed_at
        and not process_form.is_bound
        and double_coding_open(annotation.case),
        "during_double_coding": proposals.DURING_DOUBLE_CODING,
    }
    return render(request, "annotations/reading_respond.html", context)


# --- open data -----------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "lezing",
    "iri",
    "praktijk_slug",
    "praktijk_titel",
    "codering",
    "soort",
    "huidige_waarde",
    "huidige_waarde_woorden",
    "voorgestelde_waarde",
    "voorgestelde_waarde_woorden",
    "organisatie",
    "ingediend",
    "antwoord_status",
    "antwoord_datum",
]


def _export_rows(request: HttpRequest) -> list[dict]:
    """One row per public reading: the case, the coding (now), the proposal, who and when, the answer.

    The organisation, never a person's name. Two queries: the readings, and the
    current codings of their cases.
    """
    readings = list(proposals.public_readings().order_by("annotation__created_at", "pk"))
    current = proposals.current_codings({reading.annotation.case_id for reading in readings})
    rows = []
    for reading in readings:
        annotation = reading.annotation
        case = annotation.case
        coded = current.get((case.pk, reading.item.pk, proposals.is_source(reading.item)))
        answered = reading.processed_at or reading.answered_at
        rows.append(
            {
                "lezing": annotation.pk,
                "iri": request.build_absolute_uri(reverse("api-annotation", args=[annotation.pk])),
                "praktijk_slug": case.slug,
                "praktijk_titel": case.title,
                "codering": reading.item.key,
                "soort": "bron" if reading.source_id else "spanningsveld",
                "huidige_waarde": coding_code(coded) if coded else None,
                "huidige_waarde_woorden": coded.label if coded else None,
                "voorgestelde_waarde": reading.code,
                "voorgestelde_waarde_woorden": reading.label,
                "organisatie": str(annotation.organisation) if annotation.organisation_id else None,
                "ingediend": annotation.submitted_at.date().isoformat(),
                "antwoord_status": str(ANSWER_STATUSES[reading.answer_status]),
                "antwoord_datum": answered.date().isoformat() if answered else None,
            }
        )
    return rows


@require_safe
def export_readings_csv(request: HttpRequest) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in _export_rows(request):
        writer.writerow({name: "" if value is None else value for name, value in row.items()})
    return _download(buffer.getvalue(), "text/csv; charset=utf-8", "lezingen.csv")


@require_safe
def export_readings_json(request: HttpRequest) -> HttpResponse:
    content = json.dumps({"lezingen": _export_rows(request)}, ensure_ascii=False, indent=2)
    return _download(content, "application/json", "lezingen.json")
