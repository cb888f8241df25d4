"""Request limits count in the database, all or nothing, over a sliding period."""

from datetime import timedelta

import pytest
from django.utils import timezone

from diegem.models import RequestLimit
from diegem.throttle import Limit, use_within_limits

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
    RequestLimit.objects.create(key=limit.key, uses=[two_hours_ago, two_hours_ago], expires_at=timezone.now() + timedelta(hours=1))
    assert use_within_limits(limit) is True
    assert use_within_limits(limit) is True
    assert use_within_limits(limit) is False


def test_expired_rows_are_forgotten_and_nothing_is_stored_in_clear():
    RequestLimit.objects.create(key="oud", uses=[0.0], expires_at=timezone.now() - timedelta(minutes=1))
    use_within_limits(Limit("reset-email", "carla@example.org", 3))
    [row] = RequestLimit.objects.all()
    assert "carla" not in row.key and len(row.key) == 64
