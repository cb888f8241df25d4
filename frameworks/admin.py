"""The framework in the admin: seed data, edited rarely and by staff."""

from django import forms
from django.contrib import admin

from diegem.lib.admin import GuardedAdmin
from diegem.lib.annotatable import PlainTextField
from frameworks import services
from frameworks.models import Domain, Section, Source, TensionField


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = "__all__"
        field_classes = {"body": PlainTextField}  # the browser's CRLF is no change


@admin.register(Section)
class SectionAdmin(GuardedAdmin):
    form = SectionForm
    list_display = ["order", "number", "title", "key"]
    list_display_links = ["title"]
    search_fields = ["title", "body"]

    def save_model(self, request, obj, form, change):
        # Through the service: a changed text re-anchors its annotations.
        services.section_save(section=obj)


@admin.register(Source)
class SourceAdmin(GuardedAdmin):
    list_display = ["order", "name", "key", "thinkers"]
    list_display_links = ["name"]
    list_select_related = ["section"]


@admin.register(TensionField)
class TensionFieldAdmin(GuardedAdmin):
    list_display = ["number", "pole_a", "pole_b", "key"]
    list_display_links = ["pole_a"]
    list_select_related = ["section"]


@admin.register(Domain)
class DomainAdmin(GuardedAdmin):
    list_display = ["order", "name", "key", "planned_case_studies"]
    list_display_links = ["name"]
