"""Request limits count in the database, all or nothing, over a sliding period."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from diegem.lib import throttle
from diegem.lib.models import RequestLimit
from diegem.lib.throttle import Limit, use_within_limits

pytestmark = pytest.mark.django_db


def test_a_use_is_counted_against_every_limit_or_none():
    address = Limit("reset-address", "203.0.113.5", 5)
    email = Limit("reset-email", "carla@example.org", 1)
    assert use_within_limits(address, email) is True
    assert use_within_limits(address, email) is False  # the e-mail's limit is reached...
    assert use_within_limits(address, Limit("reset-email", "dirk@example.org", 1)) is True
    # ...and the refused request did not count against the address.
    assert len(RequestLimit.objects.get(key=address.key).uses) == 2


def test_uses_older_than_the_period_no_longer_count():
    limit = Limit("reset-address", "203.0.113.5", 2)
    two_hours_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    RequestLimit.objects.create(
        key=limit.key,
        uses=[two_hours_ago, two_hours_ago],
        expires_at=timezone.now() + timedelta(hours=1),
    )
    assert use_within_limits(limit) is True
    assert use_within_limits(limit) is True
    assert use_within_limits(limit) is False


def test_expired_rows_are_forgotten_and_nothing_is_stored_in_clear():
    RequestLimit.objects.create(
        key="oud", uses=[0.0], expires_at=timezone.now() - timedelta(minutes=1)
    )
    use_within_limits(Limit("reset-email", "carla@example.org", 3))
    [row] = RequestLimit.objects.all()
    assert "carla" not in row.key and len(row.key) == 64


@pytest.mark.django_db(transaction=True)
def test_clearing_expired_rows_cannot_deadlock_two_requests(monkeypatch):
    """Request B clears an expired row that request A is about to lock, then pauses.

    Cleared inside B's counting transaction, the row stayed locked while B waited
    for the address row A held: a deadlock, a 500 for one of them. Cleared in its
    own transaction, it is released at once.
    """
    address = Limit("reset-address", "203.0.113.9", 5)

    def email_after(prefix: str) -> Limit:
        # An e-mail whose row sorts after the address row, so both requests lock the address first.
        number = 0
        while (limit := Limit("reset-email", f"{prefix}{number}@example.org", 3)).key < address.key:
            number += 1
        return limit

    email_a, email_b = email_after("a"), email_after("b")
    now = timezone.now()
    RequestLimit.objects.create(
        key=address.key, uses=[now.timestamp() - 10], expires_at=now + timedelta(hours=1)
    )
    RequestLimit.objects.create(
        key=email_a.key, uses=[now.timestamp() - 7200], expires_at=now - timedelta(minutes=5)
    )

    real_forget = throttle._forget_expired
    b_cleared = threading.Event()

    def forget_then_pause(moment):
        real_forget(moment)
        if threading.current_thread().name == "B":
            b_cleared.set()
            time.sleep(1.5)

    monkeypatch.setattr(throttle, "_forget_expired", forget_then_pause)
    outcome = {}

    def request(name: str, limits):
        try:
            if name == "A":
                b_cleared.wait(10)
            outcome[name] = use_within_limits(*limits)
        except Exception as error:  # a deadlock surfaces as an OperationalError
            outcome[name] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=request, args=("B", [address, email_b]), name="B"),
        threading.Thread(target=request, args=("A", [address, email_a]), name="A"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcome == {"A": True, "B": True}


@pytest.mark.django_db(transaction=True)
def test_a_row_cleared_by_another_request_meanwhile_is_no_error():
    """Simultaneous requests for one key, each refused by another limit, leave its row expired at
    once; another request clears it. Found by get_or_create between its failed insert and its
    second read, that was an IntegrityError (a 500 on the password reset form). Now each
    request gets its row in one statement that inserts or locks it."""
    address = Limit("reset-address", "203.0.113.7", 0)  # used up: every request is refused
    number = 0
    while (email := Limit("reset-email", f"fresh{number}@example.org", 3)).key > address.key:
        number += 1  # the e-mail's row sorts first: made, then refused by the address
    errors, stop = [], threading.Event()

    def refused_again_and_again():
        try:
            while not stop.is_set():
                assert use_within_limits(email, address) is False
        except Exception as error:
            errors.append(repr(error))
            stop.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=refused_again_and_again) for _ in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []
