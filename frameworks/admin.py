"""The framework in the admin: seed data, edited rarely and by staff."""

from django.contrib import admin

from frameworks import services
from frameworks.models import Domain, Section, Source, TensionField


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["order", "number", "title", "key"]
    list_display_links = ["title"]
    search_fields = ["title", "body"]

    def save_model(self, request, obj, form, change):
        # Through the service: a changed text re-anchors its annotations.
        services.section_save(section=obj)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "key", "thinkers"]
    list_display_links = ["name"]
    list_select_related = ["section"]


@admin.register(TensionField)
class TensionFieldAdmin(admin.ModelAdmin):
    list_display = ["number", "pole_a", "pole_b", "key"]
    list_display_links = ["pole_a"]
    list_select_related = ["section"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "key", "planned_case_studies"]
    list_display_links = ["name"]
