"""No admin list turns a query string or a posted selection into a 500."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from diegem.lib.admin import GuardedListMixin
from frameworks.models import Section
from tests.conftest import logged_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_every_admin_is_guarded_third_party_ones_too():
    unguarded = [model._meta.label for model, model_admin in admin.site._registry.items() if not isinstance(model_admin, GuardedListMixin)]
    assert unguarded == []
    assert "axes.AccessAttempt" in {model._meta.label for model in admin.site._registry}


@pytest.mark.parametrize("model", [m for m, a in admin.site._registry.items() if a.date_hierarchy], ids=lambda m: m._meta.label)
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
    data = {name: getattr(section, name) for name in ("key", "number", "order", "title")}
    data["body"] = section.body.replace("\n", "\r\n")
    assert client.post(url, data).status_code == 302
    assert LogEntry.objects.get(object_id=str(section.pk)).get_change_message() == "Geen velden gewijzigd."
