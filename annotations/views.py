"""Views of the annotation flows: write, edit, withdraw, flag, moderate."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from annotations import reading_proposals, services
from annotations.forms import (
    AnnotationForm,
    AttachForm,
    EditForm,
    FlagForm,
    ModerationForm,
    ReplyEditForm,
)
from annotations.models import (
    Annotation,
    AnnotationVersion,
    Flag,
    ModerationAction,
    ModerationEvent,
    Organisation,
    Status,
)
from annotations.targets import resolve_target
from diegem.lib.anchoring import same_passage
from diegem.lib.return_address import return_address
from diegem.lib.textdiff import word_diff
from diegem.lib.workflow import IllegalTransition

CONTEXT_CHARS = 160

OFFLINE = gettext_lazy(
    "De praktijk bij deze kanttekening staat tijdelijk offline. U kunt de kanttekening weer bekijken en bewerken "
    "zodra de praktijk opnieuw gepubliceerd is."
)


def refused(response: HttpResponse, error: services.RateLimited) -> HttpResponse:
    """A form page re-rendered after a limit refused the submission: 429, and when to try again."""
    response.status_code = 429
    response["Retry-After"] = str(error.retry_after)
    return response


# --- writing -----------------------------------------------------------------------------------


@login_required
def annotation_new(request: HttpRequest) -> HttpResponse:
    """Write an annotation on a passage: from a selection (JS) or a pasted passage."""
    if not services.may_annotate(request.user):
        raise PermissionDenied(
            _("Alleen leden van een partnerorganisatie kunnen kanttekeningen schrijven.")
        )
    source = request.POST if request.method == "POST" else request.GET
    try:
        target = resolve_target(source.get("doel", ""))
    except Http404:
        if request.method == "POST":  # taken offline (or gone) while the member wrote
            return text_kept(
                request,
                _(
                    "Deze tekst is intussen niet meer openbaar; uw kanttekening kon niet bewaard worden."
                ),
            )
        raise
    initial = {
        key: source.get(key)
        for key in ("doel", "start", "end", "exact", "revisie")
        if source.get(key)
    }
    form = AnnotationForm(request.POST or None, initial={**initial, "language": get_language()})
    limited = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            annotation = services.annotation_submit(
                author=request.user,
                target=target,
                voice=data["voice"],
                kind=data["kind"],
                body=data["body"],
                attribution=data["attribution"],
                link=data["link"],
                start=data["start"],
                end=data["end"],
                exact=data["exact"],
                revision=data["revisie"],
                passage=data["passage"],
                language=data["language"] or get_language(),
            )
        except services.RateLimited as error:
            form.add_error(None, str(error))
            limited = error
        except services.AnchorError as error:
            form.add_error("passage", str(error))
        else:
            messages.success(
                request,
                _("U had deze kanttekening al verstuurd; ze staat online.")
                if annotation.status == Status.APPROVED  # sent again (`services.sent_before`)
                else _(
                    "Bedankt. Uw kanttekening wacht nu op een moderator; tot dan ziet alleen u ze."
                ),
            )
            return redirect(annotation.get_absolute_url())
    context = {
        "form": form,
        "target": target,
        "selection": _selection_preview(target.text, source),
        "allowance": services.submission_allowance(request.user),
    }
    response = render(request, "annotations/new.html", context)
    return refused(response, limited) if limited else response


READING_ELSEWHERE = gettext_lazy(
    "Een lezing bewerkt u op haar eigen pagina; hier is niets bewaard. Open ‘Bewerken’ bij de "
    "lezing in ‘Mijn kanttekeningen’."
)


def text_kept(
    request: HttpRequest,
    message: str,
    chosen=(),
    *,
    status: int = 409,
    texts=None,
    back: tuple[str, str] | None = None,
    kind: str = Annotation.Motivation.COMMENTING,
) -> HttpResponse:
    """A submission that cannot be saved any more: say why, and give back what was typed to copy.

    `chosen`: (label, value in words) of what the member picked beside the text (a reading's value).
    `kind`: the motivation of what was typed (a note, a reply or a reading), whose form's words
    label its text (`KEPT_BODY_LABEL`).
    `texts`: (label, text) of what was typed, for a form other than a note's (a researcher's
    answer); `back`: (address, words) of the link onward, instead of the author's own list.
    """
    typed = {
        name: request.POST.get(name, "") for name in ("body", "attribution", "link", "passage")
    }
    return render(
        request,
        "annotations/text_kept.html",
        {
            "message": message,
            "typed": typed,
            "body_label": KEPT_BODY_LABEL[kind],
            "chosen": chosen,
            "texts": texts,
            "back": back,
        },
        status=status,
    )


# What the text given back is called: as its own form calls it.
KEPT_BODY_LABEL = {
    Annotation.Motivation.COMMENTING: gettext_lazy("Kanttekening"),
    Annotation.Motivation.REPLYING: gettext_lazy("Uw antwoord"),
    Annotation.Motivation.ASSESSING: gettext_lazy("Uw argument"),
}

# What a form sent to these addresses holds (a note's, else): for a refusal before the view.
KEPT_KIND_BY_VIEW = {
    "reply-new": Annotation.Motivation.REPLYING,
    "reading-new": Annotation.Motivation.ASSESSING,
    "reading-edit": Annotation.Motivation.ASSESSING,
}


def kept_kind(request: HttpRequest) -> str:
    """The motivation of what a form sent to this address holds, known without reading the
    database (the CSRF check refuses it before any view): the edit of a reply has no kind."""
    try:
        name = resolve(request.path_info).url_name
    except Resolver404:
        return Annotation.Motivation.COMMENTING
    if name == "annotation-edit" and "kind" not in request.POST:
        return Annotation.Motivation.REPLYING
    return KEPT_KIND_BY_VIEW.get(name, Annotation.Motivation.COMMENTING)


# Said with the text kept when an edit arrives for a contribution that may no longer be edited.
NO_LONGER_EDITABLE = {
    Annotation.Motivation.COMMENTING: gettext_lazy(
        "Deze kanttekening kan niet meer bewerkt worden: ze heeft intussen de status ‘%(status)s’."
    ),
    Annotation.Motivation.REPLYING: gettext_lazy(
        "Dit antwoord kan niet meer bewerkt worden: het heeft intussen de status ‘%(status)s’."
    ),
    Annotation.Motivation.ASSESSING: gettext_lazy(
        "Deze lezing kan niet meer bewerkt worden: ze heeft intussen de status ‘%(status)s’."
    ),
}


def no_longer_editable(annotation: Annotation) -> str:
    """Why the author's edit was not saved: the status it has now (never who gave it)."""
    return NO_LONGER_EDITABLE[annotation.motivation] % {"status": annotation.get_status_display()}


