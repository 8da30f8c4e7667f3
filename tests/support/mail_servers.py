"""Real mail servers for the inbound e-mail tests (and any test that needs them):

- `ImapServer`: Debian's Dovecot (`apt-get install dovecot-imapd`, done by `.ci/run`) started
  in the foreground on a free port of 127.0.0.1, with a configuration, a passwd-file user and a
  maildir in a temporary directory: no TLS (`INBOUND_IMAP_SSL=false`), plain authentication.
  Dovecot refuses mail access as root, so under root the mailbox belongs to the `dovecot` user
  (else `nobody`); otherwise to the current user. Without /usr/sbin/dovecot the tests that use
  it are skipped, saying so (`requires_dovecot`).
- `SmtpServer`: aiosmtpd on a free port. `deliver_to=` an `ImapServer` makes it a delivery
  agent: each message it accepts is appended to the mailbox by IMAP APPEND, with the
  `Return-Path` and `Delivered-To` lines an MTA adds, so "delivered by SMTP" is real. Without
  it the server is a sink that keeps what it receives (`received`) for outbound-mail tests.
"""

from __future__ import annotations

import contextlib
import getpass
import grp
import imaplib
import os
import pwd
import shutil
import smtplib
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

DOVECOT = Path("/usr/sbin/dovecot")
requires_dovecot = pytest.mark.skipif(
    not DOVECOT.exists(),
    reason="Dovecot is not installed at /usr/sbin/dovecot (apt-get install dovecot-imapd)",
)
USER = "buzon"
PASSWORD = "contrasena-de-prueba"  # a throw-away test mailbox


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _system_user(*names: str) -> pwd.struct_passwd:
    for name in names:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    return pwd.getpwnam("nobody")


def _users() -> tuple[pwd.struct_passwd, str, str]:
    """The mailbox owner, and Dovecot's login and internal users."""
    if os.geteuid() == 0:
        owner = _system_user("dovecot")
        return owner, _system_user("dovenull").pw_name, owner.pw_name
    me = pwd.getpwnam(getpass.getuser())
    return me, me.pw_name, me.pw_name


CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = 1
first_valid_gid = 1
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home/%u
}}
"""


@dataclass
class ImapServer:
    base: Path
    port: int
    host: str = "127.0.0.1"
    user: str = USER
    password: str = PASSWORD
    proc: subprocess.Popen | None = None

    @classmethod
    def start(cls) -> ImapServer:
        # Not under pytest's 0700 temporary directories: Dovecot's unprivileged processes
        # must reach their sockets in base_dir.
        base = Path(tempfile.mkdtemp(prefix="atencion-dovecot-"))
        base.chmod(0o755)
        owner, login_user, internal_user = _users()
        home = base / "home"
        home.mkdir()
        os.chown(home, owner.pw_uid, owner.pw_gid)
        (base / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        server = cls(base=base, port=free_port())
        (base / "dovecot.conf").write_text(
            CONFIG.format(
                base=base,
                port=server.port,
                login_user=login_user,
                internal_user=internal_user,
                internal_group=grp.getgrgid(pwd.getpwnam(internal_user).pw_gid).gr_name,
                uid=owner.pw_uid,
                gid=owner.pw_gid,
            )
        )
        server.proc = subprocess.Popen(  # noqa: S603 - fixed command line
            [str(DOVECOT), "-F", "-c", str(base / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server._wait_ready()
        return server

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 15
        while True:
            try:
                self.client().logout()
                return
            except (OSError, imaplib.IMAP4.error):
                if self.proc is not None and self.proc.poll() is not None:
                    raise AssertionError(f"Dovecot exited:\n{self.log()}") from None
                if time.monotonic() > deadline:
                    raise AssertionError(f"Dovecot did not start:\n{self.log()}") from None
                time.sleep(0.1)

    def log(self) -> str:
        path = self.base / "dovecot.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(self.user, self.password)
        client.select("INBOX")
        return client

    def append(self, raw: bytes) -> None:
        client = self.client()
        try:
            status, _data = client.append("INBOX", None, None, raw)
            assert status == "OK", status
        finally:
            client.logout()

    def uids(self, criterion: str = "ALL") -> list[int]:
        client = self.client()
        try:
            _status, data = client.uid("SEARCH", criterion)
        finally:
            client.logout()
        return [int(uid) for uid in data[0].split()] if data and data[0] else []

    def empty(self) -> None:
        client = self.client()
        try:
            client.uid("STORE", "1:*", "+FLAGS", "(\\Deleted)")
            client.expunge()
        finally:
            client.logout()

    def settings(self) -> dict[str, Any]:
        """The INBOUND_IMAP_* settings that point the reader at this mailbox."""
        return {
            "INBOUND_IMAP_HOST": self.host,
            "INBOUND_IMAP_PORT": self.port,
            "INBOUND_IMAP_SSL": False,
            "INBOUND_IMAP_USER": self.user,
            "INBOUND_IMAP_PASSWORD": self.password,
            "INBOUND_IMAP_FOLDER": "INBOX",
        }

    def environ(self) -> dict[str, str]:
        """The same, as a worker process's environment."""
        return {
            key: str(value).lower() if isinstance(value, bool) else str(value)
            for key, value in self.settings().items()
        }

    def stop(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, 15)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, 9)
            self.proc = None
        shutil.rmtree(self.base, ignore_errors=True)


@dataclass
class _Handler:
    deliver_to: ImapServer | None
    received: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        if self.deliver_to is None:
            message = message_from_bytes(content, policy=policy.default)
            assert isinstance(message, EmailMessage)
            self.received.append(message)
            return "250 OK"
        sender = envelope.mail_from or ""
        for rcpt in envelope.rcpt_tos:
            trace = f"Return-Path: <{sender}>\r\nDelivered-To: {rcpt}\r\n".encode()
            self.deliver_to.append(trace + content)
        return "250 OK"


class SmtpServer:
    def __init__(self, deliver_to: ImapServer | None = None) -> None:
        self.handler = _Handler(deliver_to)
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def received(self) -> list[EmailMessage]:
        return self.handler.received

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def send(self, raw: bytes, sender: str, recipients: list[str]) -> None:
        """Deliver a message through this server, as another mail server would."""
        with smtplib.SMTP("127.0.0.1", self.port, timeout=10) as client:
            client.sendmail(sender, recipients, raw)


# --- Fixtures (import them into a conftest.py or a test module) -------------------------------


@pytest.fixture(scope="module")
def imap_server() -> Iterator[ImapServer]:
    """A Dovecot mailbox for the module; skipped without Dovecot."""
    if not DOVECOT.exists():
        pytest.skip("Dovecot is not installed at /usr/sbin/dovecot (apt-get install dovecot-imapd)")
    server = ImapServer.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mailbox(imap_server: ImapServer) -> ImapServer:
    """The module's mailbox, emptied for the test."""
    imap_server.empty()
    return imap_server


@pytest.fixture
def smtp_to_mailbox(mailbox: ImapServer) -> Iterator[SmtpServer]:
    """An SMTP server that delivers every message it accepts into `mailbox`."""
    server = SmtpServer(deliver_to=mailbox).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpServer]:
    """An SMTP server that keeps what it receives (`received`)."""
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()
