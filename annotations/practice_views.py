"""Pages of the practices members keep for their organisation: save, list, trajectory, delete.

Every lookup starts from `visible_to(user)`: another organisation's practice is a 404, never a
403 that would confirm it exists. The public tool stays in cases.views (and stays cacheable:
its result page shows the save form only to a logged-in member, through a template tag).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from annotations.forms import SAVE_PAGE_OUT_OF_DATE, SAVE_PAGE_WITHOUT_RESULT, SavePracticeForm
from annotations.organisations import Organisation
from annotations.practices import (
    ALREADY_GONE,
    PRACTICE,
    PracticeError,
    PracticePlacement,
    SavedPractice,
    practice_delete,
    practice_placement_delete,
    practice_placement_save,
)
from cases.models import Position, Strength
from cases.practice_profile import (
    Item,
    Placement,
    PracticeForm,
    PracticeProfile,
    framework_items,
    spectrum_steps,
)
from frameworks.models import framework_lists


def organisation_of(user):
    """The organisation the user is an active member of, or None."""
    return Organisation.objects.of_member(user).first()


def save_form_for(organisation, profile: PracticeProfile, data=None) -> SavePracticeForm:
    """The save form, its practice preselected when the profile carries that practice's name
    (as "plaats opnieuw" does), else a new practice under the profile's name."""
    practices = list(organisation.saved_practices.order_by("name"))
    same = [p for p in practices if profile.name and p.name.lower() == profile.name.lower()]
    initial = {
        "bewaren-bij": str(same[0].pk) if same else "",
        "nieuwe-naam": "" if same else profile.name,
        "datum": timezone.localdate(),
    }
    return SavePracticeForm(data, practices=practices, initial=initial)


def typed_on_save(organisation, data) -> list[tuple[str, str]]:
    """What the member filled in on the save form, as (label, text) pairs: for a page that
    cannot save it, so that nothing they typed is lost."""
    form = SavePracticeForm(data, practices=list(organisation.saved_practices.order_by("name")))
    typed = []
    if chosen := form.practices.get(data.get("bewaren-bij", "")):
        typed.append((form["bewaren-bij"].label, chosen.name))
    for name in ("nieuwe-naam", "datum"):
        if text := data.get(name, "").strip():
            typed.append((form[name].label, text))
    return typed


@require_POST
@login_required
def practice_save(request: HttpRequest) -> HttpResponse:
    """Keep the tool's result for the member's organisation, dated."""
    organisation = organisation_of(request.user)
    if organisation is None:
        raise PermissionDenied(
            _("Alleen leden van een partnerorganisatie kunnen een praktijk bewaren.")
        )
    sources, tension_fields, domains = framework_lists()
    placed = PracticeForm(
        request.POST, sources=sources, tension_fields=tension_fields, domains=domains
    )
    if not placed.is_valid():
        # The result travels in hidden fields: a fault there is a stale or altered page. Nothing
        # is saved; what the member typed stays on the page, and the link back to the result
        # carries every value of it that is still sound.
        sound = [
            (name, value)
            for name in placed.fields
            if name not in placed.errors
            for value in request.POST.getlist(name)
            if value
        ]
        # A result to go back to: at least one item placed, now or desired (a name alone, or a
        # note, is no result; the tool would ask for an item).
        placements = {name for item in placed.items for name in (item.param, item.desired_param)}
        result = any(name in placements for name, _value in sound)
        return render(
            request,
            "annotations/practices/save.html",
            {
                "stale": SAVE_PAGE_OUT_OF_DATE if result else SAVE_PAGE_WITHOUT_RESULT,
                "typed": typed_on_save(organisation, request.POST),
                "tool_url": reverse("practice") + (f"?{urlencode(sound)}" if sound else ""),
                "back_to_result": result,
            },
            status=400,
        )
    profile = placed.profile
    form = save_form_for(organisation, profile, request.POST)
    if form.is_valid():
        try:
            placement = practice_placement_save(
                organisation=organisation,
                query=profile.as_query(),
                placed_on=form.cleaned_data["datum"],
                created_by=request.user,
                practice=form.practice,
                name=form.cleaned_data["nieuwe-naam"],
            )
        except PracticeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Bewaard bij %(practice)s, met als datum %(date)s.")
                % {
                    "practice": placement.practice.name,
                    "date": formats.date_format(placement.placed_on, "j F Y"),
                },
            )
            return redirect(placement.practice)
    return render(
        request,
        "annotations/practices/save.html",
        {
            "form": form,
            "profile": profile,
            "organisation": organisation,
            "tool_url": reverse("practice") + "?" + profile.query_string(),
        },
    )


@login_required
@require_safe
def saved_practice_list(request: HttpRequest) -> HttpResponse:
    """The organisation's saved practices, with their first and latest dates."""
    practices = (
        SavedPractice.objects.visible_to(request.user)
        .select_related("organisation")
        .annotate(
            first=Min("placements__placed_on"),
            latest=Max("placements__placed_on"),
            count=Count("placements"),
        )
        .order_by("name")
    )
    return render(
        request,
        "annotations/practices/list.html",
        {"practices": practices, "organisation": organisation_of(request.user)},
    )


