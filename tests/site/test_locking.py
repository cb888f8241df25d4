"""The advisory lock is a transaction's: asked for outside one, it is refused, not taken and
dropped at once (which would let two writes through together)."""

import pytest
from django.db import transaction

from diegem.lib.locking import one_at_a_time


@pytest.mark.django_db(transaction=True)
def test_the_lock_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="transaction"):
        one_at_a_time("invitation:iemand@voorbeeld.be")


@pytest.mark.django_db(transaction=True)
def test_the_lock_inside_a_transaction_is_taken():
    with transaction.atomic():
        one_at_a_time("invitation:iemand@voorbeeld.be")
