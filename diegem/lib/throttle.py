"""Limits on how often one client may do something, exact under concurrency.

The count lives in the database (diegem.lib.models.RequestLimit), not in the cache:
each gunicorn worker has its own cache, so a limit kept there would be multiplied
by the number of workers. Each use locks its rows first (in a fixed order, so two
requests never wait on each other), then counts the uses within the period.
Expired rows are cleared before, in a transaction of their own that waits for
nobody: cleared inside the counting transaction, they would be locked out of
that order, and two requests could deadlock. Call it outside a transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from diegem.lib.models import RequestLimit

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Limit:
    """At most `uses` of `action` by `who` (an address, an e-mail address) per `period`."""

    action: str
    who: str
    uses: int
    period: timedelta = HOUR

    @property
    def key(self) -> str:
        return hashlib.sha256(
            f"{settings.SECRET_KEY}:{self.action}:{self.who}".encode()
        ).hexdigest()


def use_within_limits(*limits: Limit) -> bool:
    """Count one use against every limit and return True, or count nothing and return False."""
    now = timezone.now()
    _forget_expired(now)
    with transaction.atomic():
        return _count(limits, now)


def _count(limits, now) -> bool:
    counted = []
    for limit in sorted(limits, key=lambda limit: limit.key):
        row = _locked_row(limit.key, now)
        since = (now - limit.period).timestamp()
        recent = [moment for moment in row.uses if moment > since]
        if len(recent) >= limit.uses:
            return False
        counted.append((row, recent, limit))
    for row, recent, limit in counted:
        row.uses = [*recent, now.timestamp()]
        row.expires_at = now + limit.period
        row.save(update_fields=["uses", "expires_at"])
    return True


def look_up_within_limit[T](limit: Limit, look_up: Callable[[], T | None]) -> tuple[bool, T | None]:
    """`(True, look_up())`, unless `limit` is spent: `(False, None)`. A look-up that finds
    nothing counts one use.

    For guessing (a code typed): once `who` has spent their wrong guesses, nothing more is looked
    up for them, a right guess no more than a wrong one, or the refusal would tell them apart.
    The limit's row is locked around the look-up, so guesses sent at once are counted one by
    one. Call it outside a transaction."""
    now = timezone.now()
    _forget_expired(now)
    with transaction.atomic():
        row = _locked_row(limit.key, now)
        since = (now - limit.period).timestamp()
        recent = [moment for moment in row.uses if moment > since]
        if len(recent) >= limit.uses:
            return False, None
        found = look_up()
        if found is None:
            row.uses = [*recent, now.timestamp()]
            row.expires_at = now + limit.period
            row.save(update_fields=["uses", "expires_at"])
        return True, found


def _locked_row(key: str, now) -> RequestLimit:
    """The row of `key`, locked to the end of the transaction: inserted, or the one there locked
    (`ON CONFLICT DO UPDATE`), in one statement. With get_or_create, a row another request made
    (and, refused by another limit, left expired) and a third cleared between the failed insert
    and the second read was an IntegrityError: a 500."""
    RequestLimit.objects.bulk_create(
        [RequestLimit(key=key, expires_at=now)],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["key"],
    )
    return RequestLimit.objects.select_for_update().get(key=key)


@transaction.atomic
def _forget_expired(now) -> None:
    # Rows another request holds are skipped (it is using them): this never waits.
    expired = RequestLimit.objects.filter(expires_at__lt=now).select_for_update(skip_locked=True)
    RequestLimit.objects.filter(pk__in=list(expired.values_list("pk", flat=True)[:100])).delete()
