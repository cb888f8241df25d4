"""A user's permissions, their own and their groups', are read in one query
(`diegem.lib.permissions.SiteBackend`) and answer as Django's ModelBackend does."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def permission(codename: str) -> Permission:
    return Permission.objects.get(codename=codename)


def test_own_and_group_permissions_in_one_query():
    user = make_user("met-rechten")
    user.user_permissions.add(permission("change_case"))
    group = Group.objects.create(name="moderatoren-test")
    group.permissions.add(permission("moderate_annotation"))
    user.groups.add(group)
    fresh = type(user).objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        answers = [
            fresh.has_perm("cases.change_case"),
            fresh.has_perm("annotations.moderate_annotation"),
            fresh.has_perm("cases.publish_case"),
        ]
    assert answers == [True, True, False]
    assert len(queries) == 1


ANSWERS = [
    # (the user, may they change cases?)
    ({"is_superuser": True}, True),
    ({"is_superuser": True, "is_active": False}, False),
    ({}, False),
]


@pytest.mark.parametrize(("fields", "may"), ANSWERS)
def test_superusers_may_everything_and_inactive_users_nothing(fields, may):
    user = make_user("iemand", **fields)
    assert type(user).objects.get(pk=user.pk).has_perm("cases.change_case") is may
