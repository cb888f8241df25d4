"""The advisory lock is a transaction's: a second transaction asking for the same name waits
until the first ends; asked for outside a transaction, it is refused, not taken and dropped at
once (which would let two writes through together)."""

import threading
import time

import pytest
from django.db import connection, transaction

from diegem.lib.locking import one_at_a_time

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_lock_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="transaction"):
        one_at_a_time("invitation:iemand@voorbeeld.be")


def test_a_second_transaction_waits_for_the_first(db):
    events = []
    held = threading.Event()

    def first():
        with transaction.atomic():
            one_at_a_time("invitation:iemand@voorbeeld.be")
            held.set()
            time.sleep(0.3)
            events.append("first ends")
        connection.close()

    def second():
        held.wait(10)
        with transaction.atomic():
            one_at_a_time("invitation:iemand@voorbeeld.be")
            events.append("second holds")
        connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert events == ["first ends", "second holds"]
