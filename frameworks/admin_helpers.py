"""Admin building blocks the apps share."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _


class BoundedDateChangeList(ChangeList):
    """Django's change list, with a date hierarchy that refuses dates off the calendar.

    Django sends an impossible date (`?updated_at__month=13`) to its "?e=1"
    page, but a year at the calendar's end (9999, whose range runs into year
    10000) or beyond a C long raises instead: a 500.
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class GuardedAdmin(admin.ModelAdmin):
    """An admin whose list survives whatever a query string or a posted selection holds.

    Bad input becomes Django's "?e=1" page or a message, never a 500.
    """

    def get_changelist(self, request, **kwargs):
        return BoundedDateChangeList

    def response_action(self, request, queryset, **kwargs):
        # Django filters on the posted ids as they come: "abc" for an integer key raises.
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                self.model._meta.pk.to_python(value)
        except ValidationError:
            self.message_user(request, _("Die selectie bestaat niet; kies de items opnieuw."), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset, **kwargs)


class ReadOnlyAdmin(GuardedAdmin):
    """For logs written only by the services: readable, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """A log shown on its parent's page, read-only."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
