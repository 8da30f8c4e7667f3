"""A real `celery -A infonavit_atencion worker` reads a real mailbox (Dovecot) holding many
messages and is SIGKILLed in the middle of the pass: after a restart every message is stored
exactly once and the mailbox is read to the end (SPEC §10, §11; ADR 0017).

Runs against PostgreSQL and Redis (skipped on the embedded SQLite setup or without REDIS_URL)
and Dovecot (skipped without /usr/sbin/dovecot; `.ci/run` installs it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

if "postgresql" not in settings.DATABASES["default"]["ENGINE"] or not os.environ.get("REDIS_URL"):
    pytest.skip(
        "Real-worker tests need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); CI sets both.",
        allow_module_level=True,
    )

from django.db import connection

from inbound.models import InboundMessage, InboundMessageEvent
from inbound.tasks import read_mailbox
from tests.support.mail_servers import ImapServer

from .support import Worker, _wait_for_other_sessions_to_leave, database_url, publishing_to

pytestmark = [pytest.mark.services, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MESSAGES = 400
# Killed once this many are stored: well inside the pass, whose end is asserted not yet reached.
KILL_AFTER = 40


class MailWorker(Worker):
    """The README's command line (no -Q: it consumes the `inbound` queue with the others)."""

    def command(self) -> list[str]:
        celery = str(Path(sys.executable).with_name("celery"))
        return [celery, "-A", "infonavit_atencion", "worker", "-n", self.nodename]


def _raw(n: int) -> bytes:
    return (
        f"From: Ciudadano {n} <ciudadano{n}@example.com>\r\n"
        "To: atencion@atencion.example.mx\r\n"
        f"Subject: Consulta {n}\r\n"
        f"Message-ID: <carga-{n}@correo.example.com>\r\n"
        "Date: Mon, 07 Dec 2026 10:00:00 -0600\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Consulta número {n} sobre mi crédito.\r\n"
    ).encode()


@pytest.fixture(scope="module")
def mail_worker(  # type: ignore[no-untyped-def]
    django_db_setup, django_db_blocker, tmp_path_factory, imap_server: ImapServer
) -> Iterator[MailWorker]:
    broker = os.environ["REDIS_URL"]
    env = {
        **os.environ,
        **imap_server.environ(),
        "DJANGO_SETTINGS_MODULE": "infonavit_atencion.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": broker,
        "INBOUND_BATCH_SIZE": str(MESSAGES),
        "PYTHONUNBUFFERED": "1",
    }
    worker = MailWorker(env, tmp_path_factory.mktemp("mail-worker"))
    with publishing_to(broker):
        try:
            yield worker
        finally:
            worker.stop()
            _wait_for_other_sessions_to_leave(django_db_blocker)


def test_a_worker_killed_while_reading_loses_and_duplicates_nothing(
    mail_worker: MailWorker, imap_server: ImapServer, wait_for
):  # type: ignore[no-untyped-def]
    imap_server.empty()
    client = imap_server.client()
    try:
        for n in range(MESSAGES):
            assert client.append("INBOX", None, None, _raw(n))[0] == "OK"
    finally:
        client.logout()
    assert len(imap_server.uids("UNSEEN")) == MESSAGES

    mail_worker.start()
    read_mailbox.delay()
    wait_for(
        lambda: InboundMessage.objects.count() >= KILL_AFTER,
        what="the worker to store the first messages",
        details=mail_worker.tail,
    )
    mail_worker.kill()
    stored_at_kill = InboundMessage.objects.count()
    assert stored_at_kill < MESSAGES, "the pass ended before the kill: nothing was tested"

    mail_worker.start()
    read_mailbox.delay()
    wait_for(
        lambda: not imap_server.uids("UNSEEN"),
        timeout=120,
        what="the restarted worker to read the whole mailbox",
        details=mail_worker.tail,
    )

    ids = list(InboundMessage.objects.values_list("message_id", flat=True))
    assert sorted(ids) == sorted(f"<carga-{n}@correo.example.com>" for n in range(MESSAGES))
    assert set(InboundMessage.objects.values_list("status", flat=True)) == {"pending"}
    stored_events = InboundMessageEvent.objects.filter(kind="stored")
    assert stored_events.count() == MESSAGES
    assert stored_events.values("message").distinct().count() == MESSAGES
    assert len(imap_server.uids("SEEN")) == MESSAGES