def changes_asked(annotation: Annotation) -> str:
    """What the reviewer asked the author to change, while that request stands: the public
    message of the last request for changes (never the internal note)."""
    if annotation.status != Status.CHANGES_REQUESTED:
        return ""
    asked = annotation.events.filter(action=ModerationAction.REQUEST_CHANGES).first()
    return asked.public_reason if asked else ""


def _selection_preview(text: str, source) -> dict | None:
    """The selected passage in its context, when the browser sent a valid selection."""
    try:
        start, end = int(source.get("start", "")), int(source.get("end", ""))
    except ValueError:
        return None
    if not (0 <= start < end <= len(text)) or not same_passage(
        text[start:end], source.get("exact", "")
    ):
        return None
    return {
        "before": text[max(0, start - CONTEXT_CHARS) : start],
        "exact": text[start:end],
        "after": text[end : end + CONTEXT_CHARS],
    }


def _own_annotation(request: HttpRequest, pk: int) -> Annotation:
    """The user's own annotation (404 for anyone else's), marked with whether its text may be shown."""
    return get_object_or_404(
        Annotation.objects.with_target().with_readable_target(request.user),
        pk=pk,
        author=request.user,
    )


@login_required
def annotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author edits their annotation; an approved one goes back to review."""
    annotation = _own_annotation(request, pk)
    if annotation.motivation == Annotation.Motivation.ASSESSING:
        # A reading has its own form (no kind, source or link): the same service behind it.
        # A POST here (a stale or hand-made form) saves nothing and gives the text back.
        if request.method == "POST":
            return text_kept(request, READING_ELSEWHERE, kind=annotation.motivation)
        return redirect("reading-edit", annotation.pk)
    if not annotation.target_readable:
        if request.method == "POST":  # taken offline while the member wrote
            return text_kept(request, OFFLINE, kind=annotation.motivation)
        messages.error(request, OFFLINE)
        return redirect("annotations-mine")
    if annotation.status not in services.EDITABLE:
        if request.method == "POST":  # decided, or withdrawn elsewhere, while the author wrote
            return text_kept(request, no_longer_editable(annotation), kind=annotation.motivation)
        messages.error(request, _("Deze kanttekening kan niet meer bewerkt worden."))
        return redirect("annotations-mine")
    # A reply has no kind: its own form, the same service.
    form_class = ReplyEditForm if annotation.parent_id else EditForm
    initial = {
        field: getattr(annotation, field)
        for field in ("voice", "kind", "body", "attribution", "link")
    }
    initial["language"] = annotation.original_language
    form = form_class(request.POST or None, initial={**initial, "version": annotation.version})
    limited = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.annotation_edit(
                annotation_id=annotation.pk,
                author=request.user,
                expected_version=data["version"],
                voice=data["voice"],
                kind=data.get("kind", annotation.kind),
                body=data["body"],
                attribution=data["attribution"],
                link=data["link"],
                # A reply's stays the page's it was written on.
                language=data.get("language") or None,
            )
        except services.RateLimited as error:
            form.add_error(None, str(error))
            limited = error
        except (services.ModerationError, IllegalTransition) as error:
            # Changed meanwhile (a reviewer decided): show what it is now, keep what was typed.
            annotation = _own_annotation(request, pk)
            if annotation.status not in services.EDITABLE:
                return text_kept(
                    request, no_longer_editable(annotation), kind=annotation.motivation
                )
            form = form_class({**request.POST.dict(), "version": annotation.version})
            form.is_valid()
            form.add_error(None, str(error))
        else:
            if saved.back_to_review:
                messages.success(
                    request,
                    _("Bewaard. Het gewijzigde antwoord gaat opnieuw naar een moderator.")
                    if annotation.parent_id
                    else _("Bewaard. De gewijzigde kanttekening gaat opnieuw naar een moderator."),
                )
            else:
                messages.success(request, _("Bewaard."))
            annotation.refresh_from_db()
            if annotation.anchor_state == Annotation.AnchorState.ANCHORED:
                return redirect(annotation.get_absolute_url())
            return redirect("annotations-mine")
    context = {
        "form": form,
        "annotation": annotation,
        "changes_asked": changes_asked(annotation),
        "allowance": services.submission_allowance(request.user),
    }
    response = render(request, "annotations/edit.html", context)
    return refused(response, limited) if limited else response


# Said after a withdrawal, and when one is no longer possible: per kind of contribution.
WITHDRAWN = {
    Annotation.Motivation.COMMENTING: gettext_lazy("Uw kanttekening is ingetrokken."),
    Annotation.Motivation.REPLYING: gettext_lazy("Uw antwoord is ingetrokken."),
    Annotation.Motivation.ASSESSING: gettext_lazy("Uw lezing is ingetrokken."),
}
NOT_WITHDRAWABLE = {
    Annotation.Motivation.COMMENTING: gettext_lazy(
        "Deze kanttekening kan niet meer ingetrokken worden."
    ),
    Annotation.Motivation.REPLYING: gettext_lazy("Dit antwoord kan niet meer ingetrokken worden."),
    Annotation.Motivation.ASSESSING: gettext_lazy("Deze lezing kan niet meer ingetrokken worden."),
}


@login_required
@require_http_methods(["GET", "POST"])
def annotation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The author withdraws an annotation, after confirming on a page of its own (no script needed)."""
    annotation = _own_annotation(request, pk)
    if request.method == "POST":
        try:
            services.annotation_withdraw(annotation_id=annotation.pk, author=request.user)
        except (services.ModerationError, IllegalTransition) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, WITHDRAWN[annotation.motivation])
        return redirect("annotations-mine")
    if annotation.status not in services.WITHDRAWABLE:
        messages.error(request, NOT_WITHDRAWABLE[annotation.motivation])
        return redirect("annotations-mine")
    return render(request, "annotations/withdraw.html", {"annotation": annotation})


