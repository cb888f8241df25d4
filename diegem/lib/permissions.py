"""Django's model backend, reading less: a signed-in user with their permissions in one
prepared query per request (`get_user`), and anyone's permissions in one query.

`ModelBackend` reads the user on every request a session signs in, then, the first time the
request asks a permission (`perms` in the header does on every page a signed-in reader
gets), their own permissions and their groups' in two more queries. This backend reads the
user and both sets of permissions together, compiled and planned once
(`diegem.lib.prepared`), and keeps the permissions where `ModelBackend` looks for them
(`_perm_cache`), so that neither reads again. Sessions signed in through `ModelBackend`
before it was listed stay signed in (it stays listed, after this one).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Value
from django.db.models.functions import Concat

from diegem.lib.prepared import PreparedQuery


def _granted(user, *, everything: bool = False):
    """The permissions a user holds, their own and their groups' (a superuser: all there are),
    as `app_label.codename`."""
    held = Permission.objects.all()
    if not everything:
        held = held.filter(Q(user=user) | Q(group__user=user))
    labelled = held.annotate(label=Concat("content_type__app_label", Value("."), "codename"))
    return labelled.order_by().values_list("label", flat=True)


def _user_with_permissions(user_id: int):
    users = get_user_model()._default_manager.filter(pk=user_id)
    return users.annotate(granted=ArraySubquery(_granted(OuterRef("pk"))))


_USER = PreparedQuery(_user_with_permissions)


class SiteBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and password is not None:
            # Checked here and refused: ModelBackend, listed after this one for older sessions,
            # would hash the password a second time for the same answer.
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        found = _USER.instances(user_id=user_id)  # an int: Django's get_user converted it
        if not found or not self.user_can_authenticate(found[0]):
            return None
        user = found[0]
        if not user.is_superuser:  # a superuser's are all there are (`get_all_permissions`)
            user._perm_cache = set(user.granted)
        del user.granted
        return user

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(_granted(user_obj, everything=user_obj.is_superuser))
        return user_obj._perm_cache
