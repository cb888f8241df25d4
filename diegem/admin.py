"""The workbench's page for citable releases: the list, and cutting a new one.

Whoever may publish cases (`cases.publish_case`, the researchers) may cut a
release: a release publishes the data as they stand. Releases are never
changed or deleted here; a number once given stays given.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diegem.data_releases import RELEASE_FILES, ContentKeptChanging, release_cut
from diegem.lib.admin import GuardedAdmin
from diegem.lib.annotatable import LongText
from diegem.lib.form_keys import new_form_key, valid_form_key
from diegem.lib.people import shown_name
from diegem.lib.visible_text import visible_or_empty
from diegem.releases import Release

CUT_PERMISSION = "cases.publish_case"


class ReleaseForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Titel"),
        max_length=200,
        help_text=gettext_lazy("Bijvoorbeeld ‘Eerste helft van de casestudies’."),
        error_messages={
            "required": gettext_lazy("Geef de versie een titel (veld ‘Titel’)."),
            "max_length": gettext_lazy("De titel is te lang: hoogstens 200 tekens."),
        },
    )
    description = forms.CharField(
        label=gettext_lazy("Beschrijving"),
        required=False,
        widget=LongText(attrs={"rows": 4}),
        help_text=gettext_lazy("Wat deze versie brengt (optioneel)."),
    )
    # Drawn once with the form: the same form sent twice cuts one release (`release_cut`).
    formulier = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        if data is None:
            self.initial = {**self.initial, "formulier": new_form_key()}

    def clean_title(self):
        title = visible_or_empty(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(self.fields["title"].error_messages["required"])
        return title

    def clean_formulier(self) -> str:
        return valid_form_key(self.cleaned_data["formulier"])


@admin.register(Release)
class ReleaseAdmin(GuardedAdmin):
    list_display = ["number", "title", "cut_at", "human_size", "sha256", "cutter"]
    list_display_links = ["number", "title"]
    list_select_related = ["cut_by"]
    fields = ["number", "title", "description", "cut_at", "cutter", "human_size", "sha256"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("archive")

    @admin.display(description=gettext_lazy("uitgebracht door"), ordering="cut_by__last_name")
    def cutter(self, release: Release) -> str:
        return shown_name(release.cut_by) if release.cut_by else self.get_empty_value_display()

    @admin.display(description=gettext_lazy("grootte"))
    def human_size(self, release: Release) -> str:
        return format_html(
            '<a href="{}">{}</a>', release.get_download_url(), filesizeformat(release.size)
        )

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(CUT_PERMISSION) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return request.user.has_perm(CUT_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """Cut a release: a title and a description; the service does the rest."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ReleaseForm(request.POST or None)
        release = None
        sent_at = timezone.now()
        if request.method == "POST" and form.is_valid():
            try:
                release = release_cut(
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    actor=request.user,
                    form_key=form.cleaned_data["formulier"],
                )
            except ContentKeptChanging as refusal:
                form.add_error(None, str(refusal))
        if release is not None and release.cut_at < sent_at:
            # This form was sent before and that cut stands: no number is given twice.
            self.message_user(
                request,
                _(
                    "Dit formulier werd al verstuurd: versie %(number)d ‘%(title)s’ is toen "
                    "uitgebracht. Er is geen nieuwe versie gemaakt; open het formulier opnieuw "
                    "voor een volgende versie."
                )
                % {"number": release.number, "title": release.title},
                messages.WARNING,
            )
            return redirect("admin:diegem_release_changelist")
        if release is not None:
            self.message_user(
                request,
                _("Versie %(number)d ‘%(title)s’ is uitgebracht (%(size)s, SHA-256 %(sha)s).")
                % {
                    "number": release.number,
                    "title": release.title,
                    "size": filesizeformat(release.size),
                    "sha": release.sha256,
                },
                messages.SUCCESS,
            )
            return redirect("admin:diegem_release_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Een versie van de gegevens uitbrengen"),
            "form": form,
            "files": RELEASE_FILES,
            "next_number": (Release.objects.listed().values_list("number", flat=True).first() or 0)
            + 1,
        }
        return TemplateResponse(request, "admin/diegem/release/cut.html", context)
