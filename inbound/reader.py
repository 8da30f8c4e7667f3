"""The mailbox reader (SPEC §11): IMAP, one pass every INBOUND_POLL_SECONDS.

Each unseen message is fetched without marking it (BODY.PEEK), stored and settled in its own
transaction (`inbound_message_store`), and only after that commit flagged \\Seen. A crash in
between leaves it unseen: the next pass reads it again and the unique Message-ID skips it, then
flags it. One reader at a time: a PostgreSQL advisory lock held by the reading session (the
server drops it with the session if the worker is killed); the embedded SQLite mode has a
single process and a process lock.
"""

from __future__ import annotations

import datetime as dt
import imaplib
import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from .services import inbound_message_store

logger = logging.getLogger(__name__)

LOCK_KEY = 0x1B0C_4D41  # this project's advisory lock id for the mailbox
IMAP_TIMEOUT_SECONDS = 30
INTERNALDATE_RE = re.compile(rb'INTERNALDATE "([^"]+)"')
_process_lock = threading.Lock()


@dataclass
class PassResult:
    stored: int = 0
    already: int = 0
    failed: int = 0
    locked_out: bool = False


@contextmanager
def mailbox_lock() -> Iterator[bool]:
    """True when this process may read the mailbox now; False when another reader is at it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            got = bool(cursor.fetchone()[0])
        try:
            yield got
        finally:
            if got:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        return
    got = _process_lock.acquire(blocking=False)
    try:
        yield got
    finally:
        if got:
            _process_lock.release()


def _connect() -> imaplib.IMAP4:
    host, port = settings.INBOUND_IMAP_HOST, settings.INBOUND_IMAP_PORT
    client: imaplib.IMAP4
    if settings.INBOUND_IMAP_SSL:
        client = imaplib.IMAP4_SSL(host, port, timeout=IMAP_TIMEOUT_SECONDS)
    else:
        client = imaplib.IMAP4(host, port, timeout=IMAP_TIMEOUT_SECONDS)
    client.login(settings.INBOUND_IMAP_USER, settings.INBOUND_IMAP_PASSWORD)
    status, _data = client.select(_quoted(settings.INBOUND_IMAP_FOLDER))
    if status != "OK":
        client.logout()
        raise imaplib.IMAP4.error("folder not selectable")
    return client


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _arrival(meta: bytes) -> dt.datetime | None:
    match = INTERNALDATE_RE.search(meta)
    if not match:
        return None
    try:
        return dt.datetime.strptime(match[1].decode().strip(), "%d-%b-%Y %H:%M:%S %z")
    except ValueError:
        return None


def _fetch(client: imaplib.IMAP4, uid: str) -> tuple[bytes, dt.datetime | None] | None:
    status, data = client.uid("FETCH", uid, "(INTERNALDATE BODY.PEEK[])")
    if status != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1], _arrival(item[0])
    return None  # expunged meanwhile


def _unseen(client: imaplib.IMAP4, limit: int) -> list[str]:
    status, data = client.uid("SEARCH", "UNSEEN")
    if status != "OK" or not data or not data[0]:
        return []
    return [uid.decode() for uid in data[0].split()[:limit]]


def _read_one(
    client: imaplib.IMAP4, uid: str, clock: Callable[[], dt.datetime], result: PassResult
) -> None:
    fetched = _fetch(client, uid)
    if fetched is None:
        return
    raw, arrived = fetched
    try:
        stored = inbound_message_store(raw, arrived, clock())
    except Exception:  # left unseen: read again next pass; the others go on
        logger.exception("inbound: message uid %s could not be stored", uid)
        result.failed += 1
        return
    if stored is None:
        result.already += 1
    else:
        result.stored += 1
    client.uid("STORE", uid, "+FLAGS", "(\\Seen)")  # only after the commit


def mailbox_read(clock: Callable[[], dt.datetime]) -> PassResult:
    """One pass over the unseen messages (at most INBOUND_BATCH_SIZE); nothing to do without
    INBOUND_IMAP_HOST."""
    result = PassResult()
    if not settings.INBOUND_IMAP_HOST:
        return result
    with mailbox_lock() as got:
        if not got:
            result.locked_out = True
            return result
        client = _connect()
        try:
            for uid in _unseen(client, settings.INBOUND_BATCH_SIZE):
                _read_one(client, uid, clock, result)
        finally:
            with suppress(imaplib.IMAP4.error, OSError):
                client.logout()
    logger.info(
        "inbound: %s stored, %s already stored, %s failed",
        result.stored,
        result.already,
        result.failed,
    )
    return result