@login_required
@require_safe
def my_annotations(request: HttpRequest) -> HttpResponse:
    """The author's own annotations, whatever their status, with the reviewers' messages."""
    annotations = (
        Annotation.objects.filter(author=request.user)
        .with_target()
        .select_related(
            "reading__source", "reading__tension_field", "parent__case", "parent__section"
        )
        .with_readable_target(request.user)
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ModerationEvent.objects.exclude(public_reason=""),
                to_attr="notices",
            )
        )
        .order_by("-updated_at", "-pk")
    )
    page = Paginator(annotations, 25).get_page(request.GET.get("pagina"))
    return render(
        request,
        "annotations/mine.html",
        {
            "page": page,
            "editable": services.EDITABLE,
            "withdrawable": services.WITHDRAWABLE,
            "can_annotate": services.may_annotate(request.user),
        },
    )


# --- flags ----------------------------------------------------------------------------------------


def annotation_flag(request: HttpRequest, pk: int) -> HttpResponse:
    """Any reader, with or without an account, flags a public annotation.

    Afterwards the reader lands on the note, which now says it was reported by
    them; if it is no longer in the margin (their flag or others' hid it), on the
    top of its page, where the message is.
    """
    annotation = (
        Annotation.objects.public()
        .exclude(motivation=Annotation.Motivation.ASSESSING)
        .with_target()
        .filter(pk=pk)
        .first()
    )
    if annotation is None:
        gone = (
            Annotation.objects.on_public_text()
            .filter(pk=pk, status=Status.HIDDEN)
            .with_target()
            .first()
        )
        if (
            request.method == "POST" and gone is not None
        ):  # hidden while this reader filled in the form
            return _flag_gone(request, gone)
        raise Http404
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.annotation_flag(
                annotation_id=annotation.pk,
                reader_key=services.reader_key_for(request),
                client_hash=services.client_hash_for(request),
                user=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except services.RateLimited as error:
            form.add_error(None, str(error))
            return refused(
                render(request, "annotations/flag.html", {"form": form, "annotation": annotation}),
                error,
            )
        except services.AlreadyFlagged:
            pass  # the note says so
        except services.NotFlaggable:
            return _flag_gone(request, annotation)
        annotation.refresh_from_db(fields=["status"])
        if annotation.status != Status.APPROVED:
            messages.success(
                request,
                _(
                    "Bedankt voor uw melding. De kanttekening is verborgen tot een moderator beslist."
                ),
            )
            return redirect(annotation.page_url)
        return redirect(annotation.get_absolute_url())
    return render(request, "annotations/flag.html", {"form": form, "annotation": annotation})


def _flag_gone(request: HttpRequest, annotation: Annotation) -> HttpResponse:
    messages.info(
        request,
        _(
            "Deze kanttekening is intussen al uit de kantlijn gehaald; een moderator bekijkt ze. Bedankt."
        ),
    )
    return redirect(annotation.page_url)


# --- moderation -------------------------------------------------------------------------------------


@dataclass
class QueueItem:
    annotation: Annotation
    before: str
    exact: str
    after: str
    changes: list[tuple[str, str]] | None
    flags: list[Flag]
    form: ModerationForm
    attach_form: AttachForm | None
    approval_refusal: str = ""  # why "Goedkeuren" is not offered, though its status allows it

    @property
    def passage_url(self) -> str:
        """The passage in context on the public page, when the text is public."""
        public = self.annotation.on_public_text and self.annotation.has_passage
        return self.annotation.passage_url if public else ""


QUEUES = {
    "wachtend": gettext_lazy("Wachtend"),
    "gemeld": gettext_lazy("Gemeld"),
    "verweesd": gettext_lazy("Verweesd"),
}


def _queues(user) -> dict:
    """The three queues, each a named queryset, of annotations on texts this reviewer may read.

    A case taken offline is draft text: its notes wait outside the queues until it
    is published again (a reviewer who may edit cases sees them).
    """
    readable = Annotation.objects.on_readable_text(user)
    return {
        "wachtend": readable.awaiting_review(),
        "gemeld": readable.flagged(),
        "verweesd": readable.orphaned(),
    }


def _with_queue_data(annotations):
    # A reply shows the contribution it answers instead of a passage (same query: joins).
    thread = ("parent", "reply_to__author__preferences", "reply_to__organisation")
    return (
        annotations.with_target()
        .select_related(*thread, "reading__source", "reading__tension_field")
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=Flag.objects.filter(resolved_at__isnull=True),
                to_attr="open_flag_list",
            ),
            Prefetch(
                "versions",
                queryset=AnnotationVersion.objects.order_by("number"),
                to_attr="version_list",
            ),
        )
    )


