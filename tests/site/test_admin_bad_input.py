"""No admin list turns a query string or a posted selection into a 500."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from diegem.lib.admin import GuardedListMixin
from frameworks.models import Section, TensionField
from tests.conftest import logged_in
from tests.factories import make_case, make_user
from tests.html import form_values

pytestmark = pytest.mark.django_db


def test_every_admin_is_guarded_third_party_ones_too():
    unguarded = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, GuardedListMixin)
    ]
    assert unguarded == []
    assert "axes.AccessAttempt" in {model._meta.label for model in admin.site._registry}


@pytest.mark.parametrize(
    "model",
    [m for m, a in admin.site._registry.items() if a.date_hierarchy],
    ids=lambda m: m._meta.label,
)
def test_a_date_off_the_calendar_is_refused_on_every_dated_list(framework, model):
    model_admin = admin.site._registry[model]
    client = logged_in(make_user("baas", is_staff=True, is_superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, {f"{model_admin.date_hierarchy}__year": "9999"})
    assert response.status_code == 302 and "e=1" in response["Location"]


def test_an_unchanged_framework_section_saved_from_a_browser_is_no_change(framework):
    section = Section.objects.get(key="ontmoeting")
    client = logged_in(make_user("baas", is_staff=True, is_superuser=True))
    url = reverse("admin:frameworks_section_change", args=[section.pk])
    names = ("key", "number", "order", "title", "title_fr", "title_en")
    data = {
        name: getattr(section, name) for name in (*names, "translated_by_fr", "translated_by_en")
    }
    # Every language version of the text as a browser sends a textarea (CRLF).
    for name in ("body", "body_fr", "body_en"):
        data[name] = getattr(section, name).replace("\n", "\r\n")
    assert section.body_fr  # the framework's French text, from the seed
    assert client.post(url, data).status_code == 302
    assert (
        LogEntry.objects.get(object_id=str(section.pk)).get_change_message()
        == "Geen velden gewijzigd."
    )


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
@pytest.mark.parametrize("page", ["change", "history", "delete"])
def test_an_id_that_is_no_objects_is_never_a_500(framework, model, page):
    client = logged_in(make_user("baas", is_staff=True, is_superuser=True))
    url = (
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        + f"abc/{page}/"
    )
    assert client.get(url).status_code in (
        302,
        403,
        404,
    )  # gone, refused (read-only logs) or not found


def test_a_tension_field_number_off_the_six_is_named_on_its_field(framework):
    field = TensionField.objects.get(number=1)
    client = logged_in(make_user("baas", is_staff=True, is_superuser=True))
    data = form_values(
        client.get(reverse("admin:frameworks_tensionfield_change", args=[field.pk])),
        "tensionfield_form",
    )
    response = client.post(
        reverse("admin:frameworks_tensionfield_change", args=[field.pk]), data | {"number": "7"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "tensionfield_number_1_to_6" not in page
    assert "Zorg ervoor dat deze waarde hoogstens 6 is." in page
    assert TensionField.objects.get(pk=field.pk).number == 1


def test_no_list_in_the_admin_speaks_english_in_its_images(framework):
    make_user("gewoon")  # beside the staff: a yes and a no in the users' staff column
    make_case()
    client = logged_in(make_user("baas", is_staff=True, is_superuser=True))
    for model in admin.site._registry:
        page = client.get(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        ).content.decode()
        for english in ('alt="True"', 'alt="False"', 'alt="None"', 'alt="Search"'):
            assert english not in page, (model._meta.label, english)
    users = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert 'alt="ja"' in users and 'alt="nee"' in users and 'alt="Zoeken"' in users
