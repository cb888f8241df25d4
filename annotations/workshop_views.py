"""Workshop pages: participants answer without an account; the facilitator sees the group.

Participants: /werkvorm/ (type the code) and /werkvorm/<code>/ (the tool's questions). Which
answer is theirs, so that they can change it, is kept in a signed cookie in their own browser
only: the database holds no identity at all. Facilitators (members of the session's
organisation; for everyone else a session does not exist, in the lookup): the screen with the
code, the link, a QR code and the group's distribution, refreshed by polling a fragment; closing;
the kept aggregate as CSV; the list of the organisation's sessions.
"""

from __future__ import annotations

import csv
import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from annotations import workshop_sessions as sessions
from annotations.forms import WorkshopAnswerForm, WorkshopOpenForm
from annotations.organisations import Organisation
from annotations.workshop_tally import MIN_ANSWERS, Distribution
from annotations.workshops import Workshop, WorkshopAnswer, normalise_code
from cases.case_nearness import cases_to_learn_from
from cases.models import Case
from cases.practice_profile import framework_items
from diegem.lib.client_address import client_network
from diegem.lib.throttle import HOUR, Limit, look_up_within_limit
from frameworks.models import framework_lists

# One cookie per session, for the whole site: the same page is at /werkvorm/CODE/ and under
# /fr/ and /en/, and a participant who switches language keeps their answer.
ANSWER_COOKIE = "werkvorm-antwoord-{code}"
ANSWER_SALT = "annotations.workshop.answer"
SAVED_PARAM = "bewaard"
ACCESS_SALT = "annotations.workshop.access"


def _items():
    sources, tension_fields, _domains = framework_lists()
    return framework_items(sources, tension_fields)


# --- participants -------------------------------------------------------------------------------


@never_cache
@require_GET
def workshop_enter(request: HttpRequest) -> HttpResponse:
    """Type the code shown on the projector."""
    typed = request.GET.get("code", "")
    if typed:
        code = normalise_code(typed)
        allowed, workshop = _workshop_of_code(request, code)
        if not allowed:
            return _too_many_wrong_codes(request, typed)
        if workshop is not None:
            return redirect("workshop-join", code=code)
        return _unknown_code(request, typed)
    return render(request, "annotations/workshop/enter.html", {"typed": "", "error": ""})


def _workshop_of_code(request, code: str) -> tuple[bool, Workshop | None]:
    """The session with this code, looked up unless this address has spent its wrong codes
    (`WORKSHOP_WRONG_CODES_PER_HOUR`): `(False, None)` then, whatever the code. A code is six
    characters of 31: guessing one open session's takes millions of tries. A participant who
    shows they are in the session already (`_in_session`) is no guesser: a room behind one
    address keeps answering whatever someone in it typed."""
    if _in_session(request, code):
        return True, Workshop.objects.filter(code=code).first()
    return look_up_within_limit(
        Limit(
            "workshop-wrong-code", client_network(request), settings.WORKSHOP_WRONG_CODES_PER_HOUR
        ),
        lambda: Workshop.objects.filter(code=code).first() if code else None,
    )


def _in_session(request, code: str) -> bool:
    """Whether the request shows it comes from someone who loaded this session's page: their
    answer's cookie, or the answer form's access field (the code signed, `ACCESS_SALT`), which
    only a page of the session carries; both no older than a session is open (a code is
    drawn again once its session is purged)."""
    cookie = request.get_signed_cookie(
        ANSWER_COOKIE.format(code=code),
        salt=ANSWER_SALT + code,
        default=None,
        max_age=settings.WORKSHOP_OPEN_HOURS * 3600,
    )
    if cookie is not None:
        return True
    try:
        access = signing.TimestampSigner(salt=ACCESS_SALT).unsign(
            request.POST.get("toegang", ""), max_age=settings.WORKSHOP_OPEN_HOURS * 3600
        )
    except (signing.BadSignature, ValueError):
        # Forged, expired (SignatureExpired), or signed before it carried a time (ValueError: a
        # page loaded before the upgrade, whose value holds no timestamp).
        return False
    return access == code