def passage_in_context(annotation: Annotation) -> tuple[str, str, str]:
    """The passage with the text around it; an orphan's saved context; nothing for a reply."""
    if not annotation.has_passage:
        return "", "", ""
    if annotation.anchor_state == Annotation.AnchorState.ORPHANED:
        return annotation.quote_prefix, annotation.quote_exact, annotation.quote_suffix
    text = annotation.target_text
    start, end = annotation.position_start, annotation.position_end
    return (
        text[max(0, start - CONTEXT_CHARS) : start],
        text[start:end],
        text[end : end + CONTEXT_CHARS],
    )


def _queue_item(
    annotation: Annotation,
    orphans: bool,
    form: ModerationForm | None,
    attach_form: AttachForm | None,
) -> QueueItem:
    before, exact, after = passage_in_context(annotation)
    changes = None
    approved = [v for v in annotation.version_list if v.approved]
    if approved and annotation.version_list and annotation.version_list[-1].pk != approved[-1].pk:
        old, new = approved[-1], annotation.version_list[-1]
        changes = word_diff(
            f"{old.body} — {old.attribution} {old.link}".strip(),
            f"{new.body} — {new.attribution} {new.link}".strip(),
        )
    actions = services.reviewer_actions_on(annotation)
    if form is None:
        form = ModerationForm(
            initial={"version": annotation.version}, prefix=f"a{annotation.pk}", actions=actions
        )
    if attach_form is None and orphans:
        attach_form = AttachForm(
            initial={"version": annotation.version}, prefix=f"h{annotation.pk}"
        )
    return QueueItem(
        annotation=annotation,
        before=before,
        exact=exact,
        after=after,
        changes=changes,
        flags=annotation.open_flag_list,
        form=form,
        attach_form=attach_form,
        approval_refusal=services.approval_refusal(annotation)
        if ModerationAction.APPROVE in services.reviewer_actions_for(annotation.status)
        else "",
    )


