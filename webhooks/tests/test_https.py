"""HTTPS sending: the certificate is checked against the host name while the address is pinned."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from webhooks import delivery
from webhooks.delivery import http_post

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture
def tls_receiver(tmp_path: Path, settings: Any) -> Iterator[tuple[int, Path, list[str]]]:
    """A local HTTPS server with a fresh self-signed certificate for `localhost`."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = [
        *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
        *("-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"),
        *("-keyout", str(key), "-out", str(cert)),
    ]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - fixed command, test only
    hosts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            hosts.append(self.headers["Host"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.WEBHOOK_ALLOWED_HOSTS = ["localhost"]
    try:
        yield server.server_address[1], cert, hosts
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_an_untrusted_certificate_is_a_tls_failure(tls_receiver):
    port, _cert, hosts = tls_receiver

    result = http_post(f"https://localhost:{port}/x", b"{}", {})

    assert result.status_code is None
    assert result.error.startswith("Error de TLS")
    assert hosts == []


def test_a_trusted_certificate_for_the_host_name_is_accepted(tls_receiver, monkeypatch):
    port, cert, hosts = tls_receiver
    default_context = ssl.create_default_context

    def trusting() -> ssl.SSLContext:
        context = default_context()
        context.load_verify_locations(cert)
        return context

    monkeypatch.setattr(delivery.ssl, "create_default_context", trusting)

    result = http_post(f"https://localhost:{port}/x", b"{}", {})

    assert (result.status_code, result.error) == (204, "")
    assert hosts == [f"localhost:{port}"]  # connected to the pinned address, spoke to the name
