"""Django's model permissions, read in one query instead of two.

`ModelBackend` reads a user's own permissions and their groups' in two queries the first
time a request asks (`perms` in the header does on every page a signed-in reader gets). This
backend, listed before it, reads both in one and keeps them where `ModelBackend` looks for
them (`_perm_cache`), so that neither reads again. It answers only permissions: signing in
and sessions stay with `ModelBackend`.
"""

from django.contrib.auth.models import Permission
from django.db.models import Q


class PermissionsBackend:
    """Not a `BaseBackend`: without `get_user` no session is ever bound to it (Django's test
    client and `login()` pick the first backend that has one)."""

    def authenticate(self, request, **credentials):
        return None  # signing in is ModelBackend's

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            granted = Permission.objects.all()
            if not user_obj.is_superuser:
                granted = granted.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in granted.order_by().values_list(
                    "content_type__app_label", "codename"
                )
            }
        return user_obj._perm_cache
