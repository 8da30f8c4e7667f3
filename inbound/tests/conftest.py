import pytest

from tests.support.mail_servers import (  # noqa: F401 - fixtures for the reader tests
    imap_server,
    mailbox,
    smtp_sink,
    smtp_to_mailbox,
)

from .support import FROM, REPLY


@pytest.fixture(autouse=True)
def _mail_settings(settings):  # type: ignore[no-untyped-def]
    settings.DEFAULT_FROM_EMAIL = FROM
    settings.INBOUND_REPLY_ADDRESS = REPLY
    settings.INBOUND_IMAP_USER = "atencion@atencion.example.mx"
    settings.INBOUND_SENDER_LIMIT_PER_HOUR = 20
