"""Django's PostgreSQL backend whose connection health check needs no `SELECT 1` when idle
(and whose select compiler orders by field names without a position map: `compiler`).

`CONN_HEALTH_CHECKS` makes Django ask `is_usable()` before a request's first query, and the
stock answer is a `SELECT 1`: a full round trip on every request. A connection that is idle
outside a transaction receives nothing unless the server is closing it (a terminated backend,
a shutdown or restart: the server writes a FATAL message and closes the socket) — we use no
LISTEN/NOTIFY. So when libpq is idle and the socket has nothing to read, the connection is as
usable as `SELECT 1` would say, without asking. Anything else — data or a hang-up waiting on
the socket, a transaction open, an error since the last commit, anything unexpected — asks the
server as Django does. What no check without a round trip can see is a server that vanished
without closing the socket (a host gone from the network): the request's first query fails
and Django drops the connection after it, as with any connection lost mid-request.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base as postgresql
from django.db.backends.postgresql import operations as postgresql_operations
from psycopg2.extensions import TRANSACTION_STATUS_IDLE

# Whatever the socket reports (input, hang-up, error, a closed descriptor) means "ask".
_ANY_EVENT = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP | select.POLLNVAL


class DatabaseOperations(postgresql_operations.DatabaseOperations):
    # Select queries ordered by field names skip Django's position map (`compiler`).
    compiler_module = "infonavit_atencion.core.postgresql.compiler"


class DatabaseWrapper(postgresql.DatabaseWrapper):
    ops_class = DatabaseOperations

    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        if not self.errors_occurred and self._idle_and_silent():
            return True
        return bool(super().is_usable())

    def _idle_and_silent(self) -> bool:
        """Idle outside a transaction, with nothing (not even end of file) waiting to be read."""
        try:
            if self.connection.info.transaction_status != TRANSACTION_STATUS_IDLE:
                return False
            poller = select.poll()
            poller.register(self.connection.fileno(), _ANY_EVENT)
            return not poller.poll(0)
        except Exception:  # any doubt falls back to the server's answer
            return False
