"""One at a time, for writes that have no row to lock: PostgreSQL's transaction-level advisory
lock, held until the transaction that takes it ends (`one_at_a_time`); and logins checked in
turn (`login_attempts_in_turn`)."""

import hashlib
from functools import wraps

from django.conf import settings
from django.db import connection, transaction

from diegem.lib.client_address import client_network


def one_at_a_time(name: str) -> None:
    """Hold a lock named `name` until the transaction ends; whoever asks for the same name waits.

    Inside `transaction.atomic` only: outside one, the lock would end with the statement.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("one_at_a_time needs a transaction (transaction.atomic)")
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def login_attempts_in_turn(view):
    """A login view whose attempts for one user name from one address (django-axes' lockout
    pair) are checked one at a time. Axes asks whether the pair is locked out before the
    password is checked and records a failure after: attempts sent together all passed the
    question, and fifteen guesses were checked where the limit allows five."""

    @wraps(view)
    def in_turn(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "")
        with transaction.atomic():
            one_at_a_time(f"login:{username}:{client_network(request)}")
            return view(request, *args, **kwargs)

    return in_turn
