"""Admin building blocks the apps share, and the admin site that guards every list.

Every model admin registered on the site, the apps' own and third-party ones
(django-axes, taggit, reversion), answers bad list input with Django's "?e=1"
page or a message, never a 500: the site mixes `GuardedListMixin` into each.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from diegem.lib.locking import login_attempts_in_turn


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


class GuardedListMixin:
    """A model admin whose list survives whatever a query string or a posted selection holds,
    and whose form survives being saved twice at once.

    Bad input becomes Django's "?e=1" page or a message, never a 500; a form sent twice by a
    double click is sent once (`static/js/admin_submit_once.js`).
    """

    class Media:
        js = ["js/admin_submit_once.js"]

    def get_changelist(self, request, **kwargs):
        return BoundedDateChangeList

    def response_action(self, request, queryset, **kwargs):
        # Django filters on the posted ids as they come: "abc" for an integer key raises.
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                self.model._meta.pk.to_python(value)
        except ValidationError:
            self.message_user(
                request, _("Die selectie bestaat niet; kies de items opnieuw."), messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset, **kwargs)

    # Errors of a save after which it is asked once more. A form saved twice at once (a double
    # click, two colleagues) passes its unique checks twice, and the second insert breaks the
    # constraint: a 500. Django's view rolled the whole save back; asked once more, the form's
    # own checks see what the other saved and say so beside the field, with everything typed
    # still in the form.
    ask_again_after: tuple[type[Exception], ...] = (IntegrityError,)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        messages_before = queued_messages(request)
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        except self.ask_again_after as error:
            if request.method != "POST" or getattr(request, "_changeform_again", False):
                raise
            request._changeform_again = True
            self.forget_attempt(request, messages_before, error)
            response = super().changeform_view(request, object_id, form_url, extra_context)
        return capitalised_title(response)

    def forget_attempt(self, request, messages_before: list | None, error: Exception) -> None:
        """Before a save is asked again after `error`: what the attempt rolled back left on the
        request (a success message said before its commit failed)."""
        if messages_before is not None:
            request._messages._queued_messages[:] = messages_before


# More rows than any inline of this site posts (Django's own formsets refuse beyond their
# `absolute_max`): a form claiming more is left to Django's checks untouched.
MOST_ROWS = 1000


def rows_gone_as_new(
    data, prefix: str, model, find_again: Callable[[Callable[[str], str]], list] | None = None
) -> object:
    """An inline formset's posted `data` with the rows whose object is gone (deleted by someone
    else while the form was open) posted as what they now are.

    Django validates such a row's hidden id against the table and refuses it with an error the
    admin shows nowhere ("Corrigeer de onderstaande fouten" above a form without one), on
    every save of that page: a dead end that loses what was typed. A gone row that stands
    again under another id (a restore writes rows anew; a colleague deleted a coding and coded
    it again) takes that id: `find_again(value)` gets the row's posted value by field name
    and returns the pks of the rows that are the same thing (its natural key), in order; the
    first that no other row of the form holds is taken. Any other
    gone row is moved behind the rows that still exist (the formset's initial forms come first)
    and posted without an id: a new row with the values this form holds. A gone row this form
    ticked for deletion is left out. Returns `data` itself when no row is gone."""
    total_key, initial_key = f"{prefix}-TOTAL_FORMS", f"{prefix}-INITIAL_FORMS"
    try:
        total, initial = int(data[total_key]), int(data[initial_key])
    except (KeyError, ValueError):
        return data  # Django's own management-form error says what is wrong
    if not 0 <= initial <= total <= MOST_ROWS:
        return data
    pk_field = model._meta.pk
    posted = {}
    for i in range(initial):
        try:
            posted[i] = pk_field.to_python(data.get(f"{prefix}-{i}-{pk_field.name}") or None)
        except ValidationError:
            posted[i] = None  # Django refuses it itself, visibly
    wanted = {pk for pk in posted.values() if pk is not None}
    existing = set(model._default_manager.filter(pk__in=wanted).values_list("pk", flat=True))
    gone = [i for i in range(initial) if posted[i] is not None and posted[i] not in existing]
    if not gone:
        return data
    moved = data.copy()
    taken = set(existing)
    found_again = set()
    for i in gone:
        value = lambda name, i=i: data.get(f"{prefix}-{i}-{name}", "")  # noqa: E731
        pk = next((pk for pk in find_again(value) if pk not in taken), None) if find_again else None
        if pk is not None:
            moved[f"{prefix}-{i}-{pk_field.name}"] = str(pk)
            taken.add(pk)
            found_again.add(i)
    gone = [i for i in gone if i not in found_again]
    if not gone:
        return moved
    # Ticked for deletion here too: nothing to write, and a new row would show no tick again.
    dropped = {i for i in gone if data.get(f"{prefix}-{i}-DELETE")}
    gone_now = set(gone)  # looked up per row below
    order = [i for i in range(initial) if i not in gone_now] + list(range(initial, total))
    order += [i for i in gone if i not in dropped]
    rows: dict[int, list[tuple[str, list]]] = {}  # the posted fields of each row, by number
    for key in list(moved):
        number, _dash, name = key[len(prefix) + 1 :].partition("-")
        if key.startswith(f"{prefix}-") and number.isdecimal() and name:
            rows.setdefault(int(number), []).append((name, moved.getlist(key)))
            del moved[key]
    for new, old in enumerate(order):
        for name, values in rows.get(old, []):
            moved.setlist(f"{prefix}-{new}-{name}", values)
        if old in gone_now:
            moved[f"{prefix}-{new}-{pk_field.name}"] = ""
    moved[initial_key] = str(initial - len(gone))
    moved[total_key] = str(total - len(dropped))
    return moved


def capitalised_title(response):
    """A page's title with a capital: Django's "%s wijzigen" and "%s toevoegen" take the
    model's lower-case verbose name first ("praktijk wijzigen" as the heading)."""
    context = getattr(response, "context_data", None)
    if context and context.get("title"):
        context["title"] = capfirst(context["title"])
    return response


def queued_messages(request) -> list | None:
    """The messages queued on the request so far (Django's message storage keeps them in
    `_queued_messages` until the response), or None without a storage."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", None)
    return None if queued is None else list(queued)


class GuardedAdmin(GuardedListMixin, admin.ModelAdmin):
    """The base of this project's model admins (the site guards others too)."""


class GuardedAdminSite(admin.AdminSite):
    """Django's admin site; every model admin it registers gets the guarded list, and its
    login checks attempts in turn, as the site's does."""

    def login(self, request, extra_context=None):
        return login_attempts_in_turn(super().login)(request, extra_context)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, GuardedListMixin):
            admin_class = type(
                admin_class.__name__,
                (GuardedListMixin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)


def boolean_icon(value) -> str:
    """Django's yes/no/unknown icon with a translated text alternative (Django's own says "True")."""
    name = {True: "yes", False: "no", None: "unknown"}[value]
    label = {True: _("ja"), False: _("nee"), None: _("onbekend")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), label)


class AdminConfig(DjangoAdminConfig):
    """`django.contrib.admin` with the guarded site as `admin.site` (listed in INSTALLED_APPS)."""

    default_site = "diegem.lib.admin.GuardedAdminSite"

    def ready(self):
        super().ready()
        # Every yes/no column of every list (ours, auth's, axes') is drawn by this one
        # function of Django's, whose alt text is the English word "True"; there is no
        # setting for it. (The search box's alt text is in templates/admin/search_form.html.)
        admin_list._boolean_icon = boolean_icon


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
