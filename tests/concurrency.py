"""Running work in real threads released at the same moment (transactional tests)."""

import threading

from django.db import connection


def at_once(work, times: int = 2) -> list:
    """Run `work` in `times` threads released together; their exceptions, if any."""
    barrier = threading.Barrier(times)
    errors = []

    def run():
        try:
            barrier.wait()
            work()
        except Exception as error:  # noqa: BLE001 - collected, the test asserts on them
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