def _queue_name(value: str | None) -> str:
    return value if value in QUEUES else "wachtend"


def _render_queue(
    request: HttpRequest, *, name: str, page_number, next_url: str, bound: dict | None = None
):
    """The queue page; `bound` holds a reviewer's refused form per annotation, shown at its item with its errors."""
    bound = bound or {}
    queues = _queues(request.user)
    page = Paginator(_with_queue_data(queues[name]), 20).get_page(page_number)
    annotations = list(page.object_list)
    # A refused item is shown even when it is no longer on this page (someone else acted meanwhile).
    shown = {a.pk for a in annotations}
    missing = [pk for pk in bound if pk not in shown]
    if missing:
        annotations = (
            list(
                _with_queue_data(
                    Annotation.objects.on_readable_text(request.user).filter(pk__in=missing)
                )
            )
            + annotations
        )
    reading_proposals.attach_current_codings(annotations, request.user)
    orphans = name == "verweesd"
    items = []
    for annotation in annotations:
        forms = bound.get(annotation.pk, {})
        items.append(
            _queue_item(
                annotation, orphans or "attach" in forms, forms.get("decide"), forms.get("attach")
            )
        )
    counts = {key: queryset.count() for key, queryset in queues.items()}
    context = {
        "queue": name,
        "queues": [(key, label, counts[key]) for key, label in QUEUES.items()],
        "page": page,
        "items": items,
        "next_url": next_url,
    }
    return render(request, "annotations/queue.html", context)


