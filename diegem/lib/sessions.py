"""Django's database sessions, read with a query compiled and planned once (`SESSION_ENGINE`).

Every request of a signed-in reader reads their session; the ORM would build, compile and
PostgreSQL plan the same query each time. The same table and rows as Django's `db` engine:
sessions made by either are read by both. Whether a session has expired is asked of the
database's clock (`Now()`; a prepared query cannot hold the app server's time), while expiry
dates are written with the app server's: keep their clocks in step (NTP), as a skew of
seconds moves an expiry two weeks away by as much.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db.models.functions import Now

from diegem.lib.connection_check import checking_connection
from diegem.lib.prepared import PreparedQuery

_SESSION = PreparedQuery(
    lambda session_key: Session.objects.filter(session_key=session_key, expire_date__gt=Now())
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        # Often a request's first query: its connection's health check as well.
        found = checking_connection(lambda: _SESSION.instances(session_key=key)) if key else []
        if not found:
            self._session_key = None
            return None
        return found[0]
