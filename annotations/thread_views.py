"""A note's own page with its whole thread, and writing a reply."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from annotations import services
from annotations.forms import ReplyForm
from annotations.models import Annotation, Motivation, Status
from annotations.thread_replies import ReplyRefused, attach_threads, may_reply, reply_submit
from annotations.views import passage_in_context, refused, text_kept


def _readable(user):
    """What this user may open on a note's page: visible to them, on a text they may read; no readings."""
    return (
        Annotation.objects.visible_to(user)
        .on_readable_text(user)
        .exclude(motivation=Motivation.ASSESSING)
        .with_target()
    )


def _render_note(
    request: HttpRequest, note: Annotation, form: ReplyForm | None = None, status: int = 200
):
    """The note whole, its thread in order, and (for those who may) the reply form."""
    attach_threads([note], request.user)
    can_reply = note.is_public and may_reply(request.user)
    answering = None
    if can_reply and form is None:
        # "Antwoord hierop" under a reply: `?op=<id>` of a reply shown in this thread.
        shown = {str(reply.pk): reply for reply in note.thread if reply.status == "approved"}
        answering = shown.get(request.GET.get("op", ""))
        form = ReplyForm(initial={"op": answering.pk} if answering else {})
    elif form is not None:
        op = form.data.get("op", "")
        answering = next((r for r in note.thread if str(r.pk) == op), None)
    before, exact, after = passage_in_context(note)
    context = {
        "note": note,
        "before": before,
        "exact": exact,
        "after": after,
        "form": form if can_reply else None,
        "answering": answering,
        "allowance": services.submission_allowance(request.user) if can_reply else None,
        "share_url": request.build_absolute_uri(note.thread_url),
    }
    return render(request, "annotations/note_detail.html", context, status=status)


@require_safe
def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """`/kanttekeningen/<id>/`: a note's own page; a reply's id leads to its thread, at the reply."""
    found = get_object_or_404(_readable(request.user), pk=pk)
    if found.parent_id:
        return redirect(found.get_absolute_url())
    return _render_note(request, found)


@login_required
@require_POST
def reply_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A reply to the note `pk` (or, with `op`, to a reply in its thread): it waits for a reviewer."""
    if not may_reply(request.user):
        raise PermissionDenied(
            _("Alleen leden van een partnerorganisatie en onderzoekers kunnen antwoorden.")
        )
    note = _readable(request.user).filter(pk=pk, parent__isnull=True).first()
    if note is None or not note.is_public:
        # Gone, hidden or offline while the member wrote: say so, give back the text.
        return text_kept(
            request,
            _(
                "Deze kanttekening staat intussen niet meer online; uw antwoord kon niet bewaard worden."
            ),
            kind=Annotation.Motivation.REPLYING,
        )
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _render_note(request, note, form)
    data = form.cleaned_data
    answered = {"reply_to_id": data["op"]} if data["op"] else {"parent_id": note.pk}
    try:
        reply = reply_submit(
            author=request.user,
            voice=data["voice"],
            body=data["body"],
            attribution=data["attribution"],
            link=data["link"],
            thread_id=note.pk,
            language=get_language(),  # the page's
            **answered,
        )
    except services.RateLimited as error:
        form.add_error(None, str(error))
        return refused(_render_note(request, note, form), error)
    except ReplyRefused as error:
        form.add_error(None, str(error))
        return _render_note(request, note, form, status=409)
    messages.success(
        request,
        _("U had dit antwoord al verstuurd; het staat online.")
        if reply.status == Status.APPROVED  # sent again (`services.sent_before`)
        else _("Bedankt. Uw antwoord wacht nu op een moderator; tot dan ziet alleen u het."),
    )
    return redirect(reply.get_absolute_url())