@login_required
@permission_required("annotations.moderate_annotation", raise_exception=True)
@require_safe
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """Pending, flagged and orphaned annotations, oldest first, with the passage in context."""
    return _render_queue(
        request,
        name=_queue_name(request.GET.get("lijst")),
        page_number=request.GET.get("pagina"),
        next_url=request.get_full_path(),
    )


def _queue_page(request: HttpRequest) -> str:
    """The queue page a decision was made on."""
    page = return_address(request, request.POST.get("next", ""), reverse("moderation-queue"))
    return page.split("#", 1)[0]


def _back(request: HttpRequest) -> str:
    """Where a decision returns to: its queue page, at the message that says what became of
    the item (the form was sent to the item's errors, `#a12-errors`, and a browser keeps that
    fragment through a redirect without one of its own)."""
    return f"{_queue_page(request)}#berichten"


# What the reviewer is told, naming the item as the queue does.
DECIDED = {
    Annotation.Motivation.COMMENTING: gettext_lazy("Kanttekening %(pk)d: %(status)s."),
    Annotation.Motivation.REPLYING: gettext_lazy("Antwoord %(pk)d: %(status)s."),
    Annotation.Motivation.ASSESSING: gettext_lazy("Lezing %(pk)d: %(status)s."),
}

OFFLINE_FOR_REVIEWERS = gettext_lazy(
    "De praktijk bij deze kanttekening staat tijdelijk offline. U kunt erover beslissen zodra ze weer gepubliceerd is."
)

# Said instead of the form again when a decision came for an item nothing can be decided on any
# more (its author withdrew it, or another reviewer's decision left it out of the reviewers' hands).
NOTHING_LEFT_WITHDRAWN = {
    Annotation.Motivation.COMMENTING: gettext_lazy(
        "Kanttekening %(pk)d is intussen ingetrokken door de auteur; er valt niets meer te beslissen."
    ),
    Annotation.Motivation.REPLYING: gettext_lazy(
        "Antwoord %(pk)d is intussen ingetrokken door de auteur; er valt niets meer te beslissen."
    ),
    Annotation.Motivation.ASSESSING: gettext_lazy(
        "Lezing %(pk)d is intussen ingetrokken door de auteur; er valt niets meer te beslissen."
    ),
}
NOTHING_LEFT = {
    Annotation.Motivation.COMMENTING: gettext_lazy(
        "Kanttekening %(pk)d heeft intussen de status ‘%(status)s’; er valt niets meer te beslissen."
    ),
    Annotation.Motivation.REPLYING: gettext_lazy(
        "Antwoord %(pk)d heeft intussen de status ‘%(status)s’; er valt niets meer te beslissen."
    ),
    Annotation.Motivation.ASSESSING: gettext_lazy(
        "Lezing %(pk)d heeft intussen de status ‘%(status)s’; er valt niets meer te beslissen."
    ),
}

# The two forms of a queue item: the decision and (orphans) the new passage.
ITEM_FORMS = {"decide": (ModerationForm, "a"), "attach": (AttachForm, "h")}


