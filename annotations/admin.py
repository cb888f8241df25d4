"""Organisations, members and the annotation logs in the admin.

Moderation itself happens in the reviewers' queue (`/moderatie/`), through the
services; here statuses are read-only and the event log cannot be edited.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from annotations import organisations
from annotations.forms import InviteForm
from annotations.models import Annotation, Flag, Membership, ModerationEvent, Organisation
from diegem.lib.admin import GuardedAdmin, ReadOnlyAdmin, ReadOnlyInline


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "invited_by", "created_at"]
    readonly_fields = ["invited_by", "created_at"]
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(GuardedAdmin):
    list_display = ["name", "in_advisory_committee", "website"]
    list_filter = ["in_advisory_committee"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    change_list_template = "admin/annotations/organisation/change_list.html"

    def get_urls(self):
        return [
            path(
                "uitnodigen/",
                self.admin_site.admin_view(self.invite_view),
                name="annotations_invite",
            ),
            *super().get_urls(),
        ]

    def invite_view(self, request):
        """Staff invite a member: an account without password, a link by e-mail."""
        if not request.user.has_perm("annotations.add_membership"):
            raise PermissionDenied
        form = InviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user = organisations.member_invite(invited_by=request.user, **form.cleaned_data)
            except organisations.InvitationError as error:
                form.add_error("email", str(error))
            else:
                self.message_user(
                    request,
                    _("Uitnodiging verstuurd naar %(email)s, namens %(organisation)s.")
                    % {"email": user.email, "organisation": form.cleaned_data["organisation"]},
                    messages.SUCCESS,
                )
                return redirect("admin:annotations_organisation_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Een lid uitnodigen"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/annotations/invite.html", context)


@admin.register(Membership)
class MembershipAdmin(GuardedAdmin):
    list_display = ["user", "organisation", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation__name"]
    raw_id_fields = ["user"]
    readonly_fields = ["invited_by"]


class ModerationEventInline(ReadOnlyInline):
    model = ModerationEvent
    fields = [
        "created_at",
        "actor",
        "action",
        "old_status",
        "new_status",
        "public_reason",
        "internal_note",
    ]


@admin.register(Annotation)
class AnnotationAdmin(GuardedAdmin):
    """Annotations for reading and searching; decisions go through the queue."""

    list_display = [
        "pk",
        "short_quote",
        "voice",
        "kind",
        "status",
        "anchor_state",
        "author",
        "organisation",
        "submitted_at",
    ]
    list_filter = ["status", "anchor_state", "voice", "kind", "organisation"]
    search_fields = ["body", "quote_exact", "attribution", "author__email"]
    list_select_related = ["author", "organisation"]
    date_hierarchy = "submitted_at"
    inlines = [ModerationEventInline]
    readonly_fields = [
        "queue_link",
        "section",
        "case",
        "case_field",
        "quote_exact",
        "quote_prefix",
        "quote_suffix",
        "position_start",
        "position_end",
        "text_revision",
        "anchor_state",
        "voice",
        "kind",
        "body",
        "attribution",
        "link",
        "author",
        "organisation",
        "status",
        "version",
        "submitted_at",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        # A passage on a case taken offline is draft text: only for those who may edit cases.
        return super().get_queryset(request).on_readable_text(request.user)

    @admin.display(description=_("passage"))
    def short_quote(self, obj) -> str:
        return obj.quote_exact[:60]

    @admin.display(description=_("moderatie"))
    def queue_link(self, obj) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("moderation-queue"),
            _("Naar de wachtrij van de moderatoren"),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AnnotationLogAdmin(ReadOnlyAdmin):
    """A log whose rows name their annotation by its passage: only rows on texts the user may read."""

    def get_queryset(self, request):
        readable = Annotation.objects.on_readable_text(request.user)
        return super().get_queryset(request).filter(annotation__in=readable)


@admin.register(ModerationEvent)
class ModerationEventAdmin(AnnotationLogAdmin):
    """The moderation log: every status change, never edited."""

    list_display = ["created_at", "annotation", "actor", "action", "old_status", "new_status"]
    list_filter = ["action", "new_status"]
    list_select_related = ["annotation", "actor"]
    search_fields = ["public_reason", "internal_note"]


@admin.register(Flag)
class FlagAdmin(AnnotationLogAdmin):
    list_display = ["created_at", "annotation", "reason", "resolved_at"]
    list_filter = ["reason", "resolved_at"]
    list_select_related = ["annotation"]
