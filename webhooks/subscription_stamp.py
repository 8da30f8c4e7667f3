"""Whether anything subscribes to webhooks, read with a token request's client (issue 17).

Every case change asks the outbox whom to tell (``webhooks.services.webhook_events_record``);
most installations have no active subscription most of the time, and asking cost an intake a
round trip of its own. The token authentication's client look-up now carries the answer as a
request stamp (``infonavit_atencion.core.request_stamps``), like the catalog fingerprint: a
subscription committed before a request started is seen by it (the very next intake), a stamp
never outlives its request, and outside token requests the outbox asks the database as before.

Registered when the app starts (``webhooks.apps``): nothing here imports a model.
"""

from __future__ import annotations

from infonavit_atencion.core.request_stamps import stamp_register

STAMP = "webhooks"
SOME = "some"
NONE = "none"
# The table is the subscriptions' (webhooks.WebhookSubscription); a fixed name, no request data.
ANY_ACTIVE_SQL = "SELECT 1 FROM webhooks_webhooksubscription WHERE active LIMIT 1"


def _stamp_sql() -> str:
    return f"SELECT CASE WHEN EXISTS ({ANY_ACTIVE_SQL}) THEN '{SOME}' ELSE '{NONE}' END"


def subscription_stamp_register() -> None:
    """Let the token authentication read "anything subscribed?" with the client (app start)."""
    # Only a request that may write changes cases; a GET does not pay for the subquery.
    stamp_register(STAMP, _stamp_sql, writes_only=True)