@dataclass(frozen=True)
class Step:
    """One placement of one item on the trajectory: its date, which one it is, and the values."""

    placement: PracticePlacement
    which: str  # "eerste", "laatste", "enige" or "" (in between), in words
    now: Placement | None
    desired: Placement | None
    classes: list[str]
    now_words: str
    desired_words: str
    note: str = ""  # what the member wrote with this item in this placement


@dataclass(frozen=True)
class ItemTrajectory:
    item: Item
    steps: list[Step]


def stored_profile(values: dict, sources, tension_fields, domains) -> PracticeProfile:
    """A kept placement read back through the tool's form; a value the framework no longer
    knows is left out ("weet ik niet") rather than breaking the page."""
    form = PracticeForm(values, sources=sources, tension_fields=tension_fields, domains=domains)
    form.is_valid()
    return form.profile


def which_placement(index: int, count: int) -> str:
    if count == 1:
        return _("enige plaatsing")
    if index == 0:
        return _("eerste plaatsing")
    if index == count - 1:
        return _("laatste plaatsing")
    return _("tussentijdse plaatsing")


def trajectory(placements: list[PracticePlacement]) -> tuple[list, list, list]:
    """Per source and per tension field, every placement from first to latest; and the items
    no placement answered."""
    sources, tension_fields, domains = framework_lists()
    items = framework_items(sources, tension_fields)
    profiles = [stored_profile(p.values, sources, tension_fields, domains) for p in placements]
    drawn = []
    for item in items:
        scale = Strength.values if item.is_source else Position.values
        steps = []
        for index, (placement, profile) in enumerate(zip(placements, profiles, strict=True)):
            now, desired = profile.now.get(item.param), profile.desired.get(item.param)
            classes = spectrum_steps(now, desired, scale)
            steps.append(
                Step(
                    placement,
                    which_placement(index, len(placements)),
                    now,
                    desired,
                    classes,
                    item.describe(now),
                    item.describe(desired),
                    profile.notes.get(item.param, ""),
                )
            )
        drawn.append(ItemTrajectory(item, steps))
    # An item never answered in any placement is named once, not drawn empty; one with only a
    # note is drawn, so that its note is read.
    answered = [t for t in drawn if any(s.now or s.desired or s.note for s in t.steps)]
    unanswered = [t.item for t in drawn if t not in answered]
    return (
        [t for t in answered if t.item.is_source],
        [t for t in answered if not t.item.is_source],
        unanswered,
    )


def _visible_practice(request: HttpRequest, pk: int) -> SavedPractice:
    return get_object_or_404(
        SavedPractice.objects.visible_to(request.user).select_related("organisation"), pk=pk
    )


@login_required
@require_safe
def saved_practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The trajectory: the first, the latest and any placement in between, on the same spectra."""
    practice = _visible_practice(request, pk)
    placements = list(practice.placements.in_order().select_related("created_by", "practice"))
    source_rows, field_rows, unanswered = trajectory(placements)
    latest = placements[-1] if placements else None
    return render(
        request,
        "annotations/practices/trajectory.html",
        {
            "practice": practice,
            "placements": placements,
            "first": placements[0] if placements else None,
            "latest": latest,
            "source_rows": source_rows,
            "field_rows": field_rows,
            "unanswered": unanswered,
            # A source's scale runs from its weakest to its strongest word.
            "source_poles": (Strength.choices[0][1], Strength.choices[-1][1]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def placement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one placement, after a confirmation step."""
    placement = get_object_or_404(
        PracticePlacement.objects.visible_to(request.user).select_related("practice"), pk=pk
    )
    practice = placement.practice
    if request.method == "POST":
        done = practice_placement_delete(placement=placement)
        if done == ALREADY_GONE:
            messages.info(request, _("Deze plaatsing was al verwijderd."))
            return redirect("saved-practices")
        if done == PRACTICE:
            messages.success(
                request,
                _("De plaatsing is verwijderd, en met haar de praktijk %(practice)s.")
                % {"practice": practice.name},
            )
            return redirect("saved-practices")
        messages.success(request, _("De plaatsing is verwijderd."))
        return redirect(practice)
    return render(
        request,
        "annotations/practices/confirm_delete.html",
        {
            "practice": practice,
            "placement": placement,
            "only_one": practice.placements.count() == 1,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_practice_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a saved practice with all its placements, after a confirmation step."""
    practice = _visible_practice(request, pk)
    if request.method == "POST":
        if practice_delete(practice=practice) == ALREADY_GONE:
            messages.info(request, _("Deze praktijk was al verwijderd."))
        else:
            messages.success(
                request, _("De praktijk %(practice)s is verwijderd.") % {"practice": practice.name}
            )
        return redirect("saved-practices")
    return render(
        request,
        "annotations/practices/confirm_delete.html",
        {"practice": practice, "count": practice.placements.count()},
    )