def _refused_decision(request: HttpRequest, pk: int, kind: str, error: str = "") -> HttpResponse:
    """The queue again with the reviewer's choice and texts at the item, and the error beside them.

    When the annotation changed meanwhile, the form carries its new version, so the
    reviewer decides again knowingly instead of losing what they wrote.
    """
    back = _queue_page(request)
    annotation = Annotation.objects.on_readable_text(request.user).filter(pk=pk).first()
    if annotation is None:  # on a case taken offline meanwhile: nothing of it to show
        messages.error(request, OFFLINE_FOR_REVIEWERS)
        return redirect(_back(request))
    actions = services.reviewer_actions_on(annotation)
    if kind == "decide" and not actions:
        # Nothing to decide any more: said, and no empty form that could only be refused.
        if annotation.status == Status.WITHDRAWN:
            told = NOTHING_LEFT_WITHDRAWN[annotation.motivation] % {"pk": pk}
        else:
            told = NOTHING_LEFT[annotation.motivation] % {
                "pk": pk,
                "status": annotation.get_status_display(),
            }
        messages.warning(request, told)
        return redirect(_back(request))
    form_class, letter = ITEM_FORMS[kind]
    prefix = f"{letter}{pk}"
    data = request.POST.copy()
    if error:
        data[f"{prefix}-version"] = str(annotation.version)
    form = form_class(data, prefix=prefix)
    form.is_valid()
    if error:
        form.add_error(None, error)
    if kind == "decide":
        form.offer(actions)
    query = QueryDict(urlsplit(back).query)
    return _render_queue(
        request,
        name=_queue_name(query.get("lijst")),
        page_number=query.get("pagina"),
        next_url=back,
        bound={pk: {kind: form}},
    )


@require_POST
@login_required
@permission_required("annotations.moderate_annotation", raise_exception=True)
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = get_object_or_404(Annotation, pk=pk)
    # Validated against every reviewer action: the service applies the table (and names a stale form).
    form = ModerationForm(request.POST, prefix=f"a{pk}")
    if not form.is_valid():
        return _refused_decision(request, pk, "decide")
    try:
        services.annotation_moderate(
            annotation_id=annotation.pk,
            action=form.cleaned_data["action"],
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            public_reason=form.cleaned_data["public_reason"],
            internal_note=form.cleaned_data["internal_note"],
        )
    except services.TargetOffline:
        messages.error(request, OFFLINE_FOR_REVIEWERS)
        return redirect(_back(request))
    except (services.ModerationError, IllegalTransition) as error:
        return _refused_decision(request, pk, "decide", str(error))
    annotation.refresh_from_db()
    messages.success(
        request,
        DECIDED[annotation.motivation]
        % {"pk": annotation.pk, "status": annotation.get_status_display()},
    )
    return redirect(_back(request))


@require_POST
@login_required
@permission_required("annotations.moderate_annotation", raise_exception=True)
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer anchors an orphan to a passage of the current text."""
    annotation = get_object_or_404(Annotation, pk=pk)
    form = AttachForm(request.POST, prefix=f"h{pk}")
    if not form.is_valid():
        return _refused_decision(request, pk, "attach")
    try:
        services.annotation_attach_again(
            annotation_id=annotation.pk,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            passage=form.cleaned_data["passage"],
        )
    except services.TargetOffline:
        messages.error(request, OFFLINE_FOR_REVIEWERS)
        return redirect(_back(request))
    except services.ModerationError as error:
        return _refused_decision(request, pk, "attach", str(error))
    messages.success(request, _("Kanttekening %(pk)d is opnieuw verankerd.") % {"pk": pk})
    return redirect(_back(request))


# --- organisations ------------------------------------------------------------------------------


@require_safe
def organisation_list(request: HttpRequest) -> HttpResponse:
    """The stakeholder organisations, with how many public annotations each wrote."""
    organisations = Organisation.objects.annotate(
        public_annotations=Count(
            "annotations", filter=Q(annotations__in=Annotation.objects.public())
        )
    )
    return render(request, "annotations/organisations.html", {"organisations": organisations})
