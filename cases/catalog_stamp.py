"""The catalog's fingerprint as a request stamp (``core.request_stamps``; ``cases.catalog_cache``).

Registered when the app starts (``cases.apps``), before the models can be read: the query is
built by ``cases.catalog_cache``, which needs them, and is looked up by its dotted path when the
first token request asks for it. Nothing here imports a model.
"""

from __future__ import annotations

from django.utils.module_loading import import_string

from infonavit_atencion.core.request_stamps import stamp_register

STAMP = "catalog"
FINGERPRINT_SQL = "cases.catalog_cache.fingerprint_sql"


def _fingerprint_sql() -> str:
    return import_string(FINGERPRINT_SQL)()


def catalog_stamp_register() -> None:
    """Let the token authentication read the fingerprint with the client (app start-up)."""
    stamp_register(STAMP, _fingerprint_sql)
