"""The framework in the admin: seed data, edited rarely and by staff."""

from django import forms
from django.contrib import admin

from diegem.lib.admin import GuardedAdmin
from diegem.lib.annotatable import PlainTextField
from diegem.lib.languages import language_versions_of, translation_columns
from frameworks import services
from frameworks.models import Domain, Section, Source, TensionField


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = "__all__"
        # The browser's CRLF is no change, in any language version of the text.
        field_classes = {name: PlainTextField for name in language_versions_of(Section, "body")}


class TranslationsSideBySide:
    """Every translated text of a framework row beside its French and English translations, a
    row per text, and who translated into each language (`diegem.lib.languages.translated`)."""

    def get_fields(self, request, obj=None):
        columns = translation_columns(self.model)
        rows = []
        for name in super().get_fields(request, obj):
            if name in columns:
                continue
            if name in self.model.TRANSLATED_FIELDS:
                name = tuple(language_versions_of(self.model, name))
            rows.append(name)
        rows.append(tuple(f"translated_by_{code}" for code in self.model.TRANSLATION_LANGUAGES))
        return rows


@admin.register(Section)
class SectionAdmin(TranslationsSideBySide, GuardedAdmin):
    form = SectionForm
    list_display = ["order", "number", "title", "key"]
    list_display_links = ["title"]
    search_fields = ["title", "body"]

    def save_model(self, request, obj, form, change):
        # Through the service: a changed text re-anchors its annotations.
        services.section_save(section=obj)

    # Through the service too: a deleted section's words leave "did you mean".
    def delete_model(self, request, obj):
        services.sections_delete(sections=[obj])

    def delete_queryset(self, request, queryset):
        services.sections_delete(sections=queryset)


@admin.register(Source)
class SourceAdmin(TranslationsSideBySide, GuardedAdmin):
    list_display = ["order", "name", "key", "thinkers"]
    list_display_links = ["name"]
    list_select_related = ["section"]


@admin.register(TensionField)
class TensionFieldAdmin(TranslationsSideBySide, GuardedAdmin):
    list_display = ["number", "pole_a", "pole_b", "key"]
    list_display_links = ["pole_a"]
    list_select_related = ["section"]


@admin.register(Domain)
class DomainAdmin(TranslationsSideBySide, GuardedAdmin):
    list_display = ["order", "name", "key", "planned_case_studies"]
    list_display_links = ["name"]
