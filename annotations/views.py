"""Views of the annotation flows: write, edit, withdraw, flag, moderate."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from annotations import services
from annotations.forms import AnnotationForm, AttachForm, EditForm, FlagForm, ModerationForm
from annotations.models import Annotation, AnnotationVersion, Flag, ModerationEvent, Organisation, Status
from annotations.targets import resolve_target
from frameworks.anchoring import same_passage
from frameworks.textdiff import word_diff

CONTEXT_CHARS = 160


def rate_limited(request: HttpRequest, error: services.RateLimited) -> HttpResponse:
    response = render(request, "429.html", {"message": str(error)}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


# --- writing -----------------------------------------------------------------------------------


@login_required
def annotation_new(request: HttpRequest) -> HttpResponse:
    """Write an annotation on a passage: from a selection (JS) or a pasted passage."""
    if not services.may_annotate(request.user):
        raise PermissionDenied(_("Alleen leden van een partnerorganisatie kunnen kanttekeningen schrijven."))
    source = request.POST if request.method == "POST" else request.GET
    target = resolve_target(source.get("doel", ""))
    initial = {key: source.get(key) for key in ("doel", "start", "end", "exact", "revisie") if source.get(key)}
    form = AnnotationForm(request.POST or None, initial=initial)
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
            )
        except services.RateLimited as error:
            return rate_limited(request, error)
        except services.AnchorError as error:
            form.add_error("passage", str(error))
        else:
            messages.success(request, _("Bedankt. Uw kanttekening wacht nu op een moderator; tot dan ziet alleen u ze."))
            return redirect(annotation.get_absolute_url())
    selection = _selection_preview(target.text, source)
    return render(
        request,
        "annotations/new.html",
        {"form": form, "target": target, "selection": selection},
    )


def _selection_preview(text: str, source) -> dict | None:
    """The selected passage in its context, when the browser sent a valid selection."""
    try:
        start, end = int(source.get("start", "")), int(source.get("end", ""))
    except ValueError:
        return None
    if not (0 <= start < end <= len(text)) or not same_passage(text[start:end], source.get("exact", "")):
        return None
    return {
        "before": text[max(0, start - CONTEXT_CHARS) : start],
        "exact": text[start:end],
        "after": text[end : end + CONTEXT_CHARS],
    }


@login_required
def annotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author edits their annotation; an approved one goes back to review."""
    annotation = get_object_or_404(Annotation.objects.with_target(), pk=pk, author=request.user)
    if annotation.status not in services.EDITABLE:
        messages.error(request, _("Deze kanttekening kan niet meer bewerkt worden."))
        return redirect("annotations-mine")
    initial = {field: getattr(annotation, field) for field in ("voice", "kind", "body", "attribution", "link")}
    form = EditForm(request.POST or None, initial={**initial, "version": annotation.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.annotation_edit(
                annotation_id=annotation.pk,
                author=request.user,
                expected_version=data["version"],
                voice=data["voice"],
                kind=data["kind"],
                body=data["body"],
                attribution=data["attribution"],
                link=data["link"],
            )
        except services.RateLimited as error:
            return rate_limited(request, error)
        except services.ModerationError as error:
            messages.error(request, str(error))
            return redirect("annotation-edit", pk=annotation.pk)
        if annotation.status == Status.APPROVED:
            messages.success(request, _("Bewaard. De gewijzigde kanttekening gaat opnieuw naar een moderator."))
        else:
            messages.success(request, _("Bewaard."))
        return redirect("annotations-mine")
    return render(request, "annotations/edit.html", {"form": form, "annotation": annotation})


@login_required
@require_POST
def annotation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = get_object_or_404(Annotation, pk=pk, author=request.user)
    try:
        services.annotation_withdraw(annotation_id=annotation.pk, author=request.user)
    except services.ModerationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Uw kanttekening is ingetrokken."))
    return redirect("annotations-mine")


@login_required
def my_annotations(request: HttpRequest) -> HttpResponse:
    """The author's own annotations, whatever their status, with the reviewers' messages."""
    annotations = (
        Annotation.objects.filter(author=request.user)
        .with_target()
        .prefetch_related(Prefetch("events", queryset=ModerationEvent.objects.exclude(public_reason=""), to_attr="notices"))
        .order_by("-updated_at", "-pk")
    )
    page = Paginator(annotations, 25).get_page(request.GET.get("pagina"))
    return render(
        request,
        "annotations/mine.html",
        {"page": page, "editable": services.EDITABLE, "can_annotate": services.may_annotate(request.user)},
    )


# --- flags ----------------------------------------------------------------------------------------


def annotation_flag(request: HttpRequest, pk: int) -> HttpResponse:
    """Any reader, with or without an account, flags a public annotation."""
    annotation = get_object_or_404(Annotation.objects.public().with_target(), pk=pk)
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
            return rate_limited(request, error)
        except services.AlreadyFlagged as error:
            messages.info(request, str(error))
        else:
            messages.success(request, _("Bedankt voor uw melding. Een moderator bekijkt deze kanttekening."))
        return redirect(annotation.target_url)
    return render(request, "annotations/flag.html", {"form": form, "annotation": annotation})


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


QUEUES = {
    "wachtend": gettext_lazy("Wachtend"),
    "gemeld": gettext_lazy("Gemeld"),
    "verweesd": gettext_lazy("Verweesd"),
}


def _queue_queryset(name: str):
    annotations = Annotation.objects.all()
    if name == "gemeld":
        annotations = annotations.flagged()
    elif name == "verweesd":
        annotations = annotations.orphaned()
    else:
        annotations = annotations.awaiting_review()
    return annotations.with_target().prefetch_related(
        Prefetch("flags", queryset=Flag.objects.filter(resolved_at__isnull=True), to_attr="open_flag_list"),
        Prefetch("versions", queryset=AnnotationVersion.objects.order_by("number"), to_attr="version_list"),
    )


def _queue_item(annotation: Annotation, orphans: bool) -> QueueItem:
    if annotation.anchor_state == Annotation.AnchorState.ORPHANED:
        before, exact, after = annotation.quote_prefix, annotation.quote_exact, annotation.quote_suffix
    else:
        text = annotation.target_text
        start, end = annotation.position_start, annotation.position_end
        before, exact, after = text[max(0, start - CONTEXT_CHARS) : start], text[start:end], text[end : end + CONTEXT_CHARS]
    changes = None
    approved = [v for v in annotation.version_list if v.approved]
    if approved and annotation.version_list and annotation.version_list[-1].pk != approved[-1].pk:
        old, new = approved[-1], annotation.version_list[-1]
        changes = word_diff(
            f"{old.body} — {old.attribution} {old.link}".strip(),
            f"{new.body} — {new.attribution} {new.link}".strip(),
        )
    return QueueItem(
        annotation=annotation,
        before=before,
        exact=exact,
        after=after,
        changes=changes,
        flags=annotation.open_flag_list,
        form=ModerationForm(initial={"version": annotation.version}, prefix=f"a{annotation.pk}"),
        attach_form=AttachForm(initial={"version": annotation.version}, prefix=f"h{annotation.pk}") if orphans else None,
    )


@permission_required("annotations.moderate_annotation", raise_exception=True)
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """Pending, flagged and orphaned annotations, oldest first, with the passage in context."""
    name = request.GET.get("lijst", "wachtend")
    if name not in QUEUES:
        name = "wachtend"
    page = Paginator(_queue_queryset(name), 20).get_page(request.GET.get("pagina"))
    counts = Annotation.objects.aggregate(
        wachtend=Count("pk", filter=Q(status=Status.PENDING)),
        verweesd=Count(
            "pk",
            filter=Q(anchor_state=Annotation.AnchorState.ORPHANED, status__in=[Status.APPROVED, Status.PENDING, Status.HIDDEN]),
        ),
    )
    counts["gemeld"] = Annotation.objects.flagged().values("pk").distinct().count()
    return render(
        request,
        "annotations/queue.html",
        {
            "queue": name,
            "queues": [(key, label, counts[key]) for key, label in QUEUES.items()],
            "page": page,
            "items": [_queue_item(a, orphans=name == "verweesd") for a in page.object_list],
        },
    )


@require_POST
@permission_required("annotations.moderate_annotation", raise_exception=True)
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = get_object_or_404(Annotation, pk=pk)
    form = ModerationForm(request.POST, prefix=f"a{pk}")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("moderation-queue")
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(back)
    try:
        services.annotation_moderate(
            annotation_id=annotation.pk,
            action=form.cleaned_data["action"],
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            public_reason=form.cleaned_data["public_reason"],
            internal_note=form.cleaned_data["internal_note"],
        )
    except services.ModerationError as error:
        messages.error(request, str(error))
    else:
        annotation.refresh_from_db()
        messages.success(
            request,
            _("Kanttekening %(pk)d: %(status)s.") % {"pk": annotation.pk, "status": annotation.get_status_display()},
        )
    return redirect(back)


@require_POST
@permission_required("annotations.moderate_annotation", raise_exception=True)
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer anchors an orphan to a passage of the current text."""
    annotation = get_object_or_404(Annotation, pk=pk)
    form = AttachForm(request.POST, prefix=f"h{pk}")
    if form.is_valid():
        try:
            services.annotation_attach_again(
                annotation_id=annotation.pk,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                passage=form.cleaned_data["passage"],
            )
        except services.ModerationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Kanttekening %(pk)d is opnieuw verankerd.") % {"pk": pk})
    else:
        messages.error(request, _("Nieuwe passage: kopieer de passage uit de huidige tekst."))
    return redirect(f"{reverse('moderation-queue')}?lijst=verweesd")


# --- organisations and accounts ----------------------------------------------------------------------


def organisation_list(request: HttpRequest) -> HttpResponse:
    """The stakeholder organisations, with how many public annotations each wrote."""
    organisations = Organisation.objects.annotate(
        public_annotations=Count("annotations", filter=Q(annotations__in=Annotation.objects.public()))
    )
    return render(request, "annotations/organisations.html", {"organisations": organisations})


class InvitationAcceptView(PasswordResetConfirmView):
    """The link in an invitation: the new member chooses a password and is logged in."""

    template_name = "registration/invitation_accept.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("annotations-mine")

    def form_valid(self, form):
        messages.success(self.request, _("Welkom! Uw account is klaar. Selecteer een passage in een tekst om een kanttekening te schrijven."))
        return super().form_valid(form)
