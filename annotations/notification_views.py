"""Views of following and notifications: follow, the list, the member's settings, unsubscribe."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from annotations import notification_services as services
from annotations.forms import PreferencesForm
from annotations.models import Follow, Organisation
from annotations.templatetags.following import MESSAGE_ID, MESSAGE_TAG
from cases.models import Case
from diegem.lib.return_address import return_address

PAGE_SIZE = 25


@require_POST
@login_required
def follow(request: HttpRequest) -> HttpResponse:
    """Follow or stop following a case, a section, a source, a tension field or one's organisation."""
    target = services.follow_target(
        request.user, request.POST.get("soort", ""), request.POST.get("sleutel", "")
    )
    if target is None:
        raise Http404(_("Dit bestaat niet (meer) of is niet openbaar."))
    fallback = (
        reverse("member-settings")
        if isinstance(target, Organisation)
        else target.get_absolute_url()
    )
    page = return_address(request, request.POST.get("volgende", ""), fallback)
    # Sent from the follow form of the target's own page: back at that form, whose message says
    # what changed (and takes the focus). Else (a list of follows, another page) at the page's
    # messages: a message kept for a form the page has not would be lost.
    beside = (
        request.POST.get("anker") == MESSAGE_ID and urlsplit(page).path == urlsplit(fallback).path
    )
    tags = MESSAGE_TAG if beside else ""
    if request.POST.get("actie") == "ontvolgen":
        services.unfollow(user=request.user, target=target)
        messages.success(
            request,
            _("U volgt ‘%(name)s’ niet meer.") % {"name": _target_name(target)},
            extra_tags=tags,
        )
    else:
        services.follow(user=request.user, target=target)
        messages.success(
            request,
            _("U volgt nu ‘%(name)s’. Nieuwe bijdragen ziet u bij uw meldingen.")
            % {"name": _target_name(target)},
            extra_tags=tags,
        )
    return redirect(f"{page.split('#', 1)[0]}#{MESSAGE_ID if beside else 'berichten'}")


def _target_name(target) -> str:
    return getattr(target, "title", None) or getattr(target, "name", None) or str(target)


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    """The member's notifications, newest first; those on the page are marked read by viewing them."""
    page = Paginator(services.notifications_for_list(request.user), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    notifications = list(page.object_list)
    unread = {n.pk for n in notifications if n.read_at is None}
    # Before rendering: the header's count then already leaves out what this page shows.
    services.mark_read(user=request.user, notification_ids=unread)
    return render(
        request,
        "annotations/notifications.html",
        {"page": page, "notifications": notifications, "unread": unread},
    )


@login_required
def member_settings(request: HttpRequest) -> HttpResponse:
    """The member's mail and byline choices, and what they follow."""
    preferences = services.preferences_of(request.user)
    form = PreferencesForm(
        request.POST or None,
        initial={
            "email_frequency": preferences.email_frequency,
            "shown_as": preferences.shown_as,
            # Until they choose, the page's language is offered (saved only when they save).
            "language": get_language() if preferences._state.adding else preferences.language,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.set_preferences(user=request.user, **form.cleaned_data)
        messages.success(request, _("Uw instellingen zijn bewaard."))
        return redirect("member-settings")
    # The organisation has its own button above the list. A case taken offline is left out
    # (its title is draft text); the follow stays, for when it is published again.
    follows = (
        Follow.objects.filter(user=request.user, organisation__isnull=True)
        .filter(Q(case__isnull=True) | Q(case__in=Case.objects.visible_to(request.user)))
        .select_related("case", "section", "source", "tension_field")
    )
    return render(
        request,
        "annotations/member_settings.html",
        {
            "form": form,
            "follows": follows,
            "organisation": Organisation.objects.of_member(request.user).first(),
        },
    )


@csrf_exempt  # RFC 8058: a mail client POSTs here without a token; the signed link is the check.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe from a mail's link: GET asks to confirm, POST does it. No login."""
    user = services.user_for_unsubscribe_token(token)
    if user is None:
        return render(request, "annotations/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        services.unsubscribe(user=user)
        return render(request, "annotations/unsubscribe.html", {"done": True, "token": token})
    return render(request, "annotations/unsubscribe.html", {"done": False, "token": token})
