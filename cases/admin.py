"""The researchers' side of cases in the Django admin."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases import services
from cases.models import Case, CaseTransition, SourceCoding, TensionPosition
from frameworks.models import Source, TensionField


class SourceCodingInline(admin.TabularInline):
    model = SourceCoding
    fields = ["source", "strength", "rationale"]
    min_num = 0
    max_num = 4
    can_delete = True

    def get_extra(self, request, obj=None, **kwargs):
        existing = obj.source_codings.count() if obj else 0
        return max(0, 4 - existing)


class TensionPositionInline(admin.TabularInline):
    model = TensionPosition
    fields = ["tension_field", "position", "holds_both", "rationale"]
    max_num = 6

    def get_extra(self, request, obj=None, **kwargs):
        existing = obj.tension_positions.count() if obj else 0
        return max(0, 6 - existing)


class CaseTransitionInline(admin.TabularInline):
    model = CaseTransition
    fields = ["created_at", "actor", "old_status", "new_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("verloop")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "domain",
        "municipality",
        "status",
        "coded",
        "updated_at",
    ]
    list_filter = ["status", "kind", "domain", "researchers"]
    search_fields = ["title", "slug", "summary", "municipality", "neighbourhood", "initiative"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "published_at", "created_at", "updated_at"]
    filter_horizontal = ["researchers"]
    date_hierarchy = "updated_at"
    list_select_related = ["domain"]
    inlines = [SourceCodingInline, TensionPositionInline, CaseTransitionInline]
    actions = ["submit_for_review", "publish", "return_to_draft", "unpublish"]
    fieldsets = [
        (_("Wat en wie"), {"fields": ["title", "slug", "kind", "domain", "initiative", "website", "start_year"]}),
        (_("Plaats"), {"fields": ["municipality", "neighbourhood", "latitude", "longitude"]}),
        (
            _("Tekst"),
            {
                "fields": [
                    "summary",
                    "context",
                    "practice",
                    "place_text",
                    "citizenship",
                    "learning",
                    "interventions",
                    "lessons",
                ]
            },
        ),
        (_("Onderzoek"), {"fields": ["researchers", "keywords"]}),
        (_("Status"), {"fields": ["status", "published_at", "created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        # Through the service: changed text sections re-anchor their annotations.
        services.case_save(case=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Keywords are saved after the case: the search vector includes them.
        services.case_refresh_search(case=form.instance)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_sources=Count("source_codings", distinct=True),
                n_positions=Count("tension_positions", distinct=True),
            )
        )

    @admin.display(description=_("gecodeerd"), boolean=True)
    def coded(self, obj) -> bool:
        return obj.n_sources == Source.objects.count() and obj.n_positions == TensionField.objects.count()

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """On a new case, offer one row per source and per tension field, pre-filled."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if obj is None or obj.pk is None:
            if isinstance(inline, SourceCodingInline):
                kwargs["initial"] = [{"source": s.pk} for s in Source.objects.all()]
            elif isinstance(inline, TensionPositionInline):
                kwargs["initial"] = [{"tension_field": t.pk} for t in TensionField.objects.all()]
        return kwargs

    def _run(self, request, queryset, action: str) -> None:
        done = 0
        for case in queryset:
            try:
                services.case_transition(case=case, action=action, actor=request.user)
            except PermissionDenied as error:
                self.message_user(request, f"{case}: {error}", messages.ERROR)
            except services.TransitionError as error:
                self.message_user(request, f"{case}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d praktijk bijgewerkt.", "%(count)d praktijken bijgewerkt.", done)
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Ter nalezing aanbieden"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._run(request, queryset, "submit")

    @admin.action(description=_("Publiceren"), permissions=["publish"])
    def publish(self, request, queryset):
        self._run(request, queryset, "publish")

    @admin.action(description=_("Terug naar concept"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        self._run(request, queryset, "return_to_draft")

    @admin.action(description=_("Offline halen"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._run(request, queryset, "unpublish")

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("cases.publish_case")


@admin.register(CaseTransition)
class CaseTransitionAdmin(admin.ModelAdmin):
    """The workflow log: read-only."""

    list_display = ["created_at", "case", "actor", "old_status", "new_status"]
    list_filter = ["new_status"]
    list_select_related = ["case", "actor"]
    search_fields = ["case__title", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SourceCoding)
class SourceCodingAdmin(admin.ModelAdmin):
    list_display = ["case", "source", "strength"]
    list_filter = ["source", "strength"]
    list_select_related = ["case", "source"]
    search_fields = ["case__title", "rationale"]


@admin.register(TensionPosition)
class TensionPositionAdmin(admin.ModelAdmin):
    list_display = ["case", "tension_field", "position", "holds_both"]
    list_filter = ["tension_field", "position", "holds_both"]
    list_select_related = ["case", "tension_field"]
    search_fields = ["case__title", "rationale"]


admin.site.site_header = _("Praktijkenbank DieGem – beheer")
admin.site.site_title = _("Praktijkenbank DieGem")
admin.site.index_title = _("Werkbank")