def _too_many_wrong_codes(request, typed: str) -> HttpResponse:
    error = _(
        "Vanaf dit adres werden in het afgelopen uur te veel codes getypt die niet bestaan. "
        "Probeer het over een uur opnieuw, of vraag de begeleider om de link."
    )
    response = render(
        request,
        "annotations/workshop/enter.html",
        {"typed": typed[:20], "error": error},
        status=429,
    )
    response["Retry-After"] = str(int(HOUR.total_seconds()))
    return response


def _unknown_code(request, typed: str) -> HttpResponse:
    """No workshop has the code typed or in the link: say so where it can be typed again."""
    error = _("Er is geen werkvorm met de code ‘%(code)s’. Kijk de code op het scherm na.") % {
        "code": typed[:20]
    }
    return render(
        request,
        "annotations/workshop/enter.html",
        {"typed": typed[:20], "error": error},
        status=404,
    )


def _closed(request, workshop) -> HttpResponse:
    return render(request, "annotations/workshop/closed.html", {"workshop": workshop}, status=410)


def _own_answer(request, workshop) -> WorkshopAnswer | None:
    """The participant's earlier answer in this session, known only from their own cookie."""
    try:
        answer_id = request.get_signed_cookie(
            ANSWER_COOKIE.format(code=workshop.code), salt=ANSWER_SALT + workshop.code, default=None
        )
    except signing.BadSignature:  # pragma: no cover - get_signed_cookie returns the default
        answer_id = None
    if not answer_id or not str(answer_id).isdigit():
        return None
    return WorkshopAnswer.objects.filter(pk=int(answer_id), workshop=workshop).first()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def workshop_join(request: HttpRequest, code: str) -> HttpResponse:
    """A participant places the practice: the tool's questions, now and desired, anonymously."""
    if normalise_code(code) != code:
        if not normalise_code(code):
            return _unknown_code(request, code)
        return redirect("workshop-join", code=normalise_code(code))
    allowed, workshop = _workshop_of_code(request, code)
    if not allowed:
        return _too_many_wrong_codes(request, code)
    if workshop is None:  # a link mistyped or of a session long gone: type it again
        return _unknown_code(request, code)
    if not workshop.is_open:
        if workshop.status == Workshop.Status.OPEN:  # expired: keep only the counts from now on
            workshop = sessions.close_workshop(workshop=workshop)
        return _closed(request, workshop)
    sources, tension_fields, domains = framework_lists()
    lists = {"sources": sources, "tension_fields": tension_fields, "domains": domains}
    answer = _own_answer(request, workshop)
    status = 200
    full = False
    if request.method == "POST":
        form = WorkshopAnswerForm(request.POST, **lists)
        if form.is_valid():
            try:
                saved = sessions.submit_answer(
                    workshop=workshop,
                    values=sessions.answer_values(form.profile),
                    answer_id=answer.pk if answer else None,
                    form_key=form.cleaned_data["formulier"],
                )
            except sessions.WorkshopClosed:
                return _closed(request, workshop)
            except sessions.WorkshopFull:
                full, status = True, 409
            else:
                response = redirect(reverse("workshop-join", args=[code]) + f"?{SAVED_PARAM}=1")
                response.set_signed_cookie(
                    ANSWER_COOKIE.format(code=workshop.code),
                    str(saved.pk),
                    salt=ANSWER_SALT + workshop.code,
                    max_age=settings.WORKSHOP_OPEN_HOURS * 3600,
                    path="/",
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
                return response
        else:
            status = 400
    else:
        form = WorkshopAnswerForm(initial=answer.values if answer else None, **lists)
    return render(
        request,
        "annotations/workshop/join.html",
        {
            "workshop": workshop,
            "form": form,
            "access": signing.TimestampSigner(salt=ACCESS_SALT).sign(code),
            "answered": answer is not None,
            "saved": answer is not None and request.GET.get(SAVED_PARAM) == "1",
            "full": full,
        },
        status=status,
    )


# --- facilitators -------------------------------------------------------------------------------


def _facilitated(request, code: str) -> Workshop:
    """The session, if the user is a member of its organisation (for others it does not exist).
    A session past its time is closed here, so that it shows as what it is."""
    workshop = get_object_or_404(Workshop.objects.of_member(request.user), code=code)
    if workshop.status == Workshop.Status.OPEN and not workshop.is_open:
        workshop = sessions.close_workshop(workshop=workshop)
    return workshop


def _join_url(request, workshop) -> str:
    return request.build_absolute_uri(reverse("workshop-join", args=[workshop.code]))


def _distribution(workshop, items) -> Distribution:
    if workshop.status == Workshop.Status.CLOSED:
        return Distribution(workshop.aggregate or {}, items)
    return Distribution(workshop.shown or {}, items)


def _screen_context(request, workshop) -> dict:
    items = _items()
    distribution = _distribution(workshop, items)
    learning = None
    if distribution.shown:
        learning = cases_to_learn_from(
            Case.objects.published(),
            distribution.median_profile(),
        )
    received = distribution.participants
    if workshop.status == Workshop.Status.OPEN:
        received = workshop.answers.count()  # how many, never what: that waits for the batch
    return {
        "workshop": workshop,
        "distribution": distribution,
        "received": received,
        "waiting": max(MIN_ANSWERS - received, 0),
        "learning": learning,
        "join_url": _join_url(request, workshop),
    }


@never_cache
@login_required
@require_GET
def workshop_list(request: HttpRequest) -> HttpResponse:
    """The sessions of the member's organisation. Purges first, so that a forgotten cron job
    keeps nothing past its time."""
    if not Organisation.objects.of_member(request.user).exists():
        raise PermissionDenied(_("Alleen leden van een partnerorganisatie openen werkvormen."))
    sessions.purge_workshops()
    workshops = Workshop.objects.of_member(request.user).annotate(answer_count=Count("answers"))
    return render(request, "annotations/workshop/list.html", {"workshops": workshops})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def workshop_new(request: HttpRequest) -> HttpResponse:
    """Open a session: a code, a link and a QR code for the group."""
    if not Organisation.objects.of_member(request.user).exists():
        raise PermissionDenied(_("Alleen leden van een partnerorganisatie openen werkvormen."))
    form = WorkshopOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workshop = sessions.open_workshop(user=request.user, title=form.cleaned_data["title"])
        return redirect("workshop-screen", code=workshop.code)
    status = 400 if form.is_bound else 200
    context = {
        "form": form,
        "hours": settings.WORKSHOP_OPEN_HOURS,
        "days": settings.WORKSHOP_RETENTION_DAYS,
    }
    return render(request, "annotations/workshop/new.html", context, status=status)


@never_cache
@login_required
@require_GET
def workshop_screen(request: HttpRequest, code: str) -> HttpResponse:
    """The facilitator's screen: the code, the link and QR code, the group's distribution."""
    workshop = _facilitated(request, code)
    return render(request, "annotations/workshop/screen.html", _screen_context(request, workshop))


@never_cache
@login_required
@require_GET
def workshop_distribution(request: HttpRequest, code: str) -> HttpResponse:
    """The distribution alone, which the screen polls every few seconds (static/js/workshop.js)."""
    workshop = _facilitated(request, code)
    return render(
        request,
        "annotations/workshop/includes/distribution.html",
        _screen_context(request, workshop),
    )


@login_required
@require_POST
def workshop_close(request: HttpRequest, code: str) -> HttpResponse:
    workshop = _facilitated(request, code)
    if workshop.status == Workshop.Status.OPEN:
        sessions.close_workshop(workshop=workshop)
        messages.success(
            request,
            _(
                "De sessie is gesloten. Alleen de verdeling blijft bewaard; de antwoorden zijn gewist."
            ),
        )
    return redirect("workshop-screen", code=workshop.code)


@never_cache
@login_required
@require_GET
def workshop_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The join link as a QR code, drawn here (no outside service)."""
    workshop = _facilitated(request, code)
    out = io.BytesIO()
    segno.make(_join_url(request, workshop), error="m").save(
        out, kind="svg", scale=8, border=2, xmldecl=False, svgns=True
    )
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


@never_cache
@login_required
@require_GET
def workshop_csv(request: HttpRequest, code: str) -> HttpResponse:
    """A closed session's aggregate: item, waarde, nu, gewenst."""
    workshop = _facilitated(request, code)
    if workshop.status != Workshop.Status.CLOSED:
        raise Http404(_("Een open sessie heeft nog geen verdeling om te downloaden."))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["item", "waarde", "nu", "gewenst"])
    writer.writerows(Distribution(workshop.aggregate or {}, _items()).csv_rows())
    response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="werkvorm-{workshop.code}.csv"'
    return response
